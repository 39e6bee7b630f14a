"""A read many threads want at once, each answer no older than its asking, read once for all.

Every authenticated request asks who may act now (``OrganisationVerbs.standing``): a read
of the store, two round trips on PostgreSQL. One at a time, under a lock, the requests of a
busy process queued for each other's reads; all at once, they crowded the store's pool.
Here a thread that asks while a read is running waits for the next one, which starts after
it asked (so it sees whatever was recorded before then) and answers every thread waiting,
as group commit (domain/group_commit.py) saves together the commands waiting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class FreshRead(Generic[T]):
    def __init__(self, read: Callable[[], T]) -> None:
        self._read = read
        self._changed = threading.Condition()
        self._started = 0  # reads begun; they run one at a time, in this order
        self._finished = 0  # the last read whose answer is ``_value``
        self._running = False
        self._value: T | None = None

    def __call__(self) -> T:
        """An answer read after this call began; raises what that read raised."""
        with self._changed:
            # The first read to start from now on: a read already running began before.
            wanted = self._started + 1
            while self._finished < wanted:
                if self._running:
                    self._changed.wait()
                    continue
                self._running = True
                self._started += 1
                number = self._started
                break
            else:
                return self._value  # type: ignore[return-value]  # set by a finished read
        try:
            value = self._read()
        except BaseException:
            with self._changed:
                self._running = False  # a waiting thread reads again, for itself
                self._changed.notify_all()
            raise
        with self._changed:
            self._value, self._finished, self._running = value, number, False
            self._changed.notify_all()
        return value
