"""Aggregation: data received by the sharing system, and rejected when unusable (Art. 19-21)."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from domain.aggregate import Command
from domain.aggregation import AggregationReceipt, receive_aggregation
from domain.facts import Stage
from domain.verbs.base import Decision
from domain.verbs.references import ReferenceVerbs
from domain.vocabulary import ChecksumAlgorithm


class AggregationVerbs(ReferenceVerbs):
    def receive_aggregation(
        self,
        cmd: Command,
        resource_id: UUID,
        system_id: UUID,
        record_count: int,
        period: tuple[date, date],
        checksum: str,
        checksum_algorithm: ChecksumAlgorithm,
    ) -> Decision:
        """A new receipt is a new stream: receipts never pile onto one (high volume)."""
        event = receive_aggregation(
            cmd,
            uuid4(),
            self.named_resource(resource_id),
            self.named_system(system_id),
            record_count=record_count,
            period_start=period[0],
            period_end=period[1],
            checksum=checksum,
            checksum_algorithm=checksum_algorithm,
        )
        return Decision(event.originator_id, [event], (Stage(event.create().status),))

    def reject_aggregation(
        self, cmd: Command, receipt_id: UUID, reason: str, expected_version: int | None
    ) -> Decision:
        receipt = self.get(receipt_id, AggregationReceipt, expected_version=expected_version)
        event = receipt.reject(cmd, reason)
        return Decision(receipt_id, [event], (Stage(receipt.apply(event).status),))
