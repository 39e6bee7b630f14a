"""Usage reports to the leading group (Art. 33)."""

from __future__ import annotations

import os
from datetime import date
from uuid import uuid4

from domain.aggregate import Command
from domain.usage_reports import USAGE_REPORT_PERIOD_SETTING, report_usage, usage_report_period
from domain.verbs.base import Decision, LedgerBase


class UsageReportVerbs(LedgerBase):
    def report_usage(
        self, cmd: Command, period_start: date, period_end: date, summary: str
    ) -> Decision:
        # Read per command, as the deadline register reads it per report: one setting.
        period = usage_report_period(os.environ.get(USAGE_REPORT_PERIOD_SETTING))
        department = self.department(cmd.actor.department)
        event = report_usage(cmd, uuid4(), department, period_start, period_end, summary, period)
        return Decision(event.originator_id, [event], {"period": period.value})
