"""The forensic read model: SQL tables in the events' database, kept exactly once.

Each event's rows and the tracking position are written in one transaction (the
library's TrackingRecorder), so a runner killed midway resumes where it stopped:
no event applied twice, none skipped. One view class per backend; the backend's
factory names it (store/sqlite.py, store/postgres.py), so whatever selects the store
(``PERSISTENCE_MODULE``) selects its forensic tables too.

Replays ask the tables only through ``ForensicIndex``, which the ledger's recorder
offers (``LedgerRecorder.forensic_index``), beside the events they index.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias
from uuid import UUID

import orjson
from eventsourcing.persistence import PersistenceError, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder
from psycopg.sql import SQL, Composed

from domain.deadlines import ObligationKind
from store.entries import format_instant, parse_instant
from store.register_table import (
    BREACHES_INDEX,
    REGISTER_INDEXES,
    REGISTER_TABLES,
    RegisterFilter,
    RegisterQueries,
    RegisterWrites,
)

if TYPE_CHECKING:
    # Only the shapes of the rows, which projections extract from events: the store never
    # loads the layer above it.
    from projections.forensic_rows import DataUseRow, EventRow
    from projections.register_rows import RowChanges

EventRows: TypeAlias = "tuple[EventRow, Sequence[str], DataUseRow | None, RowChanges | None]"
"""What one event adds to the tables: its row, the resources it names, its use if any, and
what it changes in the register's rows."""

PROJECTION_NAME = "forensics"  # the runner's name: its settings' prefix, its tracking table's
TRACKING_TABLE = f"{PROJECTION_NAME}_tracking"  # as the library's factory names it

