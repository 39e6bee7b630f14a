"""Who may act is read fresh for every request, and once for all the requests asking
together (domain/fresh_read.py): a revocation or a dissolution counts from the moment it is
recorded (Art. 38: those responsible act for their department only while they may), and the
requests of a busy process do not queue for each other's reads of the store."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from domain.fresh_read import FreshRead


class Store:
    """What the read reads: a value, and a gate the first read may be held at."""

    def __init__(self) -> None:
        self.value = 0
        self.reads = 0
        self.gate = threading.Event()
        self.reading = threading.Event()
        self.fail = False

    def read(self) -> int:
        self.reads += 1
        seen = self.value
        self.reading.set()
        self.gate.wait(10)
        if self.fail:
            raise RuntimeError("the store is gone")
        return seen


def waiting_for(fresh: FreshRead[int], threads: int) -> None:
    """Until ``threads`` callers wait inside ``fresh`` for the read after the running one."""
    deadline = time.monotonic() + 10
    while len(fresh._changed._waiters) < threads:  # type: ignore[attr-defined]
        assert time.monotonic() < deadline
        time.sleep(0.005)


def test_an_answer_is_never_older_than_its_asking() -> None:
    store = Store()
    fresh = FreshRead(store.read)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(fresh)
        assert store.reading.wait(10)  # a read is running: it saw value 0
        store.value = 1  # recorded after that read began, before the next request asks
        second = pool.submit(fresh)
        store.gate.set()
        assert first.result(10) == 0
        assert second.result(10) == 1  # not the running read's answer
    assert store.reads == 2


def test_the_requests_asking_during_a_read_share_the_next() -> None:
    store = Store()
    fresh = FreshRead(store.read)
    with ThreadPoolExecutor(9) as pool:
        first = pool.submit(fresh)
        assert store.reading.wait(10)
        store.value = 7
        waiting = [pool.submit(fresh) for _ in range(8)]
        waiting_for(fresh, 8)
        store.gate.set()
        assert first.result(10) == 0
        assert [w.result(10) for w in waiting] == [7] * 8
    assert store.reads == 2  # one read for the eight, not one each


def test_a_failed_read_fails_its_caller_and_the_others_read_again() -> None:
    store = Store()
    fresh = FreshRead(store.read)
    store.fail = True
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(fresh)
        assert store.reading.wait(10)
        second = pool.submit(fresh)
        store.gate.set()
        with pytest.raises(RuntimeError):
            first.result(10)
        with pytest.raises(RuntimeError):
            second.result(10)  # read again for itself, and failed again
    store.fail = False
    assert fresh() == 0
    assert store.reads == 3
