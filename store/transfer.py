"""Export and import: the whole ledger as JSON Lines, and back into an empty store.

The file, one JSON object per line:

1. a header: ``{"kind": "header", "format", "version", "tree_size", "root_hash"}``;
2. every stored checkpoint up to that size, oldest first:
   ``{"kind": "checkpoint", "tree_size", "root_hash", "timestamp", "note", "verifier_key"}``;
3. every event in position order: ``{"kind": "event", "position", "leaf_index",
   "originator_id", "originator_version", "topic", "state" (base64), "recorded_at",
   "leaf_hash"}``.

Checkpoints come before the events so an import can check each signed root the
moment it has read that many events. Hashes are lowercase hex.

Positions are preserved exactly on import (SQLite: explicit rowids; PostgreSQL:
explicit notification ids, then the sequence is moved past them). They are hashed
into every leaf, so renumbering would change every leaf hash, break every signed
checkpoint and every proof an auditor holds: the imported ledger is the same
ledger, or the import is refused. An import runs in one transaction into an
empty store and recomputes every leaf hash, the tree and each checkpoint's root
as it goes; the first line that does not hold is named and nothing is recorded.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any
from uuid import UUID

import orjson
from eventsourcing.persistence import StoredEvent

from store.entries import Entry, canonical_bytes, leaf_hash, parse_instant
from store.merkle import CompactRange
from store.records import StoredCheckpoint, TreeRecorder
from store.tree import LedgerTree
from store.verify import Tampered, check_checkpoint

FORMAT = "jl-data-sharing-ledger/export"
VERSION = 1
BATCH = 1000


class ImportRefused(ValueError):
    """The file is not an intact export of a ledger; ``line`` is where it stops holding."""

    def __init__(self, line: int | None, reason: str):
        super().__init__(f"line {line}: {reason}" if line else reason)
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class ExportSummary:
    events: int
    tree_size: int
    root_hash: bytes
    checkpoint: StoredCheckpoint | None


@dataclass(frozen=True)
class ImportSummary:
    events: int
    tree_size: int
    root_hash: bytes
    checkpoints: int
    signed_events: int
    """How many of the events the latest checkpoint in the file signs."""


# --- export ---------------------------------------------------------------------------


def export_ledger(
    recorder: TreeRecorder,
    out: IO[bytes],
    *,
    progress: Callable[[int], None] | None = None,
    page: int = BATCH,
) -> ExportSummary:
    """Write the ledger as it stands now (later appends are left for the next export)."""
    head = LedgerTree(recorder).head()
    checkpoints = [c for c in _all_checkpoints(recorder) if c.tree_size <= head.tree_size]
    _write(out, _header(head.tree_size, head.root_hash))
    for checkpoint in checkpoints:
        _write(out, _checkpoint_line(checkpoint))
    written, after = 0, 0
    while after < head.position:
        rows = recorder.scan_ledger(after, page)
        for position, originator, version, topic, state, leaf_index, recorded, leaf, _ in rows:
            if position > head.position:
                break
            if leaf_index is None:
                msg = f"the event at position {position} has no ledger entry: run ledger verify"
                raise LookupError(msg)
            line = _event_line(position, leaf_index, originator, version, topic, state)
            line.update(recorded_at=recorded, leaf_hash=leaf.hex())
            _write(out, line)
            written += 1
        after = rows[-1][0] if rows else head.position
        if progress is not None:
            progress(len(rows))
    return ExportSummary(
        written, head.tree_size, head.root_hash, checkpoints[-1] if checkpoints else None
    )


def _write(out: IO[bytes], line: dict[str, Any]) -> None:
    out.write(orjson.dumps(line) + b"\n")


def _header(tree_size: int, root: bytes) -> dict[str, Any]:
    return {
        "kind": "header",
        "format": FORMAT,
        "version": VERSION,
        "tree_size": tree_size,
        "root_hash": root.hex(),
    }


def _checkpoint_line(checkpoint: StoredCheckpoint) -> dict[str, Any]:
    return {
        "kind": "checkpoint",
        "tree_size": checkpoint.tree_size,
        "root_hash": checkpoint.root_hash.hex(),
        "timestamp": checkpoint.timestamp.isoformat(),
        "note": checkpoint.note,
        "verifier_key": checkpoint.verifier_key,
    }


def _event_line(
    position: int, leaf_index: int, originator_hex: str, version: int, topic: str, state: bytes
) -> dict[str, Any]:
    return {
        "kind": "event",
        "position": position,
        "leaf_index": leaf_index,
        "originator_id": str(UUID(originator_hex)),
        "originator_version": version,
        "topic": topic,
        "state": base64.b64encode(state).decode(),
    }


def _all_checkpoints(recorder: TreeRecorder) -> list[StoredCheckpoint]:
    found, after = [], 0
    while batch := recorder.select_checkpoints(after=after, limit=BATCH):
        found += batch
        after = batch[-1].id
    return sorted(found, key=lambda c: (c.tree_size, c.id))


# --- import ---------------------------------------------------------------------------


def import_ledger(
    recorder: TreeRecorder,
    lines: Iterable[bytes],
    *,
    trusted_key: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Load an export into an empty store, refusing it at the first line that does not hold.

    ``trusted_key`` is the verifier key its checkpoints must be signed by (None:
    each checkpoint's own, which shows the file is intact but not who signed it).
    """
    numbered = enumerate(lines, start=1)
    with recorder.loading() as loader:
        if not loader.is_empty():
            raise ImportRefused(None, "the store is not empty: import only into a new database")
        reader = _Reader(numbered, trusted_key)
        for checkpoint in reader.checkpoints:
            loader.add_checkpoint(checkpoint)
        for batch, nodes in reader.batches():
            loader.add(batch, nodes)
            if progress is not None:
                progress(len(batch))
        reader.finish()
    return reader.summary()


