"""What supervision remembers of the events: the facts each detector asks about."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from domain.findings import Category
from domain.vocabulary import DepartmentKind
from projections.deadlines import RegisterState


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
