"""The ledger's writers of one SQLite file take turns in a queue, not by polling the lock
(store/write_turn.py): Art. 36 records arrive from several processes at once, and each
must wait only as long as the writer before it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from store.sqlite_connections import StatementCachingPool
from store.write_turn import WriteTurn


def pool(database: Path) -> StatementCachingPool:
    return StatementCachingPool(db_name=str(database))


def test_a_writer_of_another_pool_waits_for_the_first_and_goes_the_moment_it_is_done(
    tmp_path: Path,
) -> None:
    # Two pools on one file: two processes' writers (each its own open turn file).
    first, second = pool(tmp_path / "ledger.db"), pool(tmp_path / "ledger.db")
    order: list[str] = []
    second_waiting = threading.Event()

    def write_second() -> None:
        second_waiting.set()
        connection = second.get_connection(is_writer=True)
        order.append("second")
        second.put_connection(connection)

    try:
        writer = first.get_connection(is_writer=True)
        thread = threading.Thread(target=write_second)
        thread.start()
        second_waiting.wait(5)
        time.sleep(0.2)  # the second has had time to go, if nothing held it
        order.append("first done")
        first.put_connection(writer)
        released = time.monotonic()
        thread.join(5)
        waited_after = time.monotonic() - released
    finally:
        first.close()
        second.close()
    assert order == ["first done", "second"]
    assert waited_after < 0.5  # woken, not polling on a back-off
    assert (tmp_path / "ledger.db-turn").exists()


def test_readers_do_not_wait_for_the_turn(tmp_path: Path) -> None:
    first, second = pool(tmp_path / "ledger.db"), pool(tmp_path / "ledger.db")
    try:
        writer = first.get_connection(is_writer=True)
        reader = second.get_connection(is_writer=False, timeout=1)  # not queued behind it
        second.put_connection(reader)
        first.put_connection(writer)
    finally:
        first.close()
        second.close()


def test_a_file_uri_takes_its_turn_beside_the_file(tmp_path: Path) -> None:
    turn = WriteTurn(f"file:{tmp_path / 'ledger.db'}?mode=rwc")
    try:
        turn.take()
        assert (tmp_path / "ledger.db-turn").exists()
        turn.release()
    finally:
        turn.close()


def test_an_in_memory_ledger_has_no_turn_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where a turn file named after the URI would land
    memory = StatementCachingPool(db_name="file:turnless?mode=memory&cache=shared")
    try:
        memory.put_connection(memory.get_connection(is_writer=True))
    finally:
        memory.close()
    assert list(tmp_path.iterdir()) == []
