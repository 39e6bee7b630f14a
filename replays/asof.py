"""State at an instant: fold the events the ledger knew at ``known_at`` that occurred by ``at``.

``recorded_at`` never decreases along positions, so "known at K" is a prefix of the
log (positions up to the last one recorded by K); "occurred by T" filters it. A
replay starts from the nearest saved fold (store/fold_snapshots.py) valid for T and
applies only the events after it; while it folds every event it meets (none skipped
for occurring after T), it saves its own state every ``every`` positions, so the
next replay starts later.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from typing import Any, Generic, Protocol, TypeVar, cast
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent
from pydantic import TypeAdapter

from domain.events import LedgerEvent
from domain.ledger import Ledger
from domain.object_at import ObjectAt
from projections.base import Meta, PayloadTest, Projection, Selective
from replays.ladder import Forkable, ladder_of
from store.fold_snapshots import FoldSnapshots, Snapshot
from store.forensic_view import ForensicIndex
from store.records import LedgerRecorder, Record, RecordRow

S = TypeVar("S")

PAGE = 2000
LEDGER = Ledger.name  # whose events the forensic tables track
DEFAULT_SNAPSHOT_EVERY = 10_000

# Told (done, total) positions as a long replay advances: the CLI draws a progress bar.
Progress = Callable[[int, int], None] | None


def snapshot_every() -> int:
    """``LEDGER_REPLAY_SNAPSHOT_EVERY``: events between saved folds (0: never save)."""
    return int(os.environ.get("LEDGER_REPLAY_SNAPSHOT_EVERY", DEFAULT_SNAPSHOT_EVERY))


@dataclass(frozen=True)
class Instant:
    at: datetime
    known_at: datetime


@dataclass(frozen=True)
class Replayed(Generic[S]):
    state: S  # read it, never change it: it may be a fold kept in memory (replays/ladder.py)
    instant: Instant
    position: int  # the last event the ledger knew at known_at
    started_from: int = 0  # the saved fold it started from (0: the first event)


@cache
def _codec(state_type: type[Any]) -> TypeAdapter[Any]:
    return TypeAdapter(state_type)


def _key(projection: Projection[Any]) -> str:
    return f"{projection.name}@{projection.version}"


class _Folder(Generic[S]):
    """One pass over records, remembering whether it may still save what it folded."""

    def __init__(
        self,
        projection: Projection[S],
        mapper: Mapper[Any],
        at: datetime,
        state: S,
        max_occurred: datetime | None,
        fork: Callable[[S], S] | None = None,
    ) -> None:
        self.projection = projection
        self.mapper = mapper
        self.at = at
        self.state = state
        self.max_occurred = max_occurred
        self.complete = True  # every event so far folded: the state may be saved
        # ``state`` is a kept fold, shared, when ``fork`` is given: it is forked before the
        # first event changes it, and not at all when none does (a trend's months start
        # where a fold was kept; a fork copies some 94,000 detections at a million events).
        self._fork = fork

    def fold(self, rows: Sequence[RecordRow], recorded_at: Callable[[RecordRow], datetime]) -> None:
        """Fold the rows' events of the projection's topics that occurred by ``at``. Rows stay
        unconverted until kept: the mapper takes the stored id as it is, and ``recorded_at``
        is parsed only for events folded."""
        projection = self.projection
        topics = projection.topics
        tests: Mapping[str, PayloadTest] = (
            projection.payload_tests if isinstance(projection, Selective) else {}
        )
        for row in rows:
            position, originator_id, version, topic, state, _ = row
            if topic not in topics:
                continue
            stored = StoredEvent(originator_id, version, topic, state)
            test = tests.get(topic)
            if test is None:
                # The ledger's mapper gives back the ledger's own events.
                event = cast(LedgerEvent, self.mapper.to_domain_event(stored))
            else:  # look at the payload before building the event: most are not needed
                payload = self.mapper.transcoder.decode(state)
                if not test(payload):
                    continue
                event = cast(LedgerEvent, self.mapper.from_payload(stored, payload))  # type: ignore[attr-defined]
            occurred = event.occurred_at
            if occurred > self.at:
                self.complete = False
                continue
            if self.max_occurred is None or occurred > self.max_occurred:
                self.max_occurred = occurred
            if self._fork is not None:
                self.state, self._fork = self._fork(self.state), None
            self.state = self.projection.apply(self.state, event, Meta(position, recorded_at(row)))


def replay(
    recorder: LedgerRecorder,
    mapper: Mapper[Any],
    projection: Projection[S],
    instant: Instant,
    progress: Progress = None,
    *,
    every: int | None = None,
    snapshots: FoldSnapshots | None = None,
) -> Replayed[S]:
    every = snapshot_every() if every is None else every
    upto = recorder.position_known_at(instant.known_at)
    codec = _codec(projection.state_type)
    if isinstance(projection, Forkable) and every:
        # Kept in memory and forked (replays/ladder.py): no JSON to decode, nothing saved.
        saved = None
        step = ladder_of(recorder, projection).nearest(recorder, mapper, upto, instant.at)
        start = Snapshot(step.position, step.max_occurred, b"") if step else None
        state = step.state if step else projection.initial()
        fork = projection.fork if step else None
    else:
        saved = snapshots if snapshots is not None else _snapshots_of(recorder, every)
        start = saved.nearest(_key(projection), upto, instant.at) if saved else None
        state = codec.validate_json(start.state) if start else projection.initial()
        fork = None
    folder = _Folder(
        projection, mapper, instant.at, state, start.max_occurred_at if start else None, fork
    )
    after = start.position if start else 0
    last_saved = after
    index: _OccurredIndex | None = None  # asked at most once, when it can save reading
    while after < upto:
        # Past the first event after ``at``, or from the start for a fold that saves nothing
        # (a forked one: replays/ladder.py), the forensic index says which events occurred
        # by ``at``: a rare topic is not looked for by reading every row of the log.
        looks_up = saved is None or not folder.complete
        if looks_up and index is None and upto - after > PAGE:
            index = _OccurredIndex(recorder)
            reach = index.reach(upto)
            if reach > after:
                marked = isinstance(projection, Selective) and projection.marked_uses_only
                for page in index.pages(after, reach, instant.at, projection.topics, marked):
                    folder.fold(recorder.select_rows_at(page), recorder.recorded_at_in)
                after = reach
                if progress is not None:
                    progress(after, upto)
                continue
        # Events the fold ignores are left in the store, not read and skipped.
        rows = recorder.select_rows(after=after, upto=upto, limit=PAGE, topics=projection.topics)
        if not rows:
            break
        for chunk in _chunks(rows, after, every):
            folder.fold(chunk, recorder.recorded_at_in)
            after = chunk[-1][0]
            if saved and folder.complete and every and after // every > last_saved // every:
                snapshot = Snapshot(after, folder.max_occurred, codec.dump_json(folder.state))
                saved.save(_key(projection), snapshot)
                last_saved = after
        if progress is not None:
            progress(after, upto)
    return Replayed(folder.state, instant, upto, start.position if start else 0)


class _OccurredIndex:
    """Which events occurred by an instant, without reading them: the forensic read model
    indexes every event's occurred_at. It is derived data, kept by the projector, so it
    is used only as far as the projector has reached (and not at all where it is absent)."""

    def __init__(self, recorder: LedgerRecorder) -> None:
        self.index: ForensicIndex = recorder.forensic_index()

    def reach(self, upto: int) -> int:
        """The last position, at most ``upto``, whose occurred_at the index holds."""
        return self.index.reach(LEDGER, upto)

    def pages(
        self, after: int, upto: int, at: datetime, topics: frozenset[str], marked_uses_only: bool
    ) -> Iterator[list[int]]:
        """Positions in (after, upto] of events of ``topics`` that occurred by ``at`` (of the
        data uses, only the marked ones if so asked)."""
        kinds = sorted({topic.rsplit(":", 1)[-1].rsplit(".", 1)[-1] for topic in topics})
        positions = self.index.occurred_by(
            after, upto, at, kinds, marked_uses_only=marked_uses_only
        )
        for start in range(0, len(positions), PAGE):
            yield positions[start : start + PAGE]


def _chunks(rows: list[RecordRow], after: int, every: int) -> list[list[RecordRow]]:
    """Split a page where positions cross a multiple of ``every``: those are save points."""
    if not every:
        return [rows]
    chunks: list[list[RecordRow]] = []
    current: list[RecordRow] = []
    boundary = (after // every + 1) * every
    for row in rows:
        current.append(row)
        position = row[0]
        if position >= boundary:
            chunks.append(current)
            current = []
            boundary = (position // every + 1) * every
    if current:
        chunks.append(current)
    return chunks


def _snapshots_of(recorder: LedgerRecorder, every: int) -> FoldSnapshots | None:
    if not every:
        return None
    try:
        return FoldSnapshots(recorder)
    except TypeError:
        return None


class ObjectFold(Projection[S], Protocol):
    """A fold of one object's own events (``projections.sharing.OneObject``)."""

    object_id: UUID


