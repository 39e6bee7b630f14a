"""Ledger entries: what the store adds to each stored event under its insert lock.

An entry gives the event its dense leaf index (0, 1, 2, … with no gaps, even where
PostgreSQL positions have gaps), the ledger's ``recorded_at`` (never decreasing
along positions, because it is taken under the lock and clamped to the previous
one) and its RFC 9162 leaf hash over the canonical bytes below.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.persistence import StoredEvent

LEAF_PREFIX = b"\x00"


@dataclass(frozen=True)
class Entry:
    position: int
    leaf_index: int
    originator_id: UUID
    originator_version: int
    recorded_at: datetime
    leaf_hash: bytes


def format_instant(instant: datetime) -> str:
    """The one text form of ``recorded_at`` that is hashed and stored (UTC, microseconds)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_instant(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _field(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def canonical_bytes(
    position: int,
    originator_id: UUID | str,
    originator_version: int,
    topic: str,
    state: bytes,
    recorded_at: datetime,
) -> bytes:
    """Length-prefixed fields, so no two different events share the same bytes.

    ``recorded_at`` is hashed too: back-dating or post-dating the ledger's own
    time (to hide a late entry, say) must break the chain like any other edit.
    """
    oid = originator_id.hex if isinstance(originator_id, UUID) else str(originator_id)
    return b"".join(
        (
            position.to_bytes(8, "big"),
            _field(oid.encode()),
            originator_version.to_bytes(8, "big", signed=True),
            _field(topic.encode()),
            _field(format_instant(recorded_at).encode()),
            _field(state),
        )
    )


def leaf_hash(canonical: bytes) -> bytes:
    """RFC 9162 §2.1.1: MTH({d}) = SHA-256(0x00 || d)."""
    return hashlib.sha256(LEAF_PREFIX + canonical).digest()


def next_recorded_at(now: datetime, previous: datetime | None) -> datetime:
    """The ledger's clock may step back (NTP, another host); recorded_at must not."""
    now = now.astimezone(UTC)
    return now if previous is None or now > previous else previous


def make_entries(
    positions: Sequence[int],
    stored_events: Sequence[StoredEvent],
    first_leaf_index: int,
    recorded_at: datetime,
) -> list[Entry]:
    return [
        Entry(
            position=position,
            leaf_index=first_leaf_index + offset,
            originator_id=_as_uuid(event.originator_id),
            originator_version=event.originator_version,
            recorded_at=recorded_at,
            leaf_hash=leaf_hash(
                canonical_bytes(
                    position,
                    event.originator_id,
                    event.originator_version,
                    event.topic,
                    event.state,
                    recorded_at,
                )
            ),
        )
        for offset, (position, event) in enumerate(zip(positions, stored_events, strict=True))
    ]


def _as_uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)
