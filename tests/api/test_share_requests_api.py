"""Share requests over HTTP, on SQLite and PostgreSQL (Art. 11, 18, 25-30).

ZYKF provides the data; SCGL asks for it; CYFZ stands by; SGAT is an external (厅外)
department; BGS holds the office, the leading group and the auditor.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from domain.ledger import Ledger
from tests.support.portal import Portal, created, resource_body

CATALOGED = "2025-09-01T09:00:00+08:00"
FRIDAY = "2025-09-26T10:00:00+08:00"  # due 2025-10-16 (docs/DOMAIN.md's worked example)
LAW = {"kind": "law", "title": "《中华人民共和国个人信息保护法》", "article": "第十三条"}
SHARE_TYPES: dict[str, dict[str, Any]] = {
    "conditional": {},
    "unconditional": {"share_type": "unconditional", "share_conditions": None},
    "not_shared": {
        "share_type": "not_shared",
        "share_conditions": None,
        "legal_basis": LAW,
        "open_type": "not_open",
    },
}


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    portal = Portal(client, ledger)
    portal.department("BGS", "办公室")
    portal.department("ZYKF", "资源开发处")
    portal.department("SCGL", "市场管理处")
    portal.department("CYFZ", "产业发展处")
    portal.department("SGAT", "吉林省公安厅", kind="external")
    portal.principal("李静", "BGS", "office")
    portal.principal("张立新", "BGS", "leading_group")
    portal.principal("审计员", "BGS", "auditor")
    portal.principal("孙悦", "ZYKF", "department")
    portal.principal("高远", "SCGL", "department")
    portal.principal("吴昊", "CYFZ", "department")
    portal.principal("王卫", "SGAT", "external")
    return portal


def resource(portal: Portal, share_type: str = "conditional") -> str:
    return portal.in_catalog(
        portal.tokens["孙悦"],
        portal.tokens["李静"],
        "ZYKF",
        occurred_at=CATALOGED,
        **SHARE_TYPES[share_type],
    )


def ask(portal: Portal, resource_id: str, who: str = "高远", **fields: Any) -> dict[str, Any]:
    channel = "provincial" if who == "王卫" else "department"
    fields.setdefault("occurred_at", FRIDAY)
    return created(portal.request_share(portal.tokens[who], resource_id, channel, **fields))


def act(portal: Portal, who: str, request_id: str, step: str, body: dict[str, Any]) -> Response:
    return portal.post(portal.tokens[who], f"/v1/share-requests/{request_id}/{step}", body)


def reply(portal: Portal, request_id: str, who: str = "孙悦", **body: Any) -> Response:
    return act(portal, who, request_id, "reply", body)


def read(portal: Portal, request_id: str, who: str = "高远", **params: Any) -> Response:
    return portal.get(portal.tokens[who], f"/v1/share-requests/{request_id}", **params)


def share_replies(portal: Portal, **params: Any) -> list[dict[str, Any]]:
    answer = portal.get(portal.tokens["李静"], "/v1/deadlines", kind="share_reply", **params)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]  # type: ignore[no-any-return]


def refused(portal: Portal) -> str:
    request_id = str(ask(portal, resource(portal))["id"])
    created(reply(portal, request_id, decision="refuse", reason="涉及在办案件"))
    return request_id


def escalated(portal: Portal) -> str:
    request_id = refused(portal)
    created(act(portal, "高远", request_id, "negotiation", {"note": "已当面沟通，未达成一致"}))
    created(act(portal, "高远", request_id, "escalation", {"reason": "履行监管职责确需使用"}))
    return request_id


# -- requesting (Art. 25-27) -------------------------------------------------------------


def test_unconditional_request_is_granted_at_once__art25(portal: Portal) -> None:
    answer = ask(portal, resource(portal, "unconditional"), purpose="统计分析")
    assert answer["status"] == "granted" and answer["status_label"] == "已共享"
    assert answer["due_date"] is None
    state = read(portal, answer["id"]).json()
    assert state["share_type"] == "unconditional"
    assert state["granted_uses"] == [] and state["granted_scope"] is None
    # Art. 25: nothing to reply to, so nothing owed.
    assert share_replies(portal) == []


def test_conditional_request_is_pending_with_reply_due_in_10_working_days__art26(
    portal: Portal,
) -> None:
    answer = ask(portal, resource(portal))
    assert answer["status"] == "pending"
    assert answer["due_date"] == "2025-10-16" and answer["provisional"] is False
    [owed] = share_replies(portal, at="2025-10-01T00:00:00+08:00")
    assert owed["department"] == "ZYKF" and owed["subject_id"] == answer["id"]
    assert (owed["due_date"], owed["status"]) == ("2025-10-16", "open")


def test_not_shared_request_is_recorded_as_not_shared__art27(portal: Portal) -> None:
    answer = ask(portal, resource(portal, "not_shared"))
    assert answer["status"] == "not_shared" and answer["due_date"] is None
    assert share_replies(portal) == []


def test_request_needs_a_resource_in_the_unified_catalog__art11(portal: Portal) -> None:
    draft = created(portal.post(portal.tokens["孙悦"], "/v1/resources", resource_body("ZYKF")))
    before = portal.position()
    answer = portal.request_share(portal.tokens["高远"], draft["id"])
    assert answer.status_code == 409
    assert answer.json()["errors"][0]["field"] == "resource_id"
    unknown = portal.request_share(portal.tokens["高远"], "00000000-0000-4000-8000-000000000000")
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "resource_id"
    assert portal.position() == before


def test_a_department_does_not_request_its_own_data(portal: Portal) -> None:
    answer = portal.request_share(portal.tokens["孙悦"], resource(portal))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "resource_id"


def test_request_states_its_purpose__art26(portal: Portal) -> None:
    answer = portal.request_share(portal.tokens["高远"], resource(portal), purpose="  ")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "purpose"


def test_departments_request_through_the_departments_own_system__art18(portal: Portal) -> None:
    answer = portal.request_share(portal.tokens["高远"], resource(portal), channel="provincial")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "channel"


# -- external departments (Art. 29-30) ------------------------------------------------


def test_external_requests_come_through_the_provincial_system__art29_30(portal: Portal) -> None:
    resource_id = resource(portal)
    wrong = portal.request_share(portal.tokens["王卫"], resource_id, channel="department")
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "channel"
    assert wrong.json()["article"] == "29-30"
    answer = ask(portal, resource_id, who="王卫")
    # Art. 29: the provider answers an external request within 10 working days too.
    assert answer["status"] == "pending" and answer["due_date"] == "2025-10-16"
    assert read(portal, answer["id"], who="王卫").json()["channel_label"] == "省级共享系统"


def test_external_role_needs_a_department_registered_as_external__art29(portal: Portal) -> None:
    # Art. 29-30: only a department outside the bureau acts as external; a principal of the
    # bureau's own division in that role would read and record as the division. Refused
    # when registered, and nothing recorded.
    before = portal.position()
    body = {"name": "钱多", "department": "SCGL", "role": "external"}
    answer = portal.post(portal.admin, "/v1/principals", body)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "role"
    assert portal.position() == before


def test_bureau_roles_need_a_department_of_the_bureau__art29(portal: Portal) -> None:
    portal.department("SGAT2", "吉林省公安厅", kind="external")
    for role in ("department", "office", "info_center", "leading_group", "auditor"):
        body = {"name": "钱多", "department": "SGAT2", "role": role}
        answer = portal.post(portal.admin, "/v1/principals", body)
        assert answer.status_code == 422, role
        assert answer.json()["errors"][0]["field"] == "role"
    assert created(portal.post(portal.admin, "/v1/principals", {**body, "role": "external"}))


def test_external_dispute_is_escalated_by_the_provider__art29(portal: Portal) -> None:
    request_id = ask(portal, resource(portal, "not_shared"), who="王卫")["id"]
    created(act(portal, "王卫", request_id, "negotiation", {"note": "协商：仅需统计口径"}))
    by_requester = act(portal, "王卫", request_id, "escalation", {"reason": "协商未果"})
    assert by_requester.status_code == 403
    assert by_requester.json()["article"] == "29"
    answer = created(act(portal, "孙悦", request_id, "escalation", {"reason": "协商未果，报协调"}))
    assert answer["status"] == "escalated"


# -- replies (Art. 26) -----------------------------------------------------------------


def test_approval_in_time_grants_scope_uses_and_expiry_and_meets_the_deadline__art26(
    portal: Portal,
) -> None:
    request_id = ask(portal, resource(portal))["id"]
    answer = created(
        reply(
            portal,
            request_id,
            decision="approve",
            granted_scope="名称、等级",
            granted_uses=["行业监管"],
            expires_at="2025-12-31T00:00:00+08:00",
            occurred_at="2025-10-09T15:00:00+08:00",
        )
    )
    assert answer["status"] == "granted" and answer["late"] is False
    state = read(portal, request_id).json()
    assert state["granted_scope"] == "名称、等级" and state["granted_uses"] == ["行业监管"]
    assert datetime.fromisoformat(state["expires_at"]) == datetime.fromisoformat(
        "2025-12-31T00:00:00+08:00"
    )
    [owed] = share_replies(portal)
    assert owed["status"] == "met"


def test_approval_without_terms_grants_what_was_asked__art26(portal: Portal) -> None:
    request_id = ask(portal, resource(portal), purpose="统计分析", scope="名称、地址")["id"]
    created(reply(portal, request_id, decision="approve"))
    state = read(portal, request_id).json()
    assert state["granted_scope"] == "名称、地址" and state["granted_uses"] == ["统计分析"]
    assert state["expires_at"] is None


def test_late_reply_is_accepted_and_the_register_shows_the_breach__art26(portal: Portal) -> None:
    request_id = ask(portal, resource(portal))["id"]
    late = "2025-10-17T09:00:00+08:00"
    answer = created(reply(portal, request_id, decision="approve", occurred_at=late))
    assert answer["late"] is True and answer["due_date"] == "2025-10-16"
    [owed] = share_replies(portal)
    assert owed["status"] == "breached"
    assert datetime.fromisoformat(owed["discharged_at"]) == datetime.fromisoformat(late)


def test_refusal_without_reason_is_422_and_records_nothing__art26(portal: Portal) -> None:
    request_id = ask(portal, resource(portal))["id"]
    before = portal.position()
    for body in ({"decision": "refuse"}, {"decision": "refuse", "reason": "  "}):
        answer = reply(portal, request_id, **body)
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["field"] == "reason"
        assert answer.json()["article"] == "26"
    assert portal.position() == before
    assert share_replies(portal, at="2025-10-01T00:00:00+08:00")[0]["status"] == "open"
    reason = "涉及在办案件，暂不宜共享"
    created(reply(portal, request_id, decision="refuse", reason=reason, occurred_at=FRIDAY))
    state = read(portal, request_id).json()
    assert state["status"] == "refused" and state["refusal_reason"] == reason
    assert share_replies(portal)[0]["status"] == "met"


def test_only_the_provider_replies__art26(portal: Portal) -> None:
    request_id = ask(portal, resource(portal))["id"]
    before = portal.position()
    for who in ("高远", "吴昊", "李静", "张立新"):
        assert reply(portal, request_id, who=who, decision="approve").status_code == 403, who
    assert portal.position() == before


def test_replying_twice_is_409__art26(portal: Portal) -> None:
    request_id = ask(portal, resource(portal))["id"]
    created(reply(portal, request_id, decision="approve"))
    again = reply(portal, request_id, decision="refuse", reason="改变主意")
    assert again.status_code == 409
    # Unconditional data was granted when asked: there is nothing to reply to (Art. 25).
    granted = ask(portal, resource(portal, "unconditional"))["id"]
    assert reply(portal, granted, decision="approve").status_code == 409


def test_grant_cannot_expire_before_it_is_given__art26(portal: Portal) -> None:
    request_id = ask(portal, resource(portal))["id"]
    answer = reply(
        portal,
        request_id,
        decision="approve",
        expires_at="2025-09-01T00:00:00+08:00",
        occurred_at="2025-09-29T09:00:00+08:00",
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "expires_at"


def test_stale_if_match_on_a_reply_is_412(portal: Portal) -> None:
    request_id = ask(portal, resource(portal))["id"]
    answer = portal.post(
        portal.tokens["孙悦"],
        f"/v1/share-requests/{request_id}/reply",
        {"decision": "approve"},
        **{"If-Match": '"2"'},
    )
    assert answer.status_code == 412


# -- disputes and coordination (Art. 27) ---------------------------------------------------


def test_not_shared_request_is_negotiated_then_escalated_by_the_requester__art27(
    portal: Portal,
) -> None:
    request_id = ask(portal, resource(portal, "not_shared"))["id"]
    early = act(portal, "高远", request_id, "escalation", {"reason": "确需使用"})
    assert early.status_code == 409  # 协商未果的: negotiation comes first
    created(act(portal, "孙悦", request_id, "negotiation", {"note": "可提供脱敏汇总数据"}))
    created(act(portal, "高远", request_id, "negotiation", {"note": "汇总数据不满足监管需要"}))
    assert act(portal, "吴昊", request_id, "negotiation", {"note": "旁观"}).status_code == 403
    by_provider = act(portal, "孙悦", request_id, "escalation", {"reason": "报协调"})
    assert by_provider.status_code == 403 and by_provider.json()["article"] == "27"
    answer = created(act(portal, "高远", request_id, "escalation", {"reason": "履职确需使用"}))
    assert answer["status"] == "escalated"
    state = read(portal, request_id, who="张立新").json()
    assert [n["department"] for n in state["negotiations"]] == ["ZYKF", "SCGL"]
    assert state["escalated_by"] == "SCGL" and state["escalation_reason"] == "履职确需使用"


def test_only_refused_or_not_shared_requests_are_negotiated__art27(portal: Portal) -> None:
    pending = ask(portal, resource(portal))["id"]
    assert act(portal, "高远", pending, "negotiation", {"note": "催办"}).status_code == 409
    granted = ask(portal, resource(portal, "unconditional"))["id"]
    assert act(portal, "高远", granted, "escalation", {"reason": "x"}).status_code == 409


def test_coordination_share_grants_as_requested_and_binds_the_provider__art27(
    portal: Portal,
) -> None:
    request_id = escalated(portal)
    decision = {"decision": "share", "note": "监管确需，按申请范围共享"}
    assert act(portal, "孙悦", request_id, "coordination-decision", decision).status_code == 403
    answer = created(act(portal, "张立新", request_id, "coordination-decision", decision))
    assert answer["status"] == "granted"
    state = read(portal, request_id).json()
    assert state["granted_scope"] == "名称、等级、地址" and state["granted_uses"] == ["行业监管"]
    assert state["coordination"]["decision_label"] == "协调共享"
    # Binding: the provider cannot refuse afterwards, nor reopen the dispute.
    assert reply(portal, request_id, decision="refuse", reason="不同意").status_code == 409
    assert act(portal, "孙悦", request_id, "negotiation", {"note": "再议"}).status_code == 409


def test_coordination_not_share_is_final__art27(portal: Portal) -> None:
    request_id = escalated(portal)
    body = {"decision": "not_share", "note": "涉及在办案件，依法不予共享"}
    answer = created(act(portal, "张立新", request_id, "coordination-decision", body))
    assert answer["status"] == "not_shared"
    again = act(portal, "高远", request_id, "escalation", {"reason": "再次申请协调"})
    assert again.status_code == 409
    assert act(portal, "张立新", request_id, "coordination-decision", body).status_code == 409


def test_leading_group_decides_only_escalated_requests__art27(portal: Portal) -> None:
    request_id = refused(portal)
    body = {"decision": "share", "note": "直接协调"}
    assert act(portal, "张立新", request_id, "coordination-decision", body).status_code == 409


# -- reading a request -------------------------------------------------------------------


def test_request_is_seen_by_its_parties_and_overseers_only(portal: Portal) -> None:
    request_id = ask(portal, resource(portal))["id"]
    for who in ("高远", "孙悦", "李静", "张立新", "审计员"):
        assert read(portal, request_id, who=who).status_code == 200, who
    assert read(portal, request_id, who="吴昊").status_code == 404
    assert read(portal, request_id, who="王卫").status_code == 404


def test_admin_and_information_center_oversee_requests_as_they_do_resources(
    portal: Portal,
) -> None:
    portal.department("XXZX", "信息中心", kind="affiliated_unit")
    portal.principal("周敏", "XXZX", "info_center")
    request_id = ask(portal, resource(portal))["id"]
    assert read(portal, request_id, who="周敏").status_code == 200
    assert portal.get(portal.admin, f"/v1/share-requests/{request_id}").status_code == 200


def test_request_read_at_an_earlier_instant_shows_what_stood_then(portal: Portal) -> None:
    request_id = ask(portal, resource(portal))["id"]
    created(reply(portal, request_id, decision="approve", occurred_at="2025-10-09T15:00:00+08:00"))
    then = read(portal, request_id, at="2025-10-01T00:00:00+08:00").json()
    assert then["status"] == "pending" and then["version"] == 1
    now = read(portal, request_id).json()
    assert now["status"] == "granted" and now["version"] == 2
    # Before it was asked, and as known before it was recorded, there was no request.
    assert read(portal, request_id, at="2025-09-25T00:00:00+08:00").status_code == 404
    known_then = read(
        portal, request_id, at="2025-10-01T00:00:00+08:00", known_at="2025-10-01T00:00:00+08:00"
    )
    assert known_then.status_code == 404


# -- time-sensitive arrangements (Art. 28) --------------------------------------------


def arrangement(portal: Portal, resource_id: str, who: str, **overrides: Any) -> Response:
    body = {
        "resource_id": resource_id,
        "requester": "SCGL",
        "method": "file",
        "valid_from": "2025-09-30T00:00:00+08:00",
        "valid_to": "2025-10-09T00:00:00+08:00",
        "occurred_at": "2025-09-28T10:00:00+08:00",
        **overrides,
    }
    return portal.post(portal.tokens[who], "/v1/time-sensitive-arrangements", body)


def test_arrangement_is_recorded_by_either_party__art28(portal: Portal) -> None:
    resource_id = resource(portal)
    by_provider = created(arrangement(portal, resource_id, "孙悦"))
    assert by_provider["provider"] == "ZYKF"
    created(arrangement(portal, resource_id, "高远"))
    assert arrangement(portal, resource_id, "吴昊").status_code == 403
    state = portal.get(
        portal.tokens["高远"], f"/v1/time-sensitive-arrangements/{by_provider['id']}"
    ).json()
    assert state["recorded_by"] == "ZYKF" and state["method_label"] == "文件"
    outsider = portal.get(
        portal.tokens["吴昊"], f"/v1/time-sensitive-arrangements/{by_provider['id']}"
    )
    assert outsider.status_code == 404


def test_arrangement_window_ends_after_it_starts__art28(portal: Portal) -> None:
    answer = arrangement(portal, resource(portal), "孙悦", valid_to="2025-09-29T00:00:00+08:00")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "valid_to"


def test_not_shared_data_has_no_time_sensitive_arrangement__art27_28(portal: Portal) -> None:
    answer = arrangement(portal, resource(portal, "not_shared"), "孙悦")
    assert answer.status_code == 409
    assert answer.json()["errors"][0]["field"] == "resource_id"
