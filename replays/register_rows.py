"""The register at an instant from its rows (projections/register_rows.py), where they answer.

The rows are derived data, kept by the projector: they answer for (T, K) once the projector
has reached K and T lies within the horizon they reach as known then; otherwise each
function here answers None and the caller folds the log, which gives the same obligations
(tests/projections/test_register_rows.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from domain.deadlines import ObligationKind
from domain.errors import RuleViolation
from projections.deadlines import Obligation
from projections.register_rows import ObligationRow
from store.records import LedgerRecorder
from store.register_table import RegisterFilter, microseconds


def register_at(
    recorder: LedgerRecorder, at: datetime, position: int, *, department: str | None = None
) -> list[Obligation] | None:
    """Every obligation at ``at`` as known at ``position`` (of one department), unordered."""
    rows = recorder.forensic_index().register_rows_at(at, position, department=department)
    if rows is None:
        return None
    return [ObligationRow(**fields).obligation(at) for fields in rows]


def register_page(
    recorder: LedgerRecorder, at: datetime, position: int, wanted: RegisterFilter, limit: int
) -> list[Obligation] | None:
    """One page of the register, in the order ``wanted`` asks."""
    rows = recorder.forensic_index().register_page(at, position, wanted, limit)
    if rows is None:
        return None
    return [ObligationRow(**fields).obligation(at) for fields in rows]


def breaches_at(
    recorder: LedgerRecorder, at: datetime, position: int, kinds: Sequence[ObligationKind]
) -> dict[tuple[str, ObligationKind], int] | None:
    """How many obligations of ``kinds`` each department has breached."""
    return recorder.forensic_index().register_breaches(at, position, kinds)


def page_key(after: str, by_start: bool) -> tuple[str | int, UUID]:
    """A cursor's last key (``due date|id`` or ``start instant|id``) as the rows order it."""
    first, _, last = after.rpartition("|")
    try:
        if by_start:
            return microseconds(datetime.fromisoformat(first)), UUID(last)
        return date.fromisoformat(first).isoformat(), UUID(last)
    except (ValueError, TypeError):
        raise RuleViolation("the cursor is not one this ledger gave out", field="cursor") from None
