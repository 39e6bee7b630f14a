"""The ledger's writers of one SQLite file take turns in a queue, not by polling the lock
(store/write_turn.py): Art. 36 records arrive from several processes at once, and each
must wait only as long as the writer before it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from store.write_turn import WriteTurn


def test_a_second_writer_waits_for_the_first_and_goes_the_moment_it_is_done(
    tmp_path: Path,
) -> None:
    database = str(tmp_path / "ledger.db")
    first, second = WriteTurn(database), WriteTurn(database)  # two open files: as two processes
    order: list[str] = []
    second_waiting = threading.Event()

    def write_second() -> None:
        second_waiting.set()
        with second.taken():
            order.append("second")

    try:
        with first.taken():
            thread = threading.Thread(target=write_second)
            thread.start()
            second_waiting.wait(5)
            time.sleep(0.2)  # the second has had time to go, if nothing held it
            order.append("first done")
        released = time.monotonic()
        thread.join(5)
        waited_after = time.monotonic() - released
    finally:
        first.close()
        second.close()
    assert order == ["first done", "second"]
    assert waited_after < 0.5  # woken, not polling on a back-off
    assert (tmp_path / "ledger.db-turn").exists()


def test_a_file_uri_takes_its_turn_beside_the_file(tmp_path: Path) -> None:
    turn = WriteTurn(f"file:{tmp_path / 'ledger.db'}?mode=rwc")
    try:
        with turn.taken():
            assert (tmp_path / "ledger.db-turn").exists()
    finally:
        turn.close()


def test_an_in_memory_ledger_has_no_turn_file(tmp_path: Path) -> None:
    turn = WriteTurn(None)
    with turn.taken():
        pass
    assert list(tmp_path.iterdir()) == []
