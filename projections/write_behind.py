"""Write-behind batches for the read model: many events' rows in one transaction.

The projector used to commit once per event: on SQLite each command then cost two turns on
the file's one write lock (the command's commit and the projector's). Rows are kept here
until 50 ms have passed since the first, then written with the last event's tracking
position in one transaction, so the read model stays exactly once: a batch is all written
or not at all, and after a crash the runner resumes from the last position written,
processing again what was only held here.

A projector catching up (a ledger opened or imported, a burst of bulk records) brings
thousands of events in those 50 ms: its batch then grows to 10,000 events or a second, as
the cost of a commit lies in the index pages it writes, and a larger batch writes each
page once for more rows. A batch is written by a thread of its own while the next one is
filled: the projector's thread waits for a write only when the next batch is full before
it is done, and a batch that fails to write stops it at its next event.

A batch that fails to write stops the projector: every later event raises the error (the
runner then stops with it), because writing later batches would skip the failed one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from eventsourcing.persistence import Tracking

T = TypeVar("T")

# Live, the 50 ms pass first (a few dozen commands); catching up, larger batches spend less
# of the projector's time committing (batches of 250 events: 10 s of 100,000 events' 20 s
# writing on SQLite; batches of 10,000: 1.2 s).
BATCH_EVENTS = 10_000
BATCH_SECONDS = 0.05
# A batch this large after 50 ms is a catch-up's (5,000 events/s): it waits for more, up to
# BATCH_EVENTS or this long since its first event.
CATCHING_UP_EVENTS = 250
CATCHING_UP_SECONDS = 1.0

log = logging.getLogger(__name__)


class WriteBehind(Generic[T]):
    def __init__(
        self,
        write: Callable[[Tracking, Sequence[T]], None],
        *,
        max_items: int = BATCH_EVENTS,
        max_delay: float = BATCH_SECONDS,
        catching_up_items: int = CATCHING_UP_EVENTS,
        catching_up_delay: float = CATCHING_UP_SECONDS,
    ) -> None:
        self._write = write
        self._max_items = max_items
        self._max_delay = max_delay
        self._catching_up_items = catching_up_items
        self._catching_up_delay = catching_up_delay
        # Held while the batch is filled or taken; a batch taken is written holding
        # ``_writing``, taken before ``_lock`` is let go, so that batches are written in
        # the order they were filled, one at a time.
        self._lock = threading.Lock()
        self._writing = threading.Lock()
        self._first_at = 0.0  # when the batch's first event came (monotonic)
        self._items: list[T] = []
        self._tracking: Tracking | None = None
        self._timer: threading.Timer | None = None
        self._error: BaseException | None = None
        self._closed = False

    @property
    def error(self) -> BaseException | None:
        """What a failed write raised (then nothing more is written), or None."""
        return self._error

    def add(self, tracking: Tracking, item: T) -> None:
        """Hold ``item``, processed up to ``tracking``; write the batch once it is full."""
        with self._lock:
            if self._error is not None:
                raise self._error
            if self._closed:
                msg = "the read model's batches are closed: its projector has stopped"
                raise RuntimeError(msg)
            if not self._items:
                self._first_at = time.monotonic()
            self._items.append(item)
            self._tracking = tracking
            if len(self._items) < self._max_items:
                if self._timer is None:
                    self._arm(self._max_delay)
                return
            writing = self._take()
        # Written by a thread of its own while this one fills the next batch (SQLite and
        # psycopg let go of the GIL while they write); a failure stops every later add.
        threading.Thread(target=self._write_logged, args=(writing,), daemon=True).start()

    def flush(self) -> None:
        """Write what is held now (a caller that stops calls this)."""
        self._flush(None)

    def _flush(self, timer: threading.Timer | None) -> None:
        with self._lock:
            if timer is not None:
                if timer is not self._timer:
                    return  # the batch it was armed for has been taken
                self._timer = None
            if self._error is not None or self._closed:
                return
            age = time.monotonic() - self._first_at
            if timer is not None and len(self._items) >= self._catching_up_items:
                if age < self._catching_up_delay:  # catching up: a larger batch
                    self._arm(min(self._max_delay, self._catching_up_delay - age))
                    return
            writing = self._take()
        self._write_logged(writing)

    def _write_logged(self, taken: tuple[Tracking | None, list[T]]) -> None:
        """Write a batch taken, off the projector's thread: a failure is logged and kept,
        for the projector's next event to raise."""
        try:
            self._write_taken(taken)
        except BaseException:
            log.exception("the read model's batch was not written; the projector stops")

    def _arm(self, delay: float) -> None:
        timer = threading.Timer(delay, lambda: self._flush(timer))
        timer.daemon = True
        self._timer = timer
        timer.start()

    def close(self) -> None:
        """Write what is held (unless a write failed) and nothing after: once the projector
        has stopped, another may start from the position written, and a late timer of
        this one must not write behind it."""
        self.flush()
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def _take(self) -> tuple[Tracking | None, list[T]]:
        """The batch held, taken to be written (``_lock`` held): ``_writing`` is acquired
        first, so it is written after any batch taken before it, and before any after."""
        self._writing.acquire()
        if self._timer is not None:
            self._timer.cancel()  # a no-op when the timer itself is flushing
            self._timer = None
        taken = (self._tracking, self._items)
        self._items, self._tracking = [], None
        return taken

    def _write_taken(self, taken: tuple[Tracking | None, list[T]]) -> None:
        tracking, items = taken
        try:
            if items and self._error is None:
                assert tracking is not None
                self._write(tracking, items)
        except BaseException as error:
            self._error = error
            raise
        finally:
            self._writing.release()
