"""A department's inbox, deadlines due soon (临期), obligations by id and the vocabularies,
over HTTP on SQLite and PostgreSQL.

ZYKF provides the data; SCGL asks for it on Friday 26 September 2025 (reply due 16
October, DOMAIN.md's worked example) and asks for a verification on Monday 13 October
(due 27 October: ten working days, Art. 31); CYFZ stands by.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.ledger import Ledger
from tests.support.portal import OFFICE, SCGL_STAFF, ZYKF_STAFF, Portal, created

CATALOGED = "2025-09-01T09:00:00+08:00"
FRIDAY = "2025-09-26T10:00:00+08:00"
MONDAY = "2025-10-13T10:00:00+08:00"
TUESDAY = "2025-10-14T12:00:00+08:00"  # two working days left for the request (15, 16)


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    return Portal(client, ledger).staffed(
        OFFICE, ZYKF_STAFF, SCGL_STAFF, ("吴昊", "CYFZ", "department"), extra={"CYFZ": "产业发展处"}
    )


@pytest.fixture
def awaiting(portal: Portal) -> dict[str, Any]:
    resource_id = portal.in_catalog(
        portal.tokens["孙悦"], portal.tokens["李静"], "ZYKF", occurred_at=CATALOGED
    )
    request = created(portal.request_share(portal.tokens["高远"], resource_id, occurred_at=FRIDAY))
    body = {"resource_id": resource_id, "description": "等级与实际不符", "occurred_at": MONDAY}
    verification = created(portal.post(portal.tokens["高远"], "/v1/verification-requests", body))
    return {"request": request, "verification": verification}


def inbox_of(portal: Portal, who: str, **params: Any) -> dict[str, Any]:
    answer = portal.get(portal.tokens[who], "/v1/inbox", at=TUESDAY, **params)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def deadlines(portal: Portal, **params: Any) -> list[dict[str, Any]]:
    answer = portal.get(portal.tokens["李静"], "/v1/deadlines", **params)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]  # type: ignore[no-any-return]


def test_the_providers_inbox_lists_what_awaits_its_reply_soonest_first__art26_art31(
    portal: Portal, awaiting: dict[str, Any]
) -> None:
    # Art. 26: a conditional request answered within 10 working days; Art. 31: likewise a
    # verification. The provider owes both; the requester owes nothing.
    items = inbox_of(portal, "孙悦")["items"]
    assert [(i["kind"], i["subject_id"], i["due_date"], i["working_days_left"]) for i in items] == [
        ("share_reply", awaiting["request"]["id"], "2025-10-16", 2),
        ("verification", awaiting["verification"]["id"], "2025-10-27", 9),
    ]
    assert [i["kind_label"] for i in items] == ["共享申请答复", "数据校核"]
    opened = portal.client.get(
        items[0]["subject_href"], headers={"Authorization": f"Bearer {portal.tokens['孙悦']}"}
    )
    assert opened.status_code == 200 and opened.json()["status"] == "pending"
    assert inbox_of(portal, "高远")["items"] == []
    assert inbox_of(portal, "吴昊", department="ZYKF")["items"] == []  # its own inbox only
    assert [i["subject_id"] for i in inbox_of(portal, "李静", department="ZYKF")["items"]] == [
        awaiting["request"]["id"],
        awaiting["verification"]["id"],
    ]


def test_a_reply_takes_the_request_out_of_the_inbox__art26(
    portal: Portal, awaiting: dict[str, Any]
) -> None:
    reply = {"decision": "refuse", "reason": "涉及在办案件", "occurred_at": TUESDAY}
    request_id = awaiting["request"]["id"]
    created(portal.post(portal.tokens["孙悦"], f"/v1/share-requests/{request_id}/reply", reply))
    later = "2025-10-14T18:00:00+08:00"
    items = portal.get(portal.tokens["孙悦"], "/v1/inbox", at=later).json()["items"]
    assert [i["kind"] for i in items] == ["verification"]
    # A reply discharges the obligation: the deadline register has no days left to count.
    [row] = deadlines(portal, at=later, kind="share_reply")
    assert (row["status"], row["working_days_left"]) == ("met", None)


def test_an_overdue_request_stays_in_the_inbox_until_answered__art26(
    portal: Portal, awaiting: dict[str, Any]
) -> None:
    # Art. 26: a late reply is still owed (and is accepted); the inbox keeps the request,
    # first, overdue by the working days since 16 October (17, 20 October: -2).
    monday = "2025-10-20T12:00:00+08:00"
    items = portal.get(portal.tokens["孙悦"], "/v1/inbox", at=monday).json()["items"]
    assert [(i["kind"], i["status"], i["working_days_left"]) for i in items] == [
        ("share_reply", "breached", -2),
        ("verification", "open", 5),
    ]


def test_deadlines_due_within_n_working_days__linqi(
    portal: Portal, awaiting: dict[str, Any]
) -> None:
    # 临期: open obligations due by the end of the Nth working day after today.
    due_soon = deadlines(portal, at=TUESDAY, due_within=2)
    assert [(d["subject_id"], d["working_days_left"]) for d in due_soon] == [
        (awaiting["request"]["id"], 2)
    ]
    assert deadlines(portal, at=TUESDAY, due_within=1) == []
    on_the_day = deadlines(portal, at="2025-10-16T09:00:00+08:00", due_within=0)
    assert [(d["subject_id"], d["working_days_left"]) for d in on_the_day] == [
        (awaiting["request"]["id"], 0)
    ]
    # Once breached, an obligation is no longer "due within" anything; still owed, it is
    # overdue by the working days since its due date.
    after = deadlines(portal, at="2025-10-17T09:00:00+08:00", kind="share_reply")
    assert [(d["status"], d["working_days_left"]) for d in after] == [("breached", -1)]
    assert deadlines(portal, at="2025-10-17T09:00:00+08:00", due_within=5, kind="share_reply") == []


def test_deadlines_sort_by_due_date_or_by_start(portal: Portal, awaiting: dict[str, Any]) -> None:
    kinds = {"kind": "verification"}, {"kind": "share_reply"}
    ours = [deadlines(portal, at=TUESDAY, **k)[0]["obligation_id"] for k in kinds]
    by_due = [d["obligation_id"] for d in deadlines(portal, at=TUESDAY, sort="due_date")]
    by_start = [d["obligation_id"] for d in deadlines(portal, at=TUESDAY, sort="started_at")]
    assert [o for o in by_due if o in ours] == ours[::-1]  # the request is due first
    assert [o for o in by_start if o in ours] == ours[::-1]  # and was made first
    bad = portal.get(portal.tokens["李静"], "/v1/deadlines", sort="department")
    assert bad.status_code == 422 and "sort" in bad.text


def test_an_obligation_id_of_the_deadlines_report_resolves(
    portal: Portal, awaiting: dict[str, Any]
) -> None:
    [row] = deadlines(portal, at=TUESDAY, kind="share_reply")
    path = f"/v1/obligations/{row['obligation_id']}"
    answer = portal.get(portal.tokens["孙悦"], path, at=TUESDAY)
    assert answer.status_code == 200, answer.text
    one = answer.json()
    assert {k: one[k] for k in row} == row
    assert one["subject_href"].startswith(f"/v1/share-requests/{awaiting['request']['id']}?")
    # Another department's obligation is not found, as one that does not exist.
    assert portal.get(portal.tokens["吴昊"], path, at=TUESDAY).status_code == 404
    # Before the request was made, the obligation did not exist.
    assert portal.get(portal.tokens["孙悦"], path, at=CATALOGED).status_code == 404
    unknown = "/v1/obligations/00000000-0000-0000-0000-000000000000"
    assert portal.get(portal.tokens["孙悦"], unknown).status_code == 404


def test_vocabularies_list_every_enumeration_with_its_label(portal: Portal) -> None:
    answer = portal.get(portal.tokens["吴昊"], "/v1/vocabularies")
    assert answer.status_code == 200, answer.text
    terms = answer.json()
    assert {"code": "conditional", "label_zh": "有条件共享"} in terms["share_type"]
    assert [t["code"] for t in terms["category"]] == [f"V{n:02d}" for n in range(1, 12)]
    assert {"code": "share_reply", "label_zh": "共享申请答复"} in terms["obligation_kind"]
    assert {"code": "pending", "label_zh": "待校核"} in terms["verification_requests.status"]
    assert all(t["label_zh"] for values in terms.values() for t in values)
    assert portal.client.get("/v1/vocabularies").status_code == 401
