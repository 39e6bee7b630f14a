"""The SQLite store: the library's recorder, extended with the ledger's Merkle tree.

Select it the library's way: ``PERSISTENCE_MODULE=store.sqlite:Factory``. Each event's
ledger entry (leaf index, recorded_at, leaf hash, the interior nodes its leaf completes)
lives in the event's own row: one row and one B-tree insert per event, as the library's
recorder writes, so the tree costs hashing and a few more bytes, not another table.

The insert transaction begins IMMEDIATE: it holds SQLite's write lock (against every
other writer, in any process) before it reads the last row, draws the positions after
it and hashes them into the leaves, then inserts each row once, complete.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import (
    ApplicationRecorder,
    Notification,
    StoredEvent,
    Subscription,
)
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteFactory,
    SQLiteTransaction,
)
from eventsourcing.utils import Environment, EnvType

from store.entries import Entry, format_instant, parse_instant
from store.forensic_view import ForensicIndex, SQLiteForensicView
from store.frontier import Frontier, LastEntry, ThreadInserts, read_nodes
from store.polling import PollingSubscription, wake_local_subscriptions
from store.records import (
    Head,
    LeafEntry,
    LedgerRow,
    NodeKey,
    Record,
    RecordedNotification,
    RecordRow,
    StoredCheckpoint,
)
from store.sqlite_connections import caching_statements

CHECKPOINTS = "ledger_checkpoints"
EVENT_COLUMNS = "originator_id, originator_version, topic, state"
ENTRY_COLUMNS = "leaf_index, recorded_at, leaf_hash, nodes"
POSITIONS_PER_QUERY = 900  # under SQLite's oldest limit on bound parameters (999)


EARLIER_ENTRIES = "ledger_entries"


class EarlierLayout(RuntimeError):
    """The file keeps its ledger entries in a table of their own, as earlier versions did:
    this version reads and writes them in the events' rows, and does not rewrite a
    tamper-evident log in place."""


class LedgerSQLiteRecorder(SQLiteApplicationRecorder):
    # This backend's forensic tables: the replays' index, and what the factory opens for
    # the projector (``Factory.tracking_recorder_class``).
    forensic_view_class = SQLiteForensicView

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name)
        self.frontier = Frontier()
        self._inserts = ThreadInserts()
        self.insert_rows_statement = (
            f"INSERT INTO {events_table_name} (rowid, {EVENT_COLUMNS}, {ENTRY_COLUMNS}) "
            "VALUES (?,?,?,?,?,?,?,?,?)"
        )
        self.select_events_statement = (
            f"SELECT {EVENT_COLUMNS} FROM {events_table_name} WHERE originator_id=? "
        )
        self.select_last_entry_statement = (
            f"SELECT rowid, leaf_index, recorded_at, leaf_hash FROM {events_table_name} "
            "ORDER BY rowid DESC LIMIT 1"
        )

    def forensic_index(self) -> ForensicIndex:
        """The forensic tables beside these events (ask ``reach`` how far they include)."""
        return self.forensic_view_class(self.datastore)

    @property
    def database_file(self) -> str | None:
        name = self.datastore.pool.db_name
        return None if self.datastore.pool.is_sqlite_memory_mode else name

    # -- schema -------------------------------------------------------------------

    def construct_create_table_statements(self) -> list[str]:
        table = self.events_table_name
        statements = [
            f"CREATE TABLE IF NOT EXISTS {table} ("
            "originator_id TEXT, "
            "originator_version INTEGER, "
            "topic TEXT, "
            "state BLOB, "
            "leaf_index INTEGER NOT NULL, "
            "recorded_at TEXT NOT NULL, "
            "leaf_hash BLOB NOT NULL, "
            # The interior nodes this leaf completes, level 1 first (see store.frontier).
            "nodes BLOB NOT NULL, "
            "PRIMARY KEY (originator_id, originator_version))",
            # No index on leaf_index or recorded_at: each would cost a page written per
            # commit. Both grow with the rowid, so lookups by them bisect it instead.
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
        for name in (table, CHECKPOINTS):
            for action in ("UPDATE", "DELETE"):
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {name}_no_{action.lower()} "
                    f"BEFORE {action} ON {name} "
                    f"BEGIN SELECT RAISE(ABORT, '{name} is append-only'); END"
                )
        return statements

    def _create_table(self, c: SQLiteCursor) -> None:
        c.execute(f"SELECT 1 FROM sqlite_master WHERE name = '{EARLIER_ENTRIES}'")
        if c.fetchone() is not None:
            raise EarlierLayout(
                f"{self.database_file}: a ledger kept in the earlier layout (entries in "
                f"their own table, {EARLIER_ENTRIES}). Export it with the version that wrote "
                "it (ledger export --out F.jsonl) and import it here (ledger import F.jsonl): "
                "the same events, positions and Merkle root, verified line by line."
            )
        super()._create_table(c)

    # -- the insert path ----------------------------------------------------------

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        self._inserts.pending = None
        with self._write_transaction() as c:
            positions = self._insert_events(c, stored_events, **kwargs)
        extension = self._inserts.pending
        if extension is not None:  # committed: the cached frontier may move on
            self.frontier.committed(extension)
            wake_local_subscriptions()
        return positions

    @contextmanager
    def _write_transaction(self) -> Iterator[SQLiteCursor]:
        """The library's write transaction, begun IMMEDIATE: a deferred one that reads
        first would fail at once (SQLITE_BUSY_SNAPSHOT) if another writer committed
        before its first write; this one waits for the lock before it reads."""
        with (
            self.datastore.get_connection(commit=True) as connection,
            _ImmediateTransaction(connection, commit=True) as cursor,
            cursor,
        ):
            yield cursor

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        """SQLite has no LISTEN/NOTIFY: a subscription that polls (see store.polling)."""
        return PollingSubscription(self, gt=gt, topics=topics)

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        c.execute(self.select_last_entry_statement)
        row = c.fetchone()
        # Rows are never deleted, so the next rowid SQLite would draw is the last one's
        # plus one: the positions are known, and hashed, before anything is inserted.
        first = 1 if row is None else row[0] + 1
        positions = list(range(first, first + len(stored_events)))
        last = self.frontier.known_last(first)
        if last is None and row is not None:  # another writer came in, or our first insert
            last = LastEntry(row[0], row[1], parse_instant(row[2]), row[3])
        extension = self.frontier.extend(
            last, positions, stored_events, lambda keys: self._tree_nodes(c, keys)
        )
        self._insert_rows(c, stored_events, extension.entries, extension.nodes)
        self._inserts.pending = extension
        return positions

    def _insert_rows(
        self,
        c: SQLiteCursor,
        stored_events: Sequence[StoredEvent],
        entries: Sequence[Entry],
        nodes: Sequence[bytes],
    ) -> None:
        rows = [
            (
                entry.position,
                entry.originator_id.hex,
                event.originator_version,
                event.topic,
                event.state,
                *tree_columns,
            )
            for event, entry, tree_columns in zip(
                stored_events, entries, _tree_columns(entries, nodes), strict=True
            )
        ]
        if len(rows) == 1:
            c.execute(self.insert_rows_statement, rows[0])
        else:
            c.executemany(self.insert_rows_statement, rows)

    # -- reads the rest of the ledger relies on ---------------------------------------

    def select_records(
        self, *, after: int = 0, upto: int | None = None, limit: int = 1000
    ) -> list[Record]:
        return self._records(self.select_rows(after=after, upto=upto, limit=limit))

    def select_rows(
        self,
        *,
        after: int = 0,
        upto: int | None = None,
        limit: int = 1000,
        topics: Collection[str] = (),
    ) -> list[RecordRow]:
        statement = (
            f"SELECT rowid AS position, {EVENT_COLUMNS}, recorded_at "
            f"FROM {self.events_table_name} WHERE rowid > ? "
        )
        params: list[Any] = [after]
        if upto is not None:
            statement += "AND rowid <= ? "
            params.append(upto)
        if topics:
            statement += f"AND topic IN ({','.join('?' * len(topics))}) "
            params += sorted(topics)
        statement += "ORDER BY rowid LIMIT ?"
        params.append(limit)
        return self._query(statement, params)

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        """The library's notifications, read as plain rows, each with its recorded_at (the
        library's query reads that column too, and drops it)."""
        after = 0 if start is None else (start - 1 if inclusive_of_start else start)
        rows = self.select_rows(after=after, upto=stop, limit=limit, topics=topics)
        convert = self.convert_originator_id
        return [
            RecordedNotification(
                id=position,
                originator_id=convert(cast(str, originator_id)),  # as stored: text
                originator_version=version,
                topic=topic,
                state=state,
                recorded_at=recorded_at,
            )
            for position, originator_id, version, topic, state, recorded_at in rows
        ]

    def select_rows_at(self, positions: Sequence[int]) -> list[RecordRow]:
        rows: list[RecordRow] = []
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(positions), POSITIONS_PER_QUERY):
                chunk = positions[start : start + POSITIONS_PER_QUERY]
                c.execute(
                    f"SELECT rowid AS position, {EVENT_COLUMNS}, recorded_at "
                    f"FROM {self.events_table_name} "
                    f"WHERE rowid IN ({','.join('?' * len(chunk))}) ORDER BY rowid",
                    chunk,
                )
                rows += _tuples(c)
        return rows

    @staticmethod
    def recorded_at_in(row: RecordRow) -> datetime:
        return parse_instant(cast(str, row[5]))

    @staticmethod
    def _records(rows: Sequence[RecordRow]) -> list[Record]:
        """Records from rows: the id from its 32 hex digits, recorded_at from its text."""
        return [
            Record(
                position=position,
                recorded_at=parse_instant(cast(str, recorded_at)),
                event=StoredEvent(
                    originator_id=UUID(cast(str, originator_id)),
                    originator_version=version,
                    topic=topic,
                    state=state,
                ),
            )
            for position, originator_id, version, topic, state, recorded_at in rows
        ]

    def select_object_records(self, originator_id: UUID) -> list[Record]:
        """One object's events with their positions: reads of one object need no scan."""
        statement = (
            f"SELECT rowid AS position, {EVENT_COLUMNS}, recorded_at "
            f"FROM {self.events_table_name} WHERE originator_id = ? "
            "ORDER BY originator_version"
        )
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, (originator_id.hex,))
            return self._records(_tuples(c))

    def select_objects_records(self, originator_ids: Collection[UUID]) -> list[Record]:
        """Many objects' events with their positions, in a query per 900 ids (a bulk load
        asks after all of its receipts at once); by object, then version."""
        ids = sorted({originator_id.hex for originator_id in originator_ids})
        rows: list[RecordRow] = []
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(ids), POSITIONS_PER_QUERY):
                chunk = ids[start : start + POSITIONS_PER_QUERY]
                c.execute(
                    f"SELECT rowid AS position, {EVENT_COLUMNS}, recorded_at "
                    f"FROM {self.events_table_name} "
                    f"WHERE originator_id IN ({','.join('?' * len(chunk))}) "
                    "ORDER BY originator_id, originator_version",
                    chunk,
                )
                rows += _tuples(c)
        return self._records(rows)

    def _fetchone(self, statement: str, params: Sequence[Any] = ()) -> Any:
        with self.datastore.get_connection(commit=False) as connection, connection.cursor() as c:
            c.execute(statement, params)
            return c.fetchone()

    def _query(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        """One SELECT's rows as plain tuples, outside an explicit transaction: in autocommit
        mode a lone statement reads one snapshot by itself, and the library's BEGIN and
        ROLLBACK around it are two statements more for every object a command reads."""
        with self.datastore.get_connection(commit=False) as connection, connection.cursor() as c:
            c.row_factory = None
            c.execute(statement, params)
            return c.fetchall()

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        """The library's query (``repository.get`` reads an object by it), by ``_query``."""
        statement = self.select_events_statement
        wanted = originator_id.hex if isinstance(originator_id, UUID) else originator_id
        params: list[Any] = [wanted]
        if gt is not None:
            statement += "AND originator_version>? "
            params.append(gt)
        if lte is not None:
            statement += "AND originator_version<=? "
            params.append(lte)
        statement += f"ORDER BY originator_version {'DESC' if desc else 'ASC'} "
        if limit is not None:
            statement += "LIMIT ? "
            params.append(limit)
        convert = self.convert_originator_id
        return [
            StoredEvent(convert(found_id), version, topic, state)
            for found_id, version, topic, state in self._query(statement, params)
        ]

    def max_notification_id(self) -> int:
        return self._fetchone(self.select_max_notification_id_statement)[0]  # type: ignore[no-any-return]

    def recorded_at_of(self, position: int) -> datetime:
        recorded_at = self.frontier.recorded_at(position)
        if recorded_at is not None:  # just recorded through this recorder
            return recorded_at
        row = self._fetchone(
            f"SELECT recorded_at FROM {self.events_table_name} WHERE rowid = ?", (position,)
        )
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
        """The last position recorded by ``known_at``: recorded_at never decreases along
        positions, so the events recorded by then are a prefix of them, found by bisection."""
        text = format_instant(known_at)
        with self.datastore.transaction(commit=False) as c:
            c.execute(self.select_last_entry_statement)
            last = c.fetchone()
            if last is None:
                return 0
            if last["recorded_at"] <= text:
                return last[0]  # type: ignore[no-any-return]
            # Every row at or before ``known`` was recorded by then; none at or after ``not_yet``.
            known, not_yet = 0, last[0]
            while not_yet - known > 1:
                row = self._first_at_or_after(c, (known + not_yet) // 2, "recorded_at")
                if row is not None and row[0] < not_yet and row[1] <= text:
                    known = row[0]
                else:  # positions may have gaps (an imported ledger's): none known there
                    not_yet = (known + not_yet) // 2
            return known

    def _first_at_or_after(self, c: SQLiteCursor, position: int, column: str) -> Any:
        c.execute(
            f"SELECT rowid, {column} FROM {self.events_table_name} "
            "WHERE rowid >= ? ORDER BY rowid LIMIT 1",
            (position,),
        )
        return c.fetchone()

    def head(self) -> Head:
        row = self._fetchone(self.select_last_entry_statement)
        if row is None:
            return Head(position=0, tree_size=0, recorded_at=None)
        return Head(
            position=row[0],
            tree_size=row["leaf_index"] + 1,
            recorded_at=parse_instant(row["recorded_at"]),
        )

    # -- the tree ---------------------------------------------------------------

    def leaf_entry(self, position: int) -> LeafEntry | None:
        row = self._fetchone(
            f"SELECT rowid, leaf_index, leaf_hash FROM {self.events_table_name} WHERE rowid = ?",
            (position,),
        )
        return None if row is None else LeafEntry(row[0], row[1], row[2])

    def leaf_position(self, leaf_index: int) -> int | None:
        with self.datastore.transaction(commit=False) as c:
            return self._leaf_positions(c, [leaf_index]).get(leaf_index)

    def _leaf_positions(self, c: SQLiteCursor, leaves: Sequence[int]) -> dict[int, int]:
        """Where leaves are stored. Positions drawn here are dense, so leaf i is at position
        i + 1 (one query for them all); a ledger imported with gaps in its positions is
        bisected instead, as leaf indexes grow with the rowid."""
        c.execute(
            f"SELECT leaf_index, rowid FROM {self.events_table_name} "
            f"WHERE rowid IN ({','.join('?' * len(leaves))})",
            [leaf + 1 for leaf in leaves],
        )
        found: dict[int, int] = {
            leaf: position for leaf, position in c.fetchall() if position == leaf + 1
        }
        for leaf in leaves:
            if leaf not in found and (position := self._bisect_leaf(c, leaf)) is not None:
                found[leaf] = position
        return found

    def _bisect_leaf(self, c: SQLiteCursor, leaf_index: int) -> int | None:
        c.execute(f"SELECT MAX(rowid) FROM {self.events_table_name}")
        # The leaf is at or after position leaf_index + 1 (positions start at 1 and grow
        # by at least one per leaf), and every row after it holds a larger leaf index.
        low, high = leaf_index + 1, c.fetchone()[0]
        while high is not None and low <= high:
            middle = (low + high) // 2
            row = self._first_at_or_after(c, middle, "leaf_index")
            if row is not None and row[1] == leaf_index:
                return row[0]  # type: ignore[no-any-return]
            if row is not None and row[1] < leaf_index:
                low = row[0] + 1
            else:  # nothing at or after the middle, or a later leaf: look before it
                high = middle - 1
        return None

    def tree_nodes(self, keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
        with self.datastore.transaction(commit=False) as c:
            return self._tree_nodes(c, keys)

    def _tree_nodes(self, c: SQLiteCursor, keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
        def fetch(leaves: list[int]) -> list[tuple[int, bytes, bytes]]:
            positions = list(self._leaf_positions(c, leaves).values())
            c.execute(
                f"SELECT leaf_index, leaf_hash, nodes FROM {self.events_table_name} "
                f"WHERE rowid IN ({','.join('?' * len(positions))})",
                positions,
            )
            return _tuples(c)

        return read_nodes(keys, fetch)

    def scan_ledger(self, after: int, limit: int) -> list[LedgerRow]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT rowid, {EVENT_COLUMNS}, {ENTRY_COLUMNS} FROM {self.events_table_name} "
                "WHERE rowid > ? ORDER BY rowid LIMIT ?",
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
            with self._write_transaction() as c:
                yield SQLiteLoader(self, c)
        finally:
            self.frontier.forget()


class _ImmediateTransaction(SQLiteTransaction):
    """The library's transaction (commit, rollback, its error types), begun IMMEDIATE."""

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        return cursor


class SQLiteLoader:
    def __init__(self, recorder: LedgerSQLiteRecorder, cursor: SQLiteCursor):
        self.recorder = recorder
        self.c = cursor

    def is_empty(self) -> bool:
        for table in (self.recorder.events_table_name, CHECKPOINTS):
            self.c.execute(f"SELECT 1 FROM {table} LIMIT 1")
            if self.c.fetchone() is not None:
                return False
        return True

    def add(self, batch: Sequence[tuple[Entry, StoredEvent]], nodes: Sequence[bytes]) -> None:
        # Explicit rowids: positions are hashed into every leaf, so they must not change.
        entries = [entry for entry, _ in batch]
        self.recorder._insert_rows(self.c, [event for _, event in batch], entries, nodes)

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


def _tree_columns(entries: Sequence[Entry], nodes: Sequence[bytes]) -> list[tuple[Any, ...]]:
    """Each entry's columns; an insert's entries share one instant, formatted once."""
    columns = []
    instant, text = None, ""
    for e, completed in zip(entries, nodes, strict=True):
        if e.recorded_at != instant:
            instant, text = e.recorded_at, format_instant(e.recorded_at)
        columns.append((e.leaf_index, text, e.leaf_hash, completed))
    return columns


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
    tracking_recorder_class = LedgerSQLiteRecorder.forensic_view_class

    def __init__(self, env: Environment | EnvType | None):
        super().__init__(env)
        caching_statements(self.datastore)
