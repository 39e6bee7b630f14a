"""Folds kept in memory at every few thousand positions, for projections that fork cheaply.

A replay starts from the nearest fold of the log valid for its instant (replays/asof.py).
Saved folds (store/fold_snapshots.py) are JSON: decoding the catalog's 3,000 resources at
100,000 events takes a quarter of a second, more than the rest of the report. A projection
whose state can be *forked* — copied in a way the fold may change without changing the
original, like the catalog's dict of immutable resources — is kept here instead: one fold
of the log, forward, leaving a state every ``STEP`` positions; a replay forks the nearest
and folds what follows. The steps share every object the log did not change between them.

A step is valid for an instant T only when every event it folded occurred by T (as saved
folds are); the log is append-only, so a step never changes once made.
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar, cast, runtime_checkable

from eventsourcing.persistence import Mapper, StoredEvent

from domain.calendar import next_month_start
from domain.events import LedgerEvent
from projections.base import Meta, PayloadTest, Projection, Selective
from store.records import LedgerRecorder, RecordRow

S = TypeVar("S")

STEP = 2_000
PAGE = 2_000


@runtime_checkable
class Forkable(Protocol):
    def fork(self, state: Any) -> Any:
        """A copy of ``state`` that the fold may change without changing ``state``."""
        ...


@dataclass(frozen=True)
class Step(Generic[S]):
    position: int  # the fold holds every event of the projection's topics up to here
    max_occurred: datetime | None
    state: S


class Ladder(Generic[S]):
    """The steps of one projection over one ledger, made as far as asked."""

    def __init__(self, projection: Projection[S]) -> None:
        self.projection = projection
        self.steps: list[Step[S]] = []
        self.lock = threading.Lock()

    def nearest(
        self, recorder: LedgerRecorder, mapper: Mapper[Any], upto: int, at: datetime
    ) -> Step[S] | None:
        """The latest step at or before ``upto`` whose events all occurred by ``at``."""
        with self.lock:
            made = len(self.steps)
            self._extend(recorder, mapper, upto // STEP * STEP)
            if len(self.steps) > made:
                # Steps live as long as the process and never change: set apart from the
                # cyclic collector, whose full collections would otherwise walk them all
                # again, a pause of a few hundred ms on a million-event ledger in the
                # middle of a report. (Freezing keeps whatever cyclic garbage exists at
                # that moment too: a few kilobytes, once per new step.)
                gc.freeze()
            for step in reversed(self.steps):
                if step.position <= upto and (step.max_occurred is None or step.max_occurred <= at):
                    return step
        return None

    def _extend(self, recorder: LedgerRecorder, mapper: Mapper[Any], target: int) -> None:
        last = self.steps[-1] if self.steps else None
        after = last.position if last else 0
        if after >= target:
            return
        fork = cast(Forkable, self.projection).fork
        state = fork(last.state) if last else self.projection.initial()
        max_occurred = last.max_occurred if last else None
        tests: Mapping[str, PayloadTest] = (
            self.projection.payload_tests if isinstance(self.projection, Selective) else {}
        )
        boundary = (after // STEP + 1) * STEP
        month_over = next_month_start(max_occurred) if max_occurred else None
        while after < target:
            rows = recorder.select_rows(
                after=after, upto=boundary, limit=PAGE, topics=self.projection.topics
            )
            for row in rows:
                event = _event(mapper, row, tests)
                if event is None:
                    continue
                if month_over is not None and event.occurred_at >= month_over:
                    # The first event of a later month: the fold before it is kept too, so
                    # that a report at a month's end (a trend's) starts right there.
                    self.steps.append(Step(row[0] - 1, max_occurred, state))
                    state = fork(state)
                if max_occurred is None or event.occurred_at > max_occurred:
                    max_occurred = event.occurred_at
                    month_over = next_month_start(max_occurred)
                meta = Meta(row[0], recorder.recorded_at_in(row))
                state = self.projection.apply(state, event, meta)
            if len(rows) == PAGE:
                after = rows[-1][0]
                continue
            # The page reached the boundary: keep the fold there, and go on from a fork.
            self.steps.append(Step(boundary, max_occurred, state))
            state = fork(state)
            after, boundary = boundary, boundary + STEP


def _event(
    mapper: Mapper[Any], row: RecordRow, tests: Mapping[str, PayloadTest]
) -> LedgerEvent | None:
    """The row's event, or None for one its payload shows the fold ignores (``Selective``)."""
    _, originator_id, version, topic, state, _ = row
    stored = StoredEvent(originator_id, version, topic, state)
    test = tests.get(topic)
    if test is None:
        return cast(LedgerEvent, mapper.to_domain_event(stored))
    payload = mapper.transcoder.decode(state)
    if not test(payload):
        return None
    return cast(LedgerEvent, mapper.from_payload(stored, payload))  # type: ignore[attr-defined]


_ladders: weakref.WeakKeyDictionary[Any, dict[str, Ladder[Any]]] = weakref.WeakKeyDictionary()
_ladders_lock = threading.Lock()


def ladder_of(recorder: LedgerRecorder, projection: Projection[S]) -> Ladder[S]:
    """The ladder of ``projection`` over the ledger ``recorder`` reads (one per process)."""
    key = f"{projection.name}@{projection.version}"
    with _ladders_lock:
        ladders = _ladders.setdefault(recorder, {})
        if key not in ladders:
            ladders[key] = Ladder(projection)
        return cast(Ladder[S], ladders[key])
