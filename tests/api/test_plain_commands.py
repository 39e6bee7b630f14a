"""``POST /v1/data-uses`` through the plain lane answers exactly as FastAPI's route does
(api/plain_commands.py), on SQLite and PostgreSQL.

Every request is sent twice, to the app as shipped and to the same app over the same ledger
with the lane taken out: the status, the headers and the body (less what differs between
two recordings: the use's id, its position and when it was recorded) must be the same,
for a use recorded, marked, replayed and refused in each way a portal can get wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

import api.plain_commands
from api.app import create_app
from api.plain_commands import PlainCommandLane, bearer_token
from domain.ledger import Ledger
from tests.api import test_data_uses_api
from tests.api.test_data_uses_api import use_body
from tests.support.portal import Portal, auth

PATH = "/v1/data-uses"
# What two recordings of the same use differ in, and nothing else may.
PER_RECORDING = {"id", "position", "recorded_at"}
HEADERS_COMPARED = ("content-type", "etag", "www-authenticate", "retry-after")


# The data-use tests' departments, principals and grant (SCGL's, on ZYKF's resource).
portal = test_data_uses_api.portal
grant = test_data_uses_api.grant


@pytest.fixture
def route_only(ledger: Ledger, database_url: str) -> Iterator[TestClient]:
    """The app as shipped, less the lane: every request goes to FastAPI's route."""
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    app = create_app(ledger, backend=backend, run_projections=False)
    app.user_middleware = [m for m in app.user_middleware if m.cls is not PlainCommandLane]
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the lane answered each request it saw itself (True) or left it to the route."""
    seen: list[bool] = []
    answer = api.plain_commands.answer

    def noting(*args: Any) -> Any:
        response = answer(*args)
        seen.append(response is not None)
        return response

    monkeypatch.setattr(api.plain_commands, "answer", noting)
    return seen


def both(
    lane: TestClient, route: TestClient, body: Any, headers: dict[str, str]
) -> tuple[Response, Response]:
    send: dict[str, Any] = {"content": body} if isinstance(body, bytes) else {"json": body}
    return lane.post(PATH, headers=headers, **send), route.post(PATH, headers=headers, **send)


def assert_same(by_lane: Response, by_route: Response) -> None:
    assert by_lane.status_code == by_route.status_code, (by_lane.text, by_route.text)
    for header in HEADERS_COMPARED:
        if header == "etag" or by_lane.status_code >= 400:
            assert by_lane.headers.get(header) == by_route.headers.get(header), header
    assert by_lane.headers["content-type"] == by_route.headers["content-type"]
    lane_body, route_body = by_lane.json(), by_route.json()
    if by_lane.status_code < 300:
        assert PER_RECORDING <= lane_body.keys()
        lane_body = {k: v for k, v in lane_body.items() if k not in PER_RECORDING}
        route_body = {k: v for k, v in route_body.items() if k not in PER_RECORDING}
    assert lane_body == route_body


def test_a_use_is_recorded_and_answered_as_the_route_does__art36(
    portal: Portal, route_only: TestClient, grant: tuple[str, str], taken: list[bool]
) -> None:
    # Art. 36: a use within its grant, recorded with no mark.
    resource_id, request_id = grant
    token = portal.tokens["高远"]
    by_lane, by_route = both(
        portal.client, route_only, use_body(resource_id, request_id), auth(token)
    )
    assert by_lane.status_code == 201
    assert by_lane.json()["marks"] == []
    assert_same(by_lane, by_route)
    assert taken == [True]
    # Both were recorded: two uses, each its own stream (Art. 36).
    first, second = by_lane.json()["id"], by_route.json()["id"]
    assert first != second
    for use_id in (first, second):
        assert portal.get(token, f"{PATH}/{use_id}").status_code == 200


def test_a_use_breaking_the_rules_is_marked_as_the_route_marks_it__art26_art32(
    portal: Portal, route_only: TestClient, grant: tuple[str, str], taken: list[bool]
) -> None:
    # Art. 26: beyond the granted scope; Art. 32: to a third party without consent.
    resource_id, request_id = grant
    body = use_body(resource_id, request_id, data_content="身份证号", recipient="某公司")
    by_lane, by_route = both(portal.client, route_only, body, auth(portal.tokens["高远"]))
    assert by_lane.status_code == 201
    assert by_lane.json()["marks"]
    assert_same(by_lane, by_route)
    assert taken == [True]


def test_a_retry_replays_the_first_answer_on_either_path(
    portal: Portal, route_only: TestClient, grant: tuple[str, str]
) -> None:
    # A retry under the same Idempotency-Key gets the first answer and records nothing; the
    # lane's first answer is replayed by the route, and the route's refuses another body.
    resource_id, request_id = grant
    headers = {**auth(portal.tokens["高远"]), "Idempotency-Key": "log-0001"}
    body = use_body(resource_id, request_id)
    first = portal.client.post(PATH, json=body, headers=headers)
    assert first.status_code == 201
    before = portal.ledger.recorder.max_notification_id()
    for client in (route_only, portal.client):
        again = client.post(PATH, json=body, headers=headers)
        assert again.status_code == 200
        assert again.json() == first.json()
    assert portal.ledger.recorder.max_notification_id() == before
    other = use_body(resource_id, request_id, purpose="另一用途")
    assert_same(*both(portal.client, route_only, other, headers))


@pytest.mark.parametrize(
    ("case", "english"),
    [
        ("own resource", False),  # Art. 36: one's own data is not shared data
        ("own resource", True),
        ("no token", False),
        ("unknown token", False),
        ("office", False),  # the office does not use data (role check)
        ("no purpose", False),  # Art. 36: the purpose is required
        ("no purpose", True),
        ("not JSON", False),
        ("text body", False),
        ("long key", False),
    ],
)
def test_a_refusal_is_worded_as_the_route_words_it(
    portal: Portal,
    route_only: TestClient,
    grant: tuple[str, str],
    taken: list[bool],
    case: str,
    english: bool,
) -> None:
    resource_id, request_id = grant
    body: Any = use_body(resource_id, request_id)
    headers = auth(portal.tokens["高远"])
    if case == "own resource":
        headers = auth(portal.tokens["孙悦"])  # ZYKF, the resource's own department
    elif case == "no token":
        headers = {}
    elif case == "unknown token":
        headers = auth("not-a-token")
    elif case == "office":
        headers = auth(portal.tokens["李静"])
    elif case == "no purpose":
        body.pop("purpose")
    elif case == "not JSON":
        body = b'{"purpose": '
    elif case == "text body":
        body = b"purpose=x"
        headers = {**headers, "Content-Type": "text/plain"}
    elif case == "long key":
        headers = {**headers, "Idempotency-Key": "k" * 201}
    if english:
        headers = {**headers, "Accept-Language": "en"}
    before = portal.ledger.recorder.max_notification_id()
    by_lane, by_route = both(portal.client, route_only, body, headers)
    assert by_lane.status_code in (401, 403, 422)
    assert by_lane.headers["content-type"].startswith("application/problem+json")
    assert_same(by_lane, by_route)
    assert portal.ledger.recorder.max_notification_id() == before  # nothing recorded
    # The ledger's own refusals are the lane's to answer; the rest the route answers.
    assert taken == [case in ("own resource", "long key")]


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer abc", "abc"),
        ("BEARER a b ", "a b"),
        ("Basic abc", None),
        ("Bearer", None),
        ("Bearer ", None),
        ("", None),
        (None, None),
    ],
)
def test_the_token_is_read_as_the_routes_security_scheme_reads_it(
    header: str | None, token: str | None
) -> None:
    assert bearer_token(header) == token
