"""The PostgreSQL store: the library's recorder, extended with ledger entries.

Select it the library's way: ``PERSISTENCE_MODULE=store.postgres:Factory``. Entries are
written in the transaction that inserts the events, after the library has taken
its EXCLUSIVE lock on the events table, so leaf indexes follow commit order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from store.entries import make_entries, next_recorded_at
from store.records import Head, Record

ENTRIES = "ledger_entries"


class LedgerPostgresRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        self.entries = Identifier(ENTRIES)
        self.schema = Identifier(self.datastore.schema)
        self.events = Identifier(self.events_table_name)
        self.sql_create_statements.extend(self._entries_statements())

    def _sql(self, text: str) -> Any:
        return SQL(text).format(schema=self.schema, entries=self.entries, events=self.events)

    def _entries_statements(self) -> list[Any]:
        statements = [
            self._sql(
                "CREATE TABLE IF NOT EXISTS {schema}.{entries} ("
                "position bigint PRIMARY KEY, "
                "leaf_index bigint NOT NULL UNIQUE, "
                "originator_id uuid NOT NULL, "
                "originator_version bigint NOT NULL, "
                "recorded_at timestamptz NOT NULL, "
                "leaf_hash bytea NOT NULL)"
            ),
            self._sql(
                "CREATE INDEX IF NOT EXISTS ledger_entries_recorded_at "
                "ON {schema}.{entries} (recorded_at)"
            ),
            # Append-only (Art. 39(8)): refuse UPDATE, DELETE and TRUNCATE, even for
            # sessions that set session_replication_role (hence ENABLE ALWAYS).
            self._sql(
                "CREATE OR REPLACE FUNCTION {schema}.ledger_refuse_change() "
                "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'the ledger is append-only: % on % refused', "
                "TG_OP, TG_TABLE_NAME; END $$"
            ),
        ]
        for table_name in (self.events_table_name, ENTRIES):
            table = Identifier(table_name)
            for name, when in (("row", "UPDATE OR DELETE"), ("truncate", "TRUNCATE")):
                level = "ROW" if name == "row" else "STATEMENT"
                trigger = Identifier(f"{table_name}_append_only_{name}")
                statements.append(
                    SQL(
                        "CREATE OR REPLACE TRIGGER {trigger} BEFORE {when} ON {schema}.{table} "
                        "FOR EACH {level} EXECUTE FUNCTION {schema}.ledger_refuse_change()"
                    ).format(
                        trigger=trigger,
                        when=SQL(when),
                        level=SQL(level),
                        schema=self.schema,
                        table=table,
                    )
                )
                statements.append(
                    SQL("ALTER TABLE {schema}.{table} ENABLE ALWAYS TRIGGER {trigger}").format(
                        schema=self.schema, table=table, trigger=trigger
                    )
                )
        return statements

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if not positions:
            return positions
        curs.execute(
            self._sql(
                "SELECT leaf_index, recorded_at FROM {schema}.{entries} "
                "ORDER BY position DESC LIMIT 1"
            ),
            prepare=True,
        )
        last = curs.fetchone()
        first_leaf = 0 if last is None else last["leaf_index"] + 1
        previous = None if last is None else last["recorded_at"]
        recorded_at = next_recorded_at(datetime.now(UTC), previous)
        entries = make_entries(positions, stored_events, first_leaf, recorded_at)
        curs.execute(
            self._sql(
                "INSERT INTO {schema}.{entries} "
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::uuid[], "
                "%s::bigint[], %s::timestamptz[], %s::bytea[])"
            ),
            (
                [e.position for e in entries],
                [e.leaf_index for e in entries],
                [e.originator_id for e in entries],
                [e.originator_version for e in entries],
                [e.recorded_at for e in entries],
                [e.leaf_hash for e in entries],
            ),
            prepare=True,
        )
        return positions

    def select_records(
        self, *, after: int = 0, upto: int | None = None, limit: int = 1000
    ) -> list[Record]:
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
        statement += "ORDER BY e.notification_id LIMIT %s"
        params.append(limit)
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._sql(statement), params, prepare=True)
            return [
                Record(
                    position=row["position"],
                    recorded_at=row["recorded_at"],
                    event=StoredEvent(
                        originator_id=row["originator_id"],
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=bytes(row["state"]),
                    ),
                )
                for row in curs.fetchall()
            ]

    def _one(self, statement: str, params: Sequence[Any] = ()) -> DictRow | None:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._sql(statement), params, prepare=True)
            return curs.fetchone()

    def recorded_at_of(self, position: int) -> datetime:
        row = self._one(
            "SELECT recorded_at FROM {schema}.{entries} WHERE position = %s", [position]
        )
        if row is None:
            msg = f"no event at position {position}"
            raise LookupError(msg)
        return row["recorded_at"]

    def position_of(self, originator_id: UUID, originator_version: int) -> int | None:
        row = self._one(
            "SELECT notification_id FROM {schema}.{events} "
            "WHERE originator_id = %s AND originator_version = %s",
            [originator_id, originator_version],
        )
        return None if row is None else row["notification_id"]

    def position_known_at(self, known_at: datetime) -> int:
        row = self._one(
            "SELECT MAX(position) AS p FROM {schema}.{entries} WHERE recorded_at <= %s",
            [known_at],
        )
        return (row and row["p"]) or 0

    def head(self) -> Head:
        row = self._one(
            "SELECT position, leaf_index, recorded_at FROM {schema}.{entries} "
            "ORDER BY position DESC LIMIT 1"
        )
        if row is None:
            return Head(position=0, tree_size=0, recorded_at=None)
        return Head(row["position"], row["leaf_index"] + 1, row["recorded_at"])


class Factory(PostgresFactory):
    application_recorder_class = LedgerPostgresRecorder