TABLES = {
    "forensic_events": (
        "position BIGINT PRIMARY KEY, recorded_at TEXT NOT NULL, occurred_at TEXT NOT NULL, "
        "lag_seconds BIGINT NOT NULL, originator_id TEXT NOT NULL, originator_version BIGINT, "
        "event_type TEXT NOT NULL, actor_person TEXT, actor_department TEXT, actor_role TEXT, "
        "command_id TEXT, payload TEXT, "
        # The latest occurred_at up to this position: it never decreases along positions,
        # so what occurred by an instant is a prefix of positions, the day after it, and the
        # events recorded later than that (``forensic_late``; see ``occurred_by``).
        "running_max TEXT"
    ),
    # The events that occurred more than LATE_LAG before one recorded ahead of them.
    "forensic_late": (
        "position BIGINT PRIMARY KEY, occurred_at TEXT NOT NULL, event_type TEXT NOT NULL"
    ),
    "forensic_refs": "position BIGINT NOT NULL, resource_id TEXT NOT NULL",
    "forensic_data_uses": (
        "position BIGINT PRIMARY KEY, use_id TEXT NOT NULL, resource_id TEXT NOT NULL, "
        "share_request_id TEXT, arrangement_id TEXT, department TEXT NOT NULL, "
        "provider TEXT NOT NULL, user_person TEXT NOT NULL, approver TEXT NOT NULL, "
        "purpose TEXT NOT NULL, data_content TEXT NOT NULL, obtained_at TEXT NOT NULL, "
        "method TEXT NOT NULL, medium TEXT NOT NULL, recipient TEXT, marks TEXT NOT NULL, "
        "recorded_at TEXT NOT NULL, occurred_at TEXT NOT NULL, "
        # The registered persons a use names (Art. 36), beside their names; None on uses
        # recorded before persons had ids.
        "user_person_id TEXT, approver_person_id TEXT"
    ),
}
# Columns a table gained after it was first laid out: a table made before gets them, filled
# from the payloads of the events its rows were made from; their indexes come after them,
# with the indexes added since (a table made before gets them when it is next opened).
ADDED_COLUMNS = {
    "forensic_data_uses": ("user_person_id", "approver_person_id"),
}
ADDED_INDEXES = [
    "forensic_data_uses (user_person_id, position)",
    "forensic_data_uses (approver_person_id, position)",
    "forensic_events (running_max, position)",
    BREACHES_INDEX,
]
PLAIN_CODE = re.compile(r"[A-Za-z0-9]+")
Naming = tuple[Sequence[str], Sequence[str]]
"""(payload fields, departments): events whose payload names every department in a field."""
# How much later than the latest event recorded before it an event may occur and still be
# found by the positions around its instant; those recorded later are kept apart.
LATE_LAG = timedelta(days=1)
INDEXES = [
    # Which events occurred by an instant: replays about the past as known now (replays/asof.py).
    "forensic_events (occurred_at, position)",
    "forensic_events (actor_person, position)",
    "forensic_events (event_type, position)",
    "forensic_refs (resource_id, position)",
    "forensic_late (occurred_at, position)",
    "forensic_data_uses (resource_id, position)",
    "forensic_data_uses (department, position)",
    "forensic_data_uses (user_person, position)",
    "forensic_data_uses (approver, position)",  # a person's trail: who used, or who approved
    "forensic_data_uses (obtained_at)",
]
# A resource's own events, by its id (``resource_history``). Data uses, nearly every event,
# are never an object whose history is asked by id, and their random ids made this the
# costliest index to write (half of an event row's insert at a million events): it keeps
# the other events only, and the query states the same condition so that it is used.
NOT_A_USE = "event_type <> 'DataUseRecorded'"
# Late entries (Art. 36) lag a working day or more: only the events recorded more than a day
# after they occurred are indexed by their lag (9% of the bench's million). Every event in
# an index of lags, which follow no order, was the costliest index the projector wrote (a
# third of an event row's insert); a query for less than a day's lag, which most events
# meet, reads the events in order instead.
INDEXED_LAG = 86_400
PARTIAL_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS forensic_events_originator_id_not_use_idx "
    f"ON {{t}}forensic_events (originator_id) WHERE {NOT_A_USE}",
    f"CREATE INDEX IF NOT EXISTS forensic_events_lag_seconds_late_idx "
    f"ON {{t}}forensic_events (lag_seconds) WHERE lag_seconds > {INDEXED_LAG}",
]
REPLACED_INDEXES = ["forensic_events_originator_id_idx", "forensic_events_lag_seconds_idx"]
# A data use without a mark, left out of the events a fold of marked uses reads (``e``: the
# events' or the late events' table; every use has its use row, written with its event).
UNMARKED_USE = (
    "AND NOT (e.event_type = 'DataUseRecorded' AND EXISTS (SELECT 1 FROM {t}forensic_data_uses "
    "AS u WHERE u.position = e.position AND u.marks = '')) "
)  # by the partial one, when opened
EVENT_COLUMNS = (
    "position",
    "recorded_at",
    "occurred_at",
    "lag_seconds",
    "originator_id",
    "originator_version",
    "event_type",
    "actor_person",
    "actor_department",
    "actor_role",
    "command_id",
    "payload",
    "running_max",
)


def _statements(prefix: str) -> list[str]:
    tables = {**TABLES, **REGISTER_TABLES}
    statements = [
        f"CREATE TABLE IF NOT EXISTS {prefix}{name} ({columns})" for name, columns in tables.items()
    ]
    partial = [statement.replace("{t}", prefix) for statement in PARTIAL_INDEXES]
    return statements + _indexes(prefix, [*INDEXES, *REGISTER_INDEXES]) + partial


def _indexes(prefix: str, indexes: Sequence[str]) -> list[str]:
    statements = []
    for index in indexes:
        table, columns = index.split(" ", 1)
        name = f"{table}_{columns.strip('()').replace(', ', '_')}_idx"
        statements.append(f"CREATE INDEX IF NOT EXISTS {name} ON {prefix}{table} {columns}")
    return statements


# A use's row as the projection makes it (projections/forensic_rows.DataUseRow), in order,
# then the event's two instants.
USE_ROW_FIELDS = (
    "position",
    "use_id",
    "resource_id",
    "share_request_id",
    "arrangement_id",
    "department",
    "provider",
    "user_person",
    "approver",
    "user_person_id",
    "approver_person_id",
    "purpose",
    "data_content",
    "obtained_at",
    "method",
    "medium",
    "recipient",
    "marks",
)
USE_OBTAINED_AT = USE_ROW_FIELDS.index("obtained_at")
USE_VALUES = attrgetter(*USE_ROW_FIELDS)
# The columns that keep an id, as 32 hex digits (answers give them back as UUIDs).
USE_ID_COLUMNS = (
    "use_id",
    "resource_id",
    "share_request_id",
    "arrangement_id",
    "user_person_id",
    "approver_person_id",
)
USE_COLUMNS = (*USE_ROW_FIELDS, "recorded_at", "occurred_at")
REF_COLUMNS = ("position", "resource_id")
LATE_COLUMNS = ("position", "occurred_at", "event_type")


