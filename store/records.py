"""What readers of the ledger get: a stored event with its position and the ledger's time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from eventsourcing.persistence import StoredEvent


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


class LedgerRecorder(Protocol):
    """The reads the ledger needs beyond the library's notification log."""

    def select_records(
        self, *, after: int = 0, upto: int | None = None, limit: int = 1000
    ) -> list[Record]: ...

    def recorded_at_of(self, position: int) -> datetime: ...

    def position_of(self, originator_id: UUID, originator_version: int) -> int | None: ...

    def position_known_at(self, known_at: datetime) -> int: ...

    def head(self) -> Head: ...
