"""Data-use records over HTTP, on SQLite and PostgreSQL (Art. 25-28, 32, 36).

A use that breaks the rules is recorded and marked, never refused: it is the evidence
supervision needs (Art. 39(9), V09). Only malformed or unauthorised commands are refused.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from domain.data_uses import DataUseRecorded
from domain.ledger import Ledger
from tests.support.portal import Portal, created

CATALOGED = "2025-09-01T09:00:00+08:00"
ASKED = "2025-09-26T10:00:00+08:00"
APPROVED = "2025-09-29T10:00:00+08:00"
EXPIRES = "2025-12-31T00:00:00+08:00"


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    portal = Portal(client, ledger)
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


def resource(portal: Portal, **overrides: Any) -> str:
    return portal.in_catalog(
        portal.tokens["孙悦"], portal.tokens["李静"], "ZYKF", occurred_at=CATALOGED, **overrides
    )


def granted(portal: Portal, resource_id: str) -> str:
    """SCGL's request, approved for 行业监管 on 名称、等级、地址 until the end of 2025."""
    request = created(portal.request_share(portal.tokens["高远"], resource_id, occurred_at=ASKED))
    body = {
        "decision": "approve",
        "granted_scope": "名称、等级、地址",
        "granted_uses": ["行业监管"],
        "expires_at": EXPIRES,
        "occurred_at": APPROVED,
    }
    created(portal.post(portal.tokens["孙悦"], f"/v1/share-requests/{request['id']}/reply", body))
    return str(request["id"])


@pytest.fixture
def grant(portal: Portal) -> tuple[str, str]:
    resource_id = resource(portal)
    return resource_id, granted(portal, resource_id)


def use_body(resource_id: str, request_id: str | None, **overrides: Any) -> dict[str, Any]:
    body = {
        "share_request_id": request_id,
        "resource_id": resource_id,
        "purpose": "行业监管",
        "user_person": "何佳",
        "approver": "林国栋",
        "data_content": "名称、等级",
        "obtained_at": "2025-10-10T09:30:00+08:00",
        "method": "api",
        "medium": "network",
        **overrides,
    }
    return body


def use(portal: Portal, body: dict[str, Any], who: str = "高远") -> Response:
    return portal.post(portal.tokens[who], "/v1/data-uses", body)


def marks(portal: Portal, body: dict[str, Any], who: str = "高远") -> list[str]:
    return created(use(portal, body, who))["marks"]  # type: ignore[no-any-return]


def test_use_within_its_grant_is_recorded_without_marks__art36(
    portal: Portal, ledger: Ledger, grant: tuple[str, str]
) -> None:
    resource_id, request_id = grant
    answer = created(use(portal, use_body(resource_id, request_id)))
    assert answer["marks"] == [] and answer["version"] == 1
    state = portal.get(portal.tokens["高远"], f"/v1/data-uses/{answer['id']}").json()
    assert state["department"] == "SCGL" and state["provider"] == "ZYKF"
    assert (state["user_person"], state["approver"]) == ("何佳", "林国栋")
    assert (state["method_label"], state["medium_label"]) == ("接口", "网络")
    # Forensics reads the seven Art. 36 fields, the grant and the marks flat off the event.
    record = ledger.recorder.select_records(after=answer["position"] - 1, limit=1)[0]  # type: ignore[attr-defined]
    event = ledger.mapper.to_domain_event(record.event)
    assert isinstance(event, DataUseRecorded)
    assert str(event.share_request_id) == request_id and str(event.resource_id) == resource_id
    assert (event.department, event.purpose) == ("SCGL", "行业监管")
    assert (event.user_person, event.approver) == ("何佳", "林国栋")
    assert event.data_content == "名称、等级"
    assert event.marks == ()


def test_use_for_a_purpose_not_granted_is_recorded_and_marked__art26_32(
    portal: Portal, grant: tuple[str, str]
) -> None:
    resource_id, request_id = grant
    answer = created(use(portal, use_body(resource_id, request_id, purpose="招商宣传")))
    assert answer["marks"] == ["purpose_not_granted"]
    assert answer["marks_labels"] == ["超出授权用途"]