@dataclass(frozen=True)
class _BatchRows:
    """A batch's rows for each table, made before its transaction, and the latest
    occurred_at once they are written."""

    events: list[list[Any]]
    refs: list[list[Any]]
    late: list[list[Any]]
    uses: list[list[Any]]
    register: RegisterWrites | None
    latest: str | None


class ForensicQueries(RegisterQueries):
    """The reads investigators make; the same SQL on both backends."""

    datastore: Any
    placeholder: str
    prefix: str
    # Events' positions and recorded_at, for a range of positions, in the recorder's tables.
    recorded_at_statement: str

    def _storable(self, value: Any) -> Any:
        """A value as the backend's text column can hold it (as is, but on PostgreSQL)."""
        return value

    def _storable_rows(self, rows: list[list[Any]]) -> list[list[Any]]:
        """Rows as ``_storable`` makes each value. What it changes is a NUL, which almost
        no row holds, and a Python call a value cost a sixth of a catch-up: the rows are
        looked at once as JSON, which writes a NUL as \\u0000 (a text that spells out
        "\\u0000" is looked at value by value too, and kept as is)."""
        try:
            clean = b"\\u0000" not in orjson.dumps(rows)
        except TypeError:  # a value JSON does not write
            clean = False
        return rows if clean else [[self._storable(value) for value in row] for row in rows]

    def _columns_of(self, cursor: Any, table: str) -> set[str]:
        raise NotImplementedError

    def _lock_for_upgrade(self, cursor: Any) -> None:
        """Hold off other processes opening the tables while this one upgrades them (each
        API worker and the projector opens them; one upgrades, the others then find it
        done). SQLite's one writer needs nothing more."""

    def _json_text(self, column: str, key: str) -> str:
        """SQL for a text field of a JSON column."""
        raise NotImplementedError

    def _upgrade(self) -> None:
        """Bring tables laid out before a column was added up to the layout: the column,
        filled from the payloads of the events the rows were made from, and its index."""
        with self.datastore.transaction(commit=True) as cursor:
            self._lock_for_upgrade(cursor)
            for table, columns in ADDED_COLUMNS.items():
                present = self._columns_of(cursor, table)
                for column in (c for c in columns if c not in present):
                    cursor.execute(self._sql(f"ALTER TABLE {{t}}{table} ADD COLUMN {column} TEXT"))
                    # The payload keeps a UUID with hyphens; the column, 32 hex digits.
                    cursor.execute(
                        self._sql(
                            f"UPDATE {{t}}{table} AS u SET {column} = (SELECT replace("
                            f"{self._json_text('e.payload', column)}, '-', '') "
                            "FROM {t}forensic_events AS e WHERE e.position = u.position)"
                        )
                    )
            if "running_max" not in self._columns_of(cursor, "forensic_events"):
                self._add_running_max(cursor)
            for statement in _indexes(self.prefix, ADDED_INDEXES):
                cursor.execute(statement)
            for statement in PARTIAL_INDEXES:
                cursor.execute(self._sql(statement))
            for index in REPLACED_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {self.prefix}{index}")

    def _add_running_max(self, cursor: Any) -> None:
        """Tables made before ``running_max``: it and the late events, from the rows in
        order of position (a pass over the table, once)."""
        cursor.execute(self._sql("ALTER TABLE {t}forensic_events ADD COLUMN running_max TEXT"))
        cursor.execute(
            self._sql(
                "SELECT position, occurred_at, event_type FROM {t}forensic_events ORDER BY position"
            )
        )
        running = _Running(None)
        maxima, late = [], []
        for row in cursor.fetchall():
            position, occurred, event_type = (
                (row["position"], row["occurred_at"], row["event_type"])
                if isinstance(row, dict)
                else row
            )
            occurred_at = _instant(occurred)
            if running.late(occurred_at):
                late.append([position, occurred, event_type])
            maxima.append([running.passed(occurred_at, occurred), position])
        cursor.executemany(
            self._sql("UPDATE {t}forensic_events SET running_max = ? WHERE position = ?"), maxima
        )
        if late:
            cursor.executemany(self._sql("INSERT INTO {t}forensic_late VALUES (?, ?, ?)"), late)

    def reach(self, application_name: str, upto: int) -> int:
        """The last position, at most ``upto``, that the tables include (0 where the
        database keeps none: they are derived data, made by the projector)."""
        try:
            return min(self.max_tracking_id(application_name) or 0, upto)  # type: ignore[attr-defined]
        except PersistenceError:  # no forensic tables in this database
            return 0

    def _sql(self, text: str) -> str:
        return text.replace("{t}", self.prefix).replace("?", self.placeholder)

    def _rows(self, text: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self._sql(text), list(params))
            return [dict(row) for row in cursor.fetchall()]

    def _positions(self, text: str, params: Sequence[Any]) -> list[int]:
        """A query's ``position`` column: thousands of them for a report's fold, not worth
        a dict each."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self._sql(text), list(params))
            return [row["position"] for row in cursor.fetchall()]

    def record_batch(self, tracking: Tracking, batch: Sequence[EventRows]) -> None:
        """Write events' rows and the tracking position of the last of them atomically,
        one statement per table for the whole batch. The rows are made before the
        transaction opens, so that it holds SQLite's one write lock (and a PostgreSQL
        transaction) for the statements alone: made inside it, a catch-up batch's
        Python kept every command waiting on the lock, and on a busy machine ran past
        PostgreSQL's limit on a transaction left idle, which ends the session."""
        rows = self._batch_rows(batch) if batch else None
        with self.datastore.transaction(commit=True) as cursor:
            # Tracking first: on SQLite a transaction that reads before it writes cannot
            # wait for the write lock (SQLITE_BUSY at once); writing first waits its turn.
            self._insert_tracking(cursor, tracking)  # type: ignore[attr-defined]
            if rows is None:
                return
            self._insert(cursor, "forensic_events", EVENT_COLUMNS, rows.events)
            if rows.refs:
                self._insert(cursor, "forensic_refs", REF_COLUMNS, rows.refs)
            if rows.late:
                self._insert(cursor, "forensic_late", LATE_COLUMNS, rows.late)
            if rows.uses:
                self._insert(cursor, "forensic_data_uses", USE_COLUMNS, rows.uses)
            if rows.register is not None:
                self.write_register(cursor, rows.register)
        self._latest = rows.latest  # written: the next batch goes on from it

    def _batch_rows(self, batch: Sequence[EventRows]) -> _BatchRows:
        """The tables' rows for a batch; what they need of the database (when events not
        read with their row were recorded, the latest occurred_at written) is read in a
        transaction of its own, of committed rows only this projector writes."""
        unread = [row.position for row, _, _, _ in batch if row.recorded_at is None]
        recorded: dict[int, tuple[datetime, str]] = {}
        latest = self._latest
        if unread or latest is None:  # live on SQLite, neither: no transaction a batch
            with self.datastore.transaction(commit=False) as cursor:
                recorded = self._recorded_at(cursor, unread) if unread else {}
                latest = self._latest_occurred(cursor)
        running = _Running(latest)
        events: list[list[Any]] = []
        late: list[list[Any]] = []
        refs: list[list[Any]] = []
        uses: list[list[Any]] = []
        changed = [(row.position, changes) for row, _, _, changes in batch if changes]
        for row, named, use, _ in batch:
            position = row.position
            recorded_at, recorded_text = (
                recorded[position] if row.recorded_at is None else _both(row.recorded_at)
            )
            occurred_at = row.occurred_at
            occurred = format_instant(occurred_at)
            if running.late(occurred_at):
                late.append([position, occurred, row.event_type])
            events.append(
                [
                    position,
                    recorded_text,
                    occurred,
                    int((recorded_at - occurred_at).total_seconds()),
                    row.originator_id,
                    row.originator_version,
                    row.event_type,
                    row.actor_person,
                    row.actor_department,
                    row.actor_role,
                    row.command_id,
                    row.payload,
                    running.passed(occurred_at, occurred),
                ]
            )
            if named:
                refs.extend([position, resource_id] for resource_id in named)
            if use is not None:
                values = list(USE_VALUES(use))  # one call, not a getattr a field
                values[USE_OBTAINED_AT] = format_instant(use.obtained_at)
                values += (recorded_text, occurred)
                uses.append(values)
        return _BatchRows(
            events=self._storable_rows(events),
            refs=refs,
            late=late,
            uses=self._storable_rows(uses),
            register=self.register_writes(changed) if changed else None,
            latest=running.latest,
        )

    _latest: str | None = None  # the latest occurred_at written by this view, once read

    def _insert(
        self, cursor: Any, table: str, columns: Sequence[str], rows: list[list[Any]]
    ) -> None:
        """Rows into a table in one statement for all of them."""
        marks = ", ".join("?" for _ in columns)
        cursor.executemany(
            self._sql(f"INSERT INTO {{t}}{table} ({', '.join(columns)}) VALUES ({marks})"), rows
        )

    def _latest_occurred(self, cursor: Any) -> str | None:
        """The latest occurred_at the tables hold (the running maximum at their last row):
        read once, then kept as this view writes (one projector writes the tables)."""
        if self._latest is None:
            cursor.execute(self._sql("SELECT MAX(occurred_at) AS latest FROM {t}forensic_events"))
            found = cursor.fetchone()
            latest = found["latest"] if isinstance(found, dict) else (found[0] if found else None)
            self._latest = None if latest is None else str(latest)
        return self._latest

    def _recorded_at(
        self, cursor: Any, positions: Sequence[int]
    ) -> dict[int, tuple[datetime, str]]:
        """When each position was recorded, and that instant as the tables write it, in one
        range read of the recorder's table."""
        cursor.execute(self._sql(self.recorded_at_statement), [min(positions), max(positions)])
        found = {}
        for row in cursor.fetchall():
            position, recorded_at = (
                (row["position"], row["recorded_at"]) if isinstance(row, dict) else row
            )
            found[position] = _both(recorded_at)
        return found

    def _events(self, where: str, params: Sequence[Any], page: Page) -> list[dict[str, Any]]:
        """Events matching ``where`` as the ledger knew them at the page's instant."""
        return self._rows(
            f"SELECT * FROM {{t}}forensic_events WHERE {where} AND position > ? "
            "AND recorded_at <= ? AND occurred_at <= ? ORDER BY position LIMIT ?",
            [
                *params,
                page.after,
                format_instant(page.known_at),
                format_instant(page.at),
                page.limit,
            ],
        )

    def in_order_by(self, at: datetime, upto: int) -> int:
        """The last position, at most ``upto``, up to which every event occurred by ``at``
        (the running maximum never decreases along positions: one index lookup)."""
        rows = self._rows(
            "SELECT position FROM {t}forensic_events WHERE running_max <= ? "
            "ORDER BY running_max DESC, position DESC LIMIT 1",
            [format_instant(at)],
        )
        return min(rows[0]["position"], upto) if rows else 0

    def occurred_by(
        self,
        after: int,
        upto: int,
        at: datetime,
        event_types: Sequence[str],
        *,
        marked_uses_only: bool = False,
    ) -> list[int]:
        """Positions in (after, upto] of the events of these types that occurred by ``at``:
        every one up to the last position where all had (``running_max`` <= at), those
        of the positions after it, up to where the latest recorded occurred LATE_LAG after
        ``at``, that occurred by it, and beyond that the late ones that did.
        ``marked_uses_only``: of the data uses, only those with a mark (a fold that the
        others leave as it is: nearly every use, which it need not read to skip)."""
        marks = ", ".join("?" for _ in event_types)
        unmarked = "" if not marked_uses_only else UNMARKED_USE
        every = max(after, self.in_order_by(at, upto))
        near = max(every, self.in_order_by(at + LATE_LAG, upto))
        when = format_instant(at)
        return self._positions(
            "SELECT position FROM {t}forensic_events AS e "
            f"WHERE position > ? AND position <= ? AND event_type IN ({marks}) {unmarked}"
            "UNION ALL SELECT position FROM {t}forensic_events AS e "
            f"WHERE position > ? AND position <= ? AND event_type IN ({marks}) {unmarked}"
            "AND occurred_at <= ? "
            "UNION ALL SELECT position FROM {t}forensic_late AS e WHERE occurred_at <= ? "
            f"AND position > ? AND position <= ? AND event_type IN ({marks}) {unmarked}"
            "ORDER BY position",
            [
                *(after, every, *event_types),
                *(every, near, *event_types, when),
                *(when, near, upto, *event_types),
            ],
        )

    def earliest_occurred_at(self) -> datetime | None:
        """When the first fact on the record happened: where a time bar over the ledger starts."""
        rows = self._rows("SELECT MIN(occurred_at) AS first FROM {t}forensic_events", [])
        first = rows[0]["first"] if rows else None
        return None if first is None else _instant(first)

    def resource_history(self, resource_id: UUID, page: Page) -> list[dict[str, Any]]:
        # One set of positions from three indexes: written as "originator_id = ? OR position
        # IN (…)", PostgreSQL walked the whole primary key instead (0.4 s at 1M events). A
        # use names its resource in its use row only (tables made before also in refs).
        return self._events(
            "position IN (SELECT position FROM {t}forensic_events WHERE originator_id = ? "
            f"AND {NOT_A_USE} "
            "UNION SELECT position FROM {t}forensic_refs WHERE resource_id = ? "
            "UNION SELECT position FROM {t}forensic_data_uses WHERE resource_id = ?)",
            [resource_id.hex, resource_id.hex, resource_id.hex],
            page,
        )

    def actor_trail(
        self, person: str, page: Page, since: datetime | None, until: datetime | None
    ) -> list[dict[str, Any]]:
        return self._events(
            "actor_person = ? " + _window("occurred_at", since, until),
            [person, *_window_params(since, until)],
            page,
        )

    def person_trail(
        self, person: PersonKey, page: Page, since: datetime | None, until: datetime | None
    ) -> list[dict[str, Any]]:
        """What one registered person did: the events recorded with them as actor (actors are
        recorded by name, within their department), and the uses naming them by id as the
        user or the approver of the data (Art. 36)."""
        person_id = person.person_id.hex
        return self._events(
            "position IN (SELECT position FROM {t}forensic_events "
            "WHERE actor_person = ? AND actor_department = ? "
            "UNION SELECT position FROM {t}forensic_data_uses WHERE user_person_id = ? "
            "UNION SELECT position FROM {t}forensic_data_uses WHERE approver_person_id = ?) "
            + _window("occurred_at", since, until),
            [person.name, person.department, person_id, person_id, *_window_params(since, until)],
            page,
        )

    def events_of_type(
        self, event_types: Sequence[str], page: Page, naming: Naming | None = None
    ) -> list[dict[str, Any]]:
        """Events of the types; ``naming``: only those whose payload names each of the
        departments in one of the fields (a department's share requests out of a
        province's, found in the database instead of decoding every payload)."""
        marks = ", ".join("?" for _ in event_types)
        where, params = f"event_type IN ({marks})", list(event_types)
        if naming is not None:
            fields, departments = naming
            for department in departments:
                if PLAIN_CODE.fullmatch(department):
                    # A code of letters and digits is written as it is in the JSON text:
                    # a text match first, so that few payloads are parsed.
                    where += " AND payload LIKE ?"
                    params.append(f'%"{department}"%')
                named = " OR ".join(f"{self._json_text('payload', f)} = ?" for f in fields)
                where += f" AND ({named})"
                params += [department] * len(fields)
        return self._events(where, params, page)

    def lagging(self, min_lag_seconds: int, page: Page) -> list[dict[str, Any]]:
        if min_lag_seconds >= INDEXED_LAG:  # stated as the partial index is, so it is used
            return self._events(
                f"lag_seconds > {INDEXED_LAG} AND lag_seconds > ?", [min_lag_seconds], page
            )
        return self._events("lag_seconds > ?", [min_lag_seconds], page)

    def data_uses(self, filters: UseFilters, page: Page) -> list[dict[str, Any]]:
        """Art. 36 records, by resource, using department, person and when obtained."""
        where, params = (
            ["position > ?", "recorded_at <= ?", "occurred_at <= ?"],
            [
                page.after,
                format_instant(page.known_at),
                format_instant(page.at),
            ],
        )
        for column, value in (
            ("resource_id", filters.resource_id.hex if filters.resource_id else None),
            ("department", filters.department),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if filters.person is not None:
            where.append("(user_person = ? OR approver = ?)")
            params.extend([filters.person, filters.person])
        if filters.person_id is not None:
            where.append("(user_person_id = ? OR approver_person_id = ?)")
            params.extend([filters.person_id.hex, filters.person_id.hex])
        if filters.since is not None:
            where.append("obtained_at >= ?")
            params.append(format_instant(filters.since))
        if filters.until is not None:
            where.append("obtained_at <= ?")
            params.append(format_instant(filters.until))
        if filters.marks:
            any_mark = " OR ".join("(',' || marks || ',') LIKE ?" for _ in filters.marks)
            where.append(f"({any_mark})")
            params.extend(f"%,{mark},%" for mark in filters.marks)
        return self._rows(
            f"SELECT * FROM {{t}}forensic_data_uses WHERE {' AND '.join(where)} "
            "ORDER BY position LIMIT ?",
            [*params, page.limit],
        )


@dataclass(frozen=True)
class UseFilters:
    resource_id: UUID | None = None
    department: str | None = None
    person: str | None = None  # who used the data, or who approved it
    since: datetime | None = None
    until: datetime | None = None
    marks: tuple[str, ...] = ()  # DataUseMark codes: uses with any of them
    person_id: UUID | None = None  # the registered person who used, or who approved


@dataclass(frozen=True)
class PersonKey:
    """A registered person as the tables find them: by id where a record names the id, by
    name within the department where it names the actor."""

    person_id: UUID
    name: str
    department: str


@dataclass(frozen=True)
class Page:
    """Which slice of the record a query reads: after a position, as known at an instant."""

    after: int
    limit: int
    at: datetime
    known_at: datetime


class _Running:
    """The latest occurred_at (as stored text) along positions, and which events are late:
    they occurred more than LATE_LAG before it. Instants are compared as datetimes (the
    text, fixed-width, orders the same): a catch-up asks this of every event."""

    def __init__(self, latest: str | None) -> None:
        self.latest = latest
        self._bound = None if latest is None else parse_instant(latest) - LATE_LAG

    def late(self, occurred: datetime) -> bool:
        return self._bound is not None and occurred < self._bound

    def passed(self, occurred: datetime, text: str) -> str:
        """The running maximum once ``occurred`` (``text`` as stored) is passed."""
        if self.latest is None or text > self.latest:
            self.latest = text
            self._bound = occurred - LATE_LAG
        return self.latest


def _window(column: str, since: datetime | None, until: datetime | None) -> str:
    return (f"AND {column} >= ? " if since else "") + (f"AND {column} <= ? " if until else "")


def _window_params(since: datetime | None, until: datetime | None) -> list[str]:
    return [format_instant(t) for t in (since, until) if t is not None]


def _both(recorded_at: datetime | str) -> tuple[datetime, str]:
    """An instant as a datetime and as the tables' text, from either."""
    if isinstance(recorded_at, datetime):
        return recorded_at, format_instant(recorded_at)
    return parse_instant(recorded_at), recorded_at  # stored as the text itself


def _instant(value: Any) -> datetime:
    return value if isinstance(value, datetime) else parse_instant(value)


class SQLiteForensicView(ForensicQueries, SQLiteTrackingRecorder):
    placeholder = "?"

    def _storable_rows(self, rows: list[list[Any]]) -> list[list[Any]]:
        return rows  # SQLite's text holds any value the rows carry

    prefix = ""
    recorded_at_statement = (
        "SELECT rowid AS position, recorded_at FROM stored_events WHERE rowid BETWEEN ? AND ?"
    )

    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *_statements("")]

    def create_table(self) -> None:
        super().create_table()
        self._upgrade()

    def _insert(
        self, cursor: Any, table: str, columns: Sequence[str], rows: list[list[Any]]
    ) -> None:
        # One statement for the batch, whose rows SQLite reads from one JSON array itself:
        # executemany binds each row in Python and takes the interpreter's lock back after
        # each, and a projector catching up spent more time waiting for it than inserting
        # (it caught up 28% faster so). A value JSON does not write takes executemany.
        try:
            batch = orjson.dumps(rows)
        except TypeError:
            super()._insert(cursor, table, columns, rows)
            return
        values = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(columns)))
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} FROM json_each(?)",
            [batch],
        )

    def _columns_of(self, cursor: Any, table: str) -> set[str]:
        cursor.execute(f"PRAGMA table_info({table})")
        return {row[1] for row in cursor.fetchall()}

    def _json_text(self, column: str, key: str) -> str:
        return f"json_extract({column}, '$.{key}')"


