"""The register at an instant from its rows (projections/register_rows.py), where they answer.

The rows are derived data, kept by the projector: they answer for (T, K) once the projector
has reached K and T lies within the horizon they reach as known then; otherwise the caller
folds the log, which gives the same obligations (tests/projections/test_register_rows.py).
"""

from __future__ import annotations

from datetime import datetime

from projections.deadlines import Obligation
from projections.register_rows import ObligationRow
from store.records import LedgerRecorder


def register_at(
    recorder: LedgerRecorder, at: datetime, position: int, *, department: str | None = None
) -> list[Obligation] | None:
    """Every obligation at ``at`` as known at ``position`` (of one department, if given),
    unordered; None where the rows cannot answer."""
    rows = recorder.forensic_index().register_rows_at(at, position, department=department)
    if rows is None:
        return None
    return [ObligationRow(**fields).obligation(at) for fields in rows]
