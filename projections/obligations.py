"""Every legal deadline the register tracks, in a few declarative lines each (DOMAIN.md)."""

from __future__ import annotations

import os
from datetime import date
from uuid import UUID

from domain.aggregation import AggregationReceived, AggregationRejected
from domain.calendar import shanghai_date
from domain.catalog import CatalogUpdateApplied
from domain.consistency import ConsistencyCheckRecorded
from domain.deadlines import ObligationKind, OnDate, WorkingDays, WorkingDaysAfter, has_periods
from domain.departments import DepartmentRegistered, department_id
from domain.events import LedgerEvent
from domain.findings import (
    FindingRectified,
    FindingWithdrawn,
    RectificationOrdered,
    RectificationReviewed,
    accepts_rectification,
)
from domain.resources import JoinedCatalog, ResourceAmended, ResourceRetiredEvent
from domain.share_requests import ShareReplied, ShareRequested
from domain.systems import SystemRegistered, SystemRetiredEvent
from domain.triggers import FunctionsChanged, LawChangeRecorded
from domain.usage_reports import (
    USAGE_REPORT_PERIOD_SETTING,
    UsageReported,
    owes_usage_reports,
    usage_report_period,
)
from domain.verification import (
    VERIFICATION_WORKING_DAYS,
    VerificationAnswered,
    VerificationRequested,
)
from domain.vocabulary import ShareType, UpdateCycle
from projections.deadlines import (
    Closing,
    Coverage,
    DeadlineRegister,
    EventRule,
    Opening,
    PeriodicRule,
    Rule,
    Schedule,
    Withdrawal,
)

# Art. 12: within 7 working days of a law change or a change of functions, the
# department applies to update its catalog.
CATALOG_UPDATE = EventRule(
    kind=ObligationKind.CATALOG_UPDATE,
    opens={
        LawChangeRecorded: lambda e: [
            Opening(code, e.originator_id, WorkingDays(7)) for code in e.affected_departments
        ],
        FunctionsChanged: lambda e: [Opening(e.department, e.originator_id, WorkingDays(7))],
    },
    discharges={CatalogUpdateApplied: lambda e: [Closing(e.department, e.trigger_id)]},
)

# Art. 13: the office checks every department's information system against the catalog
# once a year, from 1 January to 31 December: one obligation per system and year, from the
# system's registration until its retirement (a system not yet connected is checked too:
# Art. 13 names the systems, not the connections), except classified systems (Art. 2).
# The obligation is listed under the department whose system it is; the office owes it.
# A check of that system for that year discharges it.
CONSISTENCY_CHECK = PeriodicRule(
    kind=ObligationKind.CONSISTENCY_CHECK,
    starts={
        SystemRegistered: lambda e: (
            []
            if e.classified
            else [
                Schedule(
                    e.department, e.originator_id, UpdateCycle.YEARLY, shanghai_date(e.occurred_at)
                )
            ]
        )
    },
    stops={SystemRetiredEvent: lambda e: [(e.actor.department, e.originator_id)]},
    discharges={
        ConsistencyCheckRecorded: lambda e: (
            [Coverage(e.system_department, e.system_id, date(e.year, 1, 1), date(e.year, 12, 31))]
            if e.system_id is not None and e.system_department is not None
            else []
        )
    },
    clock_starts=lambda period: period.start_instant,
    due=lambda period: OnDate(period.end),
)

# Art. 26, 29: the provider replies to a conditional request within 10 working days of
# receiving it; an approval or a reasoned refusal (the only refusal recorded) discharges it.
SHARE_REPLY = EventRule(
    kind=ObligationKind.SHARE_REPLY,
    opens={
        ShareRequested: lambda e: (
            [Opening(e.provider, e.originator_id, WorkingDays(10))]
            if e.share_type is ShareType.CONDITIONAL
            else []
        )
    },
    discharges={ShareReplied: lambda e: [Closing(e.actor.department, e.originator_id)]},
)

# Art. 19, 20, 24(2): every non-classified resource of the unified catalog is aggregated
# 及时, period by period of its update cycle (real-time data day by day), from the day it
# joins the catalog until it is retired or classified; irregular data has no schedule.
# A period's clock starts when it ends; the receipt is due within AGGREGATION_GRACE
# working days of the next period's start: three covers exporting, transfer and loading
# and, counted in working days, a weekend or holiday never eats it. A receipt covering the
# whole period discharges it; a rejected one (Art. 39(4)) no longer does.
AGGREGATION_GRACE = WorkingDays(3)


def _aggregation_schedule(
    department: str, resource_id: UUID, cycle: UpdateCycle | None, classified: bool, on: date
) -> list[Schedule]:
    if classified or cycle is None or not has_periods(cycle):
        return []
    return [Schedule(department, resource_id, cycle, on)]


