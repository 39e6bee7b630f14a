"""Lists of every kind over HTTP, on SQLite and PostgreSQL, read from the log and from the
forensic read model: filters, cursor paging, the instant, and the visibility of one object.

ZYKF provides the data; SCGL and CYFZ ask for it; BGS holds the office and the auditor.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.read_models import caught_up_to
from domain.ledger import Ledger
from tests.conftest import _backend
from tests.support.portal import Portal, created

CATALOGED = "2025-09-01T09:00:00+08:00"
ASKED = "2025-09-26T10:00:00+08:00"
LATER = "2025-10-09T10:00:00+08:00"
AT = "2025-10-20T12:00:00+08:00"


@pytest.fixture(params=["log", "read model"])
def lists_client(
    request: pytest.FixtureRequest, ledger: Ledger, database_url: str
) -> Iterator[TestClient]:
    """The API answering lists from the log alone, or with the forensic read model live."""
    live = request.param == "read model"
    app = create_app(ledger, backend=_backend(database_url), run_projections=live)
    with TestClient(app) as test_client:
        test_client.app_state = app.state  # type: ignore[attr-defined]
        test_client.live = live  # type: ignore[attr-defined]
        yield test_client


@pytest.fixture
def portal(lists_client: TestClient, ledger: Ledger) -> Portal:
    portal = Portal(lists_client, ledger)
    portal.department("BGS", "办公室")
    portal.department("ZYKF", "资源开发处")
    portal.department("SCGL", "市场管理处")
    portal.department("CYFZ", "产业发展处")
    portal.principal("李静", "BGS", "office")
    portal.principal("审计员", "BGS", "auditor")
    portal.principal("孙悦", "ZYKF", "department")
    portal.principal("高远", "SCGL", "department")
    portal.principal("吴昊", "CYFZ", "department")
    return portal


@pytest.fixture
def requests_made(portal: Portal) -> dict[str, list[str]]:
    """SCGL asks three times and CYFZ once; ZYKF approves SCGL's first; SCGL uses it."""
    resource_id = portal.in_catalog(
        portal.tokens["孙悦"], portal.tokens["李静"], "ZYKF", occurred_at=CATALOGED
    )
    scgl = [ask(portal, "高远", resource_id, ASKED) for _ in range(3)]
    cyfz = [ask(portal, "吴昊", resource_id, LATER)]
    reply = {
        "decision": "approve",
        "granted_scope": "名称、等级、地址",
        "granted_uses": ["行业监管"],
        "occurred_at": "2025-09-29T10:00:00+08:00",
    }
    created(portal.post(portal.tokens["孙悦"], f"/v1/share-requests/{scgl[0]}/reply", reply))
    use = {
        "share_request_id": scgl[0],
        "resource_id": resource_id,
        "purpose": "行业监管",
        "user_person": "何佳",
        "approver": "林国栋",
        "data_content": "名称、等级",
        "obtained_at": "2025-10-10T09:30:00+08:00",
        "method": "api",
        "medium": "network",
        "occurred_at": "2025-10-10T09:30:00+08:00",
    }
    uses = [str(created(portal.post(portal.tokens["高远"], "/v1/data-uses", use))["id"])]
    caught_up(portal)
    return {"SCGL": scgl, "CYFZ": cyfz, "uses": uses, "resource": [resource_id]}


def ask(portal: Portal, who: str, resource_id: str, when: str) -> str:
    answer = portal.request_share(portal.tokens[who], resource_id, occurred_at=when)
    return str(created(answer)["id"])


def caught_up(portal: Portal) -> None:
    """With the read model live, wait until it holds every event: the list reads it alone."""
    client: Any = portal.client
    if not client.live:
        return
    view = client.app_state.forensic_view
    head = portal.position()
    for _ in range(200):
        if caught_up_to(view) >= head:
            return
        __import__("time").sleep(0.05)
    pytest.fail("the forensic read model did not catch up")


