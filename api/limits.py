"""The edge's limits: what no request may bring into an append-only store.

Every event stays forever, so a bound not enforced at the edge is a bound never enforced.
The figures are declared here once; the request models, the query parameters and the
body-size guard read them, and the README's "Limits" table states them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, Field
from pydantic_core import PydanticCustomError

MAX_BODY_BYTES = 1_000_000
"""A request body larger than this is refused with 413 before it is read whole."""

MAX_TEXT_CHARS = 20_000
"""No string anywhere in a command body is longer, whatever its field declares."""

MAX_LIST_ITEMS = 1_000
"""No list anywhere in a command body is longer, whatever its field declares."""

MAX_DEPTH = 8
"""No command body nests deeper (objects in lists in objects...)."""

MAX_INTEGER = 2**63 - 1
"""Positions, sizes and cursors are 64-bit in both stores: a larger one names nothing."""

MIN_POSITION_MARGIN = 1_000
"""``min_position`` may run this far ahead of the head (a write another worker has just
acknowledged); further ahead it names a position no one was given, and waiting for it
would only hold a thread (422)."""

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
"""Instants outside these are no fact of government data sharing, and near the ends of
Python's datetime range converting them between zones overflows."""

# NUL and the other C0 controls except tab, newline and carriage return, and DEL: PostgreSQL
# text cannot hold NUL, and none of them is part of a name, a purpose or a reason. And lone
# surrogates (JSON's "\ud800"), which are no character at all and which no store can encode.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def control_character_at(value: str) -> int | None:
    """The index of the first refused control character in ``value``, or None."""
    found = CONTROL.search(value)
    return None if found is None else found.start()


def _within_range(value: datetime) -> datetime:
    if not EARLIEST <= value <= LATEST:
        raise PydanticCustomError(
            "instant_out_of_range",
            "时间须在 {earliest} 与 {latest} 之间 (an instant must lie between "
            "{earliest} and {latest})",
            {"earliest": EARLIEST.date().isoformat(), "latest": LATEST.date().isoformat()},
        )
    return value


BoundedInstant = Annotated[AwareDatetime, AfterValidator(_within_range)]
"""An aware instant, 1900 to 9000: what every ``at``, ``known_at``, ``from``, ``to`` and
``occurred_at`` takes (a naive one is refused, as everywhere)."""

Integer64 = Annotated[int, Field(le=MAX_INTEGER)]


def violations(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[PydanticCustomError]:
    """What in a raw JSON body breaks the edge's limits, each naming where (``ctx.field``)."""
    if len(path) > MAX_DEPTH:
        yield PydanticCustomError(
            "too_deep", "嵌套过深 (nested too deeply)", {"field": _field(path), "limit": MAX_DEPTH}
        )
    elif isinstance(value, str):
        error = _text_violation(value, path)
        if error is not None:
            yield error
    elif isinstance(value, list | tuple):
        if len(value) > MAX_LIST_ITEMS:
            yield PydanticCustomError(
                "list_too_long",
                "条目过多 (at most {limit} items)",
                {"field": _field(path), "limit": MAX_LIST_ITEMS},
            )
        else:
            yield from _members(enumerate(value), path)
    elif isinstance(value, dict):
        yield from _members(value.items(), path)


def _members(
    members: Iterable[tuple[Any, Any]], path: tuple[str | int, ...]
) -> Iterator[PydanticCustomError]:
    # A bulk request is thousands of bodies of a dozen flat fields each: a member that is
    # no container, within the depth, is checked here rather than in a call of its own,
    # and its path is spelt out only for a violation.
    shallow = len(path) < MAX_DEPTH
    for key, item in members:
        name = key if isinstance(key, int) else str(key)
        if not shallow or isinstance(item, list | tuple | dict):
            yield from violations(item, (*path, name))
        elif isinstance(item, str):
            error = _text_violation(item, (*path, name)) if _suspect(item) else None
            if error is not None:
                yield error


def _suspect(value: str) -> bool:
    return len(value) > MAX_TEXT_CHARS or CONTROL.search(value) is not None


def _text_violation(value: str, path: tuple[str | int, ...]) -> PydanticCustomError | None:
    at = control_character_at(value)
    if at is not None:
        return PydanticCustomError(
            "control_character",
            "不得含控制字符 (control character U+{code} at index {index} is not allowed)",
            {"field": _field(path), "index": at, "code": f"{ord(value[at]):04X}"},
        )
    if len(value) > MAX_TEXT_CHARS:
        return PydanticCustomError(
            "text_too_long",
            "文字过长 (at most {limit} characters)",
            {"field": _field(path), "limit": MAX_TEXT_CHARS},
        )
    return None


def _field(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in path) or "body"
