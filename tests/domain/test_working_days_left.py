"""Working days left to a due date, counted as the measures count (民法典 第201条)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import SHANGHAI, WorkingDayCalendar, seed_schedules
from domain.deadlines import last_due_date_within, working_days_left
from domain.holidays import calendar_with

CAL = WorkingDayCalendar(seed_schedules())
DUE = date(2025, 10, 16)  # a request of Friday 26 September 2025 (Art. 26, DOMAIN.md)


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_the_day_asked_on_does_not_count__art26() -> None:
    assert working_days_left(CAL, bj("2025-10-14 12:00"), DUE) == 2  # the 15th and the 16th
    assert working_days_left(CAL, bj("2025-10-15 23:59"), DUE) == 1
    assert working_days_left(CAL, bj("2025-10-16 09:00"), DUE) == 0  # due by 24:00 today


def test_holidays_and_adjusted_workdays_count_as_the_schedule_says__art26() -> None:
    # 1-8 October 2025 are holidays; Saturday 11 October is a 调休 working day.
    assert working_days_left(CAL, bj("2025-09-30 12:00"), DUE) == 7  # 9, 10, 11, 13-16


def test_an_overdue_obligation_counts_the_working_days_since_it_was_due() -> None:
    assert working_days_left(CAL, bj("2025-10-17 09:00"), DUE) == -1
    assert working_days_left(CAL, bj("2025-10-19 09:00"), DUE) == -1  # the weekend between
    assert working_days_left(CAL, bj("2025-10-20 09:00"), DUE) == -2


def test_the_day_is_taken_in_beijing_time() -> None:
    # 16:30Z on the 15th is already the 16th in Beijing.
    late = datetime.fromisoformat("2025-10-15T16:30:00+00:00")
    assert working_days_left(CAL, late, DUE) == 0


@given(st.dates(date(2025, 1, 1), date(2026, 12, 31)), st.integers(1, 30))
def test_n_working_days_after_a_day_leave_n_days(day: date, n: int) -> None:
    # The inverse of counting a period: due N working days after today leaves N.
    start = datetime.combine(day, datetime.min.time(), SHANGHAI).replace(hour=12)
    due = CAL.add_working_days(start, n).due_date
    assert working_days_left(CAL, start, due) == n


@given(
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
    within=st.integers(min_value=0, max_value=40),
)
def test_due_within_n_working_days_is_due_by_one_date(day: date, within: int) -> None:
    # 临期 (Art. 26, 31 deadlines in working days): "due within N working days" lists exactly
    # the open obligations due by the date last_due_date_within names.
    calendar = calendar_with([])
    at = datetime.combine(day, time(9), SHANGHAI)
    last = last_due_date_within(calendar, at, within)
    for offset in range(0, 7 * within + 40):
        due = day + timedelta(days=offset)
        assert (working_days_left(calendar, at, due) <= within) == (due <= last)
