"""The deadline register's rows over both times, in the events' database.

The rows are derived by projections/register_rows.py and written by the forensic projector
in its own transactions (store/forensic_view.py); this module lays out their table, writes
an event's changes, and answers the reports' questions about (T, K) with indexed queries.
Business time and ledger positions are integers (microseconds since 1970 UTC; positions),
an open end is ``FOREVER``; the instants a report shows are kept as the fold wrote them.

A row is alive at (T, K) when ``valid_from <= T < valid_to`` and
``recorded_from <= K < recorded_to``. Its status follows from T: met when discharged before
its due end (``met``, fixed), else breached once ``due_end <= T``, else open. Every query
answers None where the rows cannot answer: the projector has not reached K, or T lies
beyond the horizon the rows reach as known at K; the caller then folds the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.deadlines import ObligationKind, Status

if TYPE_CHECKING:
    from projections.register_rows import ObligationRow, RowChanges

FOREVER = 2**62  # an open end: a span of business time, or a row still current
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LEDGER_NAME = "Ledger"  # whose positions the tracking table follows

REGISTER_TABLES = {
    "register_rows": (
        "partition TEXT NOT NULL, obligation_id TEXT NOT NULL, kind TEXT NOT NULL, "
        "department TEXT NOT NULL, subject_id TEXT NOT NULL, started_at TEXT NOT NULL, "
        "started_us BIGINT NOT NULL, due_date TEXT NOT NULL, due_end TEXT NOT NULL, "
        "due_end_us BIGINT NOT NULL, provisional INTEGER NOT NULL, "
        "unpublished_years TEXT NOT NULL, discharged_at TEXT, met INTEGER NOT NULL, "
        "period_start TEXT, period_end TEXT, valid_from BIGINT NOT NULL, "
        "valid_to BIGINT NOT NULL, recorded_from BIGINT NOT NULL, recorded_to BIGINT NOT NULL"
    ),
    # How far ahead the rows reach (business time), from each position on.
    "register_horizons": "position BIGINT PRIMARY KEY, horizon_us BIGINT NOT NULL",
}
# The breaches at (T, K), counted from the index alone: every column the count reads.
BREACHES_INDEX = (
    "register_rows (met, due_end_us, kind, department, "
    "recorded_from, recorded_to, valid_from, valid_to)"
)
REGISTER_INDEXES = [
    "register_rows (partition, recorded_to)",  # a restarted projector's partitions
    "register_rows (obligation_id, valid_from)",  # closing a replaced row
    "register_rows (due_date, obligation_id)",  # the register's pages, by due date
    "register_rows (started_us, obligation_id)",  # … and by start
    BREACHES_INDEX,
]
REGISTER_COLUMNS = (
    "partition",
    "obligation_id",
    "kind",
    "department",
    "subject_id",
    "started_at",
    "started_us",
    "due_date",
    "due_end",
    "due_end_us",
    "provisional",
    "unpublished_years",
    "discharged_at",
    "met",
    "period_start",
    "period_end",
    "valid_from",
    "valid_to",
    "recorded_from",
    "recorded_to",
)
ALIVE = "recorded_from <= ? AND recorded_to > ? AND valid_from <= ? AND valid_to > ?"


def microseconds(instant: datetime) -> int:
    return (instant - EPOCH) // timedelta(microseconds=1)


def _instant_of(value: int) -> datetime | None:
    return None if value >= FOREVER else EPOCH + timedelta(microseconds=value)


def register_values(row: ObligationRow, position: int) -> list[Any]:
    met = row.discharged_at is not None and row.discharged_at < row.due_end
    return [
        row.partition,
        row.obligation_id.hex,
        row.kind.value,
        row.department,
        row.subject_id.hex,
        row.started_at.isoformat(),
        microseconds(row.started_at),
        row.due_date.isoformat(),
        row.due_end.isoformat(),
        microseconds(row.due_end),
        int(row.provisional),
        ",".join(str(year) for year in row.unpublished_years),
        row.discharged_at.isoformat() if row.discharged_at else None,
        int(met),
        row.period_start.isoformat() if row.period_start else None,
        row.period_end.isoformat() if row.period_end else None,
        microseconds(row.valid_from),
        FOREVER if row.valid_to is None else microseconds(row.valid_to),
        position,
        FOREVER,
    ]


def obligation_fields(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row as ``ObligationRow``'s fields."""
    return {
        "partition": row["partition"],
        "obligation_id": UUID(row["obligation_id"]),
        "kind": ObligationKind(row["kind"]),  # type: ignore[call-arg]
        "department": row["department"],
        "subject_id": UUID(row["subject_id"]),
        "started_at": datetime.fromisoformat(row["started_at"]),
        "due_date": date.fromisoformat(row["due_date"]),
        "due_end": datetime.fromisoformat(row["due_end"]),
        "provisional": bool(row["provisional"]),
        "unpublished_years": tuple(int(y) for y in row["unpublished_years"].split(",") if y),
        "discharged_at": (
            datetime.fromisoformat(row["discharged_at"]) if row["discharged_at"] else None
        ),
        "period_start": date.fromisoformat(row["period_start"]) if row["period_start"] else None,
        "period_end": date.fromisoformat(row["period_end"]) if row["period_end"] else None,
        "valid_from": _instant_of(row["valid_from"]),
        "valid_to": _instant_of(row["valid_to"]),
    }


