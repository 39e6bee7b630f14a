"""The SQLite store: the library's recorder, extended with the ledger's Merkle tree.

Select it the library's way: ``PERSISTENCE_MODULE=store.sqlite:Factory``. Inside
the transaction that inserts the events (SQLite's first INSERT takes the write
lock, so what follows is serialised with every other writer, in any process)
each event gets its ledger entry and the tree its completed interior nodes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, StoredEvent, Subscription
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteFactory,
)

from store.entries import Entry, format_instant, parse_instant
from store.frontier import Extension, Frontier, LastEntry, read_nodes
from store.polling import PollingSubscription, wake_local_subscriptions
from store.records import (
    Head,
    LeafEntry,
    LedgerRow,
    NodeKey,
    Record,
    StoredCheckpoint,
)

ENTRIES = "ledger_entries"
CHECKPOINTS = "ledger_checkpoints"


class LedgerSQLiteRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name)
        self.frontier = Frontier()
        self._pending = threading.local()
        self.insert_entries_statement = f"INSERT INTO {ENTRIES} VALUES (?,?,?,?,?)"
        self.insert_numbered_events_statement = (
            f"INSERT INTO {events_table_name} "
            "(rowid, originator_id, originator_version, topic, state) VALUES (?,?,?,?,?)"
        )
        self.select_last_entry_statement = (
            f"SELECT position, leaf_index, recorded_at, leaf_hash FROM {ENTRIES} "
            "ORDER BY position DESC LIMIT 1"
        )

    @property
    def database_file(self) -> str | None:
        name = self.datastore.pool.db_name
        return None if self.datastore.pool.is_sqlite_memory_mode else name

    # -- schema -------------------------------------------------------------------

    def construct_create_table_statements(self) -> list[str]:
        statements = super().construct_create_table_statements()
        statements += [
            f"CREATE TABLE IF NOT EXISTS {ENTRIES} ("
            "position INTEGER PRIMARY KEY, "
            "leaf_index INTEGER NOT NULL UNIQUE, "
            "recorded_at TEXT NOT NULL, "
            "leaf_hash BLOB NOT NULL, "
            # The interior nodes this leaf completes, level 1 first (see store.frontier).
            "nodes BLOB NOT NULL)",
            # No index on recorded_at: it would cost a quarter of each entry's insert, and
            # position_known_at finds its answer by bisecting leaf indexes instead.
            f"CREATE TABLE IF NOT EXISTS {CHECKPOINTS} ("
            "id INTEGER PRIMARY KEY, "
            "tree_size INTEGER NOT NULL, "
            "root_hash BLOB NOT NULL, "
            "timestamp TEXT NOT NULL, "
            "note TEXT NOT NULL, "
            "verifier_key TEXT NOT NULL)",
        ]
        # Append-only (V08): nothing recorded may be changed or removed. SQLite has no
        # TRUNCATE (a DELETE without WHERE fires these triggers too) and no privileges:
        # whoever can write the file can drop a trigger, which `ledger verify` detects
        # by recomputing the tree and checking it against the signed checkpoints.
        for table in (self.events_table_name, ENTRIES, CHECKPOINTS):
            for action in ("UPDATE", "DELETE"):
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} "
                    f"BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        return statements

    # -- the insert path ----------------------------------------------------------

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        self._pending.extension = None
        positions = super().insert_events(stored_events, **kwargs)
        extension: Extension | None = self._pending.extension
        if extension is not None:  # committed: the cached frontier may move on
            self.frontier.committed(extension)
            wake_local_subscriptions()
        return positions

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        """SQLite has no LISTEN/NOTIFY: a subscription that polls (see store.polling)."""
        return PollingSubscription(self, gt=gt, topics=topics)

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = self._insert_stored(c, stored_events)
        if not positions:
            return positions
        last = self.frontier.known_last(positions[0])
        if last is None:  # another writer came in between, or this is our first insert
            c.execute(self.select_last_entry_statement)
            row = c.fetchone()
            last = None if row is None else LastEntry(row[0], row[1], parse_instant(row[2]), row[3])
        extension = self.frontier.extend(
            last, positions, stored_events, lambda keys: self._tree_nodes(c, keys)
        )
        self._write_tree(c, extension.entries, extension.nodes)
        self._pending.extension = extension
        return positions

    def _insert_stored(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent]) -> list[int]:
        """Insert the events; their positions in order.

        The first INSERT takes SQLite's write lock and draws the next rowid; with the lock
        held nobody else can insert, so the rest take the positions after it, in one
        ``executemany`` (the library inserts row by row to read each ``lastrowid``).
        """
        if not stored_events:
            return []
        rows = [
            (
                e.originator_id.hex if isinstance(e.originator_id, UUID) else e.originator_id,
                e.originator_version,
                e.topic,
                e.state,
            )
            for e in stored_events
        ]
        c.execute(self.insert_events_statement, rows[0])
        first = c.lastrowid
        assert first is not None
        if len(rows) > 1:
            c.executemany(
                self.insert_numbered_events_statement,
                [(first + n, *row) for n, row in enumerate(rows[1:], 1)],
            )
        return list(range(first, first + len(rows)))

    def _write_tree(
        self, c: SQLiteCursor, entries: Sequence[Entry], nodes: Sequence[bytes]
    ) -> None:
        rows = _entry_rows(entries, nodes)
        if len(rows) == 1:
            c.execute(self.insert_entries_statement, rows[0])
        else:
            c.executemany(self.insert_entries_statement, rows)

    # -- reads the rest of the ledger relies on ---------------------------------------

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
            return self._records(c.fetchall())

    def _records(self, rows: Sequence[Any]) -> list[Record]:
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
            for row in rows
        ]

    def select_object_records(self, originator_id: UUID) -> list[Record]:
        """One object's events with their positions: reads of one object need no scan."""
        statement = (
            f"SELECT e.rowid AS position, e.originator_id, e.originator_version, e.topic, "
            f"e.state, l.recorded_at FROM {self.events_table_name} e "
            f"JOIN {ENTRIES} l ON l.position = e.rowid WHERE e.originator_id = ? "
            "ORDER BY e.originator_version"
        )
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, (originator_id.hex,))
            return self._records(c.fetchall())

    def _fetchone(self, statement: str, params: Sequence[Any] = ()) -> Any:
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, params)
            return c.fetchone()

    def recorded_at_of(self, position: int) -> datetime:
        row = self._fetchone(f"SELECT recorded_at FROM {ENTRIES} WHERE position = ?", (position,))
        if row is None:
            msg = f"no event at position {position}"
            raise LookupError(msg)
        return parse_instant(row["recorded_at"])

    def position_of(self, originator_id: UUID, originator_version: int) -> int | None:
        row = self._fetchone(
            f"SELECT rowid FROM {self.events_table_name} "
            "WHERE originator_id = ? AND originator_version = ?",
            (originator_id.hex, originator_version),
        )
        return None if row is None else row[0]

    def position_known_at(self, known_at: datetime) -> int:
        """The last position recorded by ``known_at``: recorded_at never decreases along the
        leaves, so the events recorded by then are a prefix of them, found by bisection."""
        text = format_instant(known_at)
        with self.datastore.transaction(commit=False) as c:

            def recorded(leaf_index: int) -> tuple[str, int]:
                c.execute(
                    f"SELECT recorded_at, position FROM {ENTRIES} WHERE leaf_index = ?",
                    (leaf_index,),
                )
                return tuple(c.fetchone())  # type: ignore[return-value]

            c.execute(self.select_last_entry_statement)
            last = c.fetchone()
            if last is None:
                return 0
            if last["recorded_at"] <= text:
                return last["position"]  # type: ignore[no-any-return]
            before, after = -1, last["leaf_index"]  # recorded by then: before, not: after
            while after - before > 1:
                middle = (before + after) // 2
                if recorded(middle)[0] <= text:
                    before = middle
                else:
                    after = middle
            return 0 if before < 0 else recorded(before)[1]

    def head(self) -> Head:
        row = self._fetchone(
            f"SELECT position, leaf_index, recorded_at FROM {ENTRIES} "
            "ORDER BY position DESC LIMIT 1"
        )
        if row is None:
            return Head(position=0, tree_size=0, recorded_at=None)
        return Head(
            position=row["position"],
            tree_size=row["leaf_index"] + 1,
            recorded_at=parse_instant(row["recorded_at"]),
        )

    # -- the tree ---------------------------------------------------------------

    def leaf_entry(self, position: int) -> LeafEntry | None:
        row = self._fetchone(
            f"SELECT position, leaf_index, leaf_hash FROM {ENTRIES} WHERE position = ?",
            (position,),
        )
        return None if row is None else LeafEntry(row[0], row[1], row[2])

    def leaf_position(self, leaf_index: int) -> int | None:
        row = self._fetchone(f"SELECT position FROM {ENTRIES} WHERE leaf_index = ?", (leaf_index,))
        return None if row is None else row[0]

    def tree_nodes(self, keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
        with self.datastore.transaction(commit=False) as c:
            return self._tree_nodes(c, keys)

    def _tree_nodes(self, c: SQLiteCursor, keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
        def fetch(leaves: list[int]) -> list[tuple[int, bytes, bytes]]:
            c.execute(
                f"SELECT leaf_index, leaf_hash, nodes FROM {ENTRIES} "
                f"WHERE leaf_index IN ({','.join('?' * len(leaves))})",
                leaves,
            )
            return _tuples(c)

        return read_nodes(keys, fetch)

    def scan_ledger(self, after: int, limit: int) -> list[LedgerRow]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT e.rowid, e.originator_id, e.originator_version, e.topic, e.state, "
                f"l.leaf_index, l.recorded_at, l.leaf_hash, l.nodes "
                f"FROM {self.events_table_name} e LEFT JOIN {ENTRIES} l ON l.position = e.rowid "
                "WHERE e.rowid > ? ORDER BY e.rowid LIMIT ?",
                (after, limit),
            )
            return _tuples(c)

    # -- checkpoints ---------------------------------------------------------------

    def insert_checkpoint(
        self, tree_size: int, root_hash: bytes, timestamp: datetime, note: str, verifier_key: str
    ) -> StoredCheckpoint:
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f"INSERT INTO {CHECKPOINTS} "
                "(tree_size, root_hash, timestamp, note, verifier_key) VALUES (?,?,?,?,?)",
                (tree_size, root_hash, format_instant(timestamp), note, verifier_key),
            )
            checkpoint_id = c.lastrowid
        return StoredCheckpoint(checkpoint_id, tree_size, root_hash, timestamp, note, verifier_key)

    def select_checkpoints(self, *, after: int = 0, limit: int = 100) -> list[StoredCheckpoint]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT * FROM {CHECKPOINTS} WHERE id > ? ORDER BY id LIMIT ?", (after, limit)
            )
            return [_checkpoint(row) for row in c.fetchall()]

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        row = self._fetchone(f"SELECT * FROM {CHECKPOINTS} ORDER BY id DESC LIMIT 1")
        return None if row is None else _checkpoint(row)

    # -- import ------------------------------------------------------------------------

    @contextmanager
    def loading(self) -> Iterator[SQLiteLoader]:
        """One write transaction for a whole import: all of it is recorded, or nothing."""
        try:
            # Emptiness is read before the first write takes the lock; should another
            # writer commit in between, WAL mode refuses our write (SQLITE_BUSY_SNAPSHOT).
            with self.datastore.transaction(commit=True) as c:
                yield SQLiteLoader(self, c)
        finally:
            self.frontier.forget()