def _changes_aggregation(e: ResourceAmended) -> bool:
    return e.in_catalog and bool({"update_cycle", "classified"} & e.changes.keys())


def _aggregation_stopped(
    department: str, resource_id: UUID, cycle: UpdateCycle | None, classified: bool
) -> list[tuple[str, UUID]]:
    stopped = classified or cycle is None or not has_periods(cycle)
    return [(department, resource_id)] if stopped else []


AGGREGATION = PeriodicRule(
    kind=ObligationKind.AGGREGATION,
    starts={
        JoinedCatalog: lambda e: _aggregation_schedule(
            e.department,
            e.originator_id,
            e.update_cycle,
            e.classified,
            shanghai_date(e.occurred_at),
        ),
        ResourceAmended: lambda e: (
            _aggregation_schedule(
                e.department,
                e.originator_id,
                e.update_cycle,
                e.classified,
                shanghai_date(e.occurred_at),
            )
            if _changes_aggregation(e)
            else []
        ),
    },
    stops={
        JoinedCatalog: lambda e: _aggregation_stopped(
            e.department, e.originator_id, e.update_cycle, e.classified
        ),
        ResourceAmended: lambda e: (
            _aggregation_stopped(e.department, e.originator_id, e.update_cycle, e.classified)
            if _changes_aggregation(e)
            else []
        ),
        ResourceRetiredEvent: lambda e: [(e.department, e.originator_id)],
    },
    discharges={
        AggregationReceived: lambda e: [
            Coverage(e.department, e.resource_id, e.period_start, e.period_end, e.originator_id)
        ]
    },
    withdraws={
        AggregationRejected: lambda e: [Withdrawal(e.department, e.resource_id, e.originator_id)]
    },
    clock_starts=lambda period: period.end_instant,
    due=lambda period: AGGREGATION_GRACE,
)

# Art. 31: the provider verifies disputed data within 10 working days of receiving the
# request; confirming or correcting it discharges the obligation.
VERIFICATION = EventRule(
    kind=ObligationKind.VERIFICATION,
    opens={
        VerificationRequested: lambda e: [
            Opening(e.provider, e.originator_id, WorkingDays(VERIFICATION_WORKING_DAYS))
        ]
    },
    discharges={VerificationAnswered: lambda e: [Closing(e.provider, e.originator_id)]},
)

# Art. 33: each division and affiliated unit reports periodically to the leading group,
# from its registration. A report is owed from its period's start and due within
# USAGE_REPORT_GRACE_DAYS working days of the period's end: two working weeks to gather
# the period's figures, as quarterly government reporting usually allows.
USAGE_REPORT_GRACE_DAYS = 10


def usage_report_rule(period: UpdateCycle) -> PeriodicRule:
    return PeriodicRule(
        kind=ObligationKind.USAGE_REPORT,
        starts={
            DepartmentRegistered: lambda e: (
                [Schedule(e.code, department_id(e.code), period, shanghai_date(e.occurred_at))]
                if owes_usage_reports(e.kind)
                else []
            )
        },
        stops={},
        discharges={
            UsageReported: lambda e: [
                Coverage(e.department, department_id(e.department), e.period_start, e.period_end)
            ]
        },
        clock_starts=lambda p: p.start_instant,
        due=lambda p: WorkingDaysAfter(p.end, USAGE_REPORT_GRACE_DAYS),
    )


# Art. 39: a department told to rectify a finding does so by the date in the order; only
# the leading group's acceptance of its report discharges it (a rejected report leaves the
# clock running); a withdrawn finding owes nothing.
def _rectified(e: LedgerEvent) -> list[Closing]:
    department: str = getattr(e, "department", "")
    return [Closing(department, e.originator_id)] if accepts_rectification(e) else []


RECTIFICATION = EventRule(
    kind=ObligationKind.RECTIFICATION,
    opens={
        RectificationOrdered: lambda e: [Opening(e.department, e.originator_id, OnDate(e.due_date))]
    },
    discharges={FindingRectified: _rectified, RectificationReviewed: _rectified},
    cancels={FindingWithdrawn: lambda e: [Closing(e.department, e.originator_id)]},
)

RULES: list[Rule] = [
    CATALOG_UPDATE,
    CONSISTENCY_CHECK,
    SHARE_REPLY,
    AGGREGATION,
    VERIFICATION,
    RECTIFICATION,
]


def deadline_register() -> DeadlineRegister:
    """The register under this process's settings. The usage-report period is read here, so
    the fold stays pure, and it is part of the version saved folds are kept under."""
    period = usage_report_period(os.environ.get(USAGE_REPORT_PERIOD_SETTING))
    rules = [*RULES, usage_report_rule(period)]
    return DeadlineRegister(rules, version=f"4;usage_report={period.value}")
