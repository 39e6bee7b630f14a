"""Folding events into supervision's facts: one small function per kind of event.

The detections tied to a single event (V04, V05, V09) are noted as that event is
folded, under the rule that declares them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.aggregation import AggregationRejected
from domain.catalog import CatalogApproved, CatalogSubmitted, CatalogUpdateApplied
from domain.consistency import ConsistencyCheckRecorded
from domain.data_uses import DataUseRecorded, ThirdPartyConsented, violation_marks
from domain.departments import (
    DepartmentDissolvedEvent,
    DepartmentRegistered,
    ResponsiblePersonsDesignated,
    department_id,
)
from domain.findings import (
    Category,
    CriticismCirculated,
    FindingEvent,
    FindingRecorded,
    FindingRectified,
    FindingWithdrawn,
    RectificationOrdered,
    RectificationReviewed,
    accepts_rectification,
)
from domain.resources import (
    JoinedCatalog,
    ResourceAmended,
    ResourceCataloged,
    ResourceRetiredEvent,
)
from domain.rules.aggregation import AGGREGATION_REJECTED
from domain.rules.base import Rule
from domain.rules.catalog import CONSISTENCY_DIFFERENCES, DUPLICATE_COLLECTION
from domain.rules.sharing import DATA_USE_MARKED
from domain.systems import (
    SystemConnected,
    SystemEvent,
    SystemRegistered,
    SystemRetiredEvent,
    TrialOperationStarted,
)
from domain.vocabulary import DataUseMark
from projections.base import ByClass
from projections.supervision.facts import (
    CheckFacts,
    DepartmentFacts,
    Detection,
    FindingFacts,
    ResourceFacts,
    SupervisionState,
    SystemFacts,
)


def category_of(rule: Rule) -> Category:
    """The category a rule's detections count under: every counted rule declares one."""
    if rule.category is None:
        msg = f"{rule.code} counts under no category"
        raise ValueError(msg)
    return rule.category


def detected(rule: Rule, department: str, subject_id: str, since: datetime) -> Detection:
    """What ``rule`` counts against ``department`` from ``since``: under its own category,
    named by its own code."""
    return Detection(department, category_of(rule), subject_id, rule.code, since)


def _department_registered(state: SupervisionState, e: DepartmentRegistered) -> None:
    state.departments[e.code] = DepartmentFacts(e.code, e.kind, e.occurred_at)


def _department(state: SupervisionState, originator_id: UUID) -> DepartmentFacts | None:
    for facts in state.departments.values():
        if department_id(facts.code) == originator_id:
            return facts
    return None


def _responsible(state: SupervisionState, e: ResponsiblePersonsDesignated) -> None:
    facts = _department(state, e.originator_id)
    if facts is not None and facts.responsible_since is None:
        state.departments[facts.code] = replace(facts, responsible_since=e.occurred_at)


def _dissolved(state: SupervisionState, e: DepartmentDissolvedEvent) -> None:
    facts = _department(state, e.originator_id)
    if facts is not None:
        state.departments[facts.code] = replace(facts, dissolved_at=e.occurred_at)


def _submitted(state: SupervisionState, e: CatalogSubmitted) -> None:
    state.submissions[str(e.originator_id)] = e.department


def _approved(state: SupervisionState, e: CatalogApproved) -> None:
    facts = state.departments.get(state.submissions.get(str(e.originator_id), ""))
    if facts is not None and facts.catalog_approved_at is None:
        state.departments[facts.code] = replace(facts, catalog_approved_at=e.occurred_at)


def _update_applied(state: SupervisionState, e: CatalogUpdateApplied) -> None:
    facts = state.departments.get(e.department)
    if facts is not None:
        applications = (*facts.update_applications, e.occurred_at)
        state.departments[facts.code] = replace(facts, update_applications=applications)


def _checked(state: SupervisionState, e: ConsistencyCheckRecorded) -> None:
    if e.system_id is None:
        return
    check = CheckFacts(e.originator_id, e.occurred_at, len(e.differences))
    state.latest_checks[str(e.system_id)] = check
    system = state.systems.get(str(e.system_id))
    if e.differences and system is not None:
        state.open(
            detected(
                CONSISTENCY_DIFFERENCES, system.department, str(e.originator_id), e.occurred_at
            )
        )


def _system(state: SupervisionState, e: SystemEvent) -> None:
    key = str(e.originator_id)
    if isinstance(e, SystemRegistered):
        existing = e.status.value == "existing"
        state.systems[key] = SystemFacts(e.department, existing, e.occurred_at)
        return
    system = state.systems.get(key)
    if system is None:
        return
    if isinstance(e, SystemConnected):
        state.systems[key] = replace(system, connected_at=system.connected_at or e.occurred_at)
    elif isinstance(e, TrialOperationStarted):
        state.systems[key] = replace(system, trial_at=system.trial_at or e.occurred_at)
    elif isinstance(e, SystemRetiredEvent):
        state.systems[key] = replace(system, retired_at=e.occurred_at)