class _Reader:
    """Parses and checks the file line by line; the loader writes what it yields."""

    def __init__(self, numbered: Iterator[tuple[int, bytes]], trusted_key: str | None):
        self.numbered = numbered
        self.compact = CompactRange()
        self.nodes: list[bytes] = []  # the nodes each event of the batch being read completes
        self.items = self._items()
        first = next(self.items, None)
        if first is None:
            raise ImportRefused(None, "the file is empty")
        line, header = first
        if header.get("kind") != "header" or header.get("format") != FORMAT:
            raise ImportRefused(line, f"not a {FORMAT} file (its first line is no header)")
        if header.get("version") != VERSION:
            raise ImportRefused(line, f"export version {header.get('version')} is not {VERSION}")
        self.tree_size = _field(line, header, "tree_size", int)
        self.root = _hex(line, header, "root_hash")
        self.checkpoints: list[StoredCheckpoint] = []
        self.pending: tuple[int, dict[str, Any]] | None = None
        lines: dict[int, int] = {}  # checkpoint id -> its line
        for line, item in self.items:
            if item.get("kind") != "checkpoint":
                self.pending = (line, item)
                break
            self.checkpoints.append(self._checkpoint(line, item, trusted_key))
            lines[self.checkpoints[-1].id] = line
        # Checkpoints still to check, the smallest last; each with its line.
        self.due = [(c, lines[c.id]) for c in sorted(self.checkpoints, key=lambda c: -c.tree_size)]
        self.good_line = self.pending[0] if self.pending else 0  # first line not yet vouched for
        self.last_position = 0
        self.last_recorded = ""

    def batches(self) -> Iterator[tuple[list[tuple[Entry, StoredEvent]], list[bytes]]]:
        """The events, a batch at a time, with the tree nodes they complete."""
        batch: list[tuple[Entry, StoredEvent]] = []
        if self.pending is not None:
            batch.append(self._event(*self.pending))
        for line, item in self.items:
            batch.append(self._event(line, item))
            if len(batch) == BATCH:
                yield batch, self.nodes
                batch, self.nodes = [], []
        if batch:
            yield batch, self.nodes

    def finish(self) -> None:
        if self.due:
            checkpoint, line = self.due[-1]
            msg = f"the checkpoint signs {checkpoint.tree_size} events, the file has fewer"
            raise ImportRefused(line, msg)
        if self.compact.size != self.tree_size or self.compact.root() != self.root:
            msg = (
                f"the file ends after {self.compact.size} events, but its header promises "
                f"{self.tree_size} with root {self.root.hex()}"
            )
            raise ImportRefused(None, msg)

    def summary(self) -> ImportSummary:
        signed = max((c.tree_size for c in self.checkpoints), default=0)
        return ImportSummary(
            self.compact.size, self.tree_size, self.root, len(self.checkpoints), signed
        )

    def _event(self, line: int, item: dict[str, Any]) -> tuple[Entry, StoredEvent]:
        if item.get("kind") != "event":
            raise ImportRefused(line, f"expected an event, found {item.get('kind')!r}")
        position = _field(line, item, "position", int)
        leaf_index = _field(line, item, "leaf_index", int)
        originator = _uuid(line, item)
        version = _field(line, item, "originator_version", int)
        topic = _field(line, item, "topic", str)
        recorded_text = _field(line, item, "recorded_at", str)
        state = _b64(line, item, "state")
        claimed = _hex(line, item, "leaf_hash")
        if leaf_index != self.compact.size:
            msg = f"leaf index {leaf_index} where leaf {self.compact.size} comes next"
            raise ImportRefused(line, msg)
        if position <= self.last_position:
            raise ImportRefused(line, f"position {position} does not follow {self.last_position}")
        if recorded_text < self.last_recorded:
            raise ImportRefused(line, "recorded_at goes back in time")
        try:
            recorded_at = parse_instant(recorded_text)
        except ValueError:
            raise ImportRefused(line, f"recorded_at {recorded_text!r} is malformed") from None
        leaf = leaf_hash(canonical_bytes(position, originator, version, topic, state, recorded_at))
        if leaf != claimed:
            raise ImportRefused(line, "the event does not match its leaf hash: it was changed")
        self.nodes.append(self.compact.push(leaf))
        self._check_due(line)
        self.last_position, self.last_recorded = position, recorded_text
        entry = Entry(position, leaf_index, originator, version, recorded_at, leaf)
        return entry, StoredEvent(originator, version, topic, state)

    def _check_due(self, line: int) -> None:
        while self.due and self.due[-1][0].tree_size == self.compact.size:
            checkpoint, checkpoint_line = self.due.pop()
            if self.compact.root() != checkpoint.root_hash:
                msg = (
                    f"the events on lines {self.good_line} to {line} do not give the root "
                    f"signed by the checkpoint on line {checkpoint_line}: they were rewritten"
                )
                raise ImportRefused(self.good_line, msg)
            self.good_line = line + 1

    def _checkpoint(
        self, line: int, item: dict[str, Any], trusted_key: str | None
    ) -> StoredCheckpoint:
        try:
            timestamp = datetime.fromisoformat(_field(line, item, "timestamp", str))
        except ValueError:
            raise ImportRefused(line, "the checkpoint's timestamp is malformed") from None
        checkpoint = StoredCheckpoint(
            id=line,
            tree_size=_field(line, item, "tree_size", int),
            root_hash=_hex(line, item, "root_hash"),
            timestamp=timestamp,
            note=_field(line, item, "note", str),
            verifier_key=_field(line, item, "verifier_key", str),
        )
        try:
            check_checkpoint(checkpoint, trusted_key)
        except Tampered as bad:
            raise ImportRefused(line, bad.reason) from None
        return checkpoint

    def _items(self) -> Iterator[tuple[int, dict[str, Any]]]:
        for line, raw in self.numbered:
            if not raw.strip():
                continue
            try:
                item = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise ImportRefused(line, "not valid JSON") from None
            if not isinstance(item, dict):
                raise ImportRefused(line, "not a JSON object")
            yield line, item


def _field(line: int, item: dict[str, Any], name: str, kind: type) -> Any:
    value = item.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ImportRefused(line, f"{name} is missing or not a {kind.__name__}")
    return value


def _hex(line: int, item: dict[str, Any], name: str) -> bytes:
    try:
        value = bytes.fromhex(_field(line, item, name, str))
    except ValueError:
        raise ImportRefused(line, f"{name} is not hex") from None
    if len(value) != 32:
        raise ImportRefused(line, f"{name} is not a SHA-256 hash")
    return value


def _b64(line: int, item: dict[str, Any], name: str) -> bytes:
    try:
        return base64.b64decode(_field(line, item, name, str), validate=True)
    except (binascii.Error, ValueError):
        raise ImportRefused(line, f"{name} is not base64") from None


def _uuid(line: int, item: dict[str, Any]) -> UUID:
    try:
        return UUID(_field(line, item, "originator_id", str))
    except ValueError:
        raise ImportRefused(line, "originator_id is not a UUID") from None
