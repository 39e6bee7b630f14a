"""The working-day calendar as the ledger knows it, and publishing later years."""

from __future__ import annotations

import threading
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
    _publications: tuple[int, dict[int, HolidaySchedule]] = (0, {})

    def calendar(self) -> WorkingDayCalendar:
        """Seeded schedules with every publication recorded so far laid over them."""
        with self._publications_lock:
            self._publications = self.caught_up(self._publications, SCHEDULE_TOPICS, _published)
            _, published = self._publications
        return calendar_with(published.values())

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


def _published(
    published: dict[int, HolidaySchedule], event: object, _position: int
) -> dict[int, HolidaySchedule]:
    assert isinstance(event, HolidaySchedulePublished)
    return {**published, event.year: event.schedule()}
