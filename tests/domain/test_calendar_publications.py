"""The calendar a ledger works with follows every schedule published, by any process
(Art. 26 and every deadline in working days count by the State Council's schedule)."""

from __future__ import annotations

from datetime import date

from api.runtime import admin_command, open_ledger
from domain.departments import register_department
from domain.ledger import Ledger
from domain.vocabulary import DepartmentKind


def test_a_schedule_published_elsewhere_is_seen_after_the_calendar_was_read(
    ledger: Ledger, database_url: str
) -> None:
    assert not ledger.calendar().is_published(2031)
    for code in ("CALA", "CALB"):  # events after the calendar was read, none a schedule
        ledger.record([register_department(admin_command(), code, "处", DepartmentKind.DIVISION)])
    assert not ledger.calendar().is_published(2031)

    elsewhere = open_ledger(database_url)
    try:
        published = elsewhere.publish_holiday_schedule(
            admin_command(), 2031, [date(2031, 1, 1)], [], "国务院办公厅通知"
        )
        elsewhere.record(published.events)
    finally:
        elsewhere.close()

    calendar = ledger.calendar()
    assert calendar.is_published(2031)
    assert not calendar.is_working_day(date(2031, 1, 1))
