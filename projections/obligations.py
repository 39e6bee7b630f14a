"""Every legal deadline the register tracks, in a few declarative lines each (DOMAIN.md)."""

from __future__ import annotations

from datetime import date

from domain.calendar import shanghai_date
from domain.catalog import CatalogUpdateApplied
from domain.consistency import ConsistencyCheckRecorded
from domain.deadlines import ObligationKind, OnDate, WorkingDays
from domain.departments import department_id
from domain.principals import PrincipalRegistered
from domain.triggers import FunctionsChanged, LawChangeRecorded
from domain.vocabulary import Role, UpdateCycle
from projections.deadlines import (
    Closing,
    Coverage,
    DeadlineRegister,
    EventRule,
    Opening,
    PeriodicRule,
    Rule,
    Schedule,
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

# Art. 13: the office checks systems against the catalog once a year, from 1 January
# to 31 December. The office is whoever acts in the office role.
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
    due=lambda period: OnDate(period.end),
)

RULES: list[Rule] = [CATALOG_UPDATE, CONSISTENCY_CHECK]


def deadline_register() -> DeadlineRegister:
    return DeadlineRegister(RULES)
