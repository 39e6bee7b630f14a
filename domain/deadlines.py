"""Legal deadlines: when an obligation falls due, and whether it is open, met or breached.

A due date is never stored: it is computed from when the clock started and the
working-day calendar known at the instant asked about, so a deadline that ran into
an unpublished year is ``provisional`` until that year is published, and then
final without anyone recomputing it by hand (docs/DOMAIN.md, "Deadlines").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from functools import lru_cache
from typing import Protocol

from domain.calendar import SHANGHAI, Due, WorkingDayCalendar, due_end_of, shanghai_date
from domain.vocabulary import Labeled, UpdateCycle


class ObligationKind(Labeled):
    CATALOG_UPDATE = ("catalog_update", "目录更新申请")
    SHARE_REPLY = ("share_reply", "共享申请答复")
    VERIFICATION = ("verification", "数据校核")
    RECTIFICATION = ("rectification", "违规整改")
    AGGREGATION = ("aggregation", "数据汇聚")
    CONSISTENCY_CHECK = ("consistency_check", "目录一致性检测")
    USAGE_REPORT = ("usage_report", "开发应用情况报告")


class Status(str, Enum):
    OPEN = "open"
    MET = "met"
    BREACHED = "breached"


class DueRule(Protocol):
    def due(self, started_at: datetime, calendar: WorkingDayCalendar) -> Due: ...


@dataclass(frozen=True)
class WorkingDays:
    """N working days after the day the clock starts (each rule's period: domain/rules)."""

    days: int

    def due(self, started_at: datetime, calendar: WorkingDayCalendar) -> Due:
        return calendar.add_working_days(started_at, self.days)


@dataclass(frozen=True)
class OnDate:
    """A date fixed by whoever set the obligation (Art. 39: the rectification order's date)."""

    day: date

    def due(self, started_at: datetime, calendar: WorkingDayCalendar) -> Due:
        return Due(
            due_date=self.day,
            due_end=due_end_of(self.day),
            provisional=False,
            unpublished_years=frozenset(),
        )


@dataclass(frozen=True)
class WorkingDaysAfter:
    """N working days after a given day, wherever the clock started (Art. 33: a report owed
    from its period's start is due some working days after the period ends)."""

    day: date
    days: int

    def due(self, started_at: datetime, calendar: WorkingDayCalendar) -> Due:
        return calendar.add_working_days(datetime.combine(self.day, time(12), SHANGHAI), self.days)


# Every kind of due rule there is; a union (not the Protocol) so fold states can be saved.
DueSpec = WorkingDaysAfter | WorkingDays | OnDate


def status_at(due_end: datetime, discharged_at: datetime | None, at: datetime) -> Status:
    """Met when discharged by the due end; breached when the due end passed first, even if it
    was discharged later; otherwise open."""
    if discharged_at is not None and discharged_at < due_end:
        return Status.MET
    return Status.BREACHED if due_end <= at else Status.OPEN


def working_days_left(calendar: WorkingDayCalendar, at: datetime, due_date: date) -> int:
    """Working days after the day of ``at`` (Beijing time) up to the due date: 0 when it is
    due by the end of today, negative by as many working days as it is overdue. Counted as
    the measures count (民法典 第201条: the day asked on does not count), so "due within N
    working days" means at most N."""
    today = shanghai_date(at)
    if due_date < today:
        return -calendar.working_days_between(due_date, today)
    return calendar.working_days_between(today, due_date)


def last_due_date_within(calendar: WorkingDayCalendar, at: datetime, days: int) -> date:
    """The last due date with at most ``days`` working days left at ``at`` (临期): days left
    never decrease as the due date moves later, so "due within N" is "due by this date"."""
    today = shanghai_date(at)
    # N working days lie within N weeks and the longest run of holidays: search that span.
    low, high = 0, 7 * days + 31
    while low < high:
        middle = (low + high + 1) // 2
        if working_days_left(calendar, at, today + timedelta(days=middle)) <= days:
            low = middle
        else:
            high = middle - 1
    return today + timedelta(days=low)


# -- periods of update cycles and reports ------------------------------------------------

CYCLE_MONTHS = {
    UpdateCycle.MONTHLY: 1,
    UpdateCycle.QUARTERLY: 3,
    UpdateCycle.HALF_YEARLY: 6,
    UpdateCycle.YEARLY: 12,
}


@dataclass(frozen=True, order=True)
class Period:
    """Calendar days [start, end] in Asia/Shanghai."""

    start: date
    end: date

    @property
    def start_instant(self) -> datetime:
        return datetime.combine(self.start, datetime.min.time(), SHANGHAI)

    @property
    def end_instant(self) -> datetime:
        """24:00 of the last day."""
        return due_end_of(self.end)

    def within(self, first: date, last: date) -> bool:
        return first <= self.start and self.end <= last


@lru_cache(maxsize=1 << 16)
def period_containing(day: date, cycle: UpdateCycle) -> Period:
    """The update-cycle period holding ``day``. Real-time data is checked day by day.

    Remembered: a report at an instant walks every schedule's periods, and schedules share
    their days (a period is immutable, so one object serves them all)."""
    if cycle in (UpdateCycle.DAILY, UpdateCycle.REAL_TIME):
        return Period(day, day)
    if cycle is UpdateCycle.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return Period(monday, monday + timedelta(days=6))
    months = CYCLE_MONTHS.get(cycle)
    if months is None:
        msg = f"{cycle.value} data has no periods"
        raise ValueError(msg)
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    return Period(start, _add_months(start, months) - timedelta(days=1))


@lru_cache(maxsize=1 << 14)
def periods_between(first: date, last: date, cycle: UpdateCycle) -> tuple[Period, ...]:
    """Every period from the one holding ``first`` to the one holding ``last`` (remembered,
    as ``period_containing``: a tuple, so no caller can change what others are given)."""
    periods = []
    period = period_containing(first, cycle)
    while period.start <= last:
        periods.append(period)
        period = period_containing(period.end + timedelta(days=1), cycle)
    return tuple(periods)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def has_periods(cycle: UpdateCycle) -> bool:
    """Irregular data has no schedule to keep."""
    return cycle is not UpdateCycle.IRREGULAR


__all__ = [
    "Due",
    "DueRule",
    "DueSpec",
    "ObligationKind",
    "OnDate",
    "Period",
    "Status",
    "WorkingDays",
    "WorkingDaysAfter",
    "has_periods",
    "period_containing",
    "periods_between",
    "shanghai_date",
    "status_at",
]
