"""The PostgreSQL store: the library's recorder, extended with the ledger's Merkle tree.

Select it the library's way: ``PERSISTENCE_MODULE=store.postgres:Factory``. Entries
and tree nodes are written in the transaction that inserts the events, after the
insert lock is taken, so leaf indexes follow commit order.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import ProgrammingError, StoredEvent
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from psycopg import Cursor
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Composed, Identifier, Literal

from store.entries import Entry
from store.forensic_view import ForensicIndex, PostgresForensicView
from store.frontier import Frontier, LastEntry, ThreadInserts, read_nodes
from store.records import (
    Head,
    LeafEntry,
    LedgerRow,
    NodeKey,
    Record,
    RecordRow,
    StoredCheckpoint,
)

ENTRIES = "ledger_entries"
CHECKPOINTS = "ledger_checkpoints"

# recorded_at exactly as store.entries.format_instant writes it, so scans need no parsing.
INSTANT_TEXT = "to_char(l.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

# The key of the insert lock (see __init__): "ledger" in ASCII, then the table's oid.
LOCK_CLASS = 0x6C656467


class LedgerPostgresRecorder(PostgresApplicationRecorder):
    # This backend's forensic tables: the replays' index, and what the factory opens for
    # the projector (``Factory.tracking_recorder_class``).
    forensic_view_class = PostgresForensicView

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        if datastore.enable_db_functions:
            msg = "POSTGRES_ENABLE_DB_FUNCTIONS bypasses the ledger's insert lock and Merkle tree"
            raise ProgrammingError(msg)
        super().__init__(datastore, events_table_name=events_table_name)
        self.frontier = Frontier()
        self._inserts = ThreadInserts()
        self.schema = Identifier(self.datastore.schema)
        self.events = Identifier(self.events_table_name)
        self.sql_create_statements.extend(self._ledger_statements())
        # The library locks the events table IN EXCLUSIVE MODE, which PostgreSQL allows only
        # to roles holding UPDATE, DELETE or TRUNCATE (or, from 17, MAINTAIN) on it: the very
        # privileges the ledger revokes. A transaction-level advisory lock on the table's oid
        # gives the same order (every ledger recorder takes it before drawing a position and
        # holds it until commit), needs no privilege, and still honours lock_timeout. The
        # library's stock recorder does not take it, so it must never write this table.
        self.lock_table_statements = [
            self.lock_table_statements[0],  # SET LOCAL lock_timeout
            SQL("SELECT pg_advisory_xact_lock({cls}, {table}::regclass::oid::int)").format(
                cls=Literal(LOCK_CLASS), table=Literal(self.regclass)
            ),
        ]
        self.select_last_entry_statement = self._sql(
            "SELECT position, leaf_index, recorded_at, leaf_hash FROM {schema}.{entries} "
            "ORDER BY position DESC LIMIT 1"
        )
        self.insert_entries_statement = self._sql(
            "INSERT INTO {schema}.{entries} "
            "SELECT * FROM unnest(%b::bigint[], %b::bigint[], %b::timestamptz[], "
            "%b::bytea[], %b::bytea[])"
        )

    def forensic_index(self) -> ForensicIndex:
        """The forensic tables beside these events (ask ``reach`` how far they include)."""
        return self.forensic_view_class(self.datastore)

    @property
    def database_file(self) -> str | None:
        return None

    @property
    def regclass(self) -> str:
        """The events table's name as PostgreSQL parses a regclass, quoted."""
        return ".".join(
            '"{}"'.format(name.replace('"', '""'))
            for name in (self.datastore.schema, self.events_table_name)
        )

    def _sql(self, text: str) -> Composed:
        return SQL(text).format(
            schema=self.schema,
            entries=Identifier(ENTRIES),
            checkpoints=Identifier(CHECKPOINTS),
            events=self.events,
        )

    # -- schema -------------------------------------------------------------------

    def _ledger_statements(self) -> list[Composed]:
        statements = [
            self._sql(
                "CREATE TABLE IF NOT EXISTS {schema}.{entries} ("
                "position bigint PRIMARY KEY, "
                "leaf_index bigint NOT NULL UNIQUE, "
                "recorded_at timestamptz NOT NULL, "
                "leaf_hash bytea NOT NULL, "
                # The interior nodes this leaf completes, level 1 first (see store.frontier).
                "nodes bytea NOT NULL)"
            ),
            # No index on recorded_at (it would cost each insert a tenth of its throughput):
            # recorded_at never decreases along the leaves, so the last position recorded by
            # an instant is found by bisecting leaf indexes, in one call.
            self._sql(
                "CREATE OR REPLACE FUNCTION {schema}.ledger_position_known_at(known timestamptz) "
                "RETURNS bigint LANGUAGE plpgsql STABLE AS $$ "
                "DECLARE before bigint := -1; after bigint; middle bigint; "
                "at timestamptz; last_position bigint; "
                "BEGIN "
                "SELECT leaf_index, recorded_at, position INTO after, at, last_position "
                "FROM {schema}.{entries} ORDER BY position DESC LIMIT 1; "
                "IF after IS NULL THEN RETURN 0; END IF; "
                "IF at <= known THEN RETURN last_position; END IF; "
                "WHILE after - before > 1 LOOP "
                "middle := (before + after) / 2; "
                "SELECT recorded_at INTO at FROM {schema}.{entries} WHERE leaf_index = middle; "
                "IF at <= known THEN before := middle; ELSE after := middle; END IF; "
                "END LOOP; "
                "IF before < 0 THEN RETURN 0; END IF; "
                "RETURN (SELECT position FROM {schema}.{entries} WHERE leaf_index = before); "
                "END $$"
            ),
            self._sql(
                "CREATE TABLE IF NOT EXISTS {schema}.{checkpoints} ("
                "id bigserial PRIMARY KEY, "
                "tree_size bigint NOT NULL, "
                "root_hash bytea NOT NULL, "
                "timestamp timestamptz NOT NULL, "
                "note text NOT NULL, "
                "verifier_key text NOT NULL)"
            ),
            self._sql(
                "CREATE OR REPLACE FUNCTION {schema}.ledger_refuse_change() "
                "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'the ledger is append-only: % on % refused', "
                "TG_OP, TG_TABLE_NAME; END $$"
            ),
        ]
        for table_name in (self.events_table_name, ENTRIES, CHECKPOINTS):
            statements += self._append_only(Identifier(table_name))
        return statements

    def _append_only(self, table: Identifier) -> list[Composed]:
        """Append-only (V08): refuse UPDATE, DELETE and TRUNCATE, by trigger and by privilege.

        The triggers are ENABLE ALWAYS, so they fire even for sessions that set
        session_replication_role = replica. The privileges are revoked from PUBLIC
        and from the role creating the tables, normally the application's own. What
        remains possible, and why it is caught: the owner may still GRANT the
        privileges back and ALTER TABLE … DISABLE TRIGGER (rights that come with
        ownership and cannot be revoked), and a superuser bypasses privileges
        altogether. Neither can make the data agree with the leaf hashes, the stored
        tree and the signed checkpoints held outside the database, which is what
        `ledger verify` checks. In production the tables should be owned by a
        migration role, and the application should connect as a role granted only
        SELECT and INSERT.
        """
        statements = []
        for name, when, level in (
            ("ledger_append_only_row", "UPDATE OR DELETE", "ROW"),
            ("ledger_append_only_truncate", "TRUNCATE", "STATEMENT"),
        ):
            parts = {"trigger": Identifier(name), "schema": self.schema, "table": table}
            statements.append(
                SQL(
                    "CREATE OR REPLACE TRIGGER {trigger} BEFORE {when} ON {schema}.{table} "
                    "FOR EACH {level} EXECUTE FUNCTION {schema}.ledger_refuse_change()"
                ).format(when=SQL(when), level=SQL(level), **parts)
            )
            statements.append(
                SQL("ALTER TABLE {schema}.{table} ENABLE ALWAYS TRIGGER {trigger}").format(**parts)
            )
        statements.append(
            SQL(
                "REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.{table} FROM PUBLIC, CURRENT_USER"
            ).format(schema=self.schema, table=table)
        )
        return statements

    # -- the insert path ----------------------------------------------------------

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        self._inserts.pending = None
        positions = super().insert_events(stored_events, **kwargs)
        extension = self._inserts.pending
        if extension is not None:  # committed: the cached frontier may move on
            self.frontier.committed(extension)
        return positions

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if not positions:
            return positions
        last = self.frontier.known_last(positions[0])
        if last is None:  # another writer, a rolled-back insert, or our first insert
            last = self._last_entry(curs)
        extension = self.frontier.extend(
            last, positions, stored_events, lambda keys: self._tree_nodes(curs, keys)
        )
        self._write_tree(curs, extension.entries, extension.nodes)
        self._inserts.pending = extension
        return positions

    def _last_entry(self, curs: Cursor[Any]) -> LastEntry | None:
        cursor = curs.connection.cursor(row_factory=tuple_row)
        cursor.execute(self.select_last_entry_statement, prepare=True)
        row = cursor.fetchone()
        return None if row is None else LastEntry(*row)

    def _write_tree(
        self, curs: Cursor[Any], entries: Sequence[Entry], nodes: Sequence[bytes]
    ) -> None:
        curs.execute(
            self.insert_entries_statement,
            (
                [e.position for e in entries],
                [e.leaf_index for e in entries],
                [e.recorded_at for e in entries],
                [e.leaf_hash for e in entries],
                list(nodes),
            ),
            prepare=True,
        )

    # -- reads the rest of the ledger relies on ---------------------------------------

    def select_records(
        self, *, after: int = 0, upto: int | None = None, limit: int = 1000
    ) -> list[Record]:
        return _records(self.select_rows(after=after, upto=upto, limit=limit))

    def select_rows(
        self,
        *,
        after: int = 0,
        upto: int | None = None,
        limit: int = 1000,
        topics: Collection[str] = (),
    ) -> list[RecordRow]:
        statement = (
            "SELECT e.notification_id AS position, e.originator_id, e.originator_version, "
            "e.topic, e.state, l.recorded_at FROM {schema}.{events} e "
            "JOIN {schema}.{entries} l ON l.position = e.notification_id "
            "WHERE e.notification_id > %s "
        )
        params: list[Any] = [after]
        if upto is not None:
            statement += "AND e.notification_id <= %s "
            params.append(upto)
        if topics:
            statement += "AND e.topic = ANY(%s) "
            params.append(sorted(topics))
        statement += "ORDER BY e.notification_id LIMIT %s"
        params.append(limit)
        return self._all(statement, params, tuples=True)  # type: ignore[no-any-return]

    def select_rows_at(self, positions: Sequence[int]) -> list[RecordRow]:
        statement = (
            "SELECT e.notification_id AS position, e.originator_id, e.originator_version, "
            "e.topic, e.state, l.recorded_at FROM {schema}.{events} e "
            "JOIN {schema}.{entries} l ON l.position = e.notification_id "
            "WHERE e.notification_id = ANY(%s::bigint[]) ORDER BY e.notification_id"
        )
        return self._all(statement, [list(positions)], tuples=True)  # type: ignore[no-any-return]

    @staticmethod
    def recorded_at_in(row: RecordRow) -> datetime:
        return cast(datetime, row[5])

    def select_object_records(self, originator_id: UUID) -> list[Record]:
        """One object's events with their positions: reads of one object need no scan."""
        statement = (
            "SELECT e.notification_id AS position, e.originator_id, e.originator_version, "
            "e.topic, e.state, l.recorded_at FROM {schema}.{events} e "
            "JOIN {schema}.{entries} l ON l.position = e.notification_id "
            "WHERE e.originator_id = %s ORDER BY e.originator_version"
        )
        return _records(self._all(statement, [originator_id], tuples=True))

    def select_objects_records(self, originator_ids: Collection[UUID]) -> list[Record]:
        """Many objects' events with their positions, in one query (a bulk load asks after
        all of its receipts at once); by object, then version."""
        if not originator_ids:
            return []
        statement = (
            "SELECT e.notification_id AS position, e.originator_id, e.originator_version, "
            "e.topic, e.state, l.recorded_at FROM {schema}.{events} e "
            "JOIN {schema}.{entries} l ON l.position = e.notification_id "
            "WHERE e.originator_id = ANY(%s::uuid[]) "
            "ORDER BY e.originator_id, e.originator_version"
        )
        return _records(self._all(statement, [sorted(set(originator_ids))], tuples=True))

    def _all(self, statement: str, params: Sequence[Any] = (), *, tuples: bool = False) -> Any:
        """All rows; ``tuples`` for the whole-ledger scans: plain tuples, binary results
        (bytea arrives as bytes without hex decoding)."""
        with self.datastore.get_connection() as conn:
            curs: Cursor[Any] = conn.cursor(row_factory=tuple_row) if tuples else conn.cursor()
            curs.execute(self._sql(statement), params, prepare=True, binary=tuples)
            return curs.fetchall()

    def _one(self, statement: str, params: Sequence[Any] = ()) -> Any:
        rows = self._all(statement, params)
        return rows[0] if rows else None

    def recorded_at_of(self, position: int) -> datetime:
        recorded_at = self.frontier.recorded_at(position)
        if recorded_at is not None:  # just recorded through this recorder
            return recorded_at
        row = self._one(
            "SELECT recorded_at FROM {schema}.{entries} WHERE position = %s", [position]
        )
        if row is None:
            msg = f"no event at position {position}"
            raise LookupError(msg)
        return row["recorded_at"]  # type: ignore[no-any-return]

    def position_of(self, originator_id: UUID, originator_version: int) -> int | None:
        row = self._one(
            "SELECT notification_id FROM {schema}.{events} "
            "WHERE originator_id = %s AND originator_version = %s",
            [originator_id, originator_version],
        )
        return None if row is None else row["notification_id"]

    def position_known_at(self, known_at: datetime) -> int:
        """The last position recorded by ``known_at`` (see ledger_position_known_at)."""
        row = self._one("SELECT {schema}.ledger_position_known_at(%s) AS p", [known_at])
        return row["p"]  # type: ignore[no-any-return]

    def head(self) -> Head:
        row = self._one(
            "SELECT position, leaf_index, recorded_at FROM {schema}.{entries} "
            "ORDER BY position DESC LIMIT 1"
        )
        if row is None:
            return Head(position=0, tree_size=0, recorded_at=None)
        return Head(row["position"], row["leaf_index"] + 1, row["recorded_at"])

    # -- the tree ---------------------------------------------------------------

    def leaf_entry(self, position: int) -> LeafEntry | None:
        row = self._one(
            "SELECT position, leaf_index, leaf_hash FROM {schema}.{entries} WHERE position = %s",
            [position],
        )
        return None if row is None else LeafEntry(*row.values())

    def leaf_position(self, leaf_index: int) -> int | None:
        row = self._one(
            "SELECT position FROM {schema}.{entries} WHERE leaf_index = %s", [leaf_index]
        )
        return None if row is None else row["position"]

    def tree_nodes(self, keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
        with self.datastore.get_connection() as conn:
            return self._tree_nodes(conn.cursor(), keys)

    def _tree_nodes(self, curs: Cursor[Any], keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
        cursor = curs.connection.cursor(row_factory=tuple_row)

        def fetch(leaves: list[int]) -> list[tuple[int, bytes, bytes]]:
            cursor.execute(
                self._sql(
                    "SELECT leaf_index, leaf_hash, nodes FROM {schema}.{entries} "
                    "WHERE leaf_index = ANY(%s::bigint[])"
                ),
                (leaves,),
                prepare=True,
            )
            return cursor.fetchall()

        return read_nodes(keys, fetch)

    def scan_ledger(self, after: int, limit: int) -> list[LedgerRow]:
        return self._all(  # type: ignore[no-any-return]
            "SELECT e.notification_id, replace(e.originator_id::text, '-', ''), "
            "e.originator_version, e.topic, e.state, l.leaf_index, "
            f"{INSTANT_TEXT}, l.leaf_hash, l.nodes "
            "FROM {schema}.{events} e LEFT JOIN {schema}.{entries} l "
            "ON l.position = e.notification_id "
            "WHERE e.notification_id > %s ORDER BY e.notification_id LIMIT %s",
            [after, limit],
            tuples=True,
        )

    # -- checkpoints ---------------------------------------------------------------

    def insert_checkpoint(
        self, tree_size: int, root_hash: bytes, timestamp: datetime, note: str, verifier_key: str
    ) -> StoredCheckpoint:
        with self.datastore.transaction(commit=True) as curs:
            return self._insert_checkpoint(
                curs, tree_size, root_hash, timestamp, note, verifier_key
            )

    def _insert_checkpoint(
        self,
        curs: Cursor[Any],
        tree_size: int,
        root_hash: bytes,
        timestamp: datetime,
        note: str,
        verifier_key: str,
    ) -> StoredCheckpoint:
        curs.execute(
            self._sql(
                "INSERT INTO {schema}.{checkpoints} "
                "(tree_size, root_hash, timestamp, note, verifier_key) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING id"
            ),
            (tree_size, root_hash, timestamp, note, verifier_key),
        )
        row = curs.fetchone()
        assert row is not None
        return StoredCheckpoint(row["id"], tree_size, root_hash, timestamp, note, verifier_key)

    def select_checkpoints(self, *, after: int = 0, limit: int = 100) -> list[StoredCheckpoint]:
        rows = self._all(
            "SELECT * FROM {schema}.{checkpoints} WHERE id > %s ORDER BY id LIMIT %s",
            [after, limit],
        )
        return [_checkpoint(row) for row in rows]

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        row = self._one("SELECT * FROM {schema}.{checkpoints} ORDER BY id DESC LIMIT 1")
        return None if row is None else _checkpoint(row)

    # -- import ------------------------------------------------------------------------

    @contextmanager
    def loading(self) -> Iterator[PostgresLoader]:
        """One transaction for a whole import, under the insert lock: all of it, or nothing."""
        try:
            with self.datastore.get_connection() as conn, conn.transaction():
                curs = conn.cursor()
                self._lock_table(curs)
                loader = PostgresLoader(self, curs)
                yield loader
                loader.finish()
        finally:
            self.frontier.forget()


class PostgresLoader:
    def __init__(self, recorder: LedgerPostgresRecorder, curs: Cursor[DictRow]):
        self.recorder = recorder
        self.curs = curs

    def is_empty(self) -> bool:
        for table in (self.recorder.events_table_name, ENTRIES, CHECKPOINTS):
            self.curs.execute(
                SQL("SELECT 1 FROM {schema}.{table} LIMIT 1").format(
                    schema=self.recorder.schema, table=Identifier(table)
                )
            )
            if self.curs.fetchone() is not None:
                return False
        return True

    def add(self, batch: Sequence[tuple[Entry, StoredEvent]], nodes: Sequence[bytes]) -> None:
        # Explicit notification ids: positions are hashed into every leaf, so they must
        # not change; the sequence is moved past them in finish().
        self.curs.execute(
            self.recorder._sql(
                "INSERT INTO {schema}.{events} "
                "(notification_id, originator_id, originator_version, topic, state) "
                "SELECT * FROM unnest(%s::bigint[], %s::uuid[], %s::bigint[], %s::text[], "
                "%s::bytea[])"
            ),
            (
                [entry.position for entry, _ in batch],
                [entry.originator_id for entry, _ in batch],
                [e.originator_version for _, e in batch],
                [e.topic for _, e in batch],
                [e.state for _, e in batch],
            ),
        )
        self.recorder._write_tree(self.curs, [entry for entry, _ in batch], nodes)

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        self.recorder._insert_checkpoint(
            self.curs,
            checkpoint.tree_size,
            checkpoint.root_hash,
            checkpoint.timestamp,
            checkpoint.note,
            checkpoint.verifier_key,
        )

    def finish(self) -> None:
        self.curs.execute(
            self.recorder._sql(
                "SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), "
                "GREATEST(MAX(notification_id), 1), MAX(notification_id) IS NOT NULL) "
                "FROM {schema}.{events}"
            ),
            (self.recorder.regclass,),
        )


def _checkpoint(row: DictRow) -> StoredCheckpoint:
    return StoredCheckpoint(
        id=row["id"],
        tree_size=row["tree_size"],
        root_hash=bytes(row["root_hash"]),
        timestamp=row["timestamp"],
        note=row["note"],
        verifier_key=row["verifier_key"],
    )


class Factory(PostgresFactory):
    application_recorder_class = LedgerPostgresRecorder
    tracking_recorder_class = LedgerPostgresRecorder.forensic_view_class


def _records(rows: Sequence[RecordRow]) -> list[Record]:
    """Records from rows read as plain tuples with binary results (ids as ``UUID``,
    recorded_at as a datetime already)."""
    return [
        Record(
            position=position,
            recorded_at=cast(datetime, recorded_at),
            event=StoredEvent(
                originator_id=originator_id,
                originator_version=version,
                topic=topic,
                state=bytes(state),
            ),
        )
        for position, originator_id, version, topic, state, recorded_at in rows
    ]
