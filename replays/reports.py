"""The reports auditors replay, as plain rows: one implementation for the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import Mapper

from domain.deadlines import ObligationKind, Status
from projections.catalog import CatalogProjection, CatalogState
from projections.deadlines import Obligation, obligations_at
from projections.obligations import deadline_register
from replays.asof import Instant, Progress, replay
from store.records import LedgerRecorder


@dataclass(frozen=True)
class Report:
    instant: Instant
    position: int
    rows: list[dict[str, Any]]

    def header(self) -> dict[str, Any]:
        return {
            "at": self.instant.at.isoformat(),
            "known_at": self.instant.known_at.isoformat(),
            "position": self.position,
        }


def catalog_state(
    recorder: LedgerRecorder, mapper: Mapper[Any], instant: Instant, progress: Progress = None
) -> tuple[CatalogState, int]:
    replayed = replay(recorder, mapper, CatalogProjection(), instant, progress)
    return replayed.state, replayed.position


def deadlines_report(
    recorder: LedgerRecorder,
    mapper: Mapper[Any],
    instant: Instant,
    *,
    status: Status | None = None,
    kind: ObligationKind | None = None,
    department: str | None = None,
    progress: Progress = None,
) -> Report:
    register = deadline_register()
    replayed = replay(recorder, mapper, register, instant, progress)
    rows = [
        obligation_row(o)
        for o in obligations_at(register, replayed.state, instant.at)
        if (status is None or o.status is status)
        and (kind is None or o.kind is kind)
        and (department is None or o.department == department)
    ]
    return Report(instant, replayed.position, rows)


def obligation_row(obligation: Obligation) -> dict[str, Any]:
    period = obligation.period
    return {
        "obligation_id": str(obligation.obligation_id),
        "kind": obligation.kind.value,
        "kind_label": obligation.kind.label,
        "department": obligation.department,
        "subject_id": str(obligation.subject_id),
        "started_at": obligation.started_at.isoformat(),
        "due_date": obligation.due_date.isoformat(),
        "provisional": obligation.provisional,
        "unpublished_years": list(obligation.unpublished_years),
        "status": obligation.status.value,
        "discharged_at": obligation.discharged_at.isoformat() if obligation.discharged_at else None,
        "period_start": period.start.isoformat() if period else None,
        "period_end": period.end.isoformat() if period else None,
    }
