"""Live read models: the forensic tables, kept up to date by the library's ProjectionRunner.

``ledger project`` runs the runner as a process of its own (several API workers, one
projector); the embedded default runs it inside the API process. Either way the
tracking position is written with the rows, so a restart resumes exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

from eventsourcing.persistence import InfrastructureFactory, Tracking
from eventsourcing.projection import Projection, ProjectionRunner

from api.write_behind import WriteBehind
from domain.data_uses import DataUseRecorded
from domain.events import LedgerEvent
from domain.ledger import Ledger
from projections.forensics import data_use_row, event_row, referenced_resources
from store.forensic_view import (
    PROJECTION_NAME,
    EventRows,
    ForensicView,
    PostgresForensicView,
    SQLiteForensicView,
)


class ForensicProjection(Projection[ForensicView]):
    name = PROJECTION_NAME
    topics = ()

    def __init__(self, view: ForensicView) -> None:
        super().__init__(view)
        self.batches: WriteBehind[EventRows] = WriteBehind(view.record_batch)

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        event: LedgerEvent = domain_event
        position = tracking.notification_id
        refs = sorted(referenced_resources(event), key=str)
        use = data_use_row(event, position) if isinstance(event, DataUseRecorded) else None
        self.batches.add(tracking, (event_row(event, position), refs, use))


def view_class(env: Mapping[str, str]) -> type[ForensicView]:
    module = env.get("PERSISTENCE_MODULE", "")
    return PostgresForensicView if module.startswith("store.postgres") else SQLiteForensicView


def open_view(env: Mapping[str, str]) -> ForensicView:
    """The forensic tables for reading (and created if absent)."""
    factory = InfrastructureFactory[ForensicView].construct(
        env=ProjectionRunner._construct_env(PROJECTION_NAME, dict(env))
    )
    return factory.tracking_recorder(view_class(env))


def close_view(view: ForensicView) -> None:
    """Close the connections a view opened (its pool on PostgreSQL)."""
    view.datastore.close()


class ForensicRunner(ProjectionRunner[Ledger, Any]):
    """The library's runner; when it stops (cleanly or not) the projection writes the
    batch it holds, for events it processed, and then nothing more."""

    projection: ForensicProjection

    def failure(self) -> BaseException | None:
        """A batch that failed to write while no event came (a timer's flush): the runner
        has stopped projecting although its threads still run (api/supervisor.py asks)."""
        return self.projection.batches.error

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        try:
            super().__exit__(exc_type, exc_val, exc_tb)  # no event is processed after it
        finally:
            self.projection.batches.close()


def start_runner(env: Mapping[str, str]) -> ForensicRunner:
    """Start following the ledger; stop with ``runner.stop()`` or leave its ``with`` block."""
    return ForensicRunner(
        application_class=Ledger,
        projection_class=ForensicProjection,
        view_class=view_class(env),
        env=dict(env),
    )


def caught_up_to(view: ForensicView, app_name: str = Ledger.name) -> int:
    """The last position the forensic tables include."""
    return view.max_tracking_id(app_name) or 0
