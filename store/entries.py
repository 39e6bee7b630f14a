"""Ledger entries: what the store adds to each stored event under its insert lock.

An entry gives the event its dense leaf index (0, 1, 2, … with no gaps, even where
PostgreSQL positions have gaps), the ledger's ``recorded_at`` (never decreasing
along positions, because it is taken under the lock and clamped to the previous
one) and its RFC 9162 leaf hash over the canonical bytes below.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from hashlib import sha256
from typing import NamedTuple
from uuid import UUID

from eventsourcing.persistence import StoredEvent

LEAF_PREFIX = b"\x00"


class Entry(NamedTuple):
    """A tuple, not a dataclass: the insert path makes one per event."""

    position: int
    leaf_index: int
    originator_id: UUID
    originator_version: int
    recorded_at: datetime
    leaf_hash: bytes


_last_formatted: tuple[datetime | None, str] = (None, "")


def format_instant(instant: datetime) -> str:
    """The one text form of ``recorded_at`` that is hashed and stored (UTC, microseconds):
    ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, whose text order is time order.

    An insert formats its one instant for the hash and again for the row: the last
    instant formatted is remembered (by identity, so a stale read only misses).
    """
    global _last_formatted
    remembered, text = _last_formatted
    if instant is remembered:
        return text
    utc = instant if instant.tzinfo is UTC else instant.astimezone(UTC)
    text = utc.isoformat(timespec="microseconds")[:-6] + "Z"
    _last_formatted = (instant, text)
    return text


def parse_instant(text: str) -> datetime:
    """Read ``format_instant``'s text back; any other form is refused."""
    if len(text) != 27 or text[10] != "T" or text[-1] != "Z":
        msg = f"not a recorded_at instant: {text!r}"
        raise ValueError(msg)
    return datetime.fromisoformat(text)


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
    oid = _as_uuid(originator_id).hex  # as both stores give it back: 32 hex digits
    return encode_canonical(
        position, oid, originator_version, topic, state, instant_field(recorded_at)
    )


def instant_field(recorded_at: datetime | str) -> bytes:
    """The length-prefixed ``recorded_at`` field of ``canonical_bytes``, computed once per batch.

    Given text, it must already be ``format_instant``'s (as the store keeps it).
    """
    text = recorded_at if isinstance(recorded_at, str) else format_instant(recorded_at)
    return _field(text.encode())


_POSITION_AND_LENGTH = struct.Struct(">QI").pack
_VERSION = struct.Struct(">q").pack
_LENGTH = struct.Struct(">I").pack


@cache
def _topic_field(topic: str) -> bytes:
    """Topics repeat (one per event class), so each is encoded once."""
    return _field(topic.encode())


def encode_canonical(
    position: int,
    originator_hex: str,
    originator_version: int,
    topic: str,
    state: bytes,
    recorded_at_field: bytes,
) -> bytes:
    """``canonical_bytes`` from pre-encoded parts: the hot paths (append, verify) call this."""
    oid = originator_hex.encode()
    return b"".join(
        (
            _POSITION_AND_LENGTH(position, len(oid)),
            oid,
            _VERSION(originator_version),
            _topic_field(topic),
            recorded_at_field,
            _LENGTH(len(state)),
            state,
        )
    )


def leaf_hash(canonical: bytes) -> bytes:
    """RFC 9162 §2.1.1: MTH({d}) = SHA-256(0x00 || d)."""
    return sha256(LEAF_PREFIX + canonical).digest()


def next_recorded_at(now: datetime, previous: datetime | None) -> datetime:
    """The ledger's clock may step back (NTP, another host); recorded_at must not."""
    if now.tzinfo is not UTC:
        now = now.astimezone(UTC)
    return now if previous is None or now > previous else previous


def make_entries(
    positions: Sequence[int],
    stored_events: Sequence[StoredEvent],
    first_leaf_index: int,
    recorded_at: datetime,
) -> list[Entry]:
    """The entries of one insert: ``encode_canonical`` and ``leaf_hash`` inlined, as this runs
    for every event appended, under the insert lock."""
    time_field = instant_field(recorded_at)
    entries = []
    leaf_index = first_leaf_index
    for position, event in zip(positions, stored_events, strict=True):
        originator_id = _as_uuid(event.originator_id)
        oid = originator_id.hex.encode()
        version, state = event.originator_version, event.state
        canonical = b"".join(
            (
                LEAF_PREFIX,
                _POSITION_AND_LENGTH(position, len(oid)),
                oid,
                _VERSION(version),
                _topic_field(event.topic),
                time_field,
                _LENGTH(len(state)),
                state,
            )
        )
        entries.append(
            Entry(
                position,
                leaf_index,
                originator_id,
                version,
                recorded_at,
                sha256(canonical).digest(),
            )
        )
        leaf_index += 1
    return entries


def _as_uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)
