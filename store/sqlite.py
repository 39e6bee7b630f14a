"""The SQLite store: the library's recorder, extended with ledger entries.

Select it the library's way: ``PERSISTENCE_MODULE=store.sqlite:Factory``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteFactory,
)

from store.entries import format_instant, make_entries, next_recorded_at, parse_instant
from store.records import Head, Record

ENTRIES = "ledger_entries"


class LedgerSQLiteRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name)
        self.insert_entries_statement = f"INSERT INTO {ENTRIES} VALUES (?,?,?,?,?,?)"

    def construct_create_table_statements(self) -> list[str]:
        events = self.events_table_name
        statements = super().construct_create_table_statements()
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {ENTRIES} ("
            "position INTEGER PRIMARY KEY, "
            "leaf_index INTEGER NOT NULL UNIQUE, "
            "originator_id TEXT NOT NULL, "
            "originator_version INTEGER NOT NULL, "
            "recorded_at TEXT NOT NULL, "
            "leaf_hash BLOB NOT NULL)"
        )
        statements.append(
            f"CREATE INDEX IF NOT EXISTS {ENTRIES}_recorded_at ON {ENTRIES} (recorded_at)"
        )
        # Append-only: nothing recorded may be changed or removed (Art. 39(8)).
        for table in (events, ENTRIES):
            for action in ("UPDATE", "DELETE"):
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} "
                    f"BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        return statements

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # The first INSERT takes SQLite's write lock, so what follows is serialised.
        positions = super()._insert_events(c, stored_events, **kwargs)
        if not positions:
            return positions
        c.execute(f"SELECT leaf_index, recorded_at FROM {ENTRIES} ORDER BY position DESC LIMIT 1")
        last = c.fetchone()
        first_leaf = 0 if last is None else last["leaf_index"] + 1
        previous = None if last is None else parse_instant(last["recorded_at"])
        recorded_at = next_recorded_at(datetime.now(UTC), previous)
        entries = make_entries(positions, stored_events, first_leaf, recorded_at)
        c.executemany(
            self.insert_entries_statement,
            [
                (
                    e.position,
                    e.leaf_index,
                    e.originator_id.hex,
                    e.originator_version,
                    format_instant(e.recorded_at),
                    e.leaf_hash,
                )
                for e in entries
            ],
        )
        return positions

    def select_records(
        self, *, after: int = 0, upto: int | None = None, limit: int = 1000
    ) -> list[Record]:
        statement = (
            f"SELECT e.rowid AS position, e.originator_id, e.originator_version, e.topic, "
            f"e.state, l.recorded_at FROM {self.events_table_name} e "
            f"JOIN {ENTRIES} l ON l.position = e.rowid WHERE e.rowid > ? "
        )
        params: list[Any] = [after]
        if upto is not None:
            statement += "AND e.rowid <= ? "
            params.append(upto)
        statement += "ORDER BY e.rowid LIMIT ?"
        params.append(limit)
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, params)
            return [
                Record(
                    position=row["position"],
                    recorded_at=parse_instant(row["recorded_at"]),
                    event=StoredEvent(
                        originator_id=self.convert_originator_id(row["originator_id"]),
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=row["state"],
                    ),
                )
                for row in c.fetchall()
            ]

    def recorded_at_of(self, position: int) -> datetime:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT recorded_at FROM {ENTRIES} WHERE position = ?", (position,))
            row = c.fetchone()
        if row is None:
            msg = f"no event at position {position}"
            raise LookupError(msg)
        return parse_instant(row["recorded_at"])

    def position_of(self, originator_id: UUID, originator_version: int) -> int | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT rowid FROM {self.events_table_name} "
                "WHERE originator_id = ? AND originator_version = ?",
                (originator_id.hex, originator_version),
            )
            row = c.fetchone()
        return None if row is None else row[0]

    def position_known_at(self, known_at: datetime) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT MAX(position) FROM {ENTRIES} WHERE recorded_at <= ?",
                (format_instant(known_at),),
            )
            return c.fetchone()[0] or 0

    def head(self) -> Head:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT position, leaf_index, recorded_at FROM {ENTRIES} "
                "ORDER BY position DESC LIMIT 1"
            )
            row = c.fetchone()
        if row is None:
            return Head(position=0, tree_size=0, recorded_at=None)
        return Head(
            position=row["position"],
            tree_size=row["leaf_index"] + 1,
            recorded_at=parse_instant(row["recorded_at"]),
        )


class Factory(SQLiteFactory):
    application_recorder_class = LedgerSQLiteRecorder
