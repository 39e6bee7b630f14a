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
    assert written.event.wait(5)  # by a thread of its own, the next batch filling meanwhile
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
    batches.add(tracking(2), 2)  # full: written in the background, and failing
    deadline = time.monotonic() + 5
    while batches.error is None and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(OSError, match="disk full"):
        batches.add(tracking(3), 3)  # the next event stops the projector
    written.fail_on = None  # the disk has room again, but 1 and 2 were never written:
    with pytest.raises(OSError, match="disk full"):
        batches.add(tracking(4), 4)  # writing 3 or 4 now would skip them
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


def test_a_catch_up_pace_waits_for_a_larger_batch() -> None:
    # Many events within the delay are a projector catching up: one batch for all of
    # them, written once it is full or its longer delay has run out (Art. 36: each once).
    written = Written()
    batches = WriteBehind(
        written, max_items=100, max_delay=0.02, catching_up_items=3, catching_up_delay=0.3
    )
    for position in range(1, 6):
        batches.add(tracking(position), position)
    time.sleep(0.1)  # the short delay has passed several times over
    assert written.batches == []
    assert written.event.wait(5)
    assert written.batches == [(5, [1, 2, 3, 4, 5])]
    batches.close()


def test_a_live_trickle_is_written_after_the_short_delay() -> None:
    written = Written()
    batches = WriteBehind(
        written, max_items=100, max_delay=0.02, catching_up_items=3, catching_up_delay=30
    )
    batches.add(tracking(1), 1)
    batches.add(tracking(2), 2)
    assert written.event.wait(5)  # long before the catch-up delay
    assert written.batches == [(2, [1, 2])]
    batches.close()


def test_the_next_batch_fills_while_one_is_written_and_order_is_kept() -> None:
    # Art. 36: the tracking position written must follow the rows written, batch by batch.
    release = threading.Event()
    started = threading.Event()
    batches_written: list[tuple[int, list[int]]] = []

    def slow_write(tracking: Tracking, items: Sequence[int]) -> None:
        started.set()
        assert release.wait(5)
        batches_written.append((tracking.notification_id, list(items)))

    batches = WriteBehind(slow_write, max_items=2, max_delay=60)
    writer = threading.Thread(
        target=lambda: [batches.add(tracking(p), p) for p in (1, 2)], daemon=True
    )
    writer.start()
    assert started.wait(5)  # the first batch is being written, by the thread that filled it
    begun = time.monotonic()
    batches.add(tracking(3), 3)  # held while that write goes on, not waiting for it
    assert time.monotonic() - begun < 1
    assert batches_written == []
    release.set()
    writer.join(5)
    batches.close()
    assert batches_written == [(2, [1, 2]), (3, [3])]