def test_use_of_data_outside_the_granted_scope_is_marked__art26(
    portal: Portal, grant: tuple[str, str]
) -> None:
    resource_id, request_id = grant
    body = use_body(resource_id, request_id, data_content="名称、等级、联系电话")
    assert marks(portal, body) == ["scope_not_granted"]
    assert marks(portal, use_body(resource_id, request_id, data_content="名称，地址")) == []


def test_use_after_the_grant_expired_is_marked__art26(
    portal: Portal, grant: tuple[str, str]
) -> None:
    resource_id, request_id = grant
    body = use_body(resource_id, request_id, obtained_at="2026-01-05T09:00:00+08:00")
    assert marks(portal, body) == ["after_expiry"]


def test_use_before_the_reply_has_no_grant__art26(portal: Portal, grant: tuple[str, str]) -> None:
    # Obtained while the request was still pending: the approval came later.
    resource_id, request_id = grant
    body = use_body(resource_id, request_id, obtained_at="2025-09-27T09:00:00+08:00")
    assert marks(portal, body) == ["no_grant"]


def test_use_after_a_refusal_has_no_grant__art26(portal: Portal) -> None:
    resource_id = resource(portal)
    request = created(portal.request_share(portal.tokens["高远"], resource_id, occurred_at=ASKED))
    refusal = {"decision": "refuse", "reason": "涉及在办案件", "occurred_at": APPROVED}
    path = f"/v1/share-requests/{request['id']}/reply"
    created(portal.post(portal.tokens["孙悦"], path, refusal))
    assert marks(portal, use_body(resource_id, request["id"])) == ["no_grant"]


def test_use_by_another_department_than_the_requester_has_no_grant__art32(
    portal: Portal, grant: tuple[str, str]
) -> None:
    resource_id, request_id = grant
    assert marks(portal, use_body(resource_id, request_id), who="吴昊") == ["no_grant"]


def test_use_of_another_resource_than_granted_is_marked(
    portal: Portal, grant: tuple[str, str]
) -> None:
    _, request_id = grant
    other = resource(portal)
    assert marks(portal, use_body(other, request_id)) == ["resource_mismatch"]


def test_use_citing_no_basis_is_recorded_as_without_grant__art36(
    portal: Portal, grant: tuple[str, str]
) -> None:
    resource_id, _ = grant
    assert marks(portal, use_body(resource_id, None)) == ["no_grant"]


def test_provision_to_a_third_party_is_marked__art32(
    portal: Portal, grant: tuple[str, str]
) -> None:
    resource_id, request_id = grant
    body = use_body(resource_id, request_id, recipient="某旅行社")
    answer = created(use(portal, body))
    assert answer["marks"] == ["third_party_without_consent"]
    assert answer["marks_labels"] == ["未经提供部门同意提供给第三方"]


def test_unconditional_data_is_used_for_the_purpose_requested__art25_32(portal: Portal) -> None:
    resource_id = resource(portal, share_type="unconditional", share_conditions=None)
    request = created(portal.request_share(portal.tokens["高远"], resource_id, occurred_at=ASKED))
    same = use_body(
        resource_id, request["id"], purpose="行业监管（季度）", data_content="全部信息项"
    )
    assert marks(portal, same) == []
    other = use_body(resource_id, request["id"], purpose="假日市场分析")
    assert marks(portal, other) == ["purpose_not_granted"]
    # Obtained directly, with no request (Art. 25), it serves any of the department's duties.
    assert marks(portal, use_body(resource_id, None, purpose="假日市场分析")) == []


