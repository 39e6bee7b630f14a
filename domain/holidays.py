"""Holiday schedules 节假日安排 published into the ledger, so deadline arithmetic is on the record.

The State Council's schedules for 2004–2026 ship with the package (chinesecalendar);
later years arrive as ``HolidaySchedulePublished`` events, published by the leading
group or the office once the State Council announces them. A year may be published
again (the State Council has amended a schedule before); the latest publication wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache, lru_cache
from typing import Self
from uuid import UUID

from domain.aggregate import AggregateState, Command, natural_id
from domain.calendar import (
    HolidaySchedule,
    InvalidScheduleError,
    WorkingDayCalendar,
    seed_schedules,
)
from domain.errors import RuleViolation
from domain.events import LedgerEvent


def holiday_schedule_id(year: int) -> UUID:
    return natural_id("holiday-schedule", str(year))


class PublishedSchedule(AggregateState):
    year: int
    holidays: tuple[date, ...]
    adjusted_workdays: tuple[date, ...]
    source: str

    def republish(self, cmd: Command, schedule: HolidaySchedule) -> HolidaySchedulePublished:
        return cmd.next_event(HolidaySchedulePublished, self, **_payload(schedule))

    def apply(self, event: LedgerEvent) -> Self:
        if isinstance(event, HolidaySchedulePublished):
            return self.model_copy(update=_payload_of(event))
        return self


class HolidaySchedulePublished(LedgerEvent):
    year: int
    holidays: tuple[date, ...]
    adjusted_workdays: tuple[date, ...]
    source: str = ""

    def create(self) -> PublishedSchedule:
        return PublishedSchedule(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            **_payload_of(self),
        )

    def schedule(self) -> HolidaySchedule:
        return HolidaySchedule(
            year=self.year,
            holidays=frozenset(self.holidays),
            adjusted_workdays=frozenset(self.adjusted_workdays),
            source=self.source,
        )


def _payload_of(event: HolidaySchedulePublished) -> dict[str, object]:
    return {
        "year": event.year,
        "holidays": event.holidays,
        "adjusted_workdays": event.adjusted_workdays,
        "source": event.source,
    }


def _payload(schedule: HolidaySchedule) -> dict[str, object]:
    return {
        "year": schedule.year,
        "holidays": tuple(sorted(schedule.holidays)),
        "adjusted_workdays": tuple(sorted(schedule.adjusted_workdays)),
        "source": schedule.source,
    }


def validated_schedule(
    year: int, holidays: Iterable[date], adjusted_workdays: Iterable[date], source: str = ""
) -> HolidaySchedule:
    """A schedule, or a 422 naming the offending field and date."""
    holidays, adjusted_workdays = list(holidays), list(adjusted_workdays)
    if not holidays:
        raise RuleViolation("a schedule lists its holidays", field="holidays")
    try:
        return HolidaySchedule(
            year=year,
            holidays=frozenset(holidays),
            adjusted_workdays=frozenset(adjusted_workdays),
            source=source,
        )
    except InvalidScheduleError as error:
        field = "adjusted_workdays" if error.date in adjusted_workdays else "holidays"
        raise RuleViolation(str(error), field=field) from None


def publish_schedule(cmd: Command, schedule: HolidaySchedule) -> HolidaySchedulePublished:
    return cmd.event(
        HolidaySchedulePublished, holiday_schedule_id(schedule.year), 1, **_payload(schedule)
    )


@cache
def seeded_calendar() -> WorkingDayCalendar:
    """The State Council schedules the package ships (2004–2026)."""
    return WorkingDayCalendar(seed_schedules())


def calendar_with(published: Iterable[HolidaySchedule]) -> WorkingDayCalendar:
    """The seeded calendar with the published schedules laid over it (latest per year wins).

    The one cache of known calendars: the ledger's commands (``Ledger.calendar``) and every
    report at an instant ask here, so equal publications give the very same calendar."""
    return _calendar_with(tuple(published))


@lru_cache(maxsize=64)
def _calendar_with(published: tuple[HolidaySchedule, ...]) -> WorkingDayCalendar:
    # Kept: a calendar remembers the counts made with it, and reports ask again and again.
    calendar = seeded_calendar()
    for schedule in published:
        calendar = calendar.with_schedule(schedule)
    return calendar
