"""Catalog submissions 目录报送 (Art. 11) and catalog update applications (Art. 12)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Self
from uuid import UUID

from pydantic import Field

from domain.aggregate import AggregateState, Command
from domain.errors import (
    ApplicationAlreadyFiled,
    BasicDataMustBeUnconditional,
    RuleViolation,
    SubmissionNotPending,
    SubmissionOutdated,
)
from domain.events import Frozen, LedgerEvent
from domain.resources import Resource, basic_data_shared_as_required
from domain.vocabulary import BasicDataKind


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

    def approve(
        self,
        cmd: Command,
        resources: list[Resource],
        basic_data_kinds: dict[UUID, BasicDataKind | None] | None = None,
    ) -> list[LedgerEvent]:
        """Art. 11: the office approves; the resources join the unified catalog.

        Art. 24(2): the office, not the department, says which resources are basic data:
        for each resource it confirms a basic-data kind, or none (``basic_data_kinds``; a
        resource it does not name keeps the kind its department declared, confirmed as is).
        A confirmed basic-data resource that is not classified and not shared
        unconditionally cannot enter the unified catalog."""
        self.check_pending()
        submitted = {item.resource_id: item.version for item in self.resources}
        stated = basic_data_kinds or {}
        for resource_id in stated:
            if resource_id not in submitted:
                msg = f"resource {resource_id} is not in this submission"
                raise RuleViolation(msg, field=f"basic_data_kinds.{resource_id}")
        confirmed: dict[UUID, BasicDataKind | None] = {}
        for resource in resources:
            resource.check_not_retired()
            if resource.content_version != submitted[resource.id]:
                msg = (
                    f"resource {resource.fields.code} was amended after submission; "
                    "return the submission so the department submits it again"
                )
                raise SubmissionOutdated(msg, field="resource_ids")
            kind = stated.get(resource.id, resource.fields.basic_data_kind)
            check_basic_data_shared(resource, kind, f"basic_data_kinds.{resource.id}")
            confirmed[resource.id] = kind
        approval = cmd.next_event(
            CatalogApproved,
            self,
            basic_data_kinds={str(key): value for key, value in confirmed.items()},
        )
        return [approval, *(r.join_catalog(cmd, self.id, confirmed[r.id]) for r in resources)]

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
    """Version 2 records the basic-data kind the office confirmed for each resource (Art.
    24(2)); version 1 confirmed none."""

    class_version = 2

    basic_data_kinds: dict[str, BasicDataKind | None] = Field(default_factory=dict)

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> dict[str, Any]:
        return {**state, "basic_data_kinds": {}}


def check_basic_data_shared(resource: Resource, kind: BasicDataKind | None, field: str) -> None:
    """Art. 24(2): declassified basic data is shared unconditionally."""
    fields = resource.fields
    if kind is not None and not basic_data_shared_as_required(
        kind, fields.classified, fields.share_type
    ):
        msg = (
            f"{resource.fields.code} {fields.name} is basic data ({kind.label}): once "
            "declassified it is shared unconditionally (Art. 24(2)); return the submission so "
            "the department shares it unconditionally"
        )
        raise BasicDataMustBeUnconditional(msg, field=field, article="24(2)")


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
