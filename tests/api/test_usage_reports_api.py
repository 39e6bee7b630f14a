"""Usage reports over HTTP, on SQLite and PostgreSQL (Art. 33).

ZYKF was registered in January 2025 and reports quarterly (the default); SGAT is an
external department; BGS holds the office and the leading group.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from domain.ledger import Ledger
from tests.support.portal import Portal, created

REGISTERED = "2025-01-15T09:00:00+08:00"


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    portal = Portal(client, ledger)
    for code, kind in (("ZYKF", "division"), ("XXZX", "affiliated_unit"), ("SGAT", "external")):
        body = {"code": code, "name": "测试", "kind": kind, "occurred_at": REGISTERED}
        created(portal.post(portal.admin, "/v1/departments", body))
    portal.department("BGS", "办公室")
    portal.principal("李静", "BGS", "office")
    portal.principal("张立新", "BGS", "leading_group")
    portal.principal("孙悦", "ZYKF", "department")
    portal.principal("周敏", "XXZX", "department")
    return portal


def report(portal: Portal, first: str, last: str, who: str = "孙悦", **body: Any) -> Response:
    body = {"period_start": first, "period_end": last, "summary": "开发景区客流分析应用", **body}
    return portal.post(portal.tokens[who], "/v1/usage-reports", body)


def usage_reports(portal: Portal, **params: Any) -> list[dict[str, Any]]:
    got = portal.get(portal.tokens["张立新"], "/v1/deadlines", kind="usage_report", **params)
    assert got.status_code == 200, got.text
    return got.json()["items"]  # type: ignore[no-any-return]


def test_each_unit_owes_a_quarterly_report_from_its_registration__art33(portal: Portal) -> None:
    items = usage_reports(portal, department="ZYKF", at="2025-07-20T00:00:00+08:00")
    # Owed from each quarter's start; due 10 working days after its end (Q1: 清明 04-04).
    assert [(i["period_start"], i["period_end"], i["due_date"], i["status"]) for i in items] == [
        ("2025-01-01", "2025-03-31", "2025-04-15", "breached"),
        ("2025-04-01", "2025-06-30", "2025-07-14", "breached"),
        ("2025-07-01", "2025-09-30", "2025-10-21", "open"),
    ]
    everyone = {i["department"] for i in usage_reports(portal, at="2025-07-20T00:00:00+08:00")}
    assert {"ZYKF", "XXZX"} <= everyone
    assert "SGAT" not in everyone  # 厅外 departments report to their own province's bodies


def test_a_report_for_the_period_discharges_it__art33(portal: Portal) -> None:
    reported = created(
        report(portal, "2025-04-01", "2025-06-30", occurred_at="2025-07-10T10:00:00+08:00")
    )
    assert reported["period"] == "quarterly"
    items = usage_reports(portal, department="ZYKF", at="2025-07-20T00:00:00+08:00")
    assert [i["status"] for i in items] == ["breached", "met", "open"]
    state = portal.get(portal.tokens["张立新"], f"/v1/usage-reports/{reported['id']}").json()
    assert (state["department"], state["summary"]) == ("ZYKF", "开发景区客流分析应用")
    assert (
        portal.get(portal.tokens["周敏"], f"/v1/usage-reports/{reported['id']}").status_code == 404
    )


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        ("2025-02-01", "2025-04-30", "period_start"),
        ("2025-04-01", "2025-09-30", "period_end"),
        ("2025-04-01", "2025-05-31", "period_end"),
    ],
)
def test_a_report_covers_exactly_one_reporting_period__art33(
    portal: Portal, first: str, last: str, field: str
) -> None:
    before = portal.position()
    refused = report(portal, first, last, occurred_at="2025-10-10T10:00:00+08:00")
    assert refused.status_code == 422
    assert (refused.json()["errors"][0]["field"], refused.json()["article"]) == (field, "33")
    assert portal.position() == before


def test_a_report_comes_after_its_period__art33(portal: Portal) -> None:
    early = report(portal, "2025-07-01", "2025-09-30", occurred_at="2025-09-20T10:00:00+08:00")
    assert early.status_code == 422
    assert early.json()["errors"][0]["field"] == "period_end"
    created(report(portal, "2025-07-01", "2025-09-30", occurred_at="2025-09-30T18:00:00+08:00"))


def test_only_departments_report_their_own_usage__art33(portal: Portal) -> None:
    assert report(portal, "2025-01-01", "2025-03-31", who="李静").status_code == 403


def test_the_period_is_a_policy_the_office_publishes__art33(portal: Portal) -> None:
    # Art. 33 says only 定期: the office publishes monthly, from the start of 2025.
    body = {"name": "usage_report_period", "value": "monthly", "effective_from": "2025-01-01"}
    created(portal.post(portal.tokens["李静"], "/v1/policies", body))
    items = usage_reports(portal, department="ZYKF", at="2025-03-05T00:00:00+08:00")
    assert [(i["period_start"], i["period_end"]) for i in items] == [
        ("2025-01-01", "2025-01-31"),
        ("2025-02-01", "2025-02-28"),
        ("2025-03-01", "2025-03-31"),
    ]
    quarterly = report(portal, "2025-01-01", "2025-03-31", occurred_at="2025-04-02T10:00:00+08:00")
    assert quarterly.status_code == 422
    monthly = created(
        report(portal, "2025-02-01", "2025-02-28", occurred_at="2025-03-05T10:00:00+08:00")
    )
    assert monthly["period"] == "monthly"
    items = usage_reports(portal, department="ZYKF", at="2025-03-20T00:00:00+08:00")
    assert [(i["period_start"], i["status"]) for i in items] == [
        ("2025-01-01", "breached"),
        ("2025-02-01", "met"),
        ("2025-03-01", "open"),
    ]
