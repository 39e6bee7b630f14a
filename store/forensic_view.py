"""The forensic read model: SQL tables in the events' database, kept exactly once.

Each event's rows and the tracking position are written in one transaction (the
library's TrackingRecorder), so a runner killed midway resumes where it stopped:
no event applied twice, none skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder
from psycopg.sql import SQL, Composed

from store.entries import format_instant, parse_instant

if TYPE_CHECKING:
    # Only the shapes of the rows, which projections extract from events: the store never
    # loads the layer above it.
    from projections.forensics import DataUseRow, EventRow

EventRows: TypeAlias = "tuple[EventRow, Sequence[UUID], DataUseRow | None]"
"""What one event adds to the tables: its row, the resources it names, its use if any."""

PROJECTION_NAME = "forensics"  # the runner's name: its settings' prefix, its tracking table's

TABLES = {
    "forensic_events": (
        "position BIGINT PRIMARY KEY, recorded_at TEXT NOT NULL, occurred_at TEXT NOT NULL, "
        "lag_seconds BIGINT NOT NULL, originator_id TEXT NOT NULL, originator_version BIGINT, "
        "event_type TEXT NOT NULL, actor_person TEXT, actor_department TEXT, actor_role TEXT, "
        "command_id TEXT, payload TEXT"
    ),
    "forensic_refs": "position BIGINT NOT NULL, resource_id TEXT NOT NULL",
    "forensic_data_uses": (
        "position BIGINT PRIMARY KEY, use_id TEXT NOT NULL, resource_id TEXT NOT NULL, "
        "share_request_id TEXT, arrangement_id TEXT, department TEXT NOT NULL, "
        "provider TEXT NOT NULL, user_person TEXT NOT NULL, approver TEXT NOT NULL, "
        "purpose TEXT NOT NULL, data_content TEXT NOT NULL, obtained_at TEXT NOT NULL, "
        "method TEXT NOT NULL, medium TEXT NOT NULL, recipient TEXT, marks TEXT NOT NULL, "
        "recorded_at TEXT NOT NULL, occurred_at TEXT NOT NULL"
    ),
}
INDEXES = [
    "forensic_events (originator_id)",
    # Which events occurred by an instant: replays about the past as known now (replays/asof.py).
    "forensic_events (occurred_at, position)",
    "forensic_events (actor_person, position)",
    "forensic_events (event_type, position)",
    "forensic_events (lag_seconds)",
    "forensic_refs (resource_id, position)",
    "forensic_data_uses (resource_id, position)",
    "forensic_data_uses (department, position)",
    "forensic_data_uses (user_person, position)",
    "forensic_data_uses (approver, position)",  # a person's trail: who used, or who approved
    "forensic_data_uses (obtained_at)",
]
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
)


def _statements(prefix: str) -> list[str]:
    statements = [
        f"CREATE TABLE IF NOT EXISTS {prefix}{name} ({columns})" for name, columns in TABLES.items()
    ]
    for index in INDEXES:
        table, columns = index.split(" ", 1)
        name = f"{table}_{columns.strip('()').replace(', ', '_')}_idx"
        statements.append(f"CREATE INDEX IF NOT EXISTS {name} ON {prefix}{table} {columns}")
    return statements


class ForensicQueries:
    """The reads investigators make; the same SQL on both backends."""

    datastore: Any
    placeholder: str
    prefix: str
    recorded_at_statement: str  # an event's recorded_at, by position, in the recorder's tables

    def _storable(self, value: Any) -> Any:
        """A value as the backend's text column can hold it (as is, but on PostgreSQL)."""
        return value

    def _sql(self, text: str) -> str:
        return text.replace("{t}", self.prefix).replace("?", self.placeholder)

    def _rows(self, text: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self._sql(text), list(params))
            return [dict(row) for row in cursor.fetchall()]

    def record_batch(self, tracking: Tracking, batch: Sequence[EventRows]) -> None:
        """Write events' rows and the tracking position of the last of them atomically."""
        with self.datastore.transaction(commit=True) as cursor:
            # Tracking first: on SQLite a transaction that reads before it writes cannot
            # wait for the write lock (SQLITE_BUSY at once); writing first waits its turn.
            self._insert_tracking(cursor, tracking)  # type: ignore[attr-defined]
            for row, refs, use in batch:
                values = self._insert_event(cursor, row, refs)
                if use is not None:
                    self._insert_use(cursor, use, values)

    def _insert_use(self, cursor: Any, use: DataUseRow, event: dict[str, Any]) -> None:
        values = asdict(use)
        for key in ("use_id", "resource_id", "share_request_id", "arrangement_id"):
            values[key] = values[key].hex if values[key] is not None else None
        values["obtained_at"] = format_instant(use.obtained_at)
        values["recorded_at"] = event["recorded_at"]
        values["occurred_at"] = event["occurred_at"]
        columns = list(values)
        marks = ", ".join("?" for _ in columns)
        cursor.execute(
            self._sql(
                f"INSERT INTO {{t}}forensic_data_uses ({', '.join(columns)}) VALUES ({marks})"
            ),
            [self._storable(values[column]) for column in columns],
        )

    def _insert_event(self, cursor: Any, row: EventRow, refs: Sequence[UUID]) -> dict[str, Any]:
        cursor.execute(
            self._sql(self.recorded_at_statement),
            [row.position],
        )
        found = cursor.fetchone()
        recorded_at = _instant(found["recorded_at"] if isinstance(found, dict) else found[0])
        values = asdict(row)
        values["recorded_at"] = format_instant(recorded_at)
        values["occurred_at"] = format_instant(row.occurred_at)
        values["lag_seconds"] = int((recorded_at - row.occurred_at).total_seconds())
        values["originator_id"] = row.originator_id.hex
        marks = ", ".join("?" for _ in EVENT_COLUMNS)
        cursor.execute(
            self._sql(
                f"INSERT INTO {{t}}forensic_events ({', '.join(EVENT_COLUMNS)}) VALUES ({marks})"
            ),
            [self._storable(values[column]) for column in EVENT_COLUMNS],
        )
        for resource_id in refs:
            cursor.execute(
                self._sql("INSERT INTO {t}forensic_refs VALUES (?, ?)"),
                [row.position, resource_id.hex],
            )
        return values

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

    def occurred_by(
        self, after: int, upto: int, at: datetime, event_types: Sequence[str]
    ) -> list[int]:
        """Positions in (after, upto] of the events of these types that occurred by ``at``."""
        marks = ", ".join("?" for _ in event_types)
        rows = self._rows(
            "SELECT position FROM {t}forensic_events "
            "WHERE occurred_at <= ? AND position > ? AND position <= ? "
            f"AND event_type IN ({marks}) ORDER BY position",
            [format_instant(at), after, upto, *event_types],
        )
        return [row["position"] for row in rows]

    def earliest_occurred_at(self) -> datetime | None:
        """When the first fact on the record happened: where a time bar over the ledger starts."""
        rows = self._rows("SELECT MIN(occurred_at) AS first FROM {t}forensic_events", [])
        first = rows[0]["first"] if rows else None
        return None if first is None else _instant(first)

    def resource_history(self, resource_id: UUID, page: Page) -> list[dict[str, Any]]:
        # One set of positions from two indexes: written as "originator_id = ? OR position
        # IN (…)", PostgreSQL walked the whole primary key instead (0.4 s at 1M events).
        return self._events(
            "position IN (SELECT position FROM {t}forensic_events WHERE originator_id = ? "
            "UNION SELECT position FROM {t}forensic_refs WHERE resource_id = ?)",
            [resource_id.hex, resource_id.hex],
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

    def events_of_type(self, event_types: Sequence[str], page: Page) -> list[dict[str, Any]]:
        marks = ", ".join("?" for _ in event_types)
        return self._events(f"event_type IN ({marks})", list(event_types), page)

    def lagging(self, min_lag_seconds: int, page: Page) -> list[dict[str, Any]]:
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


@dataclass(frozen=True)
class Page:
    """Which slice of the record a query reads: after a position, as known at an instant."""

    after: int
    limit: int
    at: datetime
    known_at: datetime


def _window(column: str, since: datetime | None, until: datetime | None) -> str:
    return (f"AND {column} >= ? " if since else "") + (f"AND {column} <= ? " if until else "")


def _window_params(since: datetime | None, until: datetime | None) -> list[str]:
    return [format_instant(t) for t in (since, until) if t is not None]


def _instant(value: Any) -> datetime:
    return value if isinstance(value, datetime) else parse_instant(value)


class SQLiteForensicView(ForensicQueries, SQLiteTrackingRecorder):
    placeholder = "?"
    prefix = ""
    recorded_at_statement = "SELECT recorded_at FROM stored_events WHERE rowid = ?"

    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *_statements("")]