class PostgresForensicView(ForensicQueries, PostgresTrackingRecorder):
    placeholder = "%s"

    def _storable(self, value: Any) -> Any:
        # PostgreSQL text cannot hold NUL. The edge refuses it now, but an event the ledger
        # accepted stays (older ledgers, imports), and the read model must not stop on it:
        # its NULs read as U+FFFD, the replacement character; the event itself is intact.
        return value.replace("\x00", "\ufffd") if isinstance(value, str) else value

    recorded_at_statement = (
        "SELECT position, recorded_at FROM {t}ledger_entries WHERE position BETWEEN ? AND ?"
    )

    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        tracking_table_name: str = TRACKING_TABLE,
        **kwargs: Any,
    ) -> None:
        super().__init__(datastore, tracking_table_name=tracking_table_name, **kwargs)
        self.prefix = f'"{datastore.schema}".'
        self.sql_create_statements.extend(Composed([SQL(s)]) for s in _statements(self.prefix))

    def create_table(self) -> None:
        super().create_table()
        self._upgrade()

    def _lock_for_upgrade(self, cursor: Any) -> None:
        cursor.execute(f"LOCK TABLE {self.prefix}forensic_events IN SHARE ROW EXCLUSIVE MODE")

    def _insert(
        self, cursor: Any, table: str, columns: Sequence[str], rows: list[list[Any]]
    ) -> None:
        # COPY: the server parses one stream for the batch, not a statement a row (the
        # projector's writer waited on the server for most of its time with executemany).
        with cursor.copy(f"COPY {self.prefix}{table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def _columns_of(self, cursor: Any, table: str) -> set[str]:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s",
            [self.datastore.schema, table],
        )
        return {row["column_name"] for row in cursor.fetchall()}

    def _json_text(self, column: str, key: str) -> str:
        return f"({column}::jsonb ->> '{key}')"


