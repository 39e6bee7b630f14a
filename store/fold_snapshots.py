"""Saved folds: a projection's state after every event up to a position, so a replay at an
instant starts from the nearest one instead of from the first event.

A snapshot at position p folds *every* event up to p. It answers a replay at business
instant T only if none of those events occurred after T: hence ``max_occurred_at``,
the latest business time folded in. That maximum only grows with p, so the snapshots
valid for T are a prefix, and the one to start from is the last of them at or before
the replay's position. Snapshots are derived data: never part of the hash chain,
safe to delete, keyed by the projection's version so a changed fold ignores old ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore

from store.entries import format_instant

TABLE = "fold_snapshots"


@dataclass(frozen=True)
class Snapshot:
    position: int
    max_occurred_at: datetime | None
    state: bytes


class FoldSnapshots:
    """Reads and writes saved folds in the ledger's own database."""

    def __init__(self, recorder: Any) -> None:
        self.datastore = recorder.datastore
        self.postgres = isinstance(self.datastore, PostgresDatastore)
        if not self.postgres and not isinstance(self.datastore, SQLiteDatastore):
            msg = f"no saved folds on {type(self.datastore).__name__}"
            raise TypeError(msg)
        self._table = f'"{self.datastore.schema}".{TABLE}' if self.postgres else TABLE
        self._created = False

    def ensure_table(self) -> None:
        """Create the table now (`ledger init`, before handing tables to their owner)."""
        self._create()

    def _create(self) -> None:
        if self._created:
            return
        blob = "bytea" if self.postgres else "BLOB"
        self._execute(
            f"CREATE TABLE IF NOT EXISTS {self._table} ("
            "projection TEXT NOT NULL, position BIGINT NOT NULL, "
            f"max_occurred_at TEXT, state {blob} NOT NULL, "
            "PRIMARY KEY (projection, position))",
            (),
            commit=True,
        )
        self._created = True

    def nearest(self, projection: str, upto: int, at: datetime) -> Snapshot | None:
        """The latest snapshot at or before ``upto`` whose events all occurred by ``at``."""
        self._create()
        rows = self._execute(
            f"SELECT position, max_occurred_at, state FROM {self._table} "
            "WHERE projection = {p} AND position <= {p} "
            "AND (max_occurred_at IS NULL OR max_occurred_at <= {p}) "
            "ORDER BY position DESC LIMIT 1",
            (projection, upto, format_instant(at)),
        )
        if not rows:
            return None
        position, max_occurred, state = rows[0]
        occurred = None if max_occurred is None else datetime.fromisoformat(max_occurred)
        return Snapshot(position, occurred, bytes(state))

    def save(self, projection: str, snapshot: Snapshot) -> None:
        self._create()
        occurred = (
            None if snapshot.max_occurred_at is None else format_instant(snapshot.max_occurred_at)
        )
        conflict = "ON CONFLICT DO NOTHING"
        self._execute(
            f"INSERT INTO {self._table} VALUES ({{p}}, {{p}}, {{p}}, {{p}}) {conflict}",
            (projection, snapshot.position, occurred, snapshot.state),
            commit=True,
        )

    def clear(self, projection: str) -> None:
        self._create()
        self._execute(
            f"DELETE FROM {self._table} WHERE projection = {{p}}", (projection,), commit=True
        )

    def _execute(self, sql: str, params: tuple[Any, ...], *, commit: bool = False) -> list[Any]:
        statement = sql.replace("{p}", "%s" if self.postgres else "?")
        with self.datastore.transaction(commit=commit) as cursor:
            cursor.execute(statement, params)
            if statement.lstrip().upper().startswith("SELECT"):
                return [
                    tuple(row.values()) if isinstance(row, dict) else tuple(row)
                    for row in cursor.fetchall()
                ]
        return []