@dataclass(frozen=True)
class RegisterFilter:
    """Which obligations a page of the register lists (every one, when all are None)."""

    status: Status | None = None
    kind: ObligationKind | None = None
    department: str | None = None
    due_by: date | None = None  # open ones due by this day (临期), none overdue
    by_start: bool = False  # in order of start instead of due date
    after: tuple[str | int, UUID] | None = None  # the last key of the page before


@dataclass(frozen=True)
class RegisterWrites:
    """A batch's changes to the register as statements' rows: rows to close (recorded_to,
    obligation, valid_from, and the open end they had), rows to insert, horizons."""

    closed: list[list[Any]]
    inserted: list[list[Any]]
    horizons: list[list[Any]]


class RegisterQueries:
    """The register's table, for the forensic view's backends (the same SQL on both)."""

    def _rows(self, text: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _sql(self, text: str) -> str:
        raise NotImplementedError

    def _storable(self, value: Any) -> Any:
        raise NotImplementedError

    def reach(self, application_name: str, upto: int) -> int:
        raise NotImplementedError

    def register_writes(self, changes: Sequence[tuple[int, RowChanges]]) -> RegisterWrites:
        """A batch of events' changes, each at its position, as one statement's rows per
        kind: a row closed by a later event of the same batch is written closed, and only
        rows written before the batch are closed by an UPDATE. Made before the batch's
        transaction opens (store/forensic_view.py), which then only writes them."""
        current: dict[tuple[str, int], list[Any]] = {}  # opened in this batch, still current
        written: list[list[Any]] = []  # opened and closed again in this batch
        closed: list[list[Any]] = []
        horizons: list[list[Any]] = []
        for position, change in changes:
            for row in change.closed:
                key = (row.obligation_id.hex, microseconds(row.valid_from))
                opened = current.pop(key, None)
                if opened is None:
                    closed.append([position, *key, FOREVER])
                else:
                    opened[-1] = position  # recorded_to
                    written.append(opened)
            for row in change.opened:
                values = [self._storable(v) for v in register_values(row, position)]
                current[row.obligation_id.hex, microseconds(row.valid_from)] = values
            if change.horizon is not None:
                horizons.append([position, microseconds(change.horizon)])
        return RegisterWrites(closed, [*written, *current.values()], horizons)

    def write_register(self, cursor: Any, writes: RegisterWrites) -> None:
        """The statements of ``register_writes``, in the batch's transaction."""
        if writes.closed:
            cursor.executemany(
                self._sql(
                    "UPDATE {t}register_rows SET recorded_to = ? WHERE obligation_id = ? "
                    "AND valid_from = ? AND recorded_to = ?"
                ),
                writes.closed,
            )
        if writes.inserted:
            marks = ", ".join("?" for _ in REGISTER_COLUMNS)
            cursor.executemany(
                self._sql(
                    f"INSERT INTO {{t}}register_rows ({', '.join(REGISTER_COLUMNS)}) "
                    f"VALUES ({marks})"
                ),
                writes.inserted,
            )
        if writes.horizons:
            cursor.executemany(
                self._sql("INSERT INTO {t}register_horizons VALUES (?, ?)"), writes.horizons
            )

    def register_horizon_kept(self) -> bool:
        """Whether the register's rows were kept from the first event on."""
        return bool(self._rows("SELECT position FROM {t}register_horizons LIMIT 1", []))

    def register_partition(self, partition: str) -> list[dict[str, Any]]:
        """A partition's current rows as last written, as ``ObligationRow``'s fields (what a
        restarted projector starts from)."""
        rows = self._rows(
            "SELECT * FROM {t}register_rows WHERE partition = ? AND recorded_to = ?",
            [self._storable(partition), FOREVER],
        )
        return [obligation_fields(row) for row in rows]

    def register_answers(self, at: datetime, position: int) -> bool:
        """Whether the rows answer for ``at`` as known at ``position``."""
        if self.reach(LEDGER_NAME, position) < position:
            return False
        horizon = self._rows(
            "SELECT horizon_us FROM {t}register_horizons WHERE position <= ? "
            "ORDER BY position DESC LIMIT 1",
            [position],
        )
        return bool(horizon) and microseconds(at) < horizon[0]["horizon_us"]

    def register_rows_at(
        self, at: datetime, position: int, *, department: str | None = None
    ) -> list[dict[str, Any]] | None:
        """The rows alive at ``at`` as known at ``position`` (of one department)."""
        if not self.register_answers(at, position):
            return None
        when = microseconds(at)
        where = ALIVE
        params: list[Any] = [position, position, when, when]
        if department is not None:
            where += " AND department = ?"
            params.append(self._storable(department))
        rows = self._rows(f"SELECT * FROM {{t}}register_rows WHERE {where}", params)
        return [obligation_fields(row) for row in rows]

    def register_page(
        self, at: datetime, position: int, wanted: RegisterFilter, limit: int
    ) -> list[dict[str, Any]] | None:
        """One page of the register at (``at``, ``position``), in order, filtered in SQL:
        the first page costs what a page costs, whatever the ledger's size."""
        if not self.register_answers(at, position):
            return None
        when = microseconds(at)
        where = [ALIVE]
        params: list[Any] = [position, position, when, when]
        status = Status.OPEN if wanted.due_by is not None else wanted.status
        if status is Status.MET:
            where.append("met = 1")
        elif status is Status.BREACHED:
            where.append("met = 0 AND due_end_us <= ?")
            params.append(when)
        elif status is Status.OPEN:
            where.append("met = 0 AND due_end_us > ?")
            params.append(when)
        if wanted.due_by is not None:
            where.append("due_date <= ?")
            params.append(wanted.due_by.isoformat())
        if wanted.kind is not None:
            where.append("kind = ?")
            params.append(wanted.kind.value)
        if wanted.department is not None:
            where.append("department = ?")
            params.append(self._storable(wanted.department))
        order = "started_us" if wanted.by_start else "due_date"
        if wanted.after is not None:
            first, last = wanted.after
            where.append(f"({order} > ? OR ({order} = ? AND obligation_id > ?))")
            params += [first, first, last.hex]
        rows = self._rows(
            f"SELECT * FROM {{t}}register_rows WHERE {' AND '.join(where)} "
            f"ORDER BY {order}, obligation_id LIMIT ?",
            [*params, limit],
        )
        return [obligation_fields(row) for row in rows]

    def register_breaches(
        self, at: datetime, position: int, kinds: Sequence[ObligationKind]
    ) -> dict[tuple[str, ObligationKind], int] | None:
        """How many obligations of ``kinds`` each department has breached at (T, K)."""
        if not self.register_answers(at, position):
            return None
        when = microseconds(at)
        marks = ", ".join("?" for _ in kinds)
        rows = self._rows(
            "SELECT department, kind, COUNT(*) AS n FROM {t}register_rows "
            f"WHERE met = 0 AND due_end_us <= ? AND kind IN ({marks}) AND {ALIVE} "
            "GROUP BY department, kind",
            [when, *(k.value for k in kinds), position, position, when, when],
        )
        return {
            (row["department"], ObligationKind(row["kind"])): int(row["n"])  # type: ignore[call-arg]
            for row in rows
        }

    def register_breaches_each(
        self, instants: Sequence[tuple[datetime, int]], kinds: Sequence[ObligationKind]
    ) -> list[dict[tuple[str, ObligationKind], int]] | None:
        """``register_breaches`` at each (T, K) of a trend, in one pass over the index: the
        rows any of them may count, each counted for every (T, K) it is breached and alive at."""
        if not instants or not all(self.register_answers(at, k) for at, k in instants):
            return None
        asked = [(microseconds(at), position) for at, position in instants]
        each = ", ".join(
            f"SUM(CASE WHEN due_end_us <= ? AND {ALIVE} THEN 1 ELSE 0 END) AS n{i}"
            for i in range(len(asked))
        )
        params: list[Any] = []
        for when, position in asked:
            params += [when, position, position, when, when]
        marks = ", ".join("?" for _ in kinds)
        # Only rows alive at some (T, K) asked: recorded by the latest K and not replaced
        # by the earliest, valid somewhere from the earliest T (read from the index, before
        # any instant's sum: a trend as known now skips every replaced row at once).
        rows = self._rows(
            f"SELECT department, kind, {each} FROM {{t}}register_rows "
            f"WHERE met = 0 AND due_end_us <= ? AND kind IN ({marks}) AND recorded_from <= ? "
            "AND recorded_to > ? AND valid_to > ? "
            "GROUP BY department, kind",
            [
                *params,
                max(when for when, _ in asked),
                *(k.value for k in kinds),
                max(position for _, position in asked),
                min(position for _, position in asked),
                min(when for when, _ in asked),
            ],
        )
        counted: list[dict[tuple[str, ObligationKind], int]] = [{} for _ in instants]
        for row in rows:
            kind = ObligationKind(row["kind"])  # type: ignore[call-arg]
            for i, breaches in enumerate(counted):
                if n := int(row[f"n{i}"] or 0):
                    breaches[row["department"], kind] = n
        return counted
