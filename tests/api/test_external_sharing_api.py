"""Our departments' requests for other provincial departments' data (Art. 30), over HTTP
on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.ledger import Ledger
from tests.support.portal import Portal, created

AT = "2026-01-05T12:00:00+08:00"
FORWARDED = {"occurred_at": "2025-12-02T10:00:00+08:00"}


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    portal = Portal(client, ledger)
    portal.department("BGS", "办公室")
    portal.department("SCGL", "市场管理处")
    portal.department("ZYKF", "资源开发处")
    portal.department("SGAT", "吉林省公安厅", kind="external")
    portal.principal("李静", "BGS", "office")
    portal.principal("高远", "SCGL", "department")
    portal.principal("孙悦", "ZYKF", "department")
    portal.principal("王卫", "SGAT", "external")
    return portal


def external_resource(portal: Portal, share_type: str = "conditional", **fields: Any) -> str:
    body = {
        "provider": "SGAT",
        "name": "旅馆业住宿登记信息",
        "share_type": share_type,
        "summary": "全省旅馆住宿登记",
        "uses": ["治安管理", "旅游安全监管"],
        **fields,
    }
    return str(created(portal.post(portal.tokens["李静"], "/v1/external-resources", body))["id"])


def ask(portal: Portal, resource_id: str) -> dict[str, Any]:
    body = {
        "resource_id": resource_id,
        "purpose": "旅游安全监管",
        "scope": "旅馆名称、入住人数",
        "occurred_at": "2025-12-01T10:00:00+08:00",
    }
    return created(portal.post(portal.tokens["高远"], "/v1/external-requests", body))


def use(portal: Portal, resource_id: str, request_id: str, **fields: Any) -> list[str]:
    body = {
        "share_request_id": request_id,
        "resource_id": resource_id,
        "purpose": "旅游安全监管",
        "user_person": "何佳",
        "approver": "林国栋",
        "data_content": "旅馆名称、入住人数",
        "obtained_at": "2025-12-20T09:00:00+08:00",
        "method": "api",
        "medium": "network",
        "occurred_at": "2025-12-20T10:00:00+08:00",
        **fields,
    }
    return created(portal.post(portal.tokens["高远"], "/v1/data-uses", body))["marks"]  # type: ignore[no-any-return]


def test_the_office_registers_external_resources_only__art30(portal: Portal) -> None:
    body = {"provider": "SGAT", "name": "旅馆业住宿登记信息", "share_type": "conditional"}
    assert portal.post(portal.tokens["高远"], "/v1/external-resources", body).status_code == 403
    internal = portal.post(
        portal.tokens["李静"], "/v1/external-resources", {**body, "provider": "ZYKF"}
    )
    assert internal.status_code == 422 and internal.json()["errors"][0]["field"] == "provider"
    kept = portal.post(
        portal.tokens["李静"], "/v1/external-resources", {**body, "share_type": "not_shared"}
    )
    assert kept.status_code == 422 and kept.json()["errors"][0]["field"] == "share_type"
    resource_id = external_resource(portal)
    listed = portal.get(portal.tokens["孙悦"], "/v1/external-resources").json()["items"]
    assert [(r["id"], r["provider"]) for r in listed] == [(resource_id, "SGAT")]


def test_a_conditional_request_goes_through_the_office_and_uses_follow_the_reply__art30(
    portal: Portal,
) -> None:
    resource_id = external_resource(portal)
    asked = ask(portal, resource_id)
    assert (asked["status"], asked["provider"]) == ("awaiting_office", "SGAT")
    path = f"/v1/external-requests/{asked['id']}"
    # Before the office forwards it, the data is not granted: a use is marked.
    assert use(portal, resource_id, asked["id"]) == ["no_grant"]
    assert portal.post(portal.tokens["高远"], f"{path}/forwarding", {}).status_code == 403
    forwarded = created(portal.post(portal.tokens["李静"], f"{path}/forwarding", FORWARDED))
    assert forwarded["status"] == "pending"
    assert portal.post(portal.tokens["李静"], f"{path}/forwarding", {}).status_code == 409
    # The reply: a refusal without a reason is refused (Art. 26); the provider approves.
    no_reason = portal.post(portal.tokens["王卫"], f"{path}/reply", {"decision": "refuse"})
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    reply = {
        "decision": "approve",
        "granted_scope": "旅馆名称、入住人数",
        "granted_uses": ["旅游安全监管"],
        "expires_at": "2026-06-30T00:00:00+08:00",
        "occurred_at": "2025-12-10T10:00:00+08:00",
    }
    assert portal.post(portal.tokens["高远"], f"{path}/reply", reply).status_code == 403
    assert (
        created(portal.post(portal.tokens["王卫"], f"{path}/reply", reply))["status"] == "granted"
    )
    state = portal.get(portal.tokens["高远"], path, at=AT).json()
    assert (state["status"], state["granted_uses"]) == ("granted", ["旅游安全监管"])
    assert portal.get(portal.tokens["孙悦"], path, at=AT).status_code == 404
    assert use(portal, resource_id, asked["id"]) == []
    assert use(portal, resource_id, asked["id"], purpose="招商宣传") == ["purpose_not_granted"]
    assert use(portal, resource_id, asked["id"], data_content="身份证号") == ["scope_not_granted"]
    # Without a request, another department's data has no grant (it is not ours to give).
    assert use(portal, resource_id, None) == ["no_grant"]


def test_unconditional_external_data_is_obtained_once_the_office_forwards__art30(
    portal: Portal,
) -> None:
    resource_id = external_resource(portal, "unconditional")
    asked = ask(portal, resource_id)
    path = f"/v1/external-requests/{asked['id']}"
    assert (
        created(portal.post(portal.tokens["李静"], f"{path}/forwarding", FORWARDED))["status"]
        == "granted"
    )
    assert (
        portal.post(portal.tokens["李静"], f"{path}/reply", {"decision": "approve"}).status_code
        == 409
    )
    assert use(portal, resource_id, asked["id"]) == []
    assert use(portal, resource_id, asked["id"], purpose="对外发布") == ["purpose_not_granted"]
