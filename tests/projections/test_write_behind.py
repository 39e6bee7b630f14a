"""The read model's write-behind batches: what the projector holds is written whole, with
the last event's tracking, and never after a failed write or after the projector stopped
(Art. 36: the record of every use must be complete and appear once)."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest
from eventsourcing.persistence import Tracking

from projections.write_behind import WriteBehind


class Written:
    def __init__(self, fail_on: int | None = None) -> None:
        self.batches: list[tuple[int, list[int]]] = []
        self.fail_on = fail_on
        self.event = threading.Event()

    def __call__(self, tracking: Tracking, items: Sequence[int]) -> None:
        if self.fail_on is not None and self.fail_on in items:
            raise OSError("disk full")
        self.batches.append((tracking.notification_id, list(items)))
        self.event.set()


def tracking(position: int) -> Tracking:
    return Tracking(application_name="Ledger", notification_id=position)


def test_a_full_batch_is_written_at_once_with_its_last_position() -> None:
    written = Written()
    batches = WriteBehind(written, max_items=3, max_delay=60)
    for position in (1, 2, 3, 4):
        batches.add(tracking(position), position)
    assert written.batches == [(3, [1, 2, 3])]
    batches.close()
    assert written.batches == [(3, [1, 2, 3]), (4, [4])]


def test_what_is_held_is_written_when_the_delay_runs_out() -> None:
    written = Written()
    batches = WriteBehind(written, max_items=100, max_delay=0.02)
    batches.add(tracking(7), 7)
    assert written.event.wait(5)
    assert written.batches == [(7, [7])]
    batches.close()


def test_a_failed_write_stops_every_later_event() -> None:
    written = Written(fail_on=2)
    batches = WriteBehind(written, max_items=2, max_delay=60)
    batches.add(tracking(1), 1)
    with pytest.raises(OSError, match="disk full"):
        batches.add(tracking(2), 2)
    written.fail_on = None  # the disk has room again, but 1 and 2 were never written:
    with pytest.raises(OSError, match="disk full"):
        batches.add(tracking(3), 3)  # writing 3 now would skip them
    batches.close()
    assert written.batches == []


def test_nothing_is_written_after_close() -> None:
    written = Written()
    batches = WriteBehind(written, max_items=100, max_delay=0.01)
    batches.add(tracking(1), 1)
    batches.close()
    assert written.batches == [(1, [1])]
    with pytest.raises(RuntimeError, match="stopped"):
        batches.add(tracking(2), 2)
    time.sleep(0.05)  # a timer, had one been left, would have fired by now
    assert written.batches == [(1, [1])]
