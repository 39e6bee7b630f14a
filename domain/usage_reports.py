"""Usage reports 开发应用情况报告 (Art. 33): each department reports periodically to the
leading group how it developed and applied data. A missing report feeds V10.

How often is the policy ``usage_report_period`` in force (monthly, quarterly, half_yearly
or yearly; default quarterly, see ``domain/policies``): the measures say only 定期. A report
covers exactly one such period, once it is over.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.aggregate import AggregateState, Command
from domain.calendar import shanghai_date
from domain.deadlines import period_containing
from domain.departments import Department
from domain.errors import ReportPeriodMismatch, RuleViolation
from domain.events import LedgerEvent
from domain.rules.reporting import USAGE_REPORT_PERIOD
from domain.vocabulary import DepartmentKind, UpdateCycle

DEFAULT_USAGE_REPORT_PERIOD = UpdateCycle[str(USAGE_REPORT_PERIOD.default).upper()]


def owes_usage_reports(kind: DepartmentKind) -> bool:
    """Art. 3, 33: the divisions and directly affiliated units, not other provinces' bodies."""
    return kind is not DepartmentKind.EXTERNAL


class UsageReport(AggregateState):
    department: str
    period_start: date
    period_end: date
    summary: str


class UsageReported(LedgerEvent):
    department: str
    period_start: date
    period_end: date
    summary: str

    def create(self) -> UsageReport:
        return UsageReport(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            department=self.department,
            period_start=self.period_start,
            period_end=self.period_end,
            summary=self.summary,
        )


def report_usage(
    cmd: Command,
    report_id: UUID,
    department: Department,
    period_start: date,
    period_end: date,
    summary: str,
    period: UpdateCycle,
) -> UsageReported:
    cmd.require_department(department.code, "the usage report")
    department.check_active()
    if not owes_usage_reports(department.kind):
        msg = f"{department.code} is not one of the department's own units (Art. 3, 33)"
        raise RuleViolation(msg, field="department", article="33")
    check_report_period(period_start, period_end, period, shanghai_date(cmd.occurred_at))
    if not summary.strip():
        raise RuleViolation("summarise how data was developed and applied", field="summary")
    return cmd.event(
        UsageReported,
        report_id,
        1,
        department=department.code,
        period_start=period_start,
        period_end=period_end,
        summary=summary.strip(),
    )


def check_report_period(start: date, end: date, period: UpdateCycle, today: date) -> None:
    """One whole reporting period, already over."""
    expected = period_containing(start, period)
    if start != expected.start:
        msg = (
            f"reports are {period.value} ({period.label}): period_start is the first day of "
            f"a period, e.g. {expected.start} (Art. 33)"
        )
        raise ReportPeriodMismatch(msg, field="period_start", article="33")
    if end != expected.end:
        msg = (
            f"reports are {period.value} ({period.label}): the period starting {start} ends "
            f"{expected.end} (Art. 33)"
        )
        raise ReportPeriodMismatch(msg, field="period_end", article="33")
    if end > today:
        msg = f"the period ends {end}: a report covers a period that is over (Art. 33)"
        raise ReportPeriodMismatch(msg, field="period_end", article="33")
