"""Time-sensitive arrangements 时效性共享安排 (Art. 28).

For sensitive periods and major holidays the using and the providing department agree
how data is shared, without waiting for a request and reply; the arrangement holds for
its validity window [valid_from, valid_to) only, and data used under it outside the
window is marked (see ``domain.data_uses``). Either party records the agreement; the
event names who did.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.aggregate import AggregateState, Command
from domain.departments import Department
from domain.errors import (
    InvalidWindow,
    NotAPartyToArrangement,
    NotSharedNeedsCoordination,
    OwnResource,
    ResourceNotInCatalog,
)
from domain.events import LedgerEvent
from domain.resources import Resource
from domain.vocabulary import AcquisitionMethod, ShareType


class TimeSensitiveArrangement(AggregateState):
    resource_id: UUID
    provider: str
    requester: str
    method: AcquisitionMethod
    valid_from: datetime
    valid_to: datetime
    recorded_by: str  # the department that recorded the agreement

    def in_force(self, at: datetime) -> bool:
        return self.valid_from <= at < self.valid_to


class ArrangementAgreed(LedgerEvent):
    resource_id: UUID
    provider: str
    requester: str
    method: AcquisitionMethod
    valid_from: datetime
    valid_to: datetime

    def create(self) -> TimeSensitiveArrangement:
        return TimeSensitiveArrangement(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            resource_id=self.resource_id,
            provider=self.provider,
            requester=self.requester,
            method=self.method,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            recorded_by=self.actor.department,
        )


def agree_arrangement(
    cmd: Command,
    arrangement_id: UUID,
    resource: Resource,
    requester: Department,
    method: AcquisitionMethod,
    valid_from: datetime,
    valid_to: datetime,
) -> ArrangementAgreed:
    provider = resource.department
    if cmd.actor.department not in (provider, requester.code):
        msg = f"only {provider} (provider) and {requester.code} (user) agree this arrangement"
        raise NotAPartyToArrangement(msg, article="28")
    if requester.code == provider:
        msg = f"{provider} provides this resource; an arrangement is with another department"
        raise OwnResource(msg, field="requester", article="28")
    if not resource.in_catalog:
        msg = (
            f"resource {resource.fields.code} is not in the unified catalog; arrangements "
            "share cataloged data through the sharing system (Art. 28)"
        )
        raise ResourceNotInCatalog(msg, field="resource_id", article="28")
    approved = resource.approved_fields
    if approved is not None and approved.share_type is ShareType.NOT_SHARED:
        msg = (
            f"resource {approved.code} is not shared by law (Art. 24(1)); only the leading "
            "group's coordination can share it (Art. 27)"
        )
        raise NotSharedNeedsCoordination(msg, field="resource_id", article="27")
    if valid_to <= valid_from:
        msg = f"valid_to {valid_to.isoformat()} must be after valid_from {valid_from.isoformat()}"
        raise InvalidWindow(msg, field="valid_to", article="28")
    return cmd.event(
        ArrangementAgreed,
        arrangement_id,
        1,
        resource_id=resource.id,
        provider=provider,
        requester=requester.code,
        method=method,
        valid_from=valid_from,
        valid_to=valid_to,
    )
