"""State at an instant: fold the events the ledger knew at ``known_at`` that occurred by ``at``.

``recorded_at`` never decreases along positions, so "known at K" is a prefix of the
log (positions up to the last one recorded by K); "occurred by T" filters it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from eventsourcing.persistence import Mapper

from projections.base import Meta, Projection
from store.records import LedgerRecorder

S = TypeVar("S")

PAGE = 2000

# Told (done, total) positions as a long replay advances: the CLI draws a progress bar.
Progress = Callable[[int, int], None] | None


@dataclass(frozen=True)
class Instant:
    at: datetime
    known_at: datetime


@dataclass(frozen=True)
class Replayed(Generic[S]):
    state: S
    instant: Instant
    position: int  # the last event the ledger knew at known_at


def replay(
    recorder: LedgerRecorder,
    mapper: Mapper[Any],
    projection: Projection[S],
    instant: Instant,
    progress: Progress = None,
) -> Replayed[S]:
    upto = recorder.position_known_at(instant.known_at)
    state = projection.initial()
    after = 0
    while after < upto:
        records = recorder.select_records(after=after, upto=upto, limit=PAGE)
        if not records:
            break
        for record in records:
            if record.event.topic in projection.topics:
                event = mapper.to_domain_event(record.event)
                if event.occurred_at <= instant.at:  # type: ignore[attr-defined]
                    state = projection.apply(
                        state,
                        event,
                        Meta(record.position, record.recorded_at),  # type: ignore[arg-type]
                    )
        after = records[-1].position
        if progress is not None:
            progress(after, upto)
    return Replayed(state, instant, upto)