class PostgresForensicView(ForensicQueries, PostgresTrackingRecorder):
    placeholder = "%s"

    def _storable(self, value: Any) -> Any:
        # PostgreSQL text cannot hold NUL. The edge refuses it now, but an event the ledger
        # accepted stays (older ledgers, imports), and the read model must not stop on it:
        # its NULs read as U+FFFD, the replacement character; the event itself is intact.
        return value.replace("\x00", "\ufffd") if isinstance(value, str) else value
    recorded_at_statement = "SELECT recorded_at FROM {t}ledger_entries WHERE position = ?"

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.prefix = f'"{datastore.schema}".'
        self.sql_create_statements.extend(Composed([SQL(s)]) for s in _statements(self.prefix))


ForensicView: TypeAlias = SQLiteForensicView | PostgresForensicView
"""The forensic tables: their queries, and the library's tracking of what they include."""


def forensic_view_of(datastore: Any) -> ForensicView | None:
    """The forensic tables beside the ledger's events, as the projection runner names them
    (None on a datastore that keeps none). They may be absent or behind: ask
    ``max_tracking_id`` how far they reach."""
    if isinstance(datastore, PostgresDatastore):
        return PostgresForensicView(datastore, tracking_table_name=f"{PROJECTION_NAME}_tracking")
    if isinstance(datastore, SQLiteDatastore):
        return SQLiteForensicView(datastore)
    return None