ForensicView: TypeAlias = SQLiteForensicView | PostgresForensicView
"""The forensic tables: their queries, and the library's tracking of what they include."""


class ForensicIndex(Protocol):
    """What replays ask the forensic tables: which events occurred by an instant, which
    created objects of a kind, and how far the tables reach. They may be absent or behind
    the log: a replay uses them up to ``reach`` and reads the log after it."""

    def reach(self, application_name: str, upto: int) -> int: ...

    def occurred_by(
        self,
        after: int,
        upto: int,
        at: datetime,
        event_types: Sequence[str],
        *,
        marked_uses_only: bool = False,
    ) -> list[int]: ...

    def events_of_type(
        self, event_types: Sequence[str], page: Page, naming: Naming | None = None
    ) -> list[dict[str, Any]]: ...

    def register_rows_at(
        self, at: datetime, position: int, *, department: str | None = None
    ) -> list[dict[str, Any]] | None: ...

    def register_page(
        self, at: datetime, position: int, wanted: RegisterFilter, limit: int
    ) -> list[dict[str, Any]] | None: ...

    def register_breaches(
        self, at: datetime, position: int, kinds: Sequence[ObligationKind]
    ) -> dict[tuple[str, ObligationKind], int] | None: ...

    def register_breaches_each(
        self, instants: Sequence[tuple[datetime, int]], kinds: Sequence[ObligationKind]
    ) -> list[dict[tuple[str, ObligationKind], int]] | None: ...
