"""Usage-report periods decided in the domain, with no I/O (Art. 33)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import ReportPeriodMismatch
from domain.usage_reports import DEFAULT_USAGE_REPORT_PERIOD, check_report_period
from domain.vocabulary import UpdateCycle

TODAY = date(2025, 8, 1)


def test_the_period_is_quarterly_until_the_office_publishes_another__art33() -> None:
    assert DEFAULT_USAGE_REPORT_PERIOD is UpdateCycle.QUARTERLY


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (UpdateCycle.QUARTERLY, date(2025, 4, 1), date(2025, 6, 30)),
        (UpdateCycle.HALF_YEARLY, date(2025, 1, 1), date(2025, 6, 30)),
        (UpdateCycle.MONTHLY, date(2025, 2, 1), date(2025, 2, 28)),
    ],
)
def test_one_whole_period_is_accepted__art33(period: UpdateCycle, start: date, end: date) -> None:
    check_report_period(start, end, period, TODAY)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(2025, 4, 2), date(2025, 6, 30), "period_start"),
        (date(2025, 4, 1), date(2025, 5, 31), "period_end"),
        (date(2025, 1, 1), date(2025, 6, 30), "period_end"),  # two quarters
        (date(2025, 7, 1), date(2025, 9, 30), "period_end"),  # not over yet
    ],
)
def test_other_periods_are_refused__art33(start: date, end: date, field: str) -> None:
    with pytest.raises(ReportPeriodMismatch) as refused:
        check_report_period(start, end, UpdateCycle.QUARTERLY, TODAY)
    assert (refused.value.field, refused.value.article) == (field, "33")
