"""Whose turn it is to write a SQLite ledger file, across the processes that share it.

SQLite lets one writer in at a time, and a writer that finds the file locked polls: it
sleeps 1, 2, 5, 10 … ms and tries again. With ``serve --workers 2`` and ``ledger project``
writing one file, the lock is almost always taken when a writer arrives, so each of them
sleeps through turns it could have had while a core stays idle. Before ``BEGIN
IMMEDIATE``, every writer of the ledger takes an exclusive ``flock`` on a file beside the
database instead: the kernel queues the writers and wakes the next the moment the lock is
released. SQLite's own lock still guards the file; a writer outside the ledger that skips
the turn only makes the ledger's writers poll, as before.

Within one process a thread lock hands the turn over (one ``flock`` holder per process:
an open file's lock is its process's, whichever thread took it).
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class WriteTurn:
    def __init__(self, database_file: str | None) -> None:
        self._path = None if database_file is None else _lock_path(database_file)
        self._fd: int | None = None
        self._threads = threading.Lock()

    @contextmanager
    def taken(self) -> Iterator[None]:
        with self._threads:
            fd = self._descriptor()
            if fd is None:
                yield
                return
            fcntl.flock(fd, fcntl.LOCK_EX)  # waits, without the GIL, for the holder to finish
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _descriptor(self) -> int | None:
        if self._fd is None and self._path is not None:
            try:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError:  # a read-only folder: SQLite's lock alone, as without the turn
                self._path = None
        return self._fd

    def __del__(self) -> None:
        self.close()  # a recorder is closed by dropping it: its file goes with it

    def close(self) -> None:
        with self._threads:
            if self._fd is not None:
                with suppress(OSError):
                    os.close(self._fd)
                self._fd = None


def _lock_path(database_file: str) -> str:
    """``ledger.db-turn`` beside ``ledger.db`` (a ``file:`` URI's path, without its query)."""
    path = database_file.removeprefix("file:").split("?", 1)[0]
    return f"{path}-turn"
