"""Live read models: the forensic tables, kept up to date by the library's projection runner.

``ledger project`` runs the runner as a process of its own (several API workers, one
projector); the embedded default runs it inside the API process. Either way the
tracking position is written with the rows, so a restart resumes exactly.

The tables' class is the one the store's factory names (``PERSISTENCE_MODULE`` selects
the factory; store/sqlite.py, store/postgres.py), opened the library's way: a factory
built from the settings as the projection's name prefixes them.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import InfrastructureFactory, StoredEvent
from eventsourcing.projection import BaseProjectionRunner
from eventsourcing.utils import Environment, get_topic

from domain.data_uses import DataUseRecorded
from domain.events import LedgerEvent
from domain.ledger import Ledger
from projections.forensics import ForensicProjection
from projections.stored_uses import PAYLOAD_TOPIC, StoredPayload
from store.forensic_view import ForensicView
from store.records import LedgerRecorder, RecordedNotification
from store.transcoding import PydanticMapper

PAGE = 5000
# How many objects the cyclic collector lets be made before its youngest generation is
# collected (Python's default: 700). A projector catching up makes and keeps batches of
# thousands of rows, each a few objects: at 700 the collector ran so often, and promoted so
# much to be walked again by full collections, that it took a fifth of a catch-up's time
# (py-spy, 1M events). Cyclic garbage is still collected, only after more is made.
YOUNG_COLLECTION_EVERY = 50_000


def collect_cycles_less_often() -> None:
    """Raise the youngest generation's threshold, once, for the process the projector runs
    in (``ledger project``, or the API's own with the embedded default)."""
    young, middle, old = gc.get_threshold()
    if young < YOUNG_COLLECTION_EVERY:
        gc.set_threshold(YOUNG_COLLECTION_EVERY, middle, old)


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


class ForensicMapper(PydanticMapper):
    """How the projector reads the ledger: a data use stored at its current version is left
    as its parsed payload (its rows are made from that: projections/stored_uses.py); any
    other event, and a data use of an earlier version (upcast), is decoded."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # When each event read was recorded, where the recorder says (SQLite reads it with
        # the row); the projection takes each as it processes the event.
        self.recorded_at: dict[int, datetime | str] = {}

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        if isinstance(stored_event, RecordedNotification):
            self.recorded_at[stored_event.id] = stored_event.recorded_at
        if stored_event.topic != PAYLOAD_TOPIC:
            return super().to_domain_event(stored_event)
        state = self.transcoder.decode(stored_event.state)
        if state.get("class_version", 1) != DataUseRecorded.class_version:
            return self.from_payload(stored_event, state)
        return StoredPayload(
            cast(UUID, stored_event.originator_id),  # the ledger's ids are UUIDs
            stored_event.originator_version,
            stored_event.topic,
            state,
        )

    def decoded(self, stored_event: StoredEvent) -> Any:
        """The event decoded, whatever its topic (what the register's fold reads)."""
        return super().to_domain_event(stored_event)


class ForensicRunner(BaseProjectionRunner[Ledger]):
    """The library's runner, following the ledger into the forensic tables; when it stops
    (cleanly or not) the projection writes the batch it holds, for events it processed,
    and then nothing more."""

    def __init__(
        self,
        env: Mapping[str, str],
        projection_class: type[ForensicProjection] = ForensicProjection,
    ) -> None:
        collect_cycles_less_often()
        self.view = open_view(env)
        self.projection = projection_class(self.view)
        super().__init__(
            projection=self.projection,
            application_class=Ledger,
            tracking_recorder=self.view,
            topics=self.projection.topics,
            env={**env, "MAPPER_TOPIC": get_topic(ForensicMapper)},
        )
        self.projection.attach(
            self._earlier_events, cast(ForensicMapper, self.app.mapper).recorded_at
        )

    def _earlier_events(
        self, before: int, topics: frozenset[str]
    ) -> Iterator[tuple[int, LedgerEvent]]:
        """The ledger's events of ``topics`` before ``before``, decoded by its mapper."""
        recorder = cast(LedgerRecorder, self.app.recorder)
        decode = cast(ForensicMapper, self.app.mapper).decoded
        after = 0
        while True:
            rows = recorder.select_rows(after=after, upto=before - 1, limit=PAGE, topics=topics)
            if not rows:
                return
            for position, originator_id, version, topic, state, _ in rows:
                stored = StoredEvent(originator_id, version, topic, state)
                yield position, cast(LedgerEvent, decode(stored))
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
