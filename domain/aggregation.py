"""Aggregation 汇聚: data of a resource received by the sharing system (Art. 19-21, 39(3)-(4)).

Each receipt is a short stream of its own (received, perhaps rejected): receipts come
daily for every resource, so they never pile onto one growing stream. A receipt says
which resource, through which connected system, how many records, which days it covers
and a checksum of the content; the information center rejects what does not conform
or cannot be used (Art. 39(4)), and a rejected receipt discharges nothing.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Self
from uuid import UUID

from domain.aggregate import AggregateState, Command
from domain.calendar import shanghai_date
from domain.errors import (
    ClassifiedDataNotAggregated,
    InvalidAggregationPeriod,
    InvalidChecksum,
    ReceiptAlreadyRejected,
    ResourceNotInCatalog,
    RuleViolation,
    SystemNotConnected,
    SystemNotTheResourceSource,
)
from domain.events import LedgerEvent
from domain.resources import Resource
from domain.systems import InformationSystem
from domain.vocabulary import ChecksumAlgorithm, Role

# Hex digits each accepted algorithm yields: SHA-256 and SM3 (GB/T 32905, the national
# standard government systems use) 256 bits, SHA-512 512 bits.
DIGEST_HEX_LENGTH = {
    ChecksumAlgorithm.SHA256: 64,
    ChecksumAlgorithm.SM3: 64,
    ChecksumAlgorithm.SHA512: 128,
}
HEX = re.compile(r"^[0-9a-f]+$")


class AggregationReceipt(AggregateState):
    resource_id: UUID
    system_id: UUID
    department: str  # the provider, whose aggregation obligation the receipt discharges
    record_count: int
    period_start: date
    period_end: date
    checksum: str
    checksum_algorithm: ChecksumAlgorithm
    rejected_at: datetime | None = None
    rejection_reason: str | None = None

    @property
    def status(self) -> str:
        return "rejected" if self.rejected_at is not None else "received"

    def reject(self, cmd: Command, reason: str) -> AggregationRejected:
        """Art. 39(4): the data does not conform or cannot be used; the period stays owed."""
        if self.rejected_at is not None:
            raise ReceiptAlreadyRejected("this aggregation receipt is already rejected")
        if not reason.strip():
            msg = "a rejection states why the data does not conform or cannot be used"
            raise RuleViolation(msg, field="reason", article="39(4)")
        return cmd.next_event(
            AggregationRejected,
            self,
            reason=reason.strip(),
            department=self.department,
            resource_id=self.resource_id,
        )

    def apply(self, event: LedgerEvent) -> Self:
        if isinstance(event, AggregationRejected):
            return self.model_copy(
                update={"rejected_at": event.occurred_at, "rejection_reason": event.reason}
            )
        return self


class AggregationEvent(LedgerEvent):
    """Every event of a receipt's stream."""


class AggregationReceived(AggregationEvent):
    resource_id: UUID
    system_id: UUID
    department: str
    record_count: int
    period_start: date
    period_end: date
    checksum: str
    checksum_algorithm: ChecksumAlgorithm

    def create(self) -> AggregationReceipt:
        return AggregationReceipt(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            resource_id=self.resource_id,
            system_id=self.system_id,
            department=self.department,
            record_count=self.record_count,
            period_start=self.period_start,
            period_end=self.period_end,
            checksum=self.checksum,
            checksum_algorithm=self.checksum_algorithm,
        )


class AggregationRejected(AggregationEvent):
    """The provider and resource are repeated so the deadline register can reopen the period."""

    reason: str
    department: str
    resource_id: UUID


def receive_aggregation(
    cmd: Command,
    receipt_id: UUID,
    resource: Resource,
    system: InformationSystem,
    *,
    record_count: int,
    period_start: date,
    period_end: date,
    checksum: str,
    checksum_algorithm: ChecksumAlgorithm,
) -> AggregationReceived:
    """The information center, or the provider itself, records data received (Art. 19-21)."""
    if cmd.actor.role is not Role.INFO_CENTER:
        cmd.require_department(resource.department, f"resource {resource.fields.code}")
    check_aggregable(resource)
    check_source_system(system, resource)
    check_period(period_start, period_end, shanghai_date(cmd.occurred_at))
    if record_count < 0:
        raise RuleViolation("record_count cannot be negative", field="record_count")
    return cmd.event(
        AggregationReceived,
        receipt_id,
        1,
        resource_id=resource.id,
        system_id=system.id,
        department=resource.department,
        record_count=record_count,
        period_start=period_start,
        period_end=period_end,
        checksum=checked_checksum(checksum, checksum_algorithm),
        checksum_algorithm=checksum_algorithm,
    )


def check_aggregable(resource: Resource) -> None:
    """Art. 19: what is aggregated is the non-classified data of the unified catalog."""
    if not resource.in_catalog:
        msg = f"resource {resource.fields.code} is not in the unified catalog (Art. 11, 19)"
        raise ResourceNotInCatalog(msg, field="resource_id", article="19")
    approved = resource.approved_fields
    if resource.fields.classified or (approved is not None and approved.classified):
        msg = f"resource {resource.fields.code} is classified: only 非涉密 data is aggregated"
        raise ClassifiedDataNotAggregated(msg, field="resource_id", article="19")


def check_source_system(system: InformationSystem, resource: Resource) -> None:
    """The data comes through the provider's own system, connected to the sharing system."""
    if system.department != resource.department:
        msg = (
            f"system {system.name} belongs to {system.department}; resource "
            f"{resource.fields.code} is {resource.department}'s"
        )
        raise SystemNotTheResourceSource(msg, field="system_id")
    if resource.fields.system_id is not None and resource.fields.system_id != system.id:
        msg = f"resource {resource.fields.code} comes from system {resource.fields.system_id}"
        raise SystemNotTheResourceSource(msg, field="system_id")
    if not system.connected:
        msg = f"system {system.name} is not connected to the sharing system (Art. 19)"
        raise SystemNotConnected(msg, field="system_id", article="19")


def check_period(period_start: date, period_end: date, today: date) -> None:
    if period_end < period_start:
        msg = f"period_end {period_end} is before period_start {period_start}"
        raise InvalidAggregationPeriod(msg, field="period_end")
    if period_end > today:
        msg = (
            f"period_end {period_end} is after the day of receipt {today}: what is aggregated "
            "is data already produced (Art. 19)"
        )
        raise InvalidAggregationPeriod(msg, field="period_end", article="19")


def checked_checksum(checksum: str, algorithm: ChecksumAlgorithm) -> str:
    """The digest in lowercase hex, as long as its algorithm makes it."""
    digest = checksum.strip().lower()
    length = DIGEST_HEX_LENGTH[algorithm]
    if len(digest) != length or not HEX.match(digest):
        msg = f"checksum must be the {algorithm.label} digest: {length} hexadecimal digits"
        raise InvalidChecksum(msg, field="checksum")
    return digest
