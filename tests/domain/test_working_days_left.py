"""Working days left to a due date, counted as the measures count (民法典 第201条)."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import SHANGHAI, WorkingDayCalendar, seed_schedules
from domain.deadlines import working_days_left

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
