"""What investigators search, extracted from each event: who, when (both times), about what.

The projection that hands each event's rows (projections/forensic_rows.py; a data use's
from its stored payload, projections/stored_uses.py), a batch at a time
(projections/write_behind.py), to the forensic tables: the SQL that keeps them is in
store/forensic_view.py, kept exactly once by the library's projection runner
(api/read_models.py starts it, with the mapper that leaves data uses undecoded).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic
from pydantic import BaseModel

from domain.data_uses import DataUseRecorded
from domain.events import LedgerEvent
from projections.forensic_rows import data_use_row, event_row
from projections.obligations import deadline_register
from projections.register_rows import ObligationRow, RegisterRows, RowChanges
from projections.stored_uses import PAYLOAD_TOPIC, StoredPayload, stored_use_rows
from projections.write_behind import WriteBehind

ATTACH_SECONDS = 60
NO_ROWS = datetime(1970, 1, 1, tzinfo=UTC)  # a horizon no report lies before
log = logging.getLogger(__name__)
# The events of some topics recorded before a position, decoded, in position order.
EarlierEvents = Callable[[int, frozenset[str]], Iterable[tuple[int, LedgerEvent]]]

if TYPE_CHECKING:
    # The tables' type only: the store is a layer below, and the projection only writes
    # to the view the runner gives it.
    from store.forensic_view import EventRows, ForensicView


# Fields that name a resource, wherever an event keeps them.
RESOURCE_FIELDS = ("resource_id", "unique_source_resource_id")
RESOURCE_LIST_FIELDS = ("resource_ids",)
CONTAINERS = (BaseModel, dict, list, tuple)


def referenced_resources(event: LedgerEvent) -> set[UUID]:
    """Every resource the event names (a request, a use, a submission, a conflict). A
    resource's own events are found by their originator id instead."""
    return set(_named_resources(event))


def _named_resources(data: Any) -> Iterator[UUID]:
    # A model is walked as its fields, the keys and values its ``model_dump()`` would give
    # (no event has a computed field or a serializer of its own), without making that dump;
    # and only containers are walked into: a scalar names nothing (and an event is mostly
    # scalars, a bulk load's many thousands of them).
    if isinstance(data, BaseModel):
        data = data.__dict__
    if isinstance(data, dict):
        for key, value in data.items():
            if key in RESOURCE_FIELDS and isinstance(value, UUID):
                yield value
            elif key in RESOURCE_LIST_FIELDS and isinstance(value, list | tuple):
                yield from (item for item in value if isinstance(item, UUID))
            elif isinstance(value, CONTAINERS):
                yield from _named_resources(value)
    elif isinstance(data, list | tuple):
        for item in data:
            if isinstance(item, CONTAINERS):
                yield from _named_resources(item)


class ForensicProjection(Projection["ForensicView"]):
    """Every event's rows, held and written a batch at a time with the last event's
    tracking position (exactly once: a batch is written whole or not at all)."""

    # Its settings' prefix and its tracking table's name; the store's view names the
    # same table (store/forensic_view.PROJECTION_NAME, tests/replays check they agree).
    name = "forensics"
    topics = ()

    def __init__(self, view: ForensicView) -> None:
        super().__init__(view)
        self.batches: WriteBehind[EventRows] = WriteBehind(view.record_batch)
        self.register = RegisterRows(deadline_register())
        if PAYLOAD_TOPIC in self.register.topics:
            # The register folds decoded events: one it reads cannot be left as its payload.
            msg = "the register's events must be decoded, not left as their payloads"
            raise RuntimeError(msg)
        # What the runner reads the ledger with: the events before the first one processed
        # are noted from it (a restart resumes with the register's rows as written).
        self._source: EarlierEvents | None = None
        self._recorded_at: dict[int, datetime | str] = {}
        self._attached = threading.Event()
        self._noted = False
        self._register_ok = True

    def attach(
        self, source: EarlierEvents, recorded_at: dict[int, datetime | str] | None = None
    ) -> None:
        """Give the projection the ledger's earlier events, and where the runner's reader
        leaves when each event it read was recorded (taken by position as it is processed)."""
        self._source = source
        if recorded_at is not None:
            self._recorded_at = recorded_at
        self._attached.set()

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        event: LedgerEvent = domain_event
        position = tracking.notification_id
        if not self._noted:
            self._note_earlier(position)
        recorded_at = self._recorded_at.pop(position, None)
        if isinstance(domain_event, StoredPayload):  # a data use, its rows from its payload
            row, stored_use = stored_use_rows(domain_event, position, recorded_at)
            self.batches.add(tracking, (row, (), stored_use, None))
            return
        use = data_use_row(event, position) if isinstance(event, DataUseRecorded) else None
        # A use's resource is found by its use row (indexed by resource), not named again.
        refs = () if use else sorted(resource.hex for resource in referenced_resources(event))
        changes = None
        if self._register_ok and get_topic(type(event)) in self.register.topics:
            try:
                changes = self.register.apply(position, event, self._written_rows)
            except Exception:
                # An event the register's fold cannot take (one a report's fold would
                # refuse too) must not stop the forensic tables: the rows stop here, with
                # a horizon before any instant, so reports fold the log from now on.
                log.exception("the register's rows stop at position %d", position)
                self._register_ok = False
                changes = RowChanges(horizon=NO_ROWS)
        self.batches.add(tracking, (event_row(event, position, recorded_at), refs, use, changes))

    def _written_rows(self, partition: str) -> list[ObligationRow]:
        return [ObligationRow(**fields) for fields in self.view.register_partition(partition)]

    def _note_earlier(self, position: int) -> None:
        if not self._attached.wait(ATTACH_SECONDS) or self._source is None:
            msg = "the forensic projection was never given the ledger to read"
            raise RuntimeError(msg)
        try:
            for earlier, event in self._source(position, self.register.topics):
                self.register.note(earlier, event)
        except Exception:
            log.exception("the register's rows cannot resume; reports fold the log")
            self._register_ok = False
        if self.register.horizon is not None and not self.view.register_horizon_kept():
            # Tables made before the register had rows: its earlier events were never
            # derived, so the rows would be incomplete. Reports keep folding the log.
            self._register_ok = False
        self._noted = True