class SQLiteLoader:
    def __init__(self, recorder: LedgerSQLiteRecorder, cursor: SQLiteCursor):
        self.recorder = recorder
        self.c = cursor

    def is_empty(self) -> bool:
        tables = (self.recorder.events_table_name, ENTRIES, CHECKPOINTS)
        for table in tables:
            self.c.execute(f"SELECT 1 FROM {table} LIMIT 1")
            if self.c.fetchone() is not None:
                return False
        return True

    def add(self, batch: Sequence[tuple[Entry, StoredEvent]], nodes: Sequence[bytes]) -> None:
        # Explicit rowids: positions are hashed into every leaf, so they must not change.
        self.c.executemany(
            f"INSERT INTO {self.recorder.events_table_name} "
            "(rowid, originator_id, originator_version, topic, state) VALUES (?,?,?,?,?)",
            [
                (entry.position, entry.originator_id.hex, e.originator_version, e.topic, e.state)
                for entry, e in batch
            ],
        )
        self.recorder._write_tree(self.c, [entry for entry, _ in batch], nodes)

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        self.c.execute(
            f"INSERT INTO {CHECKPOINTS} "
            "(tree_size, root_hash, timestamp, note, verifier_key) VALUES (?,?,?,?,?)",
            (
                checkpoint.tree_size,
                checkpoint.root_hash,
                format_instant(checkpoint.timestamp),
                checkpoint.note,
                checkpoint.verifier_key,
            ),
        )


def _entry_rows(entries: Sequence[Entry], nodes: Sequence[bytes]) -> list[tuple[Any, ...]]:
    """Rows for ledger_entries; an insert's entries share one instant, formatted once."""
    rows = []
    instant, text = None, ""
    for e, completed in zip(entries, nodes, strict=True):
        if e.recorded_at != instant:
            instant, text = e.recorded_at, format_instant(e.recorded_at)
        rows.append((e.position, e.leaf_index, text, e.leaf_hash, completed))
    return rows


def _tuples(c: SQLiteCursor) -> list[Any]:
    """All rows as plain tuples: the whole-ledger scans read millions of them."""
    c.sqlite_cursor.row_factory = None
    return c.fetchall()  # type: ignore[no-any-return]


def _checkpoint(row: Any) -> StoredCheckpoint:
    return StoredCheckpoint(
        id=row["id"],
        tree_size=row["tree_size"],
        root_hash=row["root_hash"],
        timestamp=parse_instant(row["timestamp"]),
        note=row["note"],
        verifier_key=row["verifier_key"],
    )


class Factory(SQLiteFactory):
    application_recorder_class = LedgerSQLiteRecorder