def listed(portal: Portal, who: str, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every page of a list, following next_cursor."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        answer = portal.get(portal.tokens[who], path, **query)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


def test_a_department_lists_the_requests_it_is_a_party_to_and_overseers_all(
    portal: Portal, requests_made: dict[str, list[str]]
) -> None:
    # DOMAIN.md roles: a department reads its own objects and those it is a party to.
    every = requests_made["SCGL"] + requests_made["CYFZ"]
    assert ids(listed(portal, "审计员", "/v1/share-requests", at=AT)) == every
    assert ids(listed(portal, "孙悦", "/v1/share-requests", at=AT)) == every  # the provider
    assert ids(listed(portal, "高远", "/v1/share-requests", at=AT)) == requests_made["SCGL"]
    assert ids(listed(portal, "吴昊", "/v1/share-requests", at=AT)) == requests_made["CYFZ"]
    # Asking about another department's requests shows only those one may read anyway.
    assert listed(portal, "吴昊", "/v1/share-requests", at=AT, department="SCGL") == []


def test_the_list_shows_exactly_what_reading_one_object_shows(
    portal: Portal, requests_made: dict[str, list[str]]
) -> None:
    # One rule for reading one and listing many: each item's href opens it; what is not
    # listed for a department is not found by it either (404, as if it did not exist).
    mine = listed(portal, "吴昊", "/v1/share-requests", at=AT)
    for item in mine:
        one = portal.client.get(
            item["href"], headers={"Authorization": f"Bearer {portal.tokens['吴昊']}"}
        )
        assert one.status_code == 200 and one.json()["id"] == item["id"]
        assert one.json()["status"] == item["status"]
    hidden = requests_made["SCGL"][0]
    assert portal.get(portal.tokens["吴昊"], f"/v1/share-requests/{hidden}").status_code == 404


def test_a_providers_inbox_and_a_requesters_outbox__art26(
    portal: Portal, requests_made: dict[str, list[str]]
) -> None:
    # Art. 26: the provider answers conditional requests; pending ones await its reply.
    inbox = listed(portal, "孙悦", "/v1/share-requests", at=AT, role="provider", status="pending")
    assert ids(inbox) == requests_made["SCGL"][1:] + requests_made["CYFZ"]
    assert {item["status_label"] for item in inbox} == {"待答复"}
    outbox = listed(portal, "高远", "/v1/share-requests", at=AT, role="requester")
    assert ids(outbox) == requests_made["SCGL"]
    assert [item["status"] for item in outbox] == ["granted", "pending", "pending"]
    assert listed(portal, "高远", "/v1/share-requests", at=AT, role="provider") == []
    by_office = listed(
        portal, "李静", "/v1/share-requests", at=AT, role="requester", department="CYFZ"
    )
    assert ids(by_office) == requests_made["CYFZ"]


def test_pages_follow_the_cursor_at_the_instant_of_the_first_page(
    portal: Portal, requests_made: dict[str, list[str]]
) -> None:
    every = requests_made["SCGL"] + requests_made["CYFZ"]
    first = portal.get(portal.tokens["审计员"], "/v1/share-requests", limit=3).json()
    assert ids(first["items"]) == every[:3] and first["next_cursor"]
    # A request made after the first page was read is not on the next: the cursor keeps
    # the instant the first page was read at.
    ask(portal, "吴昊", requests_made["resource"][0], LATER)
    rest = portal.get(portal.tokens["审计员"], "/v1/share-requests", cursor=first["next_cursor"])
    assert ids(rest.json()["items"]) == every[3:] and rest.json()["next_cursor"] is None
    assert len(listed(portal, "审计员", "/v1/share-requests")) == len(every) + 1


def test_a_list_at_an_instant_shows_what_existed_then_as_known_then(
    portal: Portal, requests_made: dict[str, list[str]]
) -> None:
    before_cyfz = "2025-10-01T12:00:00+08:00"
    assert (
        ids(listed(portal, "审计员", "/v1/share-requests", at=before_cyfz)) == requests_made["SCGL"]
    )
    # Before SCGL's request was approved it was pending.
    early = listed(portal, "审计员", "/v1/share-requests", at="2025-09-28T12:00:00+08:00")
    assert [item["status"] for item in early] == ["pending"] * 3
    # Known at an instant before anything was recorded: nothing.
    assert listed(portal, "审计员", "/v1/share-requests", known_at="2020-01-01T00:00:00Z") == []


def test_data_uses_are_listed_for_both_parties_with_their_marks__art36(
    portal: Portal, requests_made: dict[str, list[str]]
) -> None:
    assert ids(listed(portal, "高远", "/v1/data-uses", at=AT)) == requests_made["uses"]
    assert ids(listed(portal, "孙悦", "/v1/data-uses", at=AT)) == requests_made["uses"]
    assert listed(portal, "吴昊", "/v1/data-uses", at=AT) == []
    [use] = listed(portal, "审计员", "/v1/data-uses", at=AT, status="clean")
    assert (use["department"], use["provider"], use["marks"]) == ("SCGL", "ZYKF", [])
    assert listed(portal, "审计员", "/v1/data-uses", at=AT, status="marked") == []


def test_departments_are_listed_for_every_reader_with_names_and_kind(
    portal: Portal, requests_made: dict[str, list[str]]
) -> None:
    departments = listed(portal, "吴昊", "/v1/departments")
    assert [(d["code"], d["name"], d["kind_label"]) for d in departments] == [
        ("BGS", "办公室", "处室"),
        ("ZYKF", "资源开发处", "处室"),
        ("SCGL", "市场管理处", "处室"),
        ("CYFZ", "产业发展处", "处室"),
    ]
    one = portal.client.get(
        departments[1]["href"], headers={"Authorization": f"Bearer {portal.tokens['吴昊']}"}
    )
    assert one.status_code == 200 and one.json()["code"] == "ZYKF"


def test_systems_verifications_aggregations_and_usage_reports_are_listed(
    portal: Portal, requests_made: dict[str, list[str]]
) -> None:
    system_id = portal.system(portal.tokens["孙悦"])
    body = {"resource_id": requests_made["resource"][0], "description": "等级与实际不符"}
    verification = created(portal.post(portal.tokens["高远"], "/v1/verification-requests", body))
    caught_up(portal)
    systems = listed(portal, "吴昊", "/v1/systems")  # Art. 19-20: known to every reader
    assert ids(systems) == [system_id] and systems[0]["status"] == "registered"
    assert listed(portal, "吴昊", "/v1/systems", status="connected") == []
    assert ids(listed(portal, "孙悦", "/v1/verification-requests", role="provider")) == [
        verification["id"]
    ]
    assert listed(portal, "吴昊", "/v1/verification-requests") == []
    assert listed(portal, "孙悦", "/v1/aggregations") == []
    assert listed(portal, "孙悦", "/v1/usage-reports") == []


def test_principals_are_listed_for_the_admin_only_and_never_with_their_token(
    portal: Portal, requests_made: dict[str, list[str]]
) -> None:
    answer = portal.get(portal.admin, "/v1/principals", department="SCGL")
    assert answer.status_code == 200, answer.text
    [principal] = answer.json()["items"]
    assert (principal["name"], principal["role"], principal["status"]) == (
        "高远",
        "department",
        "active",
    )
    assert "token" not in answer.text
    assert portal.get(portal.tokens["审计员"], "/v1/principals").status_code == 403
    assert portal.client.get("/v1/principals").status_code == 401


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/v1/share-requests", {"status": "approved"}, "status"),
        ("/v1/data-uses", {"status": "pending"}, "status"),
        ("/v1/share-requests", {"role": "provider"}, "department"),
        ("/v1/share-requests", {"cursor": "not-a-cursor"}, "cursor"),
        ("/v1/share-requests", {"limit": 0}, "limit"),
    ],
)
def test_a_bad_filter_is_refused_naming_it(
    portal: Portal, path: str, params: dict[str, Any], field: str
) -> None:
    answer = portal.get(portal.tokens["审计员"], path, **params)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert field in answer.text
