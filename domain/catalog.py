"""Catalog submissions 目录报送 (Art. 11) and catalog update applications (Art. 12)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self
from uuid import UUID

from domain.aggregate import AggregateState, Command
from domain.errors import (
    ApplicationAlreadyFiled,
    RuleViolation,
    SubmissionNotPending,
    SubmissionOutdated,
)
from domain.events import Frozen, LedgerEvent
from domain.resources import Resource


class SubmittedResource(Frozen):
    resource_id: UUID
    version: int


class CatalogSubmission(AggregateState):
    department: str
    resources: tuple[SubmittedResource, ...]
    status: Literal["submitted", "approved", "returned"] = "submitted"
    decided_at: datetime | None = None
    reasons: tuple[str, ...] = ()

    def check_pending(self) -> None:
        if self.status != "submitted":
            msg = f"this submission was already {self.status}"
            raise SubmissionNotPending(msg)

    def approve(self, cmd: Command, resources: list[Resource]) -> list[LedgerEvent]:
        """Art. 11: the office approves; the resources join the unified catalog."""
        self.check_pending()
        submitted = {item.resource_id: item.version for item in self.resources}
        for resource in resources:
            resource.check_not_retired()
            if resource.content_version != submitted[resource.id]:
                msg = (
                    f"resource {resource.fields.code} was amended after submission; "
                    "return the submission so the department submits it again"
                )
                raise SubmissionOutdated(msg, field="resource_ids")
        approval = cmd.next_event(CatalogApproved, self)
        return [approval, *(r.join_catalog(cmd, self.id) for r in resources)]

    def return_for_revision(self, cmd: Command, reasons: list[str]) -> CatalogReturned:
        self.check_pending()
        reasons = [reason for reason in reasons if reason.strip()]
        if not reasons:
            raise RuleViolation("returning a catalog needs at least one reason", field="reasons")
        return cmd.next_event(CatalogReturned, self, reasons=tuple(reasons))

    def apply(self, event: LedgerEvent) -> Self:
        if isinstance(event, CatalogApproved):
            return self.model_copy(update={"status": "approved", "decided_at": event.occurred_at})
        if isinstance(event, CatalogReturned):
            return self.model_copy(
                update={
                    "status": "returned",
                    "decided_at": event.occurred_at,
                    "reasons": event.reasons,
                }
            )
        return self


class CatalogSubmitted(LedgerEvent):
    department: str
    resources: tuple[SubmittedResource, ...]

    def create(self) -> CatalogSubmission:
        return CatalogSubmission(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            department=self.department,
            resources=self.resources,
        )


class CatalogApproved(LedgerEvent):
    pass


class CatalogReturned(LedgerEvent):
    reasons: tuple[str, ...]


def submit_catalog(
    cmd: Command, submission_id: UUID, department: str, resources: list[Resource]
) -> CatalogSubmitted:
    """Art. 11: a department submits its catalog, resource by resource at their versions."""
    cmd.require_department(department, "the catalog")
    if not resources:
        raise RuleViolation(
            "a catalog submission lists at least one resource", field="resource_ids"
        )
    for resource in resources:
        cmd.require_department(resource.department, f"resource {resource.fields.code}")
        resource.check_not_retired()
    return cmd.event(
        CatalogSubmitted,
        submission_id,
        1,
        department=department,
        resources=tuple(
            SubmittedResource(resource_id=r.id, version=r.content_version) for r in resources
        ),
    )


class CatalogUpdateApplication(AggregateState):
    """Art. 12: a department applies to update its catalog; the office files it (备案)."""

    department: str
    reason: str
    trigger_id: UUID | None
    filed_at: datetime | None = None

    def file(self, cmd: Command) -> CatalogUpdateFiled:
        if self.filed_at is not None:
            raise ApplicationAlreadyFiled("this application is already filed")
        return cmd.next_event(CatalogUpdateFiled, self)

    def apply(self, event: LedgerEvent) -> Self:
        if isinstance(event, CatalogUpdateFiled):
            return self.model_copy(update={"filed_at": event.occurred_at})
        return self


class CatalogUpdateApplied(LedgerEvent):
    department: str
    reason: str
    trigger_id: UUID | None

    def create(self) -> CatalogUpdateApplication:
        return CatalogUpdateApplication(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            department=self.department,
            reason=self.reason,
            trigger_id=self.trigger_id,
        )


class CatalogUpdateFiled(LedgerEvent):
    pass


def apply_for_catalog_update(
    cmd: Command, application_id: UUID, reason: str, trigger_id: UUID | None
) -> CatalogUpdateApplied:
    if not reason.strip():
        raise RuleViolation("an update application states its reason", field="reason")
    return cmd.event(
        CatalogUpdateApplied,
        application_id,
        1,
        department=cmd.actor.department,
        reason=reason,
        trigger_id=trigger_id,
    )
