"""Write-behind batches for the read model: many events' rows in one transaction.

The projector used to commit once per event: on SQLite each command then cost two turns on
the file's one write lock (the command's commit and the projector's). Rows are kept here
until 1,000 events have arrived or 50 ms have passed since the first, then written with the
last event's tracking position in one transaction, so the read model stays exactly once: a
batch is all written or not at all, and after a crash the runner resumes from the last
position written, processing again what was only held here.

A batch that fails to write stops the projector: every later event raises the error (the
runner then stops with it), because writing later batches would skip the failed one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from eventsourcing.persistence import Tracking

T = TypeVar("T")

# Live, the 50 ms pass first (a few dozen commands); catching up, larger batches spend less
# of the projector's time committing (a batch of 100 was ~17% of it).
BATCH_EVENTS = 1000
BATCH_SECONDS = 0.05

log = logging.getLogger(__name__)


class WriteBehind(Generic[T]):
    def __init__(
        self,
        write: Callable[[Tracking, Sequence[T]], None],
        *,
        max_items: int = BATCH_EVENTS,
        max_delay: float = BATCH_SECONDS,
    ) -> None:
        self._write = write
        self._max_items = max_items
        self._max_delay = max_delay
        self._lock = threading.Lock()
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
            self._items.append(item)
            self._tracking = tracking
            if len(self._items) >= self._max_items:
                self._write_or_stop()
            elif self._timer is None:
                self._timer = threading.Timer(self._max_delay, self.flush)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        """Write what is held now (the timer calls this; so may a caller that stops)."""
        with self._lock:
            if self._error is not None or self._closed:
                return
            try:
                self._write_or_stop()
            except BaseException:  # kept for the projector's thread to raise
                log.exception("the read model's batch was not written; the projector stops")

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

    def _write_or_stop(self) -> None:
        try:
            self._write_held()
        except BaseException as error:
            self._error = error
            raise

    def _write_held(self) -> None:
        if self._timer is not None:
            self._timer.cancel()  # a no-op when the timer itself is flushing
            self._timer = None
        if not self._items:
            return
        items, tracking = self._items, self._tracking
        assert tracking is not None
        self._write(tracking, items)
        self._items, self._tracking = [], None
