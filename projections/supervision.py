"""Supervision at any instant: the eleven categories of Art. 39, per department.

Two counts for each department and category: **detected**, derived from the events and
the instant asked about by the rules below (nothing stored as "detected", no clock
read), and **found**, the leading group's findings with where each stands. Every
count lists the ids it counts, so an investigator can open each one.

What the ledger detects by itself (DOMAIN.md):
- V01: no approved catalog 20 working days after registration (Art. 11); a catalog
  update overdue (Art. 12); a consistency check's differences with no update
  application by the system's owner since (Art. 13).
- V02: an existing system not connected 20 working days after registration (Art. 19);
  a new system in trial operation without connection (Art. 20).
- V03: aggregation overdue for the resource's update cycle (Art. 19); basic data in the
  catalog, not classified, not shared unconditionally (Art. 24(2)).
- V04: aggregated data rejected as non-conforming or unusable; a consistency check
  that found differences (Art. 13, 21).
- V05: a resource cataloged for a data item that has another unique source (Art. 15, 31).
- V06: a conditional request not answered in 10 working days (Art. 26, 29).
- V07: a verification not answered in 10 working days (Art. 31).
- V08: none: tampering is found by verifying the ledger, and recorded as a finding.
- V09: a data use without a valid grant, after expiry, for a purpose or scope not
  granted, or to a third party (Art. 32, 36).
- V10: a periodic usage report missing (Art. 33).
- V11: a department with no designated responsible person (Art. 38).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.aggregation import AggregationRejected
from domain.calendar import due_end_of
from domain.catalog import CatalogApproved, CatalogSubmitted, CatalogUpdateApplied
from domain.consistency import ConsistencyCheckRecorded
from domain.data_uses import DataUseRecorded, ThirdPartyConsented, violation_marks
from domain.deadlines import ObligationKind, Status, WorkingDays
from domain.departments import (
    DepartmentDissolvedEvent,
    DepartmentRegistered,
    ResponsiblePersonsDesignated,
    department_id,
)
from domain.events import LedgerEvent
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
from domain.holidays import calendar_with
from domain.resources import (
    JoinedCatalog,
    ResourceAmended,
    ResourceCataloged,
    ResourceRetiredEvent,
)
from domain.systems import (
    SystemConnected,
    SystemEvent,
    SystemRegistered,
    SystemRetiredEvent,
    TrialOperationStarted,
)
from domain.vocabulary import DepartmentKind, ShareType
from projections.base import ByClass, Meta, PayloadTest, topics_of
from projections.deadlines import DeadlineRegister, RegisterState, obligations_at
from projections.obligations import deadline_register

# Art. 11 and 19 set no date: a department gets 20 working days after registration to
# have its catalog approved, and an existing system as long to be connected.
GRACE = WorkingDays(20)

# Differences a consistency check found are fixed like any other cause of a catalog update.
FIX_WINDOW = WorkingDays(7)

BREACH_CATEGORY = {
    ObligationKind.CATALOG_UPDATE: Category.V01,
    ObligationKind.AGGREGATION: Category.V03,
    ObligationKind.SHARE_REPLY: Category.V06,
    ObligationKind.VERIFICATION: Category.V07,
    ObligationKind.USAGE_REPORT: Category.V10,
}


@dataclass
class DepartmentFacts:
    code: str
    kind: DepartmentKind
    registered_at: datetime
    responsible_since: datetime | None = None
    catalog_approved_at: datetime | None = None
    dissolved_at: datetime | None = None
    update_applications: list[datetime] = field(default_factory=list)


@dataclass
class SystemFacts:
    department: str
    existing: bool
    registered_at: datetime
    connected_at: datetime | None = None
    trial_at: datetime | None = None
    retired_at: datetime | None = None


@dataclass
class CheckFacts:
    check_id: UUID
    occurred_at: datetime
    differences: int


@dataclass
class ResourceFacts:
    department: str
    share_type: str
    basic_data_kind: str | None
    classified: bool
    in_catalog_since: datetime | None = None
    retired: bool = False
    basic_data_confirmed: bool = False  # by the office, at catalog approval (Art. 24(2))


@dataclass
class FindingFacts:
    department: str
    category: Category
    ordered_due: date | None = None
    rectified_at: datetime | None = None
    criticised_at: datetime | None = None
    withdrawn_at: datetime | None = None


@dataclass
class Detection:
    """One thing counted: the object to open, and the rule that counted it."""

    department: str
    category: Category
    subject_id: str
    rule: str
    since: datetime
    until: datetime | None = None  # no longer counted from then (a consent, Art. 32)


@dataclass
class SupervisionState:
    register: RegisterState = field(default_factory=RegisterState)
    departments: dict[str, DepartmentFacts] = field(default_factory=dict)
    submissions: dict[str, str] = field(default_factory=dict)  # submission id → department
    systems: dict[str, SystemFacts] = field(default_factory=dict)
    latest_checks: dict[str, CheckFacts] = field(default_factory=dict)  # by system id
    resources: dict[str, ResourceFacts] = field(default_factory=dict)
    events: list[Detection] = field(default_factory=list)  # detections tied to one event
    findings: dict[str, FindingFacts] = field(default_factory=dict)


class SupervisionProjection:
    name = "supervision"
    state_type = SupervisionState

    def __init__(self, register: DeadlineRegister | None = None) -> None:
        self.register = register or deadline_register()
        self.version = f"2/{self.register.version}"
        own = topics_of(
            DepartmentRegistered,
            ResponsiblePersonsDesignated,
            DepartmentDissolvedEvent,
            CatalogSubmitted,
            CatalogApproved,
            CatalogUpdateApplied,
            ConsistencyCheckRecorded,
            SystemEvent,
            ResourceCataloged,
            ResourceAmended,
            JoinedCatalog,
            ResourceRetiredEvent,
            AggregationRejected,
            DataUseRecorded,
            ThirdPartyConsented,
            FindingEvent,
        )
        self.topics = own | self.register.topics
        # V09: a use counts only when it was marked; most are not, and need no decoding.
        # (A payload without the field, as a future upcast might leave, is decoded.)
        self.payload_tests: dict[str, PayloadTest] = dict.fromkeys(
            topics_of(DataUseRecorded), lambda data: bool(data.get("marks", True))
        )

    def initial(self) -> SupervisionState:
        return SupervisionState()

    def apply(self, state: SupervisionState, event: LedgerEvent, meta: Meta) -> SupervisionState:
        self.register.apply(state.register, event, meta)
        for fold in FOLDS_FOR(event):
            fold(state, event)
        return state


# -- folding facts ------------------------------------------------------------------------


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
        facts.responsible_since = e.occurred_at


def _dissolved(state: SupervisionState, e: DepartmentDissolvedEvent) -> None:
    facts = _department(state, e.originator_id)
    if facts is not None:
        facts.dissolved_at = e.occurred_at


def _submitted(state: SupervisionState, e: CatalogSubmitted) -> None:
    state.submissions[str(e.originator_id)] = e.department


def _approved(state: SupervisionState, e: CatalogApproved) -> None:
    facts = state.departments.get(state.submissions.get(str(e.originator_id), ""))
    if facts is not None and facts.catalog_approved_at is None:
        facts.catalog_approved_at = e.occurred_at


def _update_applied(state: SupervisionState, e: CatalogUpdateApplied) -> None:
    facts = state.departments.get(e.department)
    if facts is not None:
        facts.update_applications.append(e.occurred_at)


def _checked(state: SupervisionState, e: ConsistencyCheckRecorded) -> None:
    if e.system_id is None:
        return
    check = CheckFacts(e.originator_id, e.occurred_at, len(e.differences))
    state.latest_checks[str(e.system_id)] = check
    system = state.systems.get(str(e.system_id))
    if e.differences and system is not None:
        state.events.append(
            Detection(
                system.department,
                Category.V04,
                str(e.originator_id),
                "consistency_differences",
                e.occurred_at,
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
        system.connected_at = system.connected_at or e.occurred_at
    elif isinstance(e, TrialOperationStarted):
        system.trial_at = system.trial_at or e.occurred_at
    elif isinstance(e, SystemRetiredEvent):
        system.retired_at = e.occurred_at


def _cataloged(state: SupervisionState, e: ResourceCataloged) -> None:
    f = e.fields
    state.resources[str(e.originator_id)] = ResourceFacts(
        f.department,
        f.share_type.value,
        f.basic_data_kind.value if f.basic_data_kind else None,
        f.classified,
    )
    if e.duplicates:
        state.events.append(
            Detection(
                f.department,
                Category.V05,
                str(e.originator_id),
                "duplicate_collection",
                e.occurred_at,
            )
        )


def _amended(state: SupervisionState, e: ResourceAmended) -> None:
    facts = state.resources.get(str(e.originator_id))
    if facts is None:
        return
    changes = e.changes
    facts.share_type = str(changes.get("share_type", facts.share_type))
    if "basic_data_kind" in changes and not facts.basic_data_confirmed:
        facts.basic_data_kind = changes["basic_data_kind"]
    facts.classified = bool(changes.get("classified", facts.classified))


def _joined(state: SupervisionState, e: JoinedCatalog) -> None:
    facts = state.resources.get(str(e.originator_id))
    if facts is None:
        return
    if facts.in_catalog_since is None:
        facts.in_catalog_since = e.occurred_at
    if e.basic_data_confirmed:
        # Art. 24(2): what is basic data is the office's to confirm, not the department's.
        facts.basic_data_kind = e.basic_data_kind.value if e.basic_data_kind else None
        facts.basic_data_confirmed = True


def _retired(state: SupervisionState, e: ResourceRetiredEvent) -> None:
    facts = state.resources.get(str(e.originator_id))
    if facts is not None:
        facts.retired = True


def _rejected(state: SupervisionState, e: AggregationRejected) -> None:
    state.events.append(
        Detection(
            e.department, Category.V04, str(e.originator_id), "aggregation_rejected", e.occurred_at
        )
    )


def _used(state: SupervisionState, e: DataUseRecorded) -> None:
    """V09 counts what breaks Art. 26, 28 and 32, not a self-approval (``violation_marks``)."""
    marks = violation_marks(e.marks)
    if marks:
        rule = "+".join(mark.value for mark in marks)
        state.events.append(
            Detection(e.department, Category.V09, str(e.originator_id), rule, e.occurred_at)
        )


def _consented(state: SupervisionState, e: ThirdPartyConsented) -> None:
    """Art. 32: once the provider consents, the provision to the third party is no violation;
    whatever else the use broke is still counted."""
    use_id = str(e.originator_id)
    for detection in state.events:
        if detection.subject_id != use_id or detection.category is not Category.V09:
            continue
        if detection.until is not None:
            continue
        detection.until = e.occurred_at
        rest = [rule for rule in detection.rule.split("+") if rule != "third_party_without_consent"]
        if rest:
            state.events.append(
                Detection(detection.department, Category.V09, use_id, "+".join(rest), e.occurred_at)
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
        facts.ordered_due = e.due_date
    elif isinstance(e, FindingRectified | RectificationReviewed) and accepts_rectification(e):
        facts.rectified_at = e.occurred_at
    elif isinstance(e, CriticismCirculated):
        facts.criticised_at = e.occurred_at
    elif isinstance(e, FindingWithdrawn):
        facts.withdrawn_at = e.occurred_at


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


# -- detecting at an instant ---------------------------------------------------------------


def detections_at(
    projection: SupervisionProjection, state: SupervisionState, at: datetime
) -> list[Detection]:
    """Everything the ledger detects by itself at ``at``, each with the rule that found it."""
    calendar = calendar_with(state.register.published.values())
    found = [d for d in state.events if d.since <= at and (d.until is None or at < d.until)]
    breaches = []
    # Unordered: only the breaches are sorted (by deadline, then id), not every obligation.
    for obligation in obligations_at(projection.register, state.register, at, ordered=False):
        category = BREACH_CATEGORY.get(obligation.kind)
        if category is not None and obligation.status is Status.BREACHED:
            breaches.append(
                Detection(
                    obligation.department,
                    category,
                    str(obligation.obligation_id),
                    f"{obligation.kind.value}_overdue",
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
            found.append(
                Detection(code, Category.V11, subject, "no_responsible_person", facts.registered_at)
            )
        grace_end = GRACE.due(facts.registered_at, calendar).due_end
        if facts.catalog_approved_at is None and grace_end <= at:
            found.append(Detection(code, Category.V01, subject, "no_approved_catalog", grace_end))
    found.extend(_system_detections(state, at, calendar))
    found.extend(_resource_detections(state))
    return found


def _system_detections(state: SupervisionState, at: datetime, calendar: Any) -> list[Detection]:
    found = []
    for system_id, system in state.systems.items():
        if system.retired_at is not None:
            continue
        if system.connected_at is None:
            grace_end = GRACE.due(system.registered_at, calendar).due_end
            if system.existing and grace_end <= at:
                found.append(
                    Detection(
                        system.department, Category.V02, system_id, "not_connected", grace_end
                    )
                )
            if not system.existing and system.trial_at is not None:
                found.append(
                    Detection(
                        system.department,
                        Category.V02,
                        system_id,
                        "trial_without_connection",
                        system.trial_at,
                    )
                )
        check = state.latest_checks.get(system_id)
        owner = state.departments.get(system.department)
        if check is not None and check.differences and owner is not None:
            # As for any reason to update a catalog (Art. 12): 7 working days to apply.
            fix_by = FIX_WINDOW.due(check.occurred_at, calendar).due_end
            applied = any(t >= check.occurred_at for t in owner.update_applications)
            if not applied and fix_by <= at:
                found.append(
                    Detection(
                        system.department,
                        Category.V01,
                        str(check.check_id),
                        "differences_not_fixed",
                        fix_by,
                    )
                )
    return found


def _resource_detections(state: SupervisionState) -> list[Detection]:
    return [
        Detection(
            facts.department,
            Category.V03,
            resource_id,
            "basic_data_not_unconditional",
            facts.in_catalog_since,
        )
        for resource_id, facts in state.resources.items()
        if facts.in_catalog_since is not None
        and not facts.retired
        and not facts.classified
        and facts.basic_data_kind is not None
        and facts.share_type != ShareType.UNCONDITIONAL.value
    ]


@dataclass
class FindingStanding:
    finding_id: str
    department: str
    category: Category
    status: str  # recorded, rectification_ordered, rectified, overdue, criticised, withdrawn


def findings_at(state: SupervisionState, at: datetime) -> list[FindingStanding]:
    standings = []
    for finding_id, facts in state.findings.items():
        standings.append(
            FindingStanding(finding_id, facts.department, facts.category, _standing(facts, at))
        )
    return standings


def _standing(facts: FindingFacts, at: datetime) -> str:
    """Art. 39: rectified only once the leading group accepted it; a report awaiting
    review, or rejected, leaves the finding ordered, or overdue once its date passed."""
    if facts.withdrawn_at is not None:
        return "withdrawn"
    if facts.rectified_at is not None:
        return "rectified"
    if facts.criticised_at is not None:
        return "criticised"
    if facts.ordered_due is not None:
        return "overdue" if due_end_of(facts.ordered_due) <= at else "rectification_ordered"
    return "recorded"