def test_use_under_an_arrangement_is_valid_only_in_its_window__art28(portal: Portal) -> None:
    resource_id = resource(portal)
    arrangement = created(
        portal.post(
            portal.tokens["孙悦"],
            "/v1/time-sensitive-arrangements",
            {
                "resource_id": resource_id,
                "counterparty": "SCGL",
                "purpose": "行业监管",
                "scope": "名称、等级、地址",
                "method": "api",
                "valid_from": "2025-09-30T00:00:00+08:00",
                "valid_to": "2025-10-09T00:00:00+08:00",
                "occurred_at": "2025-09-28T10:00:00+08:00",
            },
        )
    )
    path = f"/v1/time-sensitive-arrangements/{arrangement['id']}/acceptance"
    created(portal.post(portal.tokens["高远"], path, {"occurred_at": "2025-09-29T10:00:00+08:00"}))

    def under(obtained_at: str, who: str = "高远") -> list[str]:
        body = use_body(
            resource_id, None, arrangement_id=arrangement["id"], obtained_at=obtained_at
        )
        return marks(portal, body, who)

    assert under("2025-10-03T09:00:00+08:00") == []
    assert under("2025-10-09T09:00:00+08:00") == ["after_expiry"]
    # Before its acceptance the arrangement put nothing in force.
    assert under("2025-09-29T09:30:00+08:00") == ["no_grant"]
    assert under("2025-09-29T09:00:00+08:00") == ["no_grant"]
    assert under("2025-10-03T09:00:00+08:00", who="吴昊") == ["no_grant"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"user_person": ""}, "user_person"),
        ({"approver": None}, "approver"),
        ({"data_content": ""}, "data_content"),
        ({"method": "email"}, "method"),
        ({"medium": "cloud"}, "medium"),
        ({"obtained_at": "2025-10-10T09:30:00"}, "obtained_at"),  # no offset
        ({"obtained_at": "2999-01-01T00:00:00+08:00"}, "obtained_at"),
        ({"share_request_id": "00000000-0000-4000-8000-000000000000"}, "share_request_id"),
        (
            {"share_request_id": None, "arrangement_id": "00000000-0000-4000-8000-000000000000"},
            "arrangement_id",
        ),
        ({"resource_id": "00000000-0000-4000-8000-000000000000"}, "resource_id"),
        ({"occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
    ],
)
def test_malformed_use_is_422_naming_the_field_and_records_nothing__art36(
    portal: Portal, grant: tuple[str, str], overrides: dict[str, Any], field: str
) -> None:
    resource_id, request_id = grant
    before = portal.position()
    answer = use(portal, {**use_body(resource_id, request_id), **overrides})
    assert answer.status_code == 422, answer.text
    assert field in [error["field"] for error in answer.json()["errors"]]
    assert portal.position() == before


def test_a_use_relies_on_one_basis(portal: Portal, grant: tuple[str, str]) -> None:
    resource_id, request_id = grant
    arrangement = created(
        portal.post(
            portal.tokens["孙悦"],
            "/v1/time-sensitive-arrangements",
            {
                "resource_id": resource_id,
                "counterparty": "SCGL",
                "purpose": "行业监管",
                "scope": "名称、等级",
                "method": "api",
                "valid_from": "2025-09-30T00:00:00+08:00",
                "valid_to": "2025-10-09T00:00:00+08:00",
            },
        )
    )
    body = use_body(resource_id, request_id, arrangement_id=arrangement["id"])
    answer = use(portal, body)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "arrangement_id"


def test_own_data_is_not_recorded_as_shared_data__art36(
    portal: Portal, grant: tuple[str, str]
) -> None:
    resource_id, request_id = grant
    answer = use(portal, use_body(resource_id, request_id), who="孙悦")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "resource_id"


def test_only_departments_record_their_uses(portal: Portal, grant: tuple[str, str]) -> None:
    resource_id, request_id = grant
    before = portal.position()
    for who in ("李静", "审计员"):
        assert use(portal, use_body(resource_id, request_id), who=who).status_code == 403
    anonymous = portal.post("lgr_nobody", "/v1/data-uses", use_body(resource_id, request_id))
    assert anonymous.status_code == 401
    assert portal.position() == before


def test_each_use_is_a_stream_of_its_own(portal: Portal, grant: tuple[str, str]) -> None:
    resource_id, request_id = grant
    first = created(use(portal, use_body(resource_id, request_id)))
    second = created(use(portal, use_body(resource_id, request_id)))
    assert first["id"] != second["id"]
    assert first["version"] == second["version"] == 1


def test_use_is_seen_by_its_parties_and_overseers_at_the_instant(
    portal: Portal, grant: tuple[str, str]
) -> None:
    resource_id, request_id = grant
    body = use_body(resource_id, request_id, occurred_at="2025-10-10T10:00:00+08:00")
    use_id = created(use(portal, body))["id"]
    path = f"/v1/data-uses/{use_id}"
    for who in ("高远", "孙悦", "李静", "审计员"):
        assert portal.get(portal.tokens[who], path).status_code == 200, who
    assert portal.get(portal.tokens["吴昊"], path).status_code == 404
    before = portal.get(portal.tokens["审计员"], path, at="2025-10-10T09:59:00+08:00")
    assert before.status_code == 404
