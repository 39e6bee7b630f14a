"""Time-sensitive arrangements 时效性共享安排 (Art. 28).

For sensitive periods and major holidays "可由使用部门和提供部门根据实际协商确定共享方式":
the two departments agree, between them, how data is shared. An agreement needs both, so
one party proposes — the resource, the purpose, the scope of data, the method and the
validity window [valid_from, valid_to) — and the arrangement is in force only once the
other party accepts it; the other party may refuse, stating why. Uses under an
arrangement are checked against all four terms (see ``domain.data_uses``).

Ledgers written before proposals were recorded hold ``ArrangementAgreed``: one party
alone recorded an agreement, with no purpose or scope. Such a record still loads and is
shown as it was made, ``unilateral``: it was never accepted by the other party, so it
puts nothing in force.
"""

from __future__ import annotations

from datetime import datetime
from typing import Self
from uuid import UUID

from pydantic import Field

from domain.aggregate import AggregateState, Command
from domain.departments import Department
from domain.errors import (
    Conflict,
    InvalidWindow,
    NotAPartyToArrangement,
    NotSharedNeedsCoordination,
    OwnResource,
    ResourceNotInCatalog,
    RuleViolation,
)
from domain.events import LedgerEvent
from domain.resources import Resource
from domain.vocabulary import AcquisitionMethod, Labeled, ShareType


class ArrangementStatus(Labeled):
    PROPOSED = ("proposed", "已提出，待对方确认")
    IN_FORCE = ("in_force", "双方确认，生效")
    REFUSED = ("refused", "对方拒绝")
    UNILATERAL = ("unilateral", "单方记录，未经对方确认（旧记录）")


class ArrangementNotProposed(Conflict):
    title = "Only a proposed arrangement is accepted or refused (Art. 28)"


class ProposerCannotAccept(NotAPartyToArrangement):
    title = "The other party accepts or refuses an arrangement (Art. 28)"


class TimeSensitiveArrangement(AggregateState):
    resource_id: UUID
    provider: str
    requester: str
    method: AcquisitionMethod
    valid_from: datetime
    valid_to: datetime
    recorded_by: str  # the department that proposed (or, in older ledgers, recorded) it
    counterparty: str | None = None  # the party whose acceptance puts it in force
    purpose: str | None = None
    scope: str | None = None
    status: ArrangementStatus = ArrangementStatus.UNILATERAL
    accepted_at: datetime | None = None
    refused_at: datetime | None = None
    refusal_reason: str | None = None

    def in_force(self, at: datetime) -> bool:
        return self.status is ArrangementStatus.IN_FORCE and self.valid_from <= at < self.valid_to

    def check_answerable(self, cmd: Command) -> None:
        if self.status is not ArrangementStatus.PROPOSED:
            msg = f"the arrangement is {self.status.value} ({self.status.label}), not proposed"
            raise ArrangementNotProposed(msg, article="28")
        if cmd.actor.department != self.counterparty:
            msg = (
                f"{self.recorded_by} proposed this arrangement; only {self.counterparty}, the "
                "other party, accepts or refuses it"
            )
            raise ProposerCannotAccept(msg, article="28")

    def accept(self, cmd: Command) -> ArrangementAccepted:
        self.check_answerable(cmd)
        return cmd.next_event(ArrangementAccepted, self, provider=self.provider)

    def refuse(self, cmd: Command, reason: str) -> ArrangementRefused:
        self.check_answerable(cmd)
        if not reason.strip():
            raise RuleViolation("refusing an arrangement states why", field="reason", article="28")
        return cmd.next_event(
            ArrangementRefused, self, provider=self.provider, reason=reason.strip()
        )

    def apply(self, event: LedgerEvent) -> Self:
        if isinstance(event, ArrangementAccepted):
            return self.model_copy(
                update={"status": ArrangementStatus.IN_FORCE, "accepted_at": event.occurred_at}
            )
        if isinstance(event, ArrangementRefused):
            return self.model_copy(
                update={
                    "status": ArrangementStatus.REFUSED,
                    "refused_at": event.occurred_at,
                    "refusal_reason": event.reason,
                }
            )
        return self


class ArrangementEvent(LedgerEvent):
    """Every event of an arrangement names its provider, so folds need no lookups."""

    provider: str


class ArrangementAgreed(ArrangementEvent):
    """Recorded by one party before proposals existed; loads as ``unilateral``."""

    resource_id: UUID
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


class ArrangementProposed(ArrangementEvent):
    resource_id: UUID
    requester: str
    counterparty: str
    purpose: str = Field(min_length=1, max_length=1000)
    scope: str = Field(min_length=1, max_length=4000)
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
            counterparty=self.counterparty,
            purpose=self.purpose,
            scope=self.scope,
            status=ArrangementStatus.PROPOSED,
        )


class ArrangementAccepted(ArrangementEvent):
    pass


class ArrangementRefused(ArrangementEvent):
    reason: str


def propose_arrangement(
    cmd: Command,
    arrangement_id: UUID,
    resource: Resource,
    counterparty: Department,
    purpose: str,
    scope: str,
    method: AcquisitionMethod,
    valid_from: datetime,
    valid_to: datetime,
) -> ArrangementProposed:
    provider = resource.department
    proposer = cmd.actor.department
    if counterparty.code == proposer:
        msg = "an arrangement is agreed with another department: name it as counterparty"
        raise OwnResource(msg, field="counterparty", article="28")
    if proposer == provider:
        requester = counterparty.code
    elif counterparty.code == provider:
        requester = proposer
    else:
        msg = (
            f"{provider} provides this resource: a user's proposal names {provider} as "
            f"counterparty, not {counterparty.code}"
        )
        raise RuleViolation(msg, field="counterparty", article="28")
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
    for name, text in (("purpose", purpose), ("scope", scope)):
        if not text.strip():
            raise RuleViolation(f"an arrangement states its {name}", field=name, article="28")
    if valid_to <= valid_from:
        msg = f"valid_to {valid_to.isoformat()} must be after valid_from {valid_from.isoformat()}"
        raise InvalidWindow(msg, field="valid_to", article="28")
    return cmd.event(
        ArrangementProposed,
        arrangement_id,
        1,
        resource_id=resource.id,
        provider=provider,
        requester=requester,
        counterparty=counterparty.code,
        purpose=purpose.strip(),
        scope=scope.strip(),
        method=method,
        valid_from=valid_from,
        valid_to=valid_to,
    )
