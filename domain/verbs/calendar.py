"""The working-day calendar as the ledger knows it, and publishing later years."""

from __future__ import annotations

import threading
from datetime import date

from eventsourcing.utils import get_topic

from domain.aggregate import Command
from domain.calendar import Due, HolidaySchedule, WorkingDayCalendar
from domain.holidays import (
    HolidaySchedulePublished,
    PublishedSchedule,
    calendar_with,
    holiday_schedule_id,
    publish_schedule,
    validated_schedule,
)
from domain.verbs.base import Decision, LedgerBase

PAGE = 500


class CalendarVerbs(LedgerBase):
    _calendar_lock = threading.Lock()
    _calendar_cache: tuple[int, dict[int, HolidaySchedule]] = (0, {})

    def calendar(self) -> WorkingDayCalendar:
        """Seeded schedules with every publication recorded so far laid over them."""
        with self._calendar_lock:
            after, published = self._calendar_cache
            topic = get_topic(HolidaySchedulePublished)
            while True:
                notifications = self.recorder.select_notifications(
                    start=after, limit=PAGE, topics=[topic], inclusive_of_start=False
                )
                for notification in notifications:
                    event = self.mapper.to_domain_event(notification)
                    assert isinstance(event, HolidaySchedulePublished)
                    published = {**published, event.year: event.schedule()}
                    after = notification.id
                if len(notifications) < PAGE:
                    break
            self._calendar_cache = (after, published)
        return calendar_with(published.values())

    def due_in_working_days(self, cmd: Command, days: int) -> Due:
        return self.calendar().add_working_days(cmd.occurred_at, days)

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
        return Decision(schedule_id, [event], {"year": year})
