"""The working-day calendar as the ledger knows it, and publishing later years."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from eventsourcing.utils import get_topic

from domain.aggregate import Command
from domain.calendar import HolidaySchedule, WorkingDayCalendar
from domain.facts import Answered, Deadline, Year
from domain.holidays import (
    HolidaySchedulePublished,
    PublishedSchedule,
    calendar_with,
    holiday_schedule_id,
    publish_schedule,
    validated_schedule,
)
from domain.verbs.base import Decision, LedgerBase

SCHEDULE_TOPICS = [get_topic(HolidaySchedulePublished)]


class CalendarVerbs(LedgerBase):
    # The publications read so far (a fold of the log, brought up to date on each call),
    # not a calendar: the calendar made from them is kept once, by ``calendar_with``, the
    # same one the reports at an instant are given for the same publications.
    _publications_lock = threading.Lock()
    _holidays: tuple[int, tuple[HolidayPublication, ...]] = (0, ())

    def calendar(self) -> WorkingDayCalendar:
        """Seeded schedules with every publication recorded so far laid over them."""
        return calendar_known(self.holiday_publications())

    def holiday_publications(self) -> tuple[HolidayPublication, ...]:
        """Every schedule publication recorded so far, in order, with where and when: a
        report at T as known at K lays over the seeded years those recorded by K that
        occurred by T (``calendar_known``)."""
        with self._publications_lock:
            self._holidays = self.caught_up(self._holidays, SCHEDULE_TOPICS, _noted)
            return self._holidays[1]

    def due_in_working_days(self, cmd: Command, days: int) -> Deadline:
        """The deadline a command starts: ``days`` working days from when it happened."""
        return Deadline.of(self.calendar().add_working_days(cmd.occurred_at, days), days)

    def answer_due(self, cmd: Command, asked_at: datetime, days: int) -> Answered:
        """The deadline an answer answers, and whether the answer is late."""
        due = self.calendar().add_working_days(asked_at, days)
        return Answered(due.due_date, late=cmd.occurred_at >= due.due_end)

    def publish_holiday_schedule(
        self,
        cmd: Command,
        year: int,
        holidays: list[date],
        adjusted_workdays: list[date],
        source: str = "",
    ) -> Decision:
        schedule = validated_schedule(year, holidays, adjusted_workdays, source)
        schedule_id = holiday_schedule_id(year)
        if self.exists(schedule_id):
            event = self.get(schedule_id, PublishedSchedule).republish(cmd, schedule)
        else:
            event = publish_schedule(cmd, schedule)
        return Decision(schedule_id, [event], (Year(year),))


@dataclass(frozen=True)
class HolidayPublication:
    position: int
    occurred_at: datetime
    schedule: HolidaySchedule


def calendar_known(
    publications: Iterable[HolidayPublication],
    at: datetime | None = None,
    position: int | None = None,
) -> WorkingDayCalendar:
    """The calendar a fold of the log at ``at`` as known at ``position`` holds (every
    publication, where neither is given): the schedules recorded by then that occurred by
    ``at``, a year's later one over its earlier."""
    published: dict[int, HolidaySchedule] = {}
    for publication in publications:
        if (position is None or publication.position <= position) and (
            at is None or publication.occurred_at <= at
        ):
            published[publication.schedule.year] = publication.schedule
    return calendar_with(published.values())


def _noted(
    noted: tuple[HolidayPublication, ...], event: object, position: int
) -> tuple[HolidayPublication, ...]:
    assert isinstance(event, HolidaySchedulePublished)
    return (*noted, HolidayPublication(position, event.occurred_at, event.schedule()))
