"""A year in the life of five departments (2025), seen by the leading group (Art. 38-39).

- 6 Jan: the office BGS, 资源开发处 ZYKF, 市场管理处 SCGL, 产业发展处 CYFZ and the information
  center XXZX are registered; all but CYFZ name their responsible persons (Art. 38).
  CYFZ names them on 3 March. Every catalog is approved on 20 January (Art. 11).
- Each department reports its usage each quarter (Art. 33), except that SCGL never
  reports the second quarter (due 14 July).
- 6 May: SCGL asks for ZYKF's conditional list; ZYKF replies on 10 June, after the ten
  working days that ended 20 May (Art. 26). The grant runs to 31 August.
- 20 June: the leading group records a V06 finding against ZYKF, orders rectification
  by 15 July; ZYKF rectifies on 10 July (Art. 39).
- 15 September: SCGL uses the data after its grant expired (Art. 36: marked, V09).
- 1 September: SCGL asks ZYKF to verify the data (Art. 31, due 15 September). ZYKF
  answered on 10 September, but the answer reached the ledger only later: the grid on
  1 October "as known then" shows a V07 that "as known now" it does not.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from domain.ledger import Ledger
from tests.support.portal import Portal, created

DEPARTMENTS = {"BGS": "刘洋", "ZYKF": "孙悦", "SCGL": "高远", "CYFZ": "吴昊", "XXZX": "罗晨"}
QUARTERS = [
    ("2025-01-01", "2025-03-31", "2025-04-02"),
    ("2025-04-01", "2025-06-30", "2025-07-02"),
    ("2025-07-01", "2025-09-30", "2025-10-09"),
]


def on(day: str, time: str = "09:00") -> str:
    return f"{day}T{time}:00+08:00"


def grid(portal: Portal, at: str, known_at: str | None = None) -> dict[str, dict[str, int]]:
    params = {"at": at, **({"known_at": known_at} if known_at else {})}
    answer = portal.get(portal.tokens["张立新"], "/v1/supervision/violations", **params)
    assert answer.status_code == 200, answer.text
    counts = {
        entry["department"]: {
            code: cell["detected"] for code, cell in entry["counts"].items() if cell["detected"]
        }
        for entry in answer.json()["departments"]
    }
    return {department: cells for department, cells in counts.items() if cells}


def post(portal: Portal, who: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    return created(portal.post(portal.tokens[who], path, body))


def test_a_year_of_supervision(client: TestClient, ledger: Ledger) -> None:
    portal = Portal(client, ledger)
    for code in DEPARTMENTS:
        kind = "affiliated_unit" if code == "XXZX" else "division"
        body = {"code": code, "name": code, "kind": kind, "occurred_at": on("2025-01-06")}
        created(portal.post(portal.admin, "/v1/departments", body))
    portal.principal("李静", "BGS", "office")
    portal.principal("张立新", "BGS", "leading_group")
    for code, person in DEPARTMENTS.items():
        portal.principal(person, code, "department")
    for code in DEPARTMENTS:
        designated = on("2025-03-03") if code == "CYFZ" else on("2025-01-06", "10:00")
        post(
            portal,
            "李静",
            f"/v1/departments/{code}/responsible-persons",
            {
                "responsible_person": f"{code}负责人",
                "occurred_at": designated,
            },
        )
    resources = {
        code: portal.in_catalog(
            portal.tokens[person],
            portal.tokens["李静"],
            code,
            update_cycle="irregular",
            occurred_at=on("2025-01-20"),
        )
        for code, person in DEPARTMENTS.items()
    }
    for code, person in DEPARTMENTS.items():
        for first, last, filed in QUARTERS:
            if code == "SCGL" and first == "2025-04-01":
                continue  # SCGL misses the second quarter
            post(
                portal,
                person,
                "/v1/usage-reports",
                {
                    "period_start": first,
                    "period_end": last,
                    "summary": "开发应用情况",
                    "occurred_at": on(filed),
                },
            )

    request = created(
        portal.request_share(portal.tokens["高远"], resources["ZYKF"], occurred_at=on("2025-05-06"))
    )
    post(
        portal,
        "孙悦",
        f"/v1/share-requests/{request['id']}/reply",
        {
            "decision": "approve",
            "granted_scope": "名称、等级、地址",
            "granted_uses": ["行业监管"],
            "expires_at": on("2025-08-31", "23:59"),
            "occurred_at": on("2025-06-10"),
        },
    )
    finding = post(
        portal,
        "张立新",
        "/v1/findings",
        {
            "department": "ZYKF",
            "category": "V06",
            "evidence": [request["id"]],
            "description": "共享申请逾期未答复",
            "occurred_at": on("2025-06-20"),
        },
    )
    post(
        portal,
        "张立新",
        f"/v1/findings/{finding['id']}/rectification-order",
        {
            "due_date": "2025-07-15",
            "occurred_at": on("2025-06-20", "10:00"),
        },
    )
    post(
        portal,
        "孙悦",
        f"/v1/findings/{finding['id']}/rectification",
        {
            "evidence": [request["id"]],
            "occurred_at": on("2025-07-10"),
        },
    )
    post(
        portal,
        "张立新",
        f"/v1/findings/{finding['id']}/rectification-review",
        {"decision": "accepted", "occurred_at": on("2025-07-11")},
    )
    post(
        portal,
        "高远",
        "/v1/data-uses",
        {
            "share_request_id": request["id"],
            "resource_id": resources["ZYKF"],
            "purpose": "行业监管",
            "user_person": "高远",
            "approver": "SCGL负责人",
            "data_content": "名称、等级",
            "obtained_at": on("2025-09-15"),
            "method": "api",
            "medium": "network",
            "occurred_at": on("2025-09-15", "10:00"),
        },
    )
    verification = post(
        portal,
        "高远",
        "/v1/verification-requests",
        {
            "resource_id": resources["ZYKF"],
            "description": "景区等级与实际不符",
            "occurred_at": on("2025-09-01"),
        },
    )
    known_then = datetime.now(UTC).isoformat()
    # The answer of 10 September is recorded only now.
    post(
        portal,
        "孙悦",
        f"/v1/verification-requests/{verification['id']}/answer",
        {
            "outcome": "confirmed",
            "details": "经核实数据无误",
            "occurred_at": on("2025-09-10"),
        },
    )

    assert grid(portal, on("2025-02-01")) == {"CYFZ": {"V11": 1}}
    assert grid(portal, on("2025-05-25")) == {"ZYKF": {"V06": 1}}
    assert grid(portal, on("2025-07-20")) == {"ZYKF": {"V06": 1}, "SCGL": {"V10": 1}}
    october = on("2025-10-01")
    assert grid(portal, october, known_at=known_then) == {
        "ZYKF": {"V06": 1, "V07": 1},
        "SCGL": {"V09": 1, "V10": 1},
    }
    assert grid(portal, october) == {"ZYKF": {"V06": 1}, "SCGL": {"V09": 1, "V10": 1}}

    # The finding: ordered, then rectified before its date; counted as found, not overdue.
    answer = portal.get(portal.tokens["张立新"], "/v1/supervision/violations", at=on("2025-07-01"))
    [zykf] = [d for d in answer.json()["departments"] if d["department"] == "ZYKF"]
    assert (zykf["counts"]["V06"]["found"], zykf["counts"]["V06"]["rectification_ordered"]) == (
        1,
        1,
    )
    answer = portal.get(portal.tokens["张立新"], "/v1/supervision/violations", at=on("2025-12-31"))
    [zykf] = [d for d in answer.json()["departments"] if d["department"] == "ZYKF"]
    assert (zykf["counts"]["V06"]["rectified"], zykf["counts"]["V06"]["overdue"]) == (1, 0)
