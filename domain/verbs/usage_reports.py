"""Usage reports to the leading group (Art. 33)."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from domain.aggregate import Command
from domain.facts import Period
from domain.rules.reporting import USAGE_REPORT_PERIOD
from domain.usage_reports import report_usage
from domain.verbs.base import Decision
from domain.verbs.policies import PolicyVerbs


class UsageReportVerbs(PolicyVerbs):
    def report_usage(
        self, cmd: Command, period_start: date, period_end: date, summary: str
    ) -> Decision:
        # The period in force when the report is made, as the ledger knows it now.
        period = self.policies_in_force(cmd.occurred_at).cycle(USAGE_REPORT_PERIOD)
        department = self.department(cmd.actor.department)
        event = report_usage(cmd, uuid4(), department, period_start, period_end, summary, period)
        return Decision(event.originator_id, [event], (Period(period),))
