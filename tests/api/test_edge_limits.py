"""The edge refuses what must never reach an append-only store, on SQLite and PostgreSQL.

Every refusal is an RFC 9457 problem naming the field, and records nothing: no control
character, no text or list past its bound, no body past its size, no instant or integer
outside what the ledger can hold, no min_position far past the head.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.limits import MAX_BODY_BYTES, MAX_INTEGER, MIN_POSITION_MARGIN
from domain.ledger import Ledger
from tests.api.test_data_uses_api import granted, resource, use_body
from tests.support.portal import (
    AUDITOR,
    OFFICE,
    SCGL_STAFF,
    ZYKF_STAFF,
    Portal,
    auth,
    created,
    resource_body,
)

PROBLEM = "application/problem+json"


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    return Portal(client, ledger).staffed(OFFICE, AUDITOR, ZYKF_STAFF, SCGL_STAFF)


def refused(answer: Any, status: int, field: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM)
    fields = [error["field"] for error in answer.json()["errors"]]
    assert field in fields, fields


def test_nul_in_a_data_use_is_refused_naming_the_field__art36(portal: Portal) -> None:
    # Art. 36: the user on a use record is a person's name; NUL is no part of one, and
    # PostgreSQL's read model could not hold it.
    resource_id = resource(portal)
    request_id = granted(portal, resource_id)
    before = portal.position()
    body = use_body(resource_id, request_id, user_person="nul\u0000person")
    refused(portal.post(portal.tokens["高远"], "/v1/data-uses", body), 422, "user_person")
    assert portal.position() == before


@pytest.mark.parametrize("character", ["\u0000", "\u0007", "\u001b", "\u007f"])
def test_control_characters_are_refused_at_any_depth(portal: Portal, character: str) -> None:
    before = portal.position()
    body = resource_body("ZYKF")
    body["data_items"] = [
        {"name": "景区名称", "type": "C"},
        {"name": f"等级{character}", "type": "C"},
    ]
    answer = portal.post(portal.tokens["孙悦"], "/v1/resources", body)
    refused(answer, 422, "data_items.1.name")
    assert portal.position() == before


def test_a_lone_surrogate_is_refused_naming_the_field(portal: Portal) -> None:
    before = portal.position()
    answer = portal.client.post(
        "/v1/departments/ZYKF/responsible-persons",
        content=b'{"responsible_person": "\\ud800"}',
        headers={**auth(portal.tokens["孙悦"]), "content-type": "application/json"},
    )
    refused(answer, 422, "responsible_person")
    assert portal.position() == before


def test_tab_and_newline_are_text(portal: Portal) -> None:
    body = resource_body("ZYKF", summary="第一行\n第二行\t附注")
    created(portal.post(portal.tokens["孙悦"], "/v1/resources", body))


def test_control_characters_in_query_and_path_are_refused(portal: Portal) -> None:
    token = portal.tokens["审计员"]
    refused(portal.get(token, "/v1/forensics/data-uses", person="a\u0000b"), 422, "person")
    answer = portal.client.get("/v1/forensics/actors/a%00b", headers=auth(token))
    refused(answer, 422, "path")


def test_a_body_past_the_size_limit_is_413_and_records_nothing(portal: Portal) -> None:
    # One 10 MB name used to be accepted and kept for ever.
    before = portal.position()
    body = {"responsible_person": "刘洪涛", "data_staff": ["x" * (MAX_BODY_BYTES + 1)]}
    answer = portal.post(portal.tokens["孙悦"], "/v1/departments/ZYKF/responsible-persons", body)
    refused(answer, 413, "body")
    assert portal.position() == before


def test_a_chunked_body_past_the_size_limit_is_413(portal: Portal) -> None:
    def chunks() -> Any:
        for _ in range(MAX_BODY_BYTES // 10_000 + 2):
            yield b" " * 10_000

    answer = portal.client.post(
        "/v1/departments/ZYKF/responsible-persons",
        content=chunks(),
        headers={**auth(portal.tokens["孙悦"]), "content-type": "application/json"},
    )
    refused(answer, 413, "body")


def test_lists_and_strings_have_per_field_bounds(portal: Portal) -> None:
    # Art. 38: 100,000 data staff used to be accepted; a department names at most 200.
    before = portal.position()
    path = "/v1/departments/ZYKF/responsible-persons"
    token = portal.tokens["孙悦"]
    many = {"responsible_person": "刘洪涛", "data_staff": [f"员{i}" for i in range(201)]}
    refused(portal.post(token, path, many), 422, "data_staff")
    long_name = {"responsible_person": "刘洪涛", "data_staff": ["名" * 101]}
    refused(portal.post(token, path, long_name), 422, "data_staff.0")
    body = resource_body("ZYKF", related_codes=[f"3/1{i:09d}" for i in range(101)])
    refused(portal.post(token, "/v1/resources", body), 422, "related_codes")
    submission = {"resource_ids": ["00000000-0000-0000-0000-000000000001"] * 501}
    refused(portal.post(token, "/v1/catalog-submissions", submission), 422, "resource_ids")
    assert portal.position() == before


def test_every_string_has_a_ceiling_whatever_its_field_declares(portal: Portal) -> None:
    body = resource_body(
        "ZYKF", share_conditions={"scope": "s" * 20_001, "content": "c", "uses": ["行业监管"]}
    )
    refused(
        portal.post(portal.tokens["孙悦"], "/v1/resources", body), 422, "share_conditions.scope"
    )


@pytest.mark.parametrize("instant", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z"])
def test_instants_at_the_ends_of_the_calendar_are_422_not_500(portal: Portal, instant: str) -> None:
    office, auditor = portal.tokens["李静"], portal.tokens["审计员"]
    for path in ("/v1/catalog", "/v1/deadlines", "/v1/supervision/violations"):
        refused(portal.get(office, path, at=instant), 422, "at")
        refused(portal.get(office, path, known_at=instant), 422, "known_at")
    for name in ("from", "to"):
        answer = portal.get(auditor, "/v1/forensics/data-uses", **{name: instant})
        refused(answer, 422, name)
    body = {"responsible_person": "刘洪涛", "occurred_at": instant}
    answer = portal.post(portal.tokens["孙悦"], "/v1/departments/ZYKF/responsible-persons", body)
    refused(answer, 422, "occurred_at")


def test_forensic_instants_without_a_zone_are_refused_as_everywhere(portal: Portal) -> None:
    # A time without a zone would be read in the server's zone; the other reports refuse it.
    auditor = portal.tokens["审计员"]
    refused(portal.get(auditor, "/v1/forensics/data-uses", at="2025-10-10T09:30:00"), 422, "at")
    answer = portal.get(auditor, "/v1/forensics/data-uses", **{"from": "2025-10-10T09:30:00"})
    refused(answer, 422, "from")


@pytest.mark.parametrize("value", ["²", "²³", "١", str(MAX_INTEGER + 1)])
def test_digits_that_are_not_ascii_or_past_64_bits_are_422(portal: Portal, value: str) -> None:
    token, auditor = portal.tokens["孙悦"], portal.tokens["审计员"]
    refused(portal.get(auditor, "/v1/ledger/checkpoints", cursor=value), 422, "cursor")
    created_resource = created(portal.post(token, "/v1/resources", resource_body("ZYKF")))
    path = f"/v1/resources/{created_resource['id']}/amendments"
    # A header's bytes as a client may send them: Latin-1 where it can, else UTF-8.
    try:
        raw = f'"{value}"'.encode("latin-1")
    except UnicodeEncodeError:
        raw = f'"{value}"'.encode()
    answer = portal.client.post(
        path,
        json={"name": "新名称"},
        headers={**auth(token), "If-Match": raw},  # type: ignore[dict-item]
    )
    refused(answer, 422, "If-Match")


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/v1/events", {"after": MAX_INTEGER + 1}, "after"),
        ("/v1/events", {"limit": MAX_INTEGER + 1}, "limit"),
        ("/v1/ledger/proofs/inclusion", {"position": MAX_INTEGER + 1}, "position"),
        ("/v1/ledger/proofs/inclusion", {"position": 1, "size": MAX_INTEGER + 1}, "size"),
        ("/v1/ledger/proofs/consistency", {"from": MAX_INTEGER + 1}, "from"),
        ("/v1/ledger/proofs/consistency", {"from": 1, "to": MAX_INTEGER + 1}, "to"),
        ("/v1/catalog", {"min_position": MAX_INTEGER + 1}, "min_position"),
    ],
)
def test_integers_past_64_bits_are_422_on_both_stores(
    portal: Portal, path: str, params: dict[str, Any], field: str
) -> None:
    refused(portal.get(portal.tokens["审计员"], path, **params), 422, field)


def test_a_forensic_cursor_whose_position_is_not_an_integer_is_422(portal: Portal) -> None:
    from api.pagination import encode_cursor
    from api.runtime import utc_now
    from replays.asof import Instant

    now = utc_now()
    for after in ("abc", "²", str(MAX_INTEGER + 1)):
        cursor = encode_cursor(Instant(now, now), after)
        answer = portal.get(portal.tokens["审计员"], "/v1/forensics/data-uses", cursor=cursor)
        refused(answer, 422, "cursor")


def test_min_position_far_past_the_head_is_422_at_once(portal: Portal) -> None:
    # It used to hold a worker thread for the whole wait (5 s) and then answer 503: a 422
    # is answered before any wait begins (a wait that ran out would be a 503).
    head = portal.position()
    answer = portal.get(portal.tokens["李静"], "/v1/catalog", min_position=10**12)
    refused(answer, 422, "min_position")
    answer = portal.get(portal.tokens["审计员"], "/v1/forensics/data-uses", min_position=10**12)
    refused(answer, 422, "min_position")
    # Within the margin it is still a wait for a write just acknowledged elsewhere.
    ok = portal.get(portal.tokens["李静"], "/v1/catalog", min_position=head)
    assert ok.status_code == 200
    assert MIN_POSITION_MARGIN >= 100


def test_malformed_json_names_the_body_not_a_byte_offset(portal: Portal) -> None:
    answer = portal.client.post(
        "/v1/departments/ZYKF/responsible-persons",
        content=b'{"responsible_person": ',
        headers={**auth(portal.tokens["孙悦"]), "content-type": "application/json"},
    )
    refused(answer, 422, "body")
    assert all(error["field"] == "body" for error in answer.json()["errors"])


def test_a_401_says_how_to_authenticate(portal: Portal) -> None:
    # RFC 9110 §11.6.1.
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        answer = portal.client.get("/v1/catalog", headers=headers)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"].startswith("Bearer")


def test_responsible_persons_honour_if_match__art38(portal: Portal) -> None:
    token = portal.tokens["孙悦"]
    path = "/v1/departments/ZYKF/responsible-persons"
    first = created(portal.post(token, path, {"responsible_person": "刘洪涛"}))
    version = first["version"]
    created(
        portal.post(token, path, {"responsible_person": "刘洪涛"}, **{"If-Match": f'"{version}"'})
    )
    before = portal.position()
    stale = portal.post(
        token, path, {"responsible_person": "陈志刚"}, **{"If-Match": f'"{version}"'}
    )
    assert stale.status_code == 412
    assert portal.position() == before


def test_an_idempotent_command_answers_its_own_position_not_its_receipts(portal: Portal) -> None:
    # A reader asking min_position=<answered> reads what the command did, with or without
    # an Idempotency-Key; the receipt is recorded after the command's events.
    token = portal.tokens["孙悦"]
    plain = created(portal.post(token, "/v1/resources", resource_body("ZYKF")))
    assert plain["position"] == portal.position()
    body = resource_body("ZYKF")
    keyed = created(portal.post(token, "/v1/resources", body, **{"Idempotency-Key": "k"}))
    assert keyed["position"] == portal.position() - 1
    recorder = portal.ledger.recorder
    [answered, receipt] = recorder.select_records(  # type: ignore[attr-defined]
        after=keyed["position"] - 1, limit=2
    )
    assert receipt.event.topic.endswith("CommandReceiptRecorded")
    assert not answered.event.topic.endswith("CommandReceiptRecorded")
    retry = portal.post(token, "/v1/resources", body, **{"Idempotency-Key": "k"})
    assert retry.status_code == 200 and retry.json()["position"] == keyed["position"]
