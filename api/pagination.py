"""Opaque cursors: a page carries the instant it was read at, so pages stay consistent."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TypeVar

import orjson

from domain.errors import RuleViolation
from replays.asof import Instant

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def encode_cursor(inst: Instant, after: str) -> str:
    raw = orjson.dumps(
        {"at": inst.at.isoformat(), "known_at": inst.known_at.isoformat(), "after": after}
    )
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Instant, str]:
    try:
        raw = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        inst = Instant(datetime.fromisoformat(raw["at"]), datetime.fromisoformat(raw["known_at"]))
        if inst.at.tzinfo is None or inst.known_at.tzinfo is None:
            raise ValueError("a cursor's instants are aware")
        inst.at.astimezone(UTC), inst.known_at.astimezone(UTC)  # OverflowError at the ends
        return inst, str(raw["after"])
    except (ValueError, KeyError, TypeError, OverflowError):
        raise RuleViolation("the cursor is not one this ledger gave out", field="cursor") from None


def page(
    items: Sequence[T], key: Callable[[T], str], after: str | None, limit: int, inst: Instant
) -> tuple[list[T], str | None]:
    """Items sorted by ``key``, after the cursor's key, at most ``limit``, and the next cursor."""
    ordered = sorted(items, key=key)
    if after is not None:
        ordered = [item for item in ordered if key(item) > after]
    chunk = ordered[:limit]
    more = len(ordered) > limit
    return chunk, (encode_cursor(inst, key(chunk[-1])) if more and chunk else None)


def resolve(inst: Instant, cursor: str | None) -> tuple[Instant, str | None]:
    if cursor is None:
        return inst, None
    return decode_cursor(cursor)
