"""Store fixtures: a ledger filled with events, a signing key, and a superuser who tampers.

The superuser does what a database administrator can: write around the append-only
triggers (SQLite: drop them; PostgreSQL: ALTER TABLE … DISABLE TRIGGER ALL, as the
superuser the tests connect as) and change rows directly. Nothing here mocks the store.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlparse

import psycopg
import pytest
from eventsourcing.persistence import StoredEvent

from api.runtime import open_ledger
from domain.ledger import Ledger
from store.checkpoints import ensure_signing_key
from store.records import TreeRecorder
from tests.conftest import POSTGRES_URL, require_postgres


def recorder_of(ledger: Ledger) -> TreeRecorder:
    return cast(TreeRecorder, ledger.recorder)


def append(recorder: TreeRecorder, count: int, *, per_insert: int = 1) -> list[int]:
    """Record ``count`` synthetic events, ``per_insert`` to a transaction; their positions."""
    positions: list[int] = []
    while len(positions) < count:
        originator = uuid.uuid4()
        n = min(per_insert, count - len(positions))
        events = [
            StoredEvent(originator, version, "tests.store:Fact", _state(originator, version))
            for version in range(1, n + 1)
        ]
        positions += recorder.insert_events(events) or []  # type: ignore[attr-defined]
    return positions


@pytest.fixture
def recorder(ledger: Ledger) -> TreeRecorder:
    return recorder_of(ledger)


@pytest.fixture
def signing_key(recorder: TreeRecorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "signing" / "ledger.key"
    monkeypatch.setenv("LEDGER_SIGNING_KEY", str(path))
    ensure_signing_key(recorder)
    return path


class Superuser:
    """Runs SQL on the ledger's tables around its triggers, as a DBA could.

    Statements use ``?`` placeholders and ``{events}``, ``{entries}``, ``{checkpoints}``,
    ``{position}`` (the events table's position column) and ``{entry_position}`` (the
    entries'). On SQLite an event's entry is in the event's own row: ``{entries}`` is the
    events table, and removing an event removes its entry.
    """

    def __init__(self, database_url: str, recorder: TreeRecorder):
        self.postgres = database_url.startswith("postgresql")
        self.entries_in_events = not self.postgres
        events = recorder.events_table_name  # type: ignore[attr-defined]
        if self.postgres:
            self.url = database_url.split("?", 1)[0]
            schema = parse_qs(urlparse(database_url).query)["schema"][0]
            self.names = {
                "events": f'"{schema}"."{events}"',
                "entries": f'"{schema}".ledger_entries',
                "checkpoints": f'"{schema}".ledger_checkpoints',
                "position": "notification_id",
                "entry_position": "position",
            }
        else:
            self.path = database_url.removeprefix("sqlite:///")
            self.names = {
                "events": events,
                "entries": events,
                "checkpoints": "ledger_checkpoints",
                "position": "rowid",
                "entry_position": "rowid",
            }

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.script([(statement, params)])[-1]

    def attempt(self, statement: str, params: Sequence[Any] = (), *, replica: bool = False) -> None:
        """Run one statement with the triggers in place (PostgreSQL: optionally as a replica)."""
        if self.postgres:
            with psycopg.connect(self.url) as conn:
                if replica:
                    conn.execute("SET session_replication_role = replica")
                conn.execute(statement.format(**self.names).replace("?", "%s"), params)
            return
        with sqlite3.connect(self.path) as conn:
            conn.execute(statement.format(**self.names), params)

    def forge(
        self, position: int, event: tuple[Any, ...], entry: tuple[Any, ...]
    ) -> list[tuple[str, tuple[Any, ...]]]:
        """Steps that store a forged event (originator, version, topic, state) with a forged
        entry (leaf index, recorded_at, leaf hash, nodes) at ``position``."""
        originator, *rest = event
        values = (position, self.originator(originator), *rest)
        columns = "{position}, originator_id, originator_version, topic, state"
        if self.entries_in_events:
            return [
                (
                    f"INSERT INTO {{events}} ({columns}, leaf_index, recorded_at, leaf_hash, "
                    "nodes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, *entry),
                )
            ]
        return [
            (f"INSERT INTO {{events}} ({columns}) VALUES (?, ?, ?, ?, ?)", values),
            ("INSERT INTO {entries} VALUES (?, ?, ?, ?, ?)", (position, *entry)),
        ]

    def move_up(self, position: int) -> list[tuple[str, tuple[Any, ...]]]:
        """Steps that move the event at ``position`` and its entry up one position and leaf."""
        steps = [
            ("UPDATE {events} SET {position} = ? WHERE {position} = ?", (position + 1, position))
        ]
        if self.entries_in_events:
            steps.append(
                ("UPDATE {events} SET leaf_index = leaf_index + 1 WHERE rowid = ?", (position + 1,))
            )
        else:
            steps.append(
                (
                    "UPDATE {entries} SET position = ?, leaf_index = leaf_index + 1 "
                    "WHERE position = ?",
                    (position + 1, position),
                )
            )
        return steps

    def originator(self, value: uuid.UUID) -> Any:
        """An originator id as the events table stores it."""
        return value if self.postgres else value.hex

    def script(self, steps: Sequence[tuple[str, Sequence[Any]]]) -> list[list[tuple[Any, ...]]]:
        """Run statements in one transaction, around the triggers."""
        results = []
        if self.postgres:
            with psycopg.connect(self.url, autocommit=False) as conn:
                for table in ("events", "entries", "checkpoints"):
                    conn.execute(f"ALTER TABLE {self.names[table]} DISABLE TRIGGER ALL")
                for statement, params in steps:
                    cursor = conn.execute(statement.format(**self.names).replace("?", "%s"), params)
                    results.append(cursor.fetchall() if cursor.description else [])
                for table in ("events", "entries", "checkpoints"):
                    for trigger in ("ledger_append_only_row", "ledger_append_only_truncate"):
                        conn.execute(
                            f"ALTER TABLE {self.names[table]} ENABLE ALWAYS TRIGGER {trigger}"
                        )
            return results
        conn = sqlite3.connect(self.path)
        try:
            triggers = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            for (name,) in triggers.fetchall():
                conn.execute(f"DROP TRIGGER {name}")
            for statement, params in steps:
                cursor = conn.execute(statement.format(**self.names), params)
                results.append(cursor.fetchall())
            conn.commit()
        finally:
            conn.close()
        return results


@pytest.fixture
def superuser(database_url: str, recorder: TreeRecorder) -> Iterator[Superuser]:
    yield Superuser(database_url, recorder)


def _state(originator: uuid.UUID, version: int) -> bytes:
    return b'{"fact":"%s","n":%d}' % (originator.hex[:12].encode(), version)


@contextmanager
def fresh_ledger(backend: str, tmp_path: Path) -> Iterator[Ledger]:
    """Another new, empty ledger on ``backend`` (an import's destination, say)."""
    if backend == "sqlite":
        ledger = open_ledger(f"sqlite:///{tmp_path / f'other-{uuid.uuid4().hex[:6]}.db'}")
        try:
            yield ledger
        finally:
            ledger.close()
        return
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    ledger = open_ledger(f"{POSTGRES_URL}?schema={schema}")
    try:
        yield ledger
    finally:
        ledger.close()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
