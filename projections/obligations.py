"""Every legal deadline the register tracks: which events open, discharge and close each.

What each obligation is (its article, period, who owes it) is declared once in
``domain/rules``; this module says only which events move it.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.aggregation import AggregationReceived, AggregationRejected
from domain.calendar import shanghai_date
from domain.catalog import CatalogUpdateApplied
from domain.consistency import ConsistencyCheckRecorded
from domain.deadlines import ObligationKind, OnDate, WorkingDays, WorkingDaysAfter, has_periods
from domain.departments import DepartmentRegistered, department_id
from domain.findings import FindingRectified, FindingWithdrawn, RectificationOrdered
from domain.principals import PrincipalRegistered
from domain.resources import JoinedCatalog, ResourceAmended, ResourceRetiredEvent
from domain.rules import aggregation as aggregation_rules
from domain.rules import catalog as catalog_rules
from domain.rules import reporting as reporting_rules
from domain.rules import sharing as sharing_rules
from domain.rules import verification as verification_rules
from domain.share_requests import ShareReplied, ShareRequested
from domain.triggers import FunctionsChanged, LawChangeRecorded
from domain.usage_reports import DEFAULT_USAGE_REPORT_PERIOD, UsageReported, owes_usage_reports
from domain.verification import VerificationAnswered, VerificationRequested
from domain.vocabulary import Role, ShareType, UpdateCycle
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

# Art. 12: a law change opens one for each department it affects, a change of functions
# one for that department.
_CATALOG_UPDATE_PERIOD = WorkingDays(catalog_rules.CATALOG_UPDATE.working_days)
CATALOG_UPDATE = EventRule(
    kind=ObligationKind.CATALOG_UPDATE,
    opens={
        LawChangeRecorded: lambda e: [
            Opening(code, e.originator_id, _CATALOG_UPDATE_PERIOD)
            for code in e.affected_departments
        ],
        FunctionsChanged: lambda e: [
            Opening(e.department, e.originator_id, _CATALOG_UPDATE_PERIOD)
        ],
    },
    discharges={CatalogUpdateApplied: lambda e: [Closing(e.department, e.trigger_id)]},
)

# Art. 13: the office is whoever acts in the office role; a check of any year's systems
# covers that year.
CONSISTENCY_CHECK = PeriodicRule(
    kind=ObligationKind.CONSISTENCY_CHECK,
    starts={
        PrincipalRegistered: lambda e: (
            [
                Schedule(
                    e.department,
                    department_id(e.department),
                    UpdateCycle.YEARLY,
                    shanghai_date(e.occurred_at),
                )
            ]
            if e.role is Role.OFFICE
            else []
        )
    },
    stops={},
    discharges={
        ConsistencyCheckRecorded: lambda e: [
            Coverage(
                e.department,
                department_id(e.department),
                date(e.year, 1, 1),
                date(e.year, 12, 31),
            )
        ]
    },
    clock_starts=lambda period: period.start_instant,
    due=lambda period, _: OnDate(period.end),
)

# Art. 26, 29: only a conditional request opens one; any recorded reply discharges it.
_SHARE_REPLY_PERIOD = WorkingDays(sharing_rules.SHARE_REPLY.working_days)
SHARE_REPLY = EventRule(
    kind=ObligationKind.SHARE_REPLY,
    opens={
        ShareRequested: lambda e: (
            [Opening(e.provider, e.originator_id, _SHARE_REPLY_PERIOD)]
            if e.share_type is ShareType.CONDITIONAL
            else []
        )
    },
    discharges={ShareReplied: lambda e: [Closing(e.actor.department, e.originator_id)]},
)

# Art. 19, 20, 24(2): a resource's schedule runs from the day it joins the catalog until
# it is retired or classified; irregular data has none. A period's clock starts when it
# ends; a receipt covering the whole period discharges it, a rejected one (Art. 39(4)) no
# longer does. The grace is the policy in force (default in the rule's declaration).
_AGGREGATION_GRACE_POLICY = aggregation_rules.AGGREGATION_GRACE


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
    due=lambda period, policies: WorkingDays(policies.working_days(_AGGREGATION_GRACE_POLICY)),
)

# Art. 31: each request opens one for its provider; its answer discharges it.
_VERIFICATION_PERIOD = WorkingDays(verification_rules.VERIFICATION.working_days)
VERIFICATION = EventRule(
    kind=ObligationKind.VERIFICATION,
    opens={
        VerificationRequested: lambda e: [
            Opening(e.provider, e.originator_id, _VERIFICATION_PERIOD)
        ]
    },
    discharges={VerificationAnswered: lambda e: [Closing(e.provider, e.originator_id)]},
)

# Art. 33: a department's schedule runs from its registration; a report is owed from its
# period's start and due some working days after the period's end. How often and how long
# after are the policies in force (``usage_report_period``, ``usage_report_grace``): the
# schedule's own cycle is only a placeholder the policy replaces.
_PERIOD_POLICY = reporting_rules.USAGE_REPORT_PERIOD
_GRACE_POLICY = reporting_rules.USAGE_REPORT_GRACE

USAGE_REPORT = PeriodicRule(
    kind=ObligationKind.USAGE_REPORT,
    starts={
        DepartmentRegistered: lambda e: (
            [
                Schedule(
                    e.code,
                    department_id(e.code),
                    DEFAULT_USAGE_REPORT_PERIOD,
                    shanghai_date(e.occurred_at),
                )
            ]
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
    due=lambda p, policies: WorkingDaysAfter(p.end, policies.working_days(_GRACE_POLICY)),
    cycle=lambda policies: policies.cycle(_PERIOD_POLICY),
)


# Art. 39: the order names the date; a withdrawn finding owes nothing.
RECTIFICATION = EventRule(
    kind=ObligationKind.RECTIFICATION,
    opens={
        RectificationOrdered: lambda e: [Opening(e.department, e.originator_id, OnDate(e.due_date))]
    },
    discharges={FindingRectified: lambda e: [Closing(e.department, e.originator_id)]},
    cancels={FindingWithdrawn: lambda e: [Closing(e.department, e.originator_id)]},
)

RULES: list[Rule] = [
    CATALOG_UPDATE,
    CONSISTENCY_CHECK,
    SHARE_REPLY,
    AGGREGATION,
    VERIFICATION,
    RECTIFICATION,
    USAGE_REPORT,
]


def deadline_register() -> DeadlineRegister:
    """The register of every rule; the policies it applies are folded from the ledger."""
    return DeadlineRegister(RULES)