def _cataloged(state: SupervisionState, e: ResourceCataloged) -> None:
    f = e.fields
    state.resources[str(e.originator_id)] = ResourceFacts(
        f.department,
        f.share_type.value,
        f.basic_data_kind.value if f.basic_data_kind else None,
        f.classified,
    )
    if e.duplicates:
        state.open(
            detected(DUPLICATE_COLLECTION, f.department, str(e.originator_id), e.occurred_at)
        )


def _amended(state: SupervisionState, e: ResourceAmended) -> None:
    key = str(e.originator_id)
    facts = state.resources.get(key)
    if facts is None:
        return
    changes = e.changes
    kind = facts.basic_data_kind
    if "basic_data_kind" in changes and not facts.basic_data_confirmed:
        kind = changes["basic_data_kind"]
    state.resources[key] = replace(
        facts,
        share_type=str(changes.get("share_type", facts.share_type)),
        basic_data_kind=kind,
        classified=bool(changes.get("classified", facts.classified)),
    )


def _joined(state: SupervisionState, e: JoinedCatalog) -> None:
    key = str(e.originator_id)
    facts = state.resources.get(key)
    if facts is None:
        return
    if facts.in_catalog_since is None:
        facts = replace(facts, in_catalog_since=e.occurred_at)
    if e.basic_data_confirmed:
        # Art. 24(2): what is basic data is the office's to confirm, not the department's.
        kind = e.basic_data_kind.value if e.basic_data_kind else None
        facts = replace(facts, basic_data_kind=kind, basic_data_confirmed=True)
    state.resources[key] = facts


def _retired(state: SupervisionState, e: ResourceRetiredEvent) -> None:
    key = str(e.originator_id)
    facts = state.resources.get(key)
    if facts is not None:
        state.resources[key] = replace(facts, retired=True)


def _rejected(state: SupervisionState, e: AggregationRejected) -> None:
    state.open(
        detected(AGGREGATION_REJECTED, e.department, str(e.originator_id), e.occurred_at)
    )


def _used(state: SupervisionState, e: DataUseRecorded) -> None:
    """V09 counts what breaks Art. 26, 28 and 32, not a self-approval (``violation_marks``)."""
    marks = violation_marks(e.marks)
    if marks:
        # Counted under its rule; named by the marks it carries, as investigators search.
        rule = "+".join(mark.value for mark in marks)
        category = category_of(DATA_USE_MARKED)
        state.open(
            Detection(e.department, category, str(e.originator_id), rule, e.occurred_at)
        )


def _consented(state: SupervisionState, e: ThirdPartyConsented) -> None:
    """Art. 32: once the provider consents, the provision to the third party is no violation;
    whatever else the use broke is still counted."""
    use_id = str(e.originator_id)
    for index, detection in enumerate(state.events):
        if detection.subject_id != use_id or detection.until is not None:
            continue
        if detection.category is not category_of(DATA_USE_MARKED):
            continue
        state.close(index, e.occurred_at)
        consented = DataUseMark.THIRD_PARTY_WITHOUT_CONSENT.value
        rest = [rule for rule in detection.rule.split("+") if rule != consented]
        if rest:
            state.open(
                Detection(
                    detection.department,
                    detection.category,
                    use_id,
                    "+".join(rest),
                    e.occurred_at,
                )
            )
        return


def _finding(state: SupervisionState, e: FindingEvent) -> None:
    key = str(e.originator_id)
    if isinstance(e, FindingRecorded):
        state.findings[key] = FindingFacts(e.department, e.category)
        return
    facts = state.findings.get(key)
    if facts is None:
        return
    if isinstance(e, RectificationOrdered):
        state.findings[key] = replace(facts, ordered_due=e.due_date)
    elif isinstance(e, FindingRectified | RectificationReviewed) and accepts_rectification(e):
        state.findings[key] = replace(facts, rectified_at=e.occurred_at)
    elif isinstance(e, CriticismCirculated):
        state.findings[key] = replace(facts, criticised_at=e.occurred_at)
    elif isinstance(e, FindingWithdrawn):
        state.findings[key] = replace(facts, withdrawn_at=e.occurred_at)


FOLDS: list[tuple[type[Any], Any]] = [
    (DepartmentRegistered, _department_registered),
    (ResponsiblePersonsDesignated, _responsible),
    (DepartmentDissolvedEvent, _dissolved),
    (CatalogSubmitted, _submitted),
    (CatalogApproved, _approved),
    (CatalogUpdateApplied, _update_applied),
    (ConsistencyCheckRecorded, _checked),
    (SystemEvent, _system),
    (ResourceCataloged, _cataloged),
    (ResourceAmended, _amended),
    (JoinedCatalog, _joined),
    (ResourceRetiredEvent, _retired),
    (AggregationRejected, _rejected),
    (DataUseRecorded, _used),
    (ThirdPartyConsented, _consented),
    (FindingEvent, _finding),
]
FOLDS_FOR: ByClass[Any] = ByClass(FOLDS)
