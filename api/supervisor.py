"""A read model's projector kept running: restarted with backoff whenever it stops.

A projector stops when anything under it fails: a dropped database connection, a server
restart, a batch that could not be written. The read model's tracking position is written
with its rows, so a new runner resumes exactly where the last one's rows end; this module
only decides when to start one, and says how it stands (``/health`` reads it). It wraps
whatever starts the runner, a callable returning a context manager that runs until it is
left or its ``is_interrupted`` event is set.
"""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Protocol, Self

log = logging.getLogger(__name__)

FIRST_BACKOFF_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 30.0
POLL_SECONDS = 0.5
HEALTHY_AFTER_SECONDS = 60.0
"""A runner that has run this long without failing resets the backoff to its first step."""


class Runner(AbstractContextManager[Any], Protocol):
    @property
    def is_interrupted(self) -> threading.Event: ...

    def stop(self) -> None: ...


@dataclass(frozen=True)
class ProjectorState:
    name: str
    running: bool
    restarts: int
    last_error: str | None
    last_error_at: datetime | None


def backoff(
    attempt: int, first: float = FIRST_BACKOFF_SECONDS, most: float = MAX_BACKOFF_SECONDS
) -> float:
    """Seconds to wait before the ``attempt``-th restart in a row (1, 2, ...): doubling."""
    return min(most, first * 2 ** max(0, attempt - 1))


class Supervisor:
    """Runs ``start()``'s runner in a thread of its own and starts another whenever it
    stops, until ``stop()``; starting itself may fail (the database is down) and is
    retried the same way."""

    def __init__(
        self,
        name: str,
        start: Callable[[], Runner],
        *,
        first_backoff: float = FIRST_BACKOFF_SECONDS,
        max_backoff: float = MAX_BACKOFF_SECONDS,
    ) -> None:
        self.name = name
        self._start = start
        self._first = first_backoff
        self._most = max_backoff
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._runner: Runner | None = None
        self._restarts = 0
        self._last_error: str | None = None
        self._last_error_at: datetime | None = None
        self._thread = threading.Thread(target=self._loop, name=f"supervise-{name}", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self, timeout: float = 30) -> None:
        self._stopping.set()
        with self._lock:
            if self._runner is not None:
                self._runner.stop()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def state(self) -> ProjectorState:
        with self._lock:
            runner = self._runner
            running = runner is not None and not runner.is_interrupted.is_set()
            return ProjectorState(
                self.name, running, self._restarts, self._last_error, self._last_error_at
            )

    def _loop(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                self._run_once()
            except Exception as error:
                self._failed(error)
            if self._stopping.is_set():
                return
            failures = 1 if time.monotonic() - started > HEALTHY_AFTER_SECONDS else failures + 1
            with self._lock:
                self._restarts += 1
            wait = backoff(failures, self._first, self._most)
            log.warning("projector %s stopped; restarting in %.1f s", self.name, wait)
            self._stopping.wait(wait)

    def _run_once(self) -> None:
        runner = self._start()
        with self._lock:
            self._runner = runner
        try:
            with runner:  # leaving it re-raises what stopped the runner
                if self._stopping.is_set():
                    runner.stop()
                while not runner.is_interrupted.wait(POLL_SECONDS):
                    failed = _failure(runner)
                    if failed is not None:
                        raise failed
        finally:
            with self._lock:
                self._runner = None
            _close_view(runner)

    def _failed(self, error: BaseException) -> None:
        log.error("projector %s failed: %s", self.name, error, exc_info=error)
        with self._lock:
            self._last_error = f"{type(error).__name__}: {error}".splitlines()[0][:500]
            self._last_error_at = datetime.now(UTC)


def _failure(runner: Any) -> BaseException | None:
    """A failure the runner holds without having stopped (``failure()``, where it has one)."""
    failure = getattr(runner, "failure", None)
    return failure() if callable(failure) else None


def _close_view(runner: Any) -> None:
    """The runner closes its application; its view's connections are closed here, so that
    restarts do not pile up pools."""
    datastore = getattr(getattr(runner, "view", None), "datastore", None)
    close = getattr(datastore, "close", None)
    if close is not None:
        try:
            close()
        except Exception:  # already broken: what matters is the next runner
            log.debug("closing a stopped projector's view failed", exc_info=True)


class KeptProcess:
    """A process beside the server (`ledger project`, or one of the API's workers), started
    again (with backoff) whenever it dies."""

    def __init__(self, command: list[str], name: str, poll_seconds: float = 1.0) -> None:
        self.command = command
        self.name = name
        self.poll_seconds = poll_seconds
        self.restarts = 0
        self._spawned_at = time.monotonic()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None
        self._thread = threading.Thread(target=self._keep, name=f"keep {name}", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        with self._lock:
            if not self._stopping.is_set():
                self._spawned_at = time.monotonic()
                self.process = subprocess.Popen(self.command)

    def _keep(self) -> None:
        failures = 0
        while not self._stopping.wait(self.poll_seconds):
            process = self.process
            if process is None or process.poll() is None:
                continue
            lived = time.monotonic() - self._spawned_at
            failures = 1 if lived > HEALTHY_AFTER_SECONDS else failures + 1
            wait = backoff(failures)
            log.warning("%s exited (%s); restarting in %.1f s", self.name, process.returncode, wait)
            if self._stopping.wait(wait):
                return
            self.restarts += 1
            self._spawn()

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
        self._thread.join(timeout=5)
