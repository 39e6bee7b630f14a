"""A story of one resource shared, end to end through the API (Art. 10-11, 26, 31-32, 36).

资源开发处 (ZYKF) catalogs its list of A-level scenic areas as conditional data; the office
approves its catalog; 市场管理处 (SCGL) asks for the list to supervise the market; ZYKF
approves it for that purpose, for the names, grades and addresses, until the end of 2025;
SCGL then records three uses: one within the grant, one for a purpose not granted, and
one after the grant expired. The ledger records all three and marks the two that break
the rules. SCGL doubts a grade in the data it obtained and asks ZYKF to verify it; ZYKF
corrects it in time (Art. 31). An auditor reads the request and the uses as they stood.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from domain.ledger import Ledger
from tests.support.portal import Portal, created, resource_body


def test_a_resource_from_catalog_to_request_reply_and_use(
    client: TestClient, ledger: Ledger
) -> None:
    portal = Portal(client, ledger)
    for code, name in (("BGS", "办公室"), ("ZYKF", "资源开发处"), ("SCGL", "市场管理处")):
        portal.department(code, name)
    office = portal.principal("李静", "BGS", "office")
    provider = portal.principal("孙悦", "ZYKF", "department")
    user = portal.principal("高远", "SCGL", "department")
    auditor = portal.principal("审计员", "BGS", "auditor")

    # Art. 10-11: ZYKF catalogs the resource and submits it; the office approves.
    body = resource_body("ZYKF", occurred_at="2025-09-01T09:00:00+08:00")
    resource_id = created(portal.post(provider, "/v1/resources", body))["id"]
    submission = created(
        portal.post(
            provider,
            "/v1/catalog-submissions",
            {"resource_ids": [resource_id], "occurred_at": "2025-09-02T09:00:00+08:00"},
        )
    )
    created(
        portal.post(
            office,
            f"/v1/catalog-submissions/{submission['id']}/approval",
            {"occurred_at": "2025-09-03T09:00:00+08:00"},
        )
    )
    [entry] = portal.get(user, "/v1/catalog").json()["items"]
    assert entry["id"] == resource_id and entry["share_type"] == "conditional"

    # Art. 26: SCGL asks on Friday 2025-09-26; ZYKF owes a reply by 2025-10-16.
    request = created(
        portal.request_share(
            user,
            resource_id,
            purpose="行业监管",
            scope="名称、等级、地址",
            occurred_at="2025-09-26T10:00:00+08:00",
        )
    )
    assert (request["status"], request["due_date"]) == ("pending", "2025-10-16")
    request_path = f"/v1/share-requests/{request['id']}"

    # ZYKF approves in time, for supervision only, until the end of 2025.
    reply = created(
        portal.post(
            provider,
            f"{request_path}/reply",
            {
                "decision": "approve",
                "granted_scope": "名称、等级、地址",
                "granted_uses": ["行业监管"],
                "expires_at": "2026-01-01T00:00:00+08:00",
                "occurred_at": "2025-10-09T15:00:00+08:00",
            },
        )
    )
    assert reply["status"] == "granted" and reply["late"] is False
    [owed] = portal.get(office, "/v1/deadlines", kind="share_reply").json()["items"]
    assert (owed["department"], owed["status"]) == ("ZYKF", "met")

    # Art. 36: three uses, each recorded; Art. 26, 32: two of them marked.
    def use(obtained_at: str, purpose: str, content: str) -> dict[str, Any]:
        return created(
            portal.post(
                user,
                "/v1/data-uses",
                {
                    "share_request_id": request["id"],
                    "resource_id": resource_id,
                    "purpose": purpose,
                    "user_person": "何佳",
                    "approver": "林国栋",
                    "data_content": content,
                    "obtained_at": obtained_at,
                    "method": "api",
                    "medium": "network",
                    "occurred_at": obtained_at,
                },
            )
        )

    valid = use("2025-10-10T09:30:00+08:00", "行业监管", "名称、等级")
    outside_purpose = use("2025-10-20T14:00:00+08:00", "招商宣传", "名称、地址")
    after_expiry = use("2026-01-05T09:00:00+08:00", "行业监管", "名称、等级")
    assert valid["marks"] == []
    assert outside_purpose["marks"] == ["purpose_not_granted"]
    assert after_expiry["marks"] == ["after_expiry"]

    # Art. 31: SCGL disputes a grade on Monday 2025-10-13; ZYKF must verify by 2025-10-27.
    verification = created(
        portal.post(
            user,
            "/v1/verification-requests",
            {
                "resource_id": resource_id,
                "description": "长白山景区等级与实地核查不符",
                "occurred_at": "2025-10-13T10:00:00+08:00",
            },
        )
    )
    assert verification["due_date"] == "2025-10-27"
    answer = created(
        portal.post(
            provider,
            f"/v1/verification-requests/{verification['id']}/answer",
            {
                "outcome": "corrected",
                "details": "等级由4A更正为5A",
                "occurred_at": "2025-10-20T16:00:00+08:00",
            },
        )
    )
    assert answer["late"] is False
    [verified] = portal.get(office, "/v1/deadlines", kind="verification").json()["items"]
    assert (verified["department"], verified["status"]) == ("ZYKF", "met")

    # The auditor reads the request as it stood before the reply, and as it stands now.
    before_reply = portal.get(auditor, request_path, at="2025-10-01T00:00:00+08:00").json()
    assert before_reply["status"] == "pending"
    now = portal.get(auditor, request_path).json()
    assert now["status"] == "granted" and now["granted_uses"] == ["行业监管"]
    for answer, labels in (
        (valid, []),
        (outside_purpose, ["超出授权用途"]),
        (after_expiry, ["超过授权有效期"]),
    ):
        record = portal.get(auditor, f"/v1/data-uses/{answer['id']}").json()
        assert record["share_request_id"] == request["id"]
        assert (record["department"], record["user_person"]) == ("SCGL", "何佳")
        assert record["marks_labels"] == labels
