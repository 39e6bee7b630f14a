"""What supervision remembers of the events: the facts each detector asks about.

Each fact is frozen: a fold replaces it, never changes it, so a copy of the state's
containers is a copy of the state (``SupervisionFacts.fork``, replays/ladder.py)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from uuid import UUID

from domain.findings import Category
from domain.resources import basic_data_shared_as_required
from domain.vocabulary import DepartmentKind
from projections.deadlines import RegisterState


@dataclass(frozen=True)
class DepartmentFacts:
    code: str
    kind: DepartmentKind
    registered_at: datetime
    responsible_since: datetime | None = None
    catalog_approved_at: datetime | None = None
    dissolved_at: datetime | None = None
    update_applications: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class SystemFacts:
    department: str
    existing: bool
    registered_at: datetime
    connected_at: datetime | None = None
    trial_at: datetime | None = None
    retired_at: datetime | None = None


@dataclass(frozen=True)
class CheckFacts:
    check_id: UUID
    occurred_at: datetime
    differences: int


@dataclass(frozen=True)
class ResourceFacts:
    department: str
    share_type: str
    basic_data_kind: str | None
    classified: bool
    in_catalog_since: datetime | None = None
    retired: bool = False
    basic_data_confirmed: bool = False  # by the office, at catalog approval (Art. 24(2))

    @cached_property
    def basic_data_not_unconditional(self) -> bool:
        """Art. 24(2) broken by this resource as it stands, whenever it is cataloged: asked
        of every resource at every instant a report counts, and answered once for each
        state of a resource (a fold shares the ones no event changed)."""
        return not basic_data_shared_as_required(
            self.basic_data_kind, self.classified, self.share_type
        )


@dataclass(frozen=True)
class FindingFacts:
    department: str
    category: Category
    ordered_due: date | None = None
    rectified_at: datetime | None = None
    criticised_at: datetime | None = None
    withdrawn_at: datetime | None = None


@dataclass(frozen=True)
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
    # How many of ``events`` are still counted, by cell (``cell_key``), kept as they are
    # opened and closed: the grid reads these instead of walking every detection. A fold
    # for an instant T holds only events that occurred by T, and a detection opens and
    # closes at its events' instants, so "still counted" is exactly "counted at T".
    counted: dict[str, int] = field(default_factory=dict)

    def open(self, detection: Detection) -> None:
        self.events.append(detection)
        key = cell_key(detection.department, detection.category)
        self.counted[key] = self.counted.get(key, 0) + 1

    def close(self, index: int, until: datetime) -> None:
        """No longer counted from ``until`` (``events[index]``, still counted until now)."""
        detection = self.events[index]
        self.events[index] = replace(detection, until=until)
        key = cell_key(detection.department, detection.category)
        self.counted[key] -= 1

    def counted_cells(self) -> dict[tuple[str, Category], int]:
        """The detections tied to one event that each (department, category) counts."""
        cells = {}
        for key, n in self.counted.items():
            if n:
                department, _, category = key.rpartition("|")
                cells[department, Category(category)] = n  # type: ignore[call-arg]
        return cells


def cell_key(department: str, category: Category) -> str:
    """A cell of the grid as a key a saved fold's JSON can hold."""
    return f"{department}|{category.value}"
