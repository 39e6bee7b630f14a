"""The deadline register over HTTP: working days, provisional years, late discharge, both time axes.

Art. 12: a catalog update is due 7 working days after a law change or a change of
functions; Art. 13: the office checks consistency once a year.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as cli
from domain.calendar import shanghai_date
from domain.holidays import PublishedSchedule, holiday_schedule_id
from domain.ledger import Ledger
from tests.support.portal import Portal, created


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    portal = Portal(client, ledger)
    for code in ("BGS", "ZYKF", "SCGL"):
        portal.department(code)
    portal.principal("李静", "BGS", "office")
    portal.principal("孙悦", "ZYKF", "department")
    portal.principal("张立新", "BGS", "leading_group")
    return portal


def deadlines(portal: Portal, **params: Any) -> list[dict[str, Any]]:
    answer = portal.get(portal.tokens["李静"], "/v1/deadlines", **params)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]  # type: ignore[no-any-return]


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def law_change(portal: Portal, occurred_at: str, departments: list[str]) -> dict[str, Any]:
    body = {
        "title": "《旅游法》修正",
        "affected_departments": departments,
        "occurred_at": occurred_at,
    }
    return created(portal.post(portal.tokens["李静"], "/v1/law-changes", body))


def test_law_change_opens_a_catalog_update_due_in_7_working_days__art12(portal: Portal) -> None:
    # Friday 2025-09-26; the day itself does not count: Sun 09-28 (调休) 1, 09-29 2,
    # 09-30 3, 10-01..08 holidays, 10-09 4, 10-10 5, Sat 10-11 (调休) 6, Mon 10-13 7.
    change = law_change(portal, "2025-09-26T10:00:00+08:00", ["ZYKF", "SCGL"])
    assert change["due_dates"]["ZYKF"]["due_date"] == "2025-10-13"
    assert change["provisional"] is False
    items = deadlines(portal, kind="catalog_update", at="2025-10-01T00:00:00+08:00")
    assert {i["department"] for i in items} == {"ZYKF", "SCGL"}
    assert all(i["due_date"] == "2025-10-13" and i["status"] == "open" for i in items)


def test_update_application_in_time_meets_the_deadline__art12(portal: Portal) -> None:
    change = law_change(portal, "2025-09-26T10:00:00+08:00", ["ZYKF"])
    created(
        portal.post(
            portal.tokens["孙悦"],
            "/v1/catalog-update-applications",
            {
                "reason": "依法修订",
                "trigger_id": change["id"],
                "occurred_at": "2025-10-10T16:00:00+08:00",
            },
        )
    )
    [item] = deadlines(portal, kind="catalog_update")
    assert item["status"] == "met"
    assert instant(item["discharged_at"]) == instant("2025-10-10T16:00:00+08:00")


def test_late_discharge_stays_breached_and_shows_when__art12(portal: Portal) -> None:
    change = law_change(portal, "2025-09-26T10:00:00+08:00", ["ZYKF"])
    # 24:00 of the due day has passed: 2025-10-14 00:30 Beijing time is late.
    created(
        portal.post(
            portal.tokens["孙悦"],
            "/v1/catalog-update-applications",
            {
                "reason": "依法修订",
                "trigger_id": change["id"],
                "occurred_at": "2025-10-14T00:30:00+08:00",
            },
        )
    )
    [before] = deadlines(portal, kind="catalog_update", at="2025-10-13T23:59:00+08:00")
    assert before["status"] == "open"
    [after] = deadlines(portal, kind="catalog_update")
    assert after["status"] == "breached"
    assert instant(after["discharged_at"]) == instant("2025-10-14T00:30:00+08:00")


def test_backdated_change_is_seen_as_known_now_but_not_as_known_then__art12(
    portal: Portal,
) -> None:
    # Recorded today about 2025: the ledger did not know it in October 2025.
    law_change(portal, "2025-09-26T10:00:00+08:00", ["ZYKF"])
    at = "2025-10-20T00:00:00+08:00"
    assert deadlines(portal, kind="catalog_update", at=at, known_at=at) == []
    [known_now] = deadlines(portal, kind="catalog_update", at=at)
    assert known_now["status"] == "breached"


def test_filters_by_status_and_department(portal: Portal) -> None:
    law_change(portal, "2025-09-26T10:00:00+08:00", ["ZYKF", "SCGL"])
    created(
        portal.post(
            portal.tokens["孙悦"],
            "/v1/catalog-update-applications",
            {
                "reason": "依法修订",
                "occurred_at": "2025-10-09T10:00:00+08:00",
            },
        )
    )
    met = deadlines(portal, kind="catalog_update", status="met")
    assert [i["department"] for i in met] == ["ZYKF"]
    breached = deadlines(portal, kind="catalog_update", status="breached", department="SCGL")
    assert [i["department"] for i in breached] == ["SCGL"]


def test_office_owes_one_consistency_check_per_system_a_year__art13(portal: Portal) -> None:
    # ZYKF registered two systems this year: each is checked against the catalog.
    year = shanghai_date(datetime.now(UTC)).year
    first = portal.system(portal.tokens["孙悦"])
    second = portal.system(portal.tokens["孙悦"], name="A级旅游景区评定系统")
    before = deadlines(portal, kind="consistency_check")
    assert sorted((i["subject_id"], i["period_start"], i["status"]) for i in before) == sorted(
        [(first, f"{year}-01-01", "open"), (second, f"{year}-01-01", "open")]
    )
    assert {i["department"] for i in before} == {"ZYKF"}
    body = {"system_id": first, "year": year}
    created(portal.post(portal.tokens["李静"], "/v1/consistency-checks", body))
    after = {i["subject_id"]: i["status"] for i in deadlines(portal, kind="consistency_check")}
    assert after == {first: "met", second: "open"}
    # A check names its system; differences call for recommendations (Art. 13).
    missing = portal.post(portal.tokens["李静"], "/v1/consistency-checks", {"year": year})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "system_id"
    differing = {**body, "system_id": second, "differences": [{"description": "未编目的表"}]}
    refused = portal.post(portal.tokens["李静"], "/v1/consistency-checks", differing)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "recommendations"
    advised = {**differing, "recommendations": ["将该表纳入目录"]}
    assert (
        created(portal.post(portal.tokens["李静"], "/v1/consistency-checks", advised))["consistent"]
        is False
    )


def test_publishing_a_schedule_is_for_the_leading_group_or_office(portal: Portal) -> None:
    schedule = {"year": 2027, "holidays": ["2027-01-01"], "adjusted_workdays": []}
    denied = portal.post(portal.tokens["孙悦"], "/v1/holiday-schedules", schedule)
    assert denied.status_code == 403
    bad = portal.post(
        portal.tokens["李静"],
        "/v1/holiday-schedules",
        {**schedule, "adjusted_workdays": ["2027-01-05"]},  # a Tuesday cannot be 调休
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "adjusted_workdays"
    created(portal.post(portal.tokens["李静"], "/v1/holiday-schedules", schedule))


def test_the_command_line_publishes_a_schedule_once_under_one_idempotency_key(
    portal: Portal,
    ledger: Ledger,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Art. 26's working days count by the published schedule; a retried publication (the
    # operator ran it again after a lost connection) records nothing, as over HTTP.
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    schedule = tmp_path / "2027.txt"
    schedule.write_text("holiday 2027-01-01\nholiday 2027-02-10..2027-02-16\n", encoding="utf-8")
    args = ["calendar", "publish", "--year", "2027", "--file", str(schedule)]
    keyed = [*args, "--idempotency-key", "schedule-2027"]
    first = CliRunner().invoke(cli, keyed)
    assert first.exit_code == 0, first.output
    position = portal.position()
    again = CliRunner().invoke(cli, keyed)
    assert again.exit_code == 0, again.output
    assert portal.position() == position
    assert ledger.get(holiday_schedule_id(2027), PublishedSchedule).version == 1
    # Another schedule under the same key is refused; without a key it is a republication.
    schedule.write_text("holiday 2027-01-01\n", encoding="utf-8")
    reused = CliRunner().invoke(cli, keyed)
    assert reused.exit_code == 1
    assert "Idempotency-Key" in reused.output
    assert portal.position() == position
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert ledger.get(holiday_schedule_id(2027), PublishedSchedule).version == 2


def test_a_department_sees_only_its_own_obligations(portal: Portal) -> None:
    # Unauthorised callers learn nothing of others' data: ZYKF does not see SCGL's deadlines.
    law_change(portal, "2025-09-26T10:00:00+08:00", ["ZYKF", "SCGL"])
    answer = portal.get(
        portal.tokens["孙悦"], "/v1/deadlines", kind="catalog_update", department="SCGL"
    )
    assert [item["department"] for item in answer.json()["items"]] == ["ZYKF"]
    everyone = deadlines(portal, kind="catalog_update")
    assert {item["department"] for item in everyone} == {"ZYKF", "SCGL"}
