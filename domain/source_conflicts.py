"""Multi-source conflicts 多源异义 and unique sources 唯一来源 (Art. 15, 31).

Art. 31: where several resources say different things about one data item, the providers
settle it and the item gets one unique source. The office records the conflict and its
resolution; the resolution marks the chosen resource and keeps, per data item, which
resource is its unique source, so that a later catalog entry collecting the same item
elsewhere is marked as duplicate collection (Art. 15: 一数一源, 不得重复采集; V05).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self
from uuid import UUID

from domain.aggregate import AggregateState, Command, natural_id
from domain.errors import (
    DataItemNotHeld,
    RuleViolation,
    SourceConflictAlreadyResolved,
    TooFewConflictingSources,
    UniqueSourceNotInConflict,
)
from domain.events import LedgerEvent
from domain.resources import Resource, data_item_key


def unique_source_id(data_item: str) -> UUID:
    """The lookup of a data item's unique source: one stream per data item."""
    return natural_id("unique-source", data_item_key(data_item))


class SourceConflict(AggregateState):
    data_item: str
    resource_ids: tuple[UUID, ...]
    status: Literal["open", "resolved"] = "open"
    unique_source_resource_id: UUID | None = None
    resolved_at: datetime | None = None

    def check_member(self, resource_id: UUID) -> None:
        if resource_id not in self.resource_ids:
            msg = f"resource {resource_id} is not one of this conflict's resources"
            raise UniqueSourceNotInConflict(msg, field="unique_source_resource_id", article="31")

    def resolve(
        self, cmd: Command, resource: Resource, current: UniqueSource | None
    ) -> list[LedgerEvent]:
        """Close the conflict, mark the resource, and point the data item's lookup at it."""
        if self.status == "resolved":
            msg = f"this conflict was resolved with {self.unique_source_resource_id}"
            raise SourceConflictAlreadyResolved(msg)
        self.check_member(resource.id)
        resolved = cmd.next_event(
            SourceConflictResolved, self, unique_source_resource_id=resource.id
        )
        designated = resource.designate_unique_source(cmd, self.data_item, self.id)
        fields = {"resource_id": resource.id, "department": resource.department}
        if current is None:
            lookup: LedgerEvent = cmd.event(
                UniqueSourceSet,
                unique_source_id(self.data_item),
                1,
                data_item=self.data_item,
                conflict_id=self.id,
                **fields,
            )
        else:
            lookup = cmd.next_event(UniqueSourceChanged, current, conflict_id=self.id, **fields)
        return [resolved, designated, lookup]

    def apply(self, event: LedgerEvent) -> Self:
        if isinstance(event, SourceConflictResolved):
            return self.model_copy(
                update={
                    "status": "resolved",
                    "unique_source_resource_id": event.unique_source_resource_id,
                    "resolved_at": event.occurred_at,
                }
            )
        return self


class SourceConflictEvent(LedgerEvent):
    """Every event of a source conflict's stream."""


class SourceConflictRecorded(SourceConflictEvent):
    data_item: str
    resource_ids: tuple[UUID, ...]
    departments: tuple[str, ...]  # the providers who settle it (Art. 31: 协商)

    def create(self) -> SourceConflict:
        return SourceConflict(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            data_item=self.data_item,
            resource_ids=self.resource_ids,
        )


class SourceConflictResolved(SourceConflictEvent):
    unique_source_resource_id: UUID


class UniqueSource(AggregateState):
    """Which resource is, now, the unique source of one data item."""

    data_item: str
    resource_id: UUID
    department: str

    def apply(self, event: LedgerEvent) -> Self:
        if isinstance(event, UniqueSourceChanged):
            return self.model_copy(
                update={"resource_id": event.resource_id, "department": event.department}
            )
        return self


class UniqueSourceSet(LedgerEvent):
    data_item: str
    resource_id: UUID
    department: str
    conflict_id: UUID

    def create(self) -> UniqueSource:
        return UniqueSource(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            data_item=self.data_item,
            resource_id=self.resource_id,
            department=self.department,
        )


class UniqueSourceChanged(LedgerEvent):
    """A later conflict on the same data item designated another resource."""

    resource_id: UUID
    department: str
    conflict_id: UUID


def record_source_conflict(
    cmd: Command, conflict_id: UUID, data_item: str, resources: list[Resource]
) -> SourceConflictRecorded:
    """The office records resources that disagree on one data item (Art. 31: 多源异义)."""
    data_item = " ".join(data_item.split())
    if not data_item:
        raise RuleViolation("name the data item the resources disagree on", field="data_item")
    distinct = list({r.id: r for r in resources}.values())
    if len(distinct) < 2:
        msg = "a multi-source conflict names at least two different resources (Art. 31)"
        raise TooFewConflictingSources(msg, field="resource_ids", article="31")
    for index, resource in enumerate(resources):
        if not resource.holds_data_item(data_item):
            msg = f"resource {resource.fields.code} holds no data item {data_item!r}"
            raise DataItemNotHeld(msg, field=f"resource_ids.{index}", article="31")
    return cmd.event(
        SourceConflictRecorded,
        conflict_id,
        1,
        data_item=data_item,
        resource_ids=tuple(r.id for r in distinct),
        departments=tuple(dict.fromkeys(r.department for r in distinct)),
    )
