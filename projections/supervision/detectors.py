"""Detecting at an instant: what the ledger counts by itself, each under its rule.

The periods, grace periods and categories are those declared in ``domain/rules``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.deadlines import Status, WorkingDays
from domain.departments import department_id
from domain.holidays import calendar_with
from domain.policies import DEFAULTS, InForce
from domain.rules import RULES, breach_categories
from domain.rules.aggregation import BASIC_DATA_NOT_UNCONDITIONAL
from domain.rules.catalog import DIFFERENCES_NOT_FIXED, FIRST_CATALOG, FIRST_CATALOG_GRACE
from domain.rules.reporting import NO_RESPONSIBLE_PERSON
from domain.rules.systems import (
    SYSTEM_CONNECTION,
    SYSTEM_CONNECTION_GRACE,
    TRIAL_WITHOUT_CONNECTION,
)
from domain.vocabulary import DepartmentKind
from projections.deadlines import Obligation, obligations_at
from projections.supervision.facts import Detection, SupervisionState
from projections.supervision.folds import detected
from projections.supervision.projection import SupervisionProjection

BREACH_CATEGORY = breach_categories()
BREACH_CODE = {r.obligation: r.breach_code for r in RULES if r.obligation is not None}
FIX_WINDOW = WorkingDays(DIFFERENCES_NOT_FIXED.working_days)


def detections_at(
    projection: SupervisionProjection,
    state: SupervisionState,
    at: datetime,
    policies: InForce = DEFAULTS,
    register: list[Obligation] | None = None,
    *,
    tied: bool = True,
) -> list[Detection]:
    """Everything the ledger detects by itself at ``at``, each with the rule that found it;
    the grace periods are ``policies``, those in force at ``at`` as known then. The
    obligations at ``at`` are ``register`` when given (the register's rows), else derived
    from the state's own register. ``tied``: with the detections tied to one event (a
    grid that counts them leaves them to ``SupervisionState.counted_cells``)."""
    calendar = calendar_with(state.register.published.values())
    first_catalog_grace = WorkingDays(policies.working_days(FIRST_CATALOG_GRACE))
    found = (
        [d for d in state.events if d.since <= at and (d.until is None or at < d.until)]
        if tied
        else []
    )
    breaches = []
    # Unordered: only the breaches are sorted (by deadline, then id), not every obligation.
    if register is None:
        register = obligations_at(
            projection.register, state.register, at, ordered=False, policies=policies
        )
    for obligation in register:
        category = BREACH_CATEGORY.get(obligation.kind)
        if category is not None and obligation.status is Status.BREACHED:
            breaches.append(
                Detection(
                    obligation.department,
                    category,
                    str(obligation.obligation_id),
                    BREACH_CODE[obligation.kind],
                    obligation.due_end,
                )
            )
    found += sorted(breaches, key=lambda d: (d.since, d.subject_id))
    for facts in state.departments.values():
        if facts.kind is DepartmentKind.EXTERNAL or facts.dissolved_at is not None:
            continue
        code = facts.code
        subject = str(department_id(code))
        if facts.responsible_since is None:
            found.append(detected(NO_RESPONSIBLE_PERSON, code, subject, facts.registered_at))
        grace_end = first_catalog_grace.due(facts.registered_at, calendar).due_end
        if facts.catalog_approved_at is None and grace_end <= at:
            found.append(detected(FIRST_CATALOG, code, subject, grace_end))
    connection_grace = WorkingDays(policies.working_days(SYSTEM_CONNECTION_GRACE))
    found.extend(_system_detections(state, at, calendar, connection_grace))
    found.extend(_resource_detections(state))
    return found


def _system_detections(
    state: SupervisionState, at: datetime, calendar: Any, connection_grace: WorkingDays
) -> list[Detection]:
    found = []
    for system_id, system in state.systems.items():
        if system.retired_at is not None:
            continue
        if system.connected_at is None:
            grace_end = connection_grace.due(system.registered_at, calendar).due_end
            if system.existing and grace_end <= at:
                found.append(detected(SYSTEM_CONNECTION, system.department, system_id, grace_end))
            if not system.existing and system.trial_at is not None:
                found.append(
                    detected(
                        TRIAL_WITHOUT_CONNECTION, system.department, system_id, system.trial_at
                    )
                )
        check = state.latest_checks.get(system_id)
        owner = state.departments.get(system.department)
        if check is not None and check.differences and owner is not None:
            fix_by = FIX_WINDOW.due(check.occurred_at, calendar).due_end
            applied = any(t >= check.occurred_at for t in owner.update_applications)
            if not applied and fix_by <= at:
                found.append(
                    detected(DIFFERENCES_NOT_FIXED, system.department, str(check.check_id), fix_by)
                )
    return found


def _resource_detections(state: SupervisionState) -> list[Detection]:
    return [
        detected(
            BASIC_DATA_NOT_UNCONDITIONAL, facts.department, resource_id, facts.in_catalog_since
        )
        for resource_id, facts in state.resources.items()
        # Most resources are not basic data: the rule need not be asked of them.
        if facts.basic_data_kind is not None
        and facts.in_catalog_since is not None
        and not facts.retired
        and facts.basic_data_not_unconditional
    ]