def replay_object(
    recorder: LedgerRecorder,
    mapper: Mapper[Any],
    projection: ObjectFold[S],
    instant: Instant,
    *,
    upto: int | None = None,
) -> Replayed[S]:
    """One object at an instant from its own stream, not the whole log: the events of the
    object recorded by ``known_at`` (a position prefix) that occurred by ``at``. A list
    folding many objects at one instant passes that prefix's end as ``upto``."""
    if upto is None:
        upto = recorder.position_known_at(instant.known_at)
    records = recorder.select_object_records(projection.object_id)
    return _object_at(mapper, projection, records, instant, upto)


def replay_objects(
    recorder: LedgerRecorder,
    mapper: Mapper[Any],
    projections: Sequence[ObjectFold[S]],
    instant: Instant,
    upto: int,
) -> list[Replayed[S]]:
    """Many objects at one instant, as ``replay_object`` folds each, from one read of all
    their streams (a list of a few hundred pays one query, not one each)."""
    streams: dict[UUID, list[Record]] = {}
    ids = [p.object_id for p in projections]
    for record in recorder.select_objects_records(ids):
        streams.setdefault(cast(UUID, record.event.originator_id), []).append(record)
    return [
        _object_at(mapper, p, streams.get(p.object_id, []), instant, upto) for p in projections
    ]


def _object_at(
    mapper: Mapper[Any],
    projection: ObjectFold[S],
    records: Sequence[Record],
    instant: Instant,
    upto: int,
) -> Replayed[S]:
    fold = ObjectAt(instant.at, projection.initial())
    for record in records:
        if record.position > upto:
            break
        if record.event.topic not in projection.topics:
            continue
        event = cast(LedgerEvent, mapper.to_domain_event(record.event))
        fold.add(event, partial(projection.apply, meta=Meta(record.position, record.recorded_at)))
    return Replayed(fold.state, instant, upto)
