"""Supervision over HTTP (Art. 38-39): each rule of detection produces exactly its own count.

A small province in 2025: the office BGS, the provider ZYKF and the user SCGL, each with
a responsible person and an approved catalog by 4 March. Asked about early April, such
a ledger detects nothing; each test then adds the facts of one violation and finds
exactly that one.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.ledger import Ledger
from tests.support.portal import Portal, created, resource_body

T0 = "2025-03-03T09:00:00+08:00"  # Monday: the departments are registered
CATALOGED = "2025-03-04T10:00:00+08:00"
AT = "2025-04-03T12:00:00+08:00"  # nothing due yet is overdue: a clean ledger


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    portal = Portal(client, ledger)
    for code in ("BGS", "ZYKF", "SCGL", "XXZX"):
        register(portal, code, T0, kind="affiliated_unit" if code == "XXZX" else "division")
    portal.principal("李静", "BGS", "office")
    portal.principal("张立新", "BGS", "leading_group")
    portal.principal("审计员", "BGS", "auditor")
    portal.principal("周敏", "XXZX", "info_center")
    portal.principal("孙悦", "ZYKF", "department")
    portal.principal("高远", "SCGL", "department")
    portal.principal("刘洋", "BGS", "department")
    portal.principal("罗晨", "XXZX", "department")
    for code, person in (("BGS", "刘洋"), ("ZYKF", "孙悦"), ("SCGL", "高远"), ("XXZX", "罗晨")):
        designate(portal, code, "2025-03-03T10:00:00+08:00")
        approved(portal, person, code, update_cycle="irregular")
    return portal


def register(portal: Portal, code: str, when: str, kind: str = "division") -> None:
    body = {"code": code, "name": f"{code}处", "kind": kind, "occurred_at": when}
    created(portal.post(portal.admin, "/v1/departments", body))


def designate(portal: Portal, code: str, when: str) -> None:
    body = {"responsible_person": f"{code}负责人", "data_staff": [], "occurred_at": when}
    created(portal.post(portal.tokens["李静"], f"/v1/departments/{code}/responsible-persons", body))


def approved(
    portal: Portal, person: str, department: str, when: str = CATALOGED, **fields: Any
) -> str:
    return portal.in_catalog(
        portal.tokens[person], portal.tokens["李静"], department, occurred_at=when, **fields
    )


def detected(portal: Portal, at: str = AT) -> list[tuple[str, str, str]]:
    """Every detection, by opening the evidence behind each count of the grid."""
    answer = portal.get(portal.tokens["张立新"], "/v1/supervision/violations", at=at)
    assert answer.status_code == 200, answer.text
    found = []
    for entry in answer.json()["departments"]:
        for code, cell in entry["counts"].items():
            items = evidence_of(portal, entry["department"], code, at)
            rules = [item["rule"] for item in items if item["source"] == "detected"]
            assert len(rules) == cell["detected"]  # the page lists exactly what the cell counts
            found += [(entry["department"], code, rule) for rule in rules]
    return sorted(found)


def evidence_of(portal: Portal, department: str, category: str, at: str) -> list[dict[str, Any]]:
    """Every page of the evidence behind one cell."""
    path = f"/v1/supervision/violations/{department}/{category}/evidence"
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        params = {"at": at, "limit": 2, **({"cursor": cursor} if cursor else {})}
        answer = portal.get(portal.tokens["张立新"], path, **params)
        assert answer.status_code == 200, answer.text
        items += answer.json()["items"]
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return items


def post(portal: Portal, who: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    return created(portal.post(portal.tokens[who], path, body))


def test_a_ledger_that_keeps_the_rules_detects_nothing(portal: Portal) -> None:
    assert detected(portal) == []


def test_department_without_responsible_person__art38_v11(portal: Portal) -> None:
    register(portal, "YSZX", "2025-03-25T09:00:00+08:00", kind="affiliated_unit")
    assert detected(portal) == [("YSZX", "V11", "no_responsible_person")]


def test_department_without_approved_catalog_after_20_working_days__art11_v01(
    portal: Portal,
) -> None:
    register(portal, "KJJY", T0)
    designate(portal, "KJJY", "2025-03-03T11:00:00+08:00")
    assert detected(portal, at="2025-03-31T12:00:00+08:00") == []
    assert detected(portal) == [("KJJY", "V01", "no_approved_catalog")]


def test_catalog_update_overdue__art12_v01(portal: Portal) -> None:
    post(
        portal,
        "李静",
        "/v1/law-changes",
        {
            "title": "《旅游法》修正",
            "affected_departments": ["ZYKF"],
            "occurred_at": "2025-03-10T09:00:00+08:00",
        },
    )
    assert detected(portal) == [("ZYKF", "V01", "catalog_update_overdue")]


def connected_system(portal: Portal, when: str = "2025-03-05T09:00:00+08:00") -> str:
    system_id = str(
        post(
            portal,
            "孙悦",
            "/v1/systems",
            {
                "name": "A级旅游景区管理系统",
                "status": "existing",
                "classified": False,
                "occurred_at": when,
            },
        )["id"]
    )
    post(portal, "周敏", f"/v1/systems/{system_id}/connection", {"occurred_at": when})
    return system_id


def test_existing_system_not_connected_after_20_working_days__art19_v02(portal: Portal) -> None:
    post(
        portal,
        "孙悦",
        "/v1/systems",
        {
            "name": "旅游统计系统",
            "status": "existing",
            "classified": False,
            "occurred_at": CATALOGED,
        },
    )
    assert detected(portal, at="2025-04-01T12:00:00+08:00") == []
    assert detected(portal) == [("ZYKF", "V02", "not_connected")]


def test_new_system_in_trial_without_connection__art20_v02(portal: Portal) -> None:
    system_id = str(
        post(
            portal,
            "孙悦",
            "/v1/systems",
            {
                "name": "智慧旅游平台",
                "status": "new",
                "classified": False,
                "occurred_at": CATALOGED,
            },
        )["id"]
    )
    approved(portal, "孙悦", "ZYKF", system_id=system_id, update_cycle="irregular")
    post(portal, "李静", f"/v1/systems/{system_id}/project-approval", {"occurred_at": CATALOGED})
    post(
        portal,
        "孙悦",
        f"/v1/systems/{system_id}/trial-operation",
        {"occurred_at": "2025-03-20T09:00:00+08:00"},
    )
    assert detected(portal) == [("ZYKF", "V02", "trial_without_connection")]


def test_aggregation_overdue_for_the_update_cycle__art19_v03(portal: Portal) -> None:
    approved(portal, "孙悦", "ZYKF", update_cycle="monthly")
    # March's data is due three working days after the month: 2025-04-07 (Qingming 4-6).
    assert detected(portal, at="2025-04-07T12:00:00+08:00") == []
    assert detected(portal, at="2025-04-08T12:00:00+08:00") == [
        ("ZYKF", "V03", "aggregation_overdue")
    ]


def test_rejected_aggregation__art21_v04(portal: Portal) -> None:
    resource_id = approved(portal, "孙悦", "ZYKF", update_cycle="irregular")
    system_id = connected_system(portal)
    receipt = created(
        portal.aggregate(
            portal.tokens["周敏"],
            resource_id,
            system_id,
            "2025-03-01",
            "2025-03-31",
            occurred_at="2025-04-01T09:00:00+08:00",
        )
    )
    post(
        portal,
        "周敏",
        f"/v1/aggregations/{receipt['id']}/rejection",
        {
            "reason": "字段缺失，无法使用",
            "occurred_at": "2025-04-01T10:00:00+08:00",
        },
    )
    assert detected(portal) == [("ZYKF", "V04", "aggregation_rejected")]


def test_consistency_differences_then_unfixed__art13_v04_v01(portal: Portal) -> None:
    system_id = connected_system(portal)
    post(
        portal,
        "李静",
        "/v1/consistency-checks",
        {
            "system_id": system_id,
            "year": 2025,
            "occurred_at": "2025-03-20T09:00:00+08:00",
            "differences": [{"description": "系统中的“景区等级”未编入目录"}],
        },
    )
    assert detected(portal, at="2025-03-21T12:00:00+08:00") == [
        ("ZYKF", "V04", "consistency_differences")
    ]
    # Seven working days later (2025-03-31) without an update application: not fixed.
    assert detected(portal) == [
        ("ZYKF", "V01", "differences_not_fixed"),
        ("ZYKF", "V04", "consistency_differences"),
    ]
    post(
        portal,
        "孙悦",
        "/v1/catalog-update-applications",
        {
            "reason": "补充编目",
            "occurred_at": "2025-04-02T09:00:00+08:00",
        },
    )
    assert detected(portal) == [("ZYKF", "V04", "consistency_differences")]


def test_duplicate_collection_of_an_item_with_a_unique_source__art15_v05(portal: Portal) -> None:
    ours = approved(portal, "孙悦", "ZYKF")
    theirs = approved(portal, "高远", "SCGL")
    conflict = post(
        portal,
        "李静",
        "/v1/source-conflicts",
        {
            "data_item": "景区名称",
            "resource_ids": [ours, theirs],
            "occurred_at": "2025-03-10T09:00:00+08:00",
        },
    )
    post(
        portal,
        "李静",
        f"/v1/source-conflicts/{conflict['id']}/resolution",
        {
            "unique_source_resource_id": ours,
            "occurred_at": "2025-03-11T09:00:00+08:00",
        },
    )
    post(
        portal,
        "高远",
        "/v1/resources",
        resource_body("SCGL", update_cycle="irregular", occurred_at="2025-03-12T09:00:00+08:00"),
    )
    assert detected(portal) == [("SCGL", "V05", "duplicate_collection")]


def test_conditional_request_not_answered_in_10_working_days__art26_v06(portal: Portal) -> None:
    resource_id = approved(portal, "孙悦", "ZYKF")
    created(
        portal.request_share(
            portal.tokens["高远"], resource_id, occurred_at="2025-03-10T09:00:00+08:00"
        )
    )
    assert detected(portal, at="2025-03-24T12:00:00+08:00") == []
    assert detected(portal) == [("ZYKF", "V06", "share_reply_overdue")]


def test_verification_not_answered_in_10_working_days__art31_v07(portal: Portal) -> None:
    resource_id = approved(portal, "孙悦", "ZYKF")
    post(
        portal,
        "高远",
        "/v1/verification-requests",
        {
            "resource_id": resource_id,
            "description": "景区等级与实际不符",
            "occurred_at": "2025-03-10T09:00:00+08:00",
        },
    )
    assert detected(portal) == [("ZYKF", "V07", "verification_overdue")]


def test_use_without_a_grant__art36_v09(portal: Portal) -> None:
    resource_id = approved(portal, "孙悦", "ZYKF")
    post(
        portal,
        "高远",
        "/v1/data-uses",
        {
            "resource_id": resource_id,
            "purpose": "行业监管",
            "user_person": "高远",
            "approver": "林国栋",
            "data_content": "名称、等级",
            "obtained_at": "2025-03-12T09:00:00+08:00",
            "method": "api",
            "medium": "network",
            "occurred_at": "2025-03-12T10:00:00+08:00",
        },
    )
    assert detected(portal) == [("SCGL", "V09", "no_grant")]


def test_missing_usage_report__art33_v10(portal: Portal) -> None:
    for who in ("刘洋", "高远", "罗晨"):
        post(
            portal,
            who,
            "/v1/usage-reports",
            {
                "period_start": "2025-01-01",
                "period_end": "2025-03-31",
                "summary": "一季度开发应用情况",
                "occurred_at": "2025-04-08T09:00:00+08:00",
            },
        )
    assert detected(portal, at="2025-04-20T12:00:00+08:00") == [
        ("ZYKF", "V10", "usage_report_overdue")
    ]


def findings(portal: Portal, at: str) -> dict[str, Any]:
    answer = portal.get(portal.tokens["张立新"], "/v1/supervision/violations", at=at)
    return answer.json()  # type: ignore[no-any-return]


def test_findings_are_counted_with_where_each_stands__art39(portal: Portal) -> None:
    # V08 is never detected by the ledger itself: tampering is found and recorded.
    evidence = approved(portal, "孙悦", "ZYKF")
    finding = post(
        portal,
        "张立新",
        "/v1/findings",
        {
            "department": "ZYKF",
            "category": "V08",
            "evidence": [evidence],
            "description": "提供数据与原始记录不符，疑似篡改",
            "occurred_at": "2025-03-20T09:00:00+08:00",
        },
    )
    post(
        portal,
        "张立新",
        f"/v1/findings/{finding['id']}/rectification-order",
        {
            "due_date": "2025-03-31",
            "occurred_at": "2025-03-21T09:00:00+08:00",
        },
    )

    def cell(at: str) -> dict[str, Any]:
        [zykf] = [d for d in findings(portal, at)["departments"] if d["department"] == "ZYKF"]
        return zykf["counts"]["V08"]  # type: ignore[no-any-return]

    assert (
        cell("2025-03-25T00:00:00+08:00")["found"],
        cell("2025-03-25T00:00:00+08:00")["rectification_ordered"],
    ) == (1, 1)
    assert cell(AT)["overdue"] == 1 and cell(AT)["detected"] == 0
    early = portal.post(
        portal.tokens["张立新"],
        f"/v1/findings/{finding['id']}/criticism",
        {
            "note": "通报批评",
            "occurred_at": "2025-03-31T18:00:00+08:00",
        },
    )
    assert early.status_code == 409  # Art. 39: criticism only once the date has passed
    post(
        portal,
        "张立新",
        f"/v1/findings/{finding['id']}/criticism",
        {
            "note": "通报批评",
            "occurred_at": "2025-04-01T09:00:00+08:00",
        },
    )
    assert cell(AT)["criticised"] == 1
    post(
        portal,
        "孙悦",
        f"/v1/findings/{finding['id']}/rectification",
        {
            "evidence": [evidence],
            "occurred_at": "2025-04-02T09:00:00+08:00",
        },
    )
    assert cell(AT)["rectified"] == 1
    [item] = evidence_of(portal, "ZYKF", "V08", AT)
    assert (item["source"], item["subject_id"], item["status"]) == (
        "found",
        finding["id"],
        "rectified",
    )
    summary = {c["code"]: c for c in findings(portal, AT)["categories"]}
    assert (summary["V08"]["found"], summary["V08"]["detected"], summary["V08"]["label"]) == (
        1,
        0,
        "伪造、篡改数据资源",
    )


def test_a_withdrawn_finding_is_kept_and_counted_as_withdrawn__art39(portal: Portal) -> None:
    evidence = approved(portal, "孙悦", "ZYKF")
    finding = post(
        portal,
        "张立新",
        "/v1/findings",
        {
            "department": "ZYKF",
            "category": "V11",
            "evidence": [evidence],
            "description": "误报",
            "occurred_at": "2025-03-20T09:00:00+08:00",
        },
    )
    post(
        portal,
        "张立新",
        f"/v1/findings/{finding['id']}/withdrawal",
        {
            "reason": "经核实不构成违规",
            "occurred_at": "2025-03-21T09:00:00+08:00",
        },
    )
    [zykf] = [d for d in findings(portal, AT)["departments"] if d["department"] == "ZYKF"]
    assert (zykf["counts"]["V11"]["found"], zykf["counts"]["V11"]["withdrawn"]) == (0, 1)


def test_finding_evidence_must_be_on_the_record__art39(portal: Portal) -> None:
    before = portal.position()
    answer = portal.post(
        portal.tokens["张立新"],
        "/v1/findings",
        {
            "department": "ZYKF",
            "category": "V06",
            "evidence": ["00000000-0000-0000-0000-000000000000"],
            "description": "未答复",
        },
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "evidence.0"
    assert portal.position() == before


def test_only_the_leading_group_records_findings_and_a_department_sees_its_own_row(
    portal: Portal,
) -> None:
    body = {"department": "ZYKF", "category": "V06", "evidence": ["1"], "description": "未答复"}
    assert portal.post(portal.tokens["李静"], "/v1/findings", body).status_code == 403
    own = portal.get(portal.tokens["孙悦"], "/v1/supervision/violations", at=AT).json()
    assert [d["department"] for d in own["departments"]] == ["ZYKF"]


def test_every_overseer_sees_every_department_s_row(portal: Portal) -> None:
    def rows(token: str) -> list[str]:
        grid = portal.get(token, "/v1/supervision/violations", at=AT).json()
        return [d["department"] for d in grid["departments"]]

    everyone = rows(portal.tokens["张立新"])
    assert {"BGS", "SCGL", "XXZX", "ZYKF"} <= set(everyone)
    for token in (
        portal.admin,
        portal.tokens["李静"],
        portal.tokens["审计员"],
        portal.tokens["周敏"],
    ):
        assert rows(token) == everyone


def test_the_evidence_behind_a_count_opens_the_use_and_proves_its_event__art36_v09(
    portal: Portal,
) -> None:
    # Art. 39: what is counted is on the record. The item links the use itself and the
    # inclusion proof of the event that recorded it, in the tree the report read.
    resource_id = approved(portal, "孙悦", "ZYKF")
    use = post(
        portal,
        "高远",
        "/v1/data-uses",
        {
            "resource_id": resource_id,
            "purpose": "行业监管",
            "user_person": "高远",
            "approver": "林国栋",
            "data_content": "名称、等级",
            "obtained_at": "2025-03-12T09:00:00+08:00",
            "method": "api",
            "medium": "network",
            "occurred_at": "2025-03-12T10:00:00+08:00",
        },
    )
    grid = portal.get(portal.tokens["张立新"], "/v1/supervision/violations", at=AT).json()
    [scgl] = [d for d in grid["departments"] if d["department"] == "SCGL"]
    assert scgl["counts"]["V09"]["detected"] == 1
    assert use["id"] not in str(grid)  # the grid carries counts, never the ids
    [item] = evidence_of(portal, "SCGL", "V09", AT)
    assert (item["source"], item["subject_id"], item["rule"]) == ("detected", use["id"], "no_grant")
    lead = {"Authorization": f"Bearer {portal.tokens['张立新']}"}
    opened = portal.client.get(item["href"], headers=lead)
    assert opened.status_code == 200 and opened.json()["marks"] == ["no_grant"]
    assert item["event_position"] == use["position"]
    proof = portal.client.get(item["event_href"], headers=lead)
    assert proof.status_code == 200, proof.text
    assert proof.json()["position"] == use["position"]
    head = portal.client.get("/v1/ledger/head", headers=lead).json()
    assert grid["position"] == head["position"]  # nothing recorded since the report
    assert proof.json()["tree_size"] == head["tree_size"]  # the tree the report read


def test_an_overdue_reply_s_evidence_resolves_to_its_obligation__art26_v06(
    portal: Portal,
) -> None:
    resource_id = approved(portal, "孙悦", "ZYKF")
    request = created(
        portal.request_share(
            portal.tokens["高远"], resource_id, occurred_at="2025-03-10T09:00:00+08:00"
        )
    )
    [item] = evidence_of(portal, "ZYKF", "V06", AT)
    assert (item["rule"], item["event_href"]) == ("share_reply_overdue", None)  # derived
    lead = {"Authorization": f"Bearer {portal.tokens['张立新']}"}
    obligation = portal.client.get(item["href"], headers=lead)
    assert obligation.status_code == 200, obligation.text
    assert obligation.json()["obligation_id"] == item["subject_id"]
    assert (obligation.json()["subject_id"], obligation.json()["status"]) == (
        request["id"],
        "breached",
    )


def test_a_department_reads_the_evidence_of_its_own_cells_only(portal: Portal) -> None:
    path = "/v1/supervision/violations/{}/V06/evidence"
    assert portal.get(portal.tokens["孙悦"], path.format("ZYKF"), at=AT).status_code == 200
    assert portal.get(portal.tokens["孙悦"], path.format("SCGL"), at=AT).status_code == 404
    assert portal.get(portal.tokens["张立新"], path.format("NOPE"), at=AT).status_code == 404
    bad = portal.get(portal.tokens["张立新"], "/v1/supervision/violations/ZYKF/V12/evidence")
    assert bad.status_code == 422 and "category" in bad.text


def test_the_report_stays_the_same_size_however_many_it_counts__art39(portal: Portal) -> None:
    # The grid carries counts; what they count is a page away, so more violations make a
    # report no longer (but for the digits of its counts).
    resource_id = approved(portal, "孙悦", "ZYKF")
    body = {
        "resource_id": resource_id,
        "purpose": "行业监管",
        "user_person": "高远",
        "approver": "林国栋",
        "data_content": "名称、等级",
        "obtained_at": "2025-03-12T09:00:00+08:00",
        "method": "api",
        "medium": "network",
        "occurred_at": "2025-03-12T10:00:00+08:00",
    }

    def size() -> int:
        grid = portal.get(portal.tokens["张立新"], "/v1/supervision/violations", at=AT)
        return len(grid.content)

    post(portal, "高远", "/v1/data-uses", body)
    one = size()
    for _ in range(12):
        post(portal, "高远", "/v1/data-uses", body)
    assert len(evidence_of(portal, "SCGL", "V09", AT)) == 13
    assert size() == one + 2  # "1" became "13" in the cell and in the category's total
