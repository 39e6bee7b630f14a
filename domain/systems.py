"""Information systems 政务信息系统: registered, approved, connected, trial, retired (Art. 19-20).

Art. 19: a system already built is connected to the sharing system 厅共享系统 and its data
resources join the unified catalog. Art. 20: a new system plans its catalog as a condition
of project approval 立项, and its resources are in the unified catalog before trial
operation 上线试运行. A resource names the system it comes from (``system_id``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Self
from uuid import UUID

from domain.aggregate import AggregateState, Command
from domain.errors import (
    ClassifiedSystemNotConnected,
    NotANewSystem,
    ProjectNotApproved,
    RuleViolation,
    SystemResourcesNotCataloged,
    SystemResourcesNotInCatalog,
    SystemRetired,
    SystemStepAlreadyTaken,
)
from domain.events import LedgerEvent
from domain.resources import Resource
from domain.vocabulary import SystemStatus


class InformationSystem(AggregateState):
    department: str  # the owner 建设单位
    name: str
    status: SystemStatus
    classified: bool
    project_approved_at: datetime | None = None
    connected_at: datetime | None = None
    trial_started_at: datetime | None = None
    retired_at: datetime | None = None
    retirement_reason: str = ""

    @property
    def connected(self) -> bool:
        return self.connected_at is not None and self.retired_at is None

    def own_resources(self, resources: list[Resource]) -> list[Resource]:
        """The owner's resources naming this system, not retired: "the system's resources"."""
        return [
            r
            for r in resources
            if r.fields.system_id == self.id
            and r.department == self.department
            and r.retired_at is None
        ]

    def approve_project(self, cmd: Command, resources: list[Resource]) -> ProjectApproved:
        """Art. 20: the catalog planned with the system is a condition of its approval."""
        self.check_active()
        self.check_new("project approval")
        if self.project_approved_at is not None:
            raise SystemStepAlreadyTaken(f"system {self.name} is already approved")
        cataloged = self.own_resources(resources)
        if not cataloged:
            msg = (
                f"{self.department} has cataloged no data resource of system {self.name}: "
                f"a new system's catalog is a condition of its project approval (Art. 20); "
                f"catalog its resources with system_id {self.id}"
            )
            raise SystemResourcesNotCataloged(msg, field="system_id", article="20")
        return cmd.next_event(ProjectApproved, self, resource_ids=tuple(r.id for r in cataloged))

    def connect(self, cmd: Command) -> SystemConnected:
        """Art. 19: the information center connects the system to the sharing system."""
        self.check_active()
        if self.classified:
            msg = (
                f"system {self.name} is classified: classified systems are governed by the "
                "secrecy laws, not connected to the sharing system (Art. 2)"
            )
            raise ClassifiedSystemNotConnected(msg, field="classified", article="2")
        if self.connected_at is not None:
            raise SystemStepAlreadyTaken(f"system {self.name} is already connected")
        return cmd.next_event(SystemConnected, self)

    def start_trial_operation(
        self, cmd: Command, resources: list[Resource]
    ) -> TrialOperationStarted:
        """Art. 20: before trial operation the system's resources join the unified catalog."""
        cmd.require_department(self.department, f"system {self.name}")
        self.check_active()
        self.check_new("trial operation")
        if self.project_approved_at is None:
            msg = f"system {self.name} has no project approval; trial operation comes after it"
            raise ProjectNotApproved(msg, article="20")
        if self.trial_started_at is not None:
            raise SystemStepAlreadyTaken(f"system {self.name} is already in trial operation")
        own = self.own_resources(resources)
        if not own:
            msg = f"{self.department} has cataloged no data resource of system {self.name}"
            raise SystemResourcesNotInCatalog(msg, field="system_id", article="20")
        outside = sorted(r.fields.code for r in own if not r.in_catalog)
        if outside:
            msg = (
                f"resources {', '.join(outside)} of system {self.name} are not in the unified "
                "catalog; they join it before trial operation (Art. 20)"
            )
            raise SystemResourcesNotInCatalog(msg, field="system_id", article="20")
        return cmd.next_event(TrialOperationStarted, self, resource_ids=tuple(r.id for r in own))

    def retire(self, cmd: Command, reason: str) -> SystemRetiredEvent:
        cmd.require_department(self.department, f"system {self.name}")
        self.check_active()
        return cmd.next_event(SystemRetiredEvent, self, reason=reason.strip())

    def check_active(self) -> None:
        if self.retired_at is not None:
            raise SystemRetired(f"system {self.name} is retired", field="system_id")

    def check_new(self, step: str) -> None:
        if self.status is not SystemStatus.NEW:
            msg = f"system {self.name} is an existing system; {step} is for new systems (Art. 20)"
            raise NotANewSystem(msg, field="status", article="20")

    def apply(self, event: LedgerEvent) -> Self:
        if isinstance(event, ProjectApproved):
            return self.model_copy(update={"project_approved_at": event.occurred_at})
        if isinstance(event, SystemConnected):
            return self.model_copy(update={"connected_at": event.occurred_at})
        if isinstance(event, TrialOperationStarted):
            return self.model_copy(update={"trial_started_at": event.occurred_at})
        if isinstance(event, SystemRetiredEvent):
            return self.model_copy(
                update={"retired_at": event.occurred_at, "retirement_reason": event.reason}
            )
        return self


class SystemEvent(LedgerEvent):
    """Every event of an information system's stream."""


class SystemRegistered(SystemEvent):
    department: str
    name: str
    status: SystemStatus
    classified: bool

    def create(self) -> InformationSystem:
        return InformationSystem(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            department=self.department,
            name=self.name,
            status=self.status,
            classified=self.classified,
        )


class ProjectApproved(SystemEvent):
    """立项: the office approved the project; the resources that fulfilled Art. 20."""

    resource_ids: tuple[UUID, ...]


class SystemConnected(SystemEvent):
    """接入: connected to the sharing system (Art. 19)."""


class TrialOperationStarted(SystemEvent):
    """上线试运行, with the resources that were in the unified catalog (Art. 20)."""

    resource_ids: tuple[UUID, ...]


class SystemRetiredEvent(SystemEvent):
    reason: str = ""


def register_system(
    cmd: Command, system_id: UUID, name: str, status: SystemStatus, classified: bool
) -> SystemRegistered:
    """A department registers a system it owns, built or being built."""
    if not name.strip():
        raise RuleViolation("an information system needs a name", field="name")
    return cmd.event(
        SystemRegistered,
        system_id,
        1,
        department=cmd.actor.department,
        name=name.strip(),
        status=status,
        classified=classified,
    )
