"""Extending the Merkle tree inside the insert transaction.

Both recorders call ``Frontier.extend`` under their insert lock with the last
stored entry; it returns the new ledger entries (dense leaf indexes, leaf
hashes) and, for each, the interior nodes its leaf completes, to be written in
the same transaction and the same row.

Where the interior nodes live: leaf ``i`` completes the perfect subtrees at levels
1 .. t ending at it (t = the trailing one bits of ``i``: one node on average), so
they are stored in leaf ``i``'s own entry as ``nodes``, level 1 first, 32 bytes
each. Node (level, index) is then bytes ``[(level - 1) * 32, level * 32)`` of the
entry of leaf ``((index + 1) << level) - 1``. One row per event holds everything
(one insert statement, one table, and the verifier reads each node with its
leaf), and any tree head or proof is O(log n) stored hashes away.

The compact range (one hash per set bit of the tree size) is cached in the
recorder between inserts. It is replaced only after a commit, and reused only
when the last entry read under the lock is the one it was built after, so
another process (or a rolled-back insert) can never make it stale; otherwise it
is rebuilt from the stored nodes in one query.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from threading import Lock, local
from typing import NamedTuple

from eventsourcing.persistence import StoredEvent

from store.entries import Entry, make_entries, next_recorded_at
from store.merkle import HASH_SIZE, CompactRange

# Committed inserts remembered for answering their commands' recorded_at: with group
# commit one thread inserts for the others waiting, which ask just after it commits.
RECENT_INSERTS = 64

NodeKey = tuple[int, int]
LoadNodes = Callable[[Iterable[NodeKey]], dict[NodeKey, bytes]]
"""Stored tree nodes by ``(level, index)``; missing ones are left out."""


class TreeCorrupted(RuntimeError):
    """The stored tree lacks a node it must have: the store was tampered with."""


class LastEntry(NamedTuple):
    """The last stored entry, as read under the insert lock (a tuple: one per insert)."""

    position: int
    leaf_index: int
    recorded_at: datetime
    leaf_hash: bytes


class Extension(NamedTuple):
    """What one insert adds: its entries, each one's completed nodes, the range after them."""

    entries: list[Entry]
    nodes: list[bytes]
    compact: CompactRange

    @property
    def last(self) -> LastEntry:
        entry = self.entries[-1]
        return LastEntry(entry.position, entry.leaf_index, entry.recorded_at, entry.leaf_hash)


def node_address(level: int, index: int) -> tuple[int, slice]:
    """The leaf whose entry stores node (level >= 1, index), and where in its ``nodes``."""
    return ((index + 1) << level) - 1, slice((level - 1) * HASH_SIZE, level * HASH_SIZE)


def read_nodes(
    keys: Iterable[NodeKey], fetch: Callable[[list[int]], Iterable[tuple[int, bytes, bytes]]]
) -> dict[NodeKey, bytes]:
    """Tree nodes from the entries that store them; ``fetch`` reads (leaf_index, leaf_hash,
    nodes) of the given leaves. Nodes not stored are left out."""
    wanted = {key: (key[1], None) if key[0] == 0 else node_address(*key) for key in keys}
    if not wanted:
        return {}
    leaves = sorted({leaf for leaf, _ in wanted.values()})
    rows = {leaf: (leaf_hash, nodes) for leaf, leaf_hash, nodes in fetch(leaves)}
    found = {}
    for key, (leaf, where) in wanted.items():
        if leaf in rows:
            leaf_hash, nodes = rows[leaf]
            value = leaf_hash if where is None else bytes(nodes[where])
            if len(value) == HASH_SIZE:
                found[key] = bytes(value)
    return found


def resume(size: int, last_leaf_hash: bytes | None, load_nodes: LoadNodes) -> CompactRange:
    """The compact range of a stored tree of ``size`` leaves, from one lookup of its nodes.

    Its covering perfect subtrees are interior nodes, except the last leaf when
    ``size`` is odd, which the caller read already.
    """
    covering = CompactRange.covering_nodes(size)
    found = load_nodes([key for key in covering if key[0] > 0])
    if size % 2:
        assert last_leaf_hash is not None
        found[0, size - 1] = last_leaf_hash
    for level, index in covering:
        if (level, index) not in found:
            msg = f"the stored tree lacks node (level {level}, index {index}); run ledger verify"
            raise TreeCorrupted(msg)
    return CompactRange.from_nodes(size, lambda level, index: found[level, index])


class Frontier:
    """The recorder's cached compact range and last entry, safe to share between threads."""

    def __init__(self) -> None:
        self._lock = Lock()
        self._last: LastEntry | None = None
        self._compact = CompactRange()
        # (first position, last position, recorded_at) of the last inserts committed here.
        self._recent: deque[tuple[int, int, datetime]] = deque(maxlen=RECENT_INSERTS)

    def known_last(self, next_position: int) -> LastEntry | None:
        """The cached last entry, if the insert that got ``next_position`` directly follows it.

        Positions are drawn under the insert lock (SQLite: the next rowid after the
        largest; PostgreSQL: the next value of a sequence that caches one value), so
        an insert whose first position is the cached last one plus one proves that no
        other writer came in between: the last entry need not be read again. Any gap
        (another writer, a rolled-back insert) sends the recorder to read it.
        """
        with self._lock:
            last = self._last
        return last if last is not None and last.position + 1 == next_position else None

    def extend(
        self,
        last: LastEntry | None,
        positions: Sequence[int],
        stored_events: Sequence[StoredEvent],
        load_nodes: LoadNodes,
    ) -> Extension:
        compact = self._compact_after(last, load_nodes)
        previous = None if last is None else last.recorded_at
        recorded_at = next_recorded_at(datetime.now(UTC), previous)
        entries = make_entries(positions, stored_events, compact.size, recorded_at)
        nodes = [compact.push(entry.leaf_hash) for entry in entries]
        return Extension(entries, nodes, compact)

    def committed(self, extension: Extension) -> None:
        """Cache the range once its transaction has committed (never one that rolled back)."""
        last = extension.last
        with self._lock:
            self._recent.append((extension.entries[0].position, last.position, last.recorded_at))
            if self._last is None or last.leaf_index > self._last.leaf_index:
                self._last, self._compact = last, extension.compact

    def recorded_at(self, position: int) -> datetime | None:
        """When one of the last inserts committed through this recorder recorded
        ``position``, if one did (None: read it from the store)."""
        with self._lock:
            for first, last, recorded_at in reversed(self._recent):
                if first <= position <= last:
                    return recorded_at
        return None

    def forget(self) -> None:
        with self._lock:
            self._last, self._compact = None, CompactRange()
            self._recent.clear()

    def _compact_after(self, last: LastEntry | None, load_nodes: LoadNodes) -> CompactRange:
        if last is None:
            return CompactRange()
        with self._lock:
            if last == self._last:
                return self._compact.copy()
        return resume(last.leaf_index + 1, last.leaf_hash, load_nodes)


class ThreadInserts(local):
    """The extension one thread's open insert transaction is writing (a rolled-back insert
    never reaches ``Frontier.committed``, as its positions may be reused)."""

    def __init__(self) -> None:
        self.pending: Extension | None = None
