"""What readers of the ledger get: stored events with their positions, ledger entries,
tree nodes and checkpoints, and the reads both recorders offer to get them."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent

from store.entries import Entry

if TYPE_CHECKING:
    from store.forensic_view import ForensicIndex

NodeKey = tuple[int, int]
"""A tree node's ``(level, index)``; level 0 is a leaf."""

LedgerRow = tuple[int, str, int, str, bytes, int, str, bytes, bytes]
"""An event with its ledger entry, as the verifier and export read them: position,
originator id (32 hex digits), version, topic, state; then leaf index, recorded_at (as
``format_instant`` writes it), leaf hash and the tree nodes the leaf completes, all
None where the event has no entry."""


@dataclass(frozen=True)
class RecordedNotification(Notification):
    """A notification that says when its event was recorded, as the recorder read it with
    the rest of the row (a datetime, or ``format_instant``'s text): the forensic projector
    writes it beside each event's row without reading the row again."""

    recorded_at: datetime | str


RecordRow = tuple[int, UUID | str, int, str, bytes, datetime | str]
"""A stored event as a store reads it, unconverted: position, originator id (a ``UUID``, or
32 hex digits), version, topic, state, recorded_at (a datetime, or ``format_instant``'s
text; see ``LedgerRecorder.recorded_at_in``). A replay reads a million of these and makes
events of the few it folds."""


@dataclass(frozen=True)
class Record:
    position: int
    recorded_at: datetime
    event: StoredEvent


@dataclass(frozen=True)
class Head:
    """The last position recorded and the number of leaves in the tree."""

    position: int
    tree_size: int
    recorded_at: datetime | None


@dataclass(frozen=True)
class LeafEntry:
    """Where an event sits in the tree."""

    position: int
    leaf_index: int
    leaf_hash: bytes


@dataclass(frozen=True)
class StoredCheckpoint:
    """A signed tree head as stored: the note is the C2SP signed-note text."""

    id: int
    tree_size: int
    root_hash: bytes
    timestamp: datetime
    note: str
    verifier_key: str


class Loader(Protocol):
    """Writes a whole ledger with its own positions, inside one locked transaction."""

    def is_empty(self) -> bool: ...

    def add(self, batch: Sequence[tuple[Entry, StoredEvent]], nodes: Sequence[bytes]) -> None:
        """Events with their entries, and the nodes each entry's leaf completes."""
        ...

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None: ...


class LedgerRecorder(Protocol):
    """The reads the ledger needs beyond the library's notification log."""

    def select_records(
        self, *, after: int = 0, upto: int | None = None, limit: int = 1000
    ) -> list[Record]:
        """Events after a position, in order, as records."""
        ...

    def select_rows(
        self,
        *,
        after: int = 0,
        upto: int | None = None,
        limit: int = 1000,
        topics: Collection[str] = (),
    ) -> list[RecordRow]:
        """Events after a position, in order, unconverted; only those of ``topics`` when
        given (a replay reads only what its fold looks at)."""
        ...

    def select_rows_at(self, positions: Sequence[int]) -> list[RecordRow]:
        """The events at ``positions`` (ascending), in order, unconverted; positions with
        none are left out."""
        ...

    def recorded_at_in(self, row: RecordRow) -> datetime:
        """A row's recorded_at as a datetime."""
        ...

    def select_object_records(self, originator_id: UUID) -> list[Record]: ...

    def select_objects_records(self, originator_ids: Collection[UUID]) -> list[Record]:
        """The events of many objects at once, by object then version."""
        ...

    def recorded_at_of(self, position: int) -> datetime: ...

    def position_of(self, originator_id: UUID, originator_version: int) -> int | None: ...

    def position_known_at(self, known_at: datetime) -> int: ...

    def head(self) -> Head: ...

    def forensic_index(self) -> ForensicIndex:
        """The forensic read model beside these events, as replays ask it: which events
        occurred by an instant, which created what. It may be absent or behind."""
        ...


class TreeRecorder(LedgerRecorder, Protocol):
    """The integrity reads and writes: the Merkle tree, checkpoints, whole-ledger scans."""

    def leaf_entry(self, position: int) -> LeafEntry | None: ...

    def leaf_position(self, leaf_index: int) -> int | None: ...

    def tree_nodes(self, keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]: ...

    def scan_ledger(self, after: int, limit: int) -> list[LedgerRow]: ...

    def insert_checkpoint(
        self, tree_size: int, root_hash: bytes, timestamp: datetime, note: str, verifier_key: str
    ) -> StoredCheckpoint: ...

    def select_checkpoints(self, *, after: int = 0, limit: int = 100) -> list[StoredCheckpoint]: ...

    def latest_checkpoint(self) -> StoredCheckpoint | None: ...

    def loading(self) -> AbstractContextManager[Loader]: ...

    @property
    def database_file(self) -> str | None:
        """The SQLite database file, if the ledger is in one (its signing key goes beside it)."""
        ...
