"""Whose turn it is to write a SQLite ledger file, across the processes that share it.

SQLite lets one writer in at a time, and a writer that finds the file locked polls: it
sleeps 1, 2, 5, 10 … ms and tries again. With ``serve --workers 2`` and ``ledger project``
writing one file, the lock is almost always taken when a writer arrives, so each of them
sleeps through turns it could have had while a core stays idle. Before ``BEGIN
IMMEDIATE``, every writer of the ledger takes an exclusive ``flock`` on a file beside the
database instead: the kernel queues the writers and wakes the next the moment the lock is
released. SQLite's own lock still guards the file; a writer outside the ledger that skips
the turn only makes the ledger's writers poll, as before.

The ledger's connection pool takes the turn with every writer connection it lends
(store/sqlite_connections.py), so no writer of the ledger can skip it. Each pool opens
the turn file once: an open file's lock is held for the whole file description, and the
pool's own writer lock already lets one of its threads write at a time.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import suppress


class WriteTurn:
    def __init__(self, database_file: str | None) -> None:
        self._path = None if database_file is None else _lock_path(database_file)
        self._fd: int | None = None

    def take(self) -> None:
        """Waits (without the GIL) until no other writer of the file holds the turn."""
        fd = self._descriptor()
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _descriptor(self) -> int | None:
        if self._fd is None and self._path is not None:
            try:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError:  # a read-only folder: SQLite's lock alone, as without the turn
                self._path = None
        return self._fd

    def close(self) -> None:
        if self._fd is not None:
            with suppress(OSError):
                os.close(self._fd)
            self._fd = None


def _lock_path(database_file: str) -> str:
    """``ledger.db-turn`` beside ``ledger.db`` (a ``file:`` URI's path, without its query)."""
    path = database_file.removeprefix("file:").split("?", 1)[0]
    return f"{path}-turn"
