"""Lists of one kind of object at an instant, a page at a time, without folding the log.

Which objects existed at (at, known_at) is a question about their creating events only:
the forensic read model indexes every event by type and position, so a page asks it
for the next creations after the cursor (those naming the department asked about, where
one is); past where the projector has reached, the log itself is read (those events
only). Each candidate is then folded from its own stream, exactly as reading that one
object would (``replay_objects``: a batch of streams in one read), and kept if the
reader may read it and it passes the filters. A page costs its candidates, not the
ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, Generic, TypeVar, cast
from uuid import UUID

import orjson
from eventsourcing.persistence import Mapper, StoredEvent

from domain.aggregate import AggregateState
from domain.events import LedgerEvent
from projections.base import topics_of
from projections.listings import Kind
from replays.asof import LEDGER, PAGE, Instant, replay_objects
from store.forensic_view import ForensicIndex, Naming, Page
from store.records import LedgerRecorder

T = TypeVar("T", bound=AggregateState)

# Objects folded together, from one read of their streams.
FOLD_BATCH = 200

Parties = dict[str, Any]
"""The party fields of a creating event (``Kind.party_fields``), by name."""


@dataclass(frozen=True)
class Filters:
    """What a list asks for beyond the instant. ``department`` is a party of each object;
    with ``side`` (provider, requester) it is the party playing that role. ``reader`` is
    the department a reader outside the oversight roles is (it lists what it may read)."""

    department: str | None = None
    side: str | None = None
    status: str | None = None
    reader: str | None = None


@dataclass(frozen=True)
class Listed(Generic[T]):
    items: list[tuple[int, T]]  # each object with the position of the event that created it
    position: int  # the last event the ledger knew at known_at
    next_after: int | None  # where the next page starts; None when this is the last


def list_objects(
    recorder: LedgerRecorder,
    mapper: Mapper[Any],
    kind: Kind[T],
    instant: Instant,
    filters: Filters,
    *,
    after: int = 0,
    limit: int = 100,
    shown: Callable[[T], bool] = lambda _: True,
) -> Listed[T]:
    """Objects of ``kind`` created after position ``after``, in the order they were
    created, at most ``limit``; ``shown`` is the rule for reading one of them."""
    upto = recorder.position_known_at(instant.known_at)
    wanted = [d for d in (filters.department, filters.reader) if d is not None]
    found: list[tuple[int, T]] = []
    found_by = creations(recorder, mapper, kind, instant, after, upto, wanted)
    candidates = (
        (position, object_id)
        for position, object_id, parties in found_by
        if not kind.party_fields or all(kind.concerns(parties, d) for d in wanted)
    )
    # Folded a batch at a time, from one read of the batch's streams.
    while len(found) <= limit and (batch := list(islice(candidates, FOLD_BATCH))):
        folds = [kind.fold(object_id) for _, object_id in batch]
        states = replay_objects(recorder, mapper, folds, instant, upto)
        for (position, _), replayed in zip(batch, states, strict=True):
            state = replayed.state
            if state is None or not shown(state) or not matches(kind, state, filters):
                continue
            found.append((position, state))
            if len(found) > limit:
                break
    more = len(found) > limit
    items = found[:limit]
    return Listed(items, upto, items[-1][0] if more and items else None)


def matches(kind: Kind[T], state: T, filters: Filters) -> bool:
    """Whether the object, as folded, passes the filters (the payload only narrowed them)."""
    if filters.status is not None and (kind.status is None or kind.status(state) != filters.status):
        return False
    if filters.department is None:
        return True
    if filters.side is not None:
        side = (kind.sides or {}).get(filters.side)
        return side is not None and side(state) == filters.department
    return kind.parties is None or filters.department in kind.parties(state)


def creations(
    recorder: LedgerRecorder,
    mapper: Mapper[Any],
    kind: Kind[Any],
    instant: Instant,
    after: int,
    upto: int,
    concerning: Sequence[str] = (),
) -> Iterator[tuple[int, UUID, Parties]]:
    """The creating events of ``kind`` in (after, upto] that occurred by ``at``, in
    position order: from the forensic read model as far as it reaches, then the log.
    From the read model, only those naming every department ``concerning`` as a party
    (the caller checks the parties of them all)."""
    index = recorder.forensic_index()
    reach = index.reach(LEDGER, upto)
    if reach > after:
        naming = (kind.party_fields, concerning) if kind.party_fields and concerning else None
        yield from _from_index(index, kind, instant, after, reach, naming)
        after = reach
    yield from _from_log(recorder, mapper, kind, instant, after, upto)


def _from_index(
    index: ForensicIndex,
    kind: Kind[Any],
    instant: Instant,
    after: int,
    reach: int,
    naming: Naming | None,
) -> Iterator[tuple[int, UUID, Parties]]:
    while True:
        page = Page(after=after, limit=PAGE, at=instant.at, known_at=instant.known_at)
        rows = index.events_of_type(kind.event_types, page, naming)
        for row in rows:
            position = int(row["position"])
            if position > reach:  # the projector moved on since: the log answers from here
                return
            payload = orjson.loads(row["payload"]) if kind.party_fields else {}
            parties = {name: payload.get(name) for name in kind.party_fields}
            yield position, UUID(hex=row["originator_id"]), parties
            after = position
        if len(rows) < PAGE:
            return


def _from_log(
    recorder: LedgerRecorder,
    mapper: Mapper[Any],
    kind: Kind[Any],
    instant: Instant,
    after: int,
    upto: int,
) -> Iterator[tuple[int, UUID, Parties]]:
    topics = topics_of(*kind.created_by)
    while after < upto:
        rows = recorder.select_rows(after=after, upto=upto, limit=PAGE, topics=topics)
        if not rows:
            return
        for position, originator_id, version, topic, state, _ in rows:
            stored = StoredEvent(originator_id, version, topic, state)  # type: ignore[arg-type]
            event = cast(LedgerEvent, mapper.to_domain_event(stored))
            if event.occurred_at <= instant.at:
                parties = {name: getattr(event, name, None) for name in kind.party_fields}
                yield position, event.originator_id, parties
        after = rows[-1][0]
