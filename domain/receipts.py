"""Command receipts: what makes a retried command (same Idempotency-Key) safe.

A receipt is saved in the same transaction as the command's events, under an id
that follows from the principal and the key, so a second command with that key
cannot be saved twice: the retry finds the receipt and gets the first answer.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.aggregate import AggregateState, Command, natural_id
from domain.events import LedgerEvent


def receipt_id(principal_id: UUID, idempotency_key: str) -> UUID:
    return natural_id("receipt", f"{principal_id}:{idempotency_key}")


class CommandReceipt(AggregateState):
    fingerprint: str
    response: dict[str, Any]


class CommandReceiptRecorded(LedgerEvent):
    fingerprint: str
    response: dict[str, Any]

    def create(self) -> CommandReceipt:
        return CommandReceipt(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            fingerprint=self.fingerprint,
            response=self.response,
        )


def record_receipt(
    cmd: Command, rid: UUID, fingerprint: str, response: dict[str, Any]
) -> CommandReceiptRecorded:
    """The receipt recorded under ``rid``, the ``receipt_id`` of the principal and key."""
    return cmd.event(
        CommandReceiptRecorded,
        rid,
        1,
        fingerprint=fingerprint,
        response=response,
    )
