"""The ledger's Merkle tree as readers see it: tree heads and RFC 9162 proofs.

Backend-neutral: everything comes from a recorder's stored leaf hashes and
interior nodes, so the API and the CLI never touch SQL. Each answer reads the
O(log n) nodes it needs in one query (see ``_resolve``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from store.frontier import TreeCorrupted
from store.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    SubtreeRoot,
    consistency_proof,
    inclusion_proof,
    subtree_root_from_nodes,
)
from store.records import NodeKey, TreeRecorder

T = TypeVar("T")


class TreeQueryError(ValueError):
    """A proof or tree head was asked for that the tree cannot give."""


class UnknownPosition(TreeQueryError, LookupError):
    """No event is recorded at that position."""


@dataclass(frozen=True)
class TreeHead:
    position: int
    tree_size: int
    root_hash: bytes


@dataclass(frozen=True)
class InclusionProof:
    position: int
    leaf_index: int
    leaf_hash: bytes
    tree_size: int
    root_hash: bytes
    proof: list[bytes]


@dataclass(frozen=True)
class ConsistencyProof:
    from_size: int
    to_size: int
    from_root: bytes
    to_root: bytes
    proof: list[bytes]


class LedgerTree:
    """Tree heads and proofs over one recorder's stored tree."""

    def __init__(self, recorder: TreeRecorder):
        self.recorder = recorder

    def head(self) -> TreeHead:
        head = self.recorder.head()
        return TreeHead(head.position, head.tree_size, self._root(head.tree_size))

    def root_at(self, size: int) -> bytes:
        """MTH of the first ``size`` leaves; any size up to the current one."""
        _check_size("size", size, self.recorder.head().tree_size)
        return self._root(size)

    def _root(self, size: int) -> bytes:
        if size == 0:
            return EMPTY_ROOT
        return self._resolve(lambda subtree_root: subtree_root(0, size))

    def inclusion(self, position: int, size: int | None = None) -> InclusionProof:
        """The audit path of the event at ``position`` in the tree of ``size`` leaves."""
        leaf = self.recorder.leaf_entry(position)
        if leaf is None:
            msg = f"no event is recorded at position {position}"
            raise UnknownPosition(msg)
        current = self.recorder.head().tree_size
        size = current if size is None else size
        _check_size("size", size, current)
        if size <= leaf.leaf_index:
            msg = (
                f"the event at position {position} is leaf {leaf.leaf_index}, "
                f"so it is only in trees of size {leaf.leaf_index + 1} or more, not {size}"
            )
            raise TreeQueryError(msg)
        root, proof = self._resolve(
            lambda subtree_root: (
                subtree_root(0, size),
                inclusion_proof(leaf.leaf_index, size, subtree_root),
            )
        )
        return InclusionProof(position, leaf.leaf_index, leaf.leaf_hash, size, root, proof)

    def consistency(self, from_size: int, to_size: int | None = None) -> ConsistencyProof:
        """The proof that the tree of ``to_size`` leaves extends the one of ``from_size``."""
        current = self.recorder.head().tree_size
        to_size = current if to_size is None else to_size
        _check_size("to", to_size, current)
        if from_size == 0:
            msg = "a consistency proof from the empty tree proves nothing; ask from size 1 or more"
            raise TreeQueryError(msg)
        if not 0 < from_size <= to_size:
            msg = f"from ({from_size}) must be between 1 and to ({to_size})"
            raise TreeQueryError(msg)
        from_root, to_root, proof = self._resolve(
            lambda subtree_root: (
                subtree_root(0, from_size),
                subtree_root(0, to_size),
                consistency_proof(from_size, to_size, subtree_root),
            )
        )
        return ConsistencyProof(from_size, to_size, from_root, to_root, proof)

    def _resolve(self, compute: Callable[[SubtreeRoot], T]) -> T:
        """Run ``compute`` twice: first to learn which nodes it reads, then on those nodes.

        Which perfect subtrees a root or proof needs depends only on the sizes, not
        on the hashes, so a dry run over placeholder hashes names them all, and one
        query fetches them.
        """
        wanted: set[NodeKey] = set()

        def note(level: int, index: int) -> bytes:
            wanted.add((level, index))
            return bytes(HASH_SIZE)

        compute(subtree_root_from_nodes(note))
        found = self.recorder.tree_nodes(wanted)

        def stored(level: int, index: int) -> bytes:
            try:
                return found[level, index]
            except KeyError:
                msg = f"the stored tree lacks node (level {level}, index {index}); run verify"
                raise TreeCorrupted(msg) from None

        return compute(subtree_root_from_nodes(stored))


def _check_size(name: str, size: int, current: int) -> None:
    if not 0 <= size <= current:
        msg = f"{name} must be between 0 and the current tree size {current}, not {size}"
        raise TreeQueryError(msg)
