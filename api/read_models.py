"""Live read models: the forensic tables, kept up to date by the library's projection runner.

``ledger project`` runs the runner as a process of its own (several API workers, one
projector); the embedded default runs it inside the API process. Either way the
tracking position is written with the rows, so a restart resumes exactly.

The tables' class is the one the store's factory names (``PERSISTENCE_MODULE`` selects
the factory; store/sqlite.py, store/postgres.py), opened the library's way: a factory
built from the settings as the projection's name prefixes them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import cast

from eventsourcing.persistence import InfrastructureFactory, StoredEvent
from eventsourcing.projection import BaseProjectionRunner
from eventsourcing.utils import Environment

from domain.events import LedgerEvent
from domain.ledger import Ledger
from projections.forensics import ForensicProjection
from store.forensic_view import ForensicView
from store.records import LedgerRecorder

PAGE = 5000


def projection_env(name: str, env: Mapping[str, str]) -> Environment:
    """The settings a projection reads: the process's, overridden by ``env``, each looked
    up first with the projection's name as prefix (``FORENSICS_SQLITE_DBNAME`` before
    ``SQLITE_DBNAME``), the rule the library documents for a projection's settings."""
    return Environment(name, {**os.environ, **env})


def open_view(env: Mapping[str, str]) -> ForensicView:
    """The forensic tables for reading (and created if absent)."""
    factory = InfrastructureFactory[ForensicView].construct(
        env=projection_env(ForensicProjection.name, env)
    )
    return factory.tracking_recorder()


def close_view(view: ForensicView) -> None:
    """Close the connections a view opened (its pool on PostgreSQL)."""
    view.datastore.close()


class ForensicRunner(BaseProjectionRunner[Ledger]):
    """The library's runner, following the ledger into the forensic tables; when it stops
    (cleanly or not) the projection writes the batch it holds, for events it processed,
    and then nothing more."""

    def __init__(
        self,
        env: Mapping[str, str],
        projection_class: type[ForensicProjection] = ForensicProjection,
    ) -> None:
        self.view = open_view(env)
        self.projection = projection_class(self.view)
        super().__init__(
            projection=self.projection,
            application_class=Ledger,
            tracking_recorder=self.view,
            topics=self.projection.topics,
            env=dict(env),
        )
        self.projection.attach(self._earlier_events)

    def _earlier_events(
        self, before: int, topics: frozenset[str]
    ) -> Iterator[tuple[int, LedgerEvent]]:
        """The ledger's events of ``topics`` before ``before``, decoded by its mapper."""
        recorder = cast(LedgerRecorder, self.app.recorder)
        after = 0
        while True:
            rows = recorder.select_rows(after=after, upto=before - 1, limit=PAGE, topics=topics)
            if not rows:
                return
            for position, originator_id, version, topic, state, _ in rows:
                stored = StoredEvent(originator_id, version, topic, state)
                yield position, cast(LedgerEvent, self.app.mapper.to_domain_event(stored))
            after = rows[-1][0]

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
    return ForensicRunner(env)


def caught_up_to(view: ForensicView, app_name: str = Ledger.name) -> int:
    """The last position the forensic tables include."""
    return view.max_tracking_id(app_name) or 0
