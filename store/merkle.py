"""RFC 9162 Merkle tree hashing, proofs and verification over plain bytes.

Everything here is a pure function of its arguments (no SQL, no I/O), so the
ledger store can persist whatever it likes and still reuse the exact same
tree arithmetic the verifiers use.  Section numbers refer to RFC 9162
(Certificate Transparency Version 2.0), whose Merkle tree is the RFC 6962 one.

Vocabulary used throughout:

* A *leaf hash* is ``leaf_hash(entry)``; trees are built over leaf hashes.
* ``MTH(D[start:end])`` is the Merkle Tree Hash of leaves ``[start, end)``.
* A *perfect subtree* (or *node*) at ``(level, index)`` covers the ``2**level``
  leaves ``[index << level, (index + 1) << level)``; level 0 is the leaf hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import NamedTuple

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "GetNode",
    "Node",
    "ProofError",
    "SubtreeRoot",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root_hash",
    "subtree_root_from_leaves",
    "subtree_root_from_nodes",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
"""Length of every SHA-256 hash in the tree."""

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) = HASH(), the root of the empty tree (§2.1.1)."""

SubtreeRoot = Callable[[int, int], bytes]
"""``subtree_root(start, end)`` returns MTH(D[start:end]) for ``start < end``."""

GetNode = Callable[[int, int], bytes]
"""``get_node(level, index)`` returns the hash of a stored perfect subtree."""


class ProofError(ValueError):
    """A proof does not establish what it claims; the only error verifiers raise."""


class Node(NamedTuple):
    """A perfect subtree: covers leaves ``[index << level, (index + 1) << level)``."""

    level: int
    index: int  # type: ignore[assignment]  # shadows tuple.index(); the tree's own word wins
    hash: bytes


# --- Hashing (§2.1.1) ---------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    """MTH({d0}) = HASH(0x00 || d0); the 0x00 prefix keeps leaves and nodes apart."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """HASH(0x01 || left || right), the interior-node hash of §2.1.1."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2), the "k" of §2.1.1."""
    return 1 << ((n - 1).bit_length() - 1)


def _is_perfect(start: int, end: int) -> bool:
    """Whether [start, end) is exactly one stored node: a power-of-two size, aligned."""
    size = end - start
    return size > 0 and size & (size - 1) == 0 and start % size == 0


def root_hash(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of a list of leaf hashes (§2.1.1); the empty list gives EMPTY_ROOT."""
    if not leaves:
        return EMPTY_ROOT
    return subtree_root_from_leaves(leaves)(0, len(leaves))


# --- Subtree accessors ---------------------------------------------------------


def subtree_root_from_nodes(get_node: GetNode) -> SubtreeRoot:
    """Build a ``subtree_root`` accessor on top of perfect-subtree lookups.

    Any range [start, end) is the §2.1.1 split into a perfect left part and a
    (possibly imperfect) right part, so it resolves into O(log n) stored
    nodes.  This is how a store serves proofs without loading every leaf.
    """

    def subtree_root(start: int, end: int) -> bytes:
        if not 0 <= start < end:
            raise ValueError(f"empty or negative range [{start}, {end})")
        if _is_perfect(start, end):
            level = (end - start).bit_length() - 1
            return get_node(level, start >> level)
        k = _split(end - start)
        return node_hash(subtree_root(start, start + k), subtree_root(start + k, end))

    return subtree_root


def subtree_root_from_leaves(leaves: Sequence[bytes]) -> SubtreeRoot:
    """A ``subtree_root`` accessor over in-memory leaf hashes.

    Every subtree hash is memoised, so generating all the proofs of a tree
    hashes each interior node once instead of once per proof (O(n), not
    O(n^2)).
    """
    cache: dict[tuple[int, int], bytes] = {}

    def subtree_root(start: int, end: int) -> bytes:
        if not 0 <= start < end <= len(leaves):
            raise ValueError(f"range [{start}, {end}) is empty or beyond the {len(leaves)} leaves")
        if end - start == 1:
            return leaves[start]
        if (start, end) not in cache:
            k = _split(end - start)  # §2.1.1
            cache[start, end] = node_hash(
                subtree_root(start, start + k), subtree_root(start + k, end)
            )
        return cache[start, end]

    return subtree_root


# --- Proof generation (§2.1.3.1, §2.1.4.1) ---------------------------------------


def inclusion_proof(index: int, size: int, subtree_root: SubtreeRoot) -> list[bytes]:
    """PATH(index, D[size]) of §2.1.3.1, ordered from the leaf upwards.

    Walks the §2.1.1 split from the root down, collecting the sibling subtree
    on the other side of the leaf at each step; PATH lists them bottom-up.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    siblings: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:  # PATH(m, D[0:k]) : MTH(D[k:n])
            siblings.append(subtree_root(lo + k, hi))
            hi = lo + k
        else:  # PATH(m - k, D[k:n]) : MTH(D[0:k])
            siblings.append(subtree_root(lo, lo + k))
            lo += k
    return siblings[::-1]


def consistency_proof(old_size: int, new_size: int, subtree_root: SubtreeRoot) -> list[bytes]:
    """PROOF(old_size, D[new_size]) = SUBPROOF(m, D[n], true) of §2.1.4.1.

    Equal sizes give the empty proof (SUBPROOF(m, D[m], true) = {}).  A proof
    from the empty tree is refused: it would prove nothing, and verifiers
    (ours included) reject it.
    """
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    siblings: list[bytes] = []
    lo, hi, m = 0, new_size, old_size  # m is relative to lo
    whole = True  # the "b" flag: is D[lo:lo+m] the entire old tree?
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:  # SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
            siblings.append(subtree_root(lo + k, hi))
            hi = lo + k
        else:  # SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
            siblings.append(subtree_root(lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    if not whole:  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
        siblings.append(subtree_root(lo, hi))
    return siblings[::-1]


# --- Compact range: incremental tree ----------------------------------------------


class CompactRange:
    """The roots of the perfect subtrees covering leaves [0, size).

    One hash per set bit of ``size``, largest (leftmost) first: enough to
    append leaves and compute the root without rereading old leaves.
    """

    def __init__(self) -> None:
        self._size = 0
        self._hashes: list[bytes] = []

    @property
    def size(self) -> int:
        """Number of leaves covered."""
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """The covering perfect-subtree roots, left to right."""
        return tuple(self._hashes)

    @staticmethod
    def covering_nodes(size: int) -> list[tuple[int, int]]:
        """The ``(level, index)`` of the perfect subtrees covering [0, size), left to right."""
        if size < 0:
            raise ValueError(f"negative tree size {size}")
        nodes: list[tuple[int, int]] = []
        start = 0
        for level in reversed(range(size.bit_length())):
            if size >> level & 1:
                nodes.append((level, start >> level))
                start += 1 << level
        return nodes

    @classmethod
    def from_nodes(cls, size: int, get_node: GetNode) -> CompactRange:
        """Resume at ``size`` from stored nodes (at most log2(size) lookups)."""
        compact = cls()
        compact._hashes = [get_node(level, index) for level, index in cls.covering_nodes(size)]
        compact._size = size
        return compact

    def copy(self) -> CompactRange:
        """An independent copy: appending to it leaves this range as it was."""
        twin = CompactRange()
        twin._hashes = list(self._hashes)
        twin._size = self._size
        return twin

    def append(self, leaf_hash: bytes) -> list[Node]:
        """Add a leaf hash; return every perfect subtree it completes, lowest first.

        The new leaf merges with the covering roots to its left for as long
        as the merged subtree is perfect: once per trailing one bit of the old
        size, exactly as binary increment carries.
        """
        index, level, current = self._size, 0, leaf_hash
        completed = [Node(0, index, leaf_hash)]
        while index & 1:
            current = node_hash(self._hashes.pop(), current)
            index, level = index >> 1, level + 1
            completed.append(Node(level, index, current))
        self._hashes.append(current)
        self._size += 1
        return completed

    def push(self, leaf_hash: bytes) -> bytes:
        """``append`` for the store's hot path: the completed interior nodes' hashes only,
        level 1 first, concatenated (no Node objects, hashing inlined)."""
        index, current, completed = self._size, leaf_hash, b""
        while index & 1:
            current = hashlib.sha256(b"\x01" + self._hashes.pop() + current).digest()
            completed += current
            index >>= 1
        self._hashes.append(current)
        self._size += 1
        return completed

    def root(self) -> bytes:
        """MTH(D[0:size]): fold the covering roots right to left (§2.1.1 split)."""
        if not self._hashes:
            return EMPTY_ROOT
        result = self._hashes[-1]
        for left in reversed(self._hashes[:-1]):
            result = node_hash(left, result)
        return result


# --- Verification (§2.1.3.2, §2.1.4.2) ----------------------------------------------


def _check_hashes(what: str, hashes: Sequence[bytes]) -> None:
    """Reject wrong-length hashes early: no such value can be part of a valid proof."""
    for position, value in enumerate(hashes):
        if len(value) != HASH_SIZE:
            raise ProofError(f"{what}[{position}] has {len(value)} bytes, want {HASH_SIZE}")


def _shift_while_even(fn: int, sn: int) -> tuple[int, int]:
    """Right-shift both until LSB(fn) is set or fn is 0 (§2.1.3.2 4b.ii, §2.1.4.2 6b.iii)."""
    while fn & 1 == 0 and fn != 0:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def verify_inclusion(
    leaf_index: int, tree_size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is at ``leaf_index`` in the tree ``root``.

    Implements §2.1.3.2 literally; raises ProofError on any failure.
    """
    if not 0 <= leaf_index < tree_size:  # step 1
        raise ProofError(f"leaf index {leaf_index} is not in a tree of size {tree_size}")
    _check_hashes("leaf hash", [leaf_hash])
    _check_hashes("proof", proof)
    fn, sn, r = leaf_index, tree_size - 1, leaf_hash  # steps 2-3
    for p in proof:  # step 4
        if sn == 0:  # 4a
            raise ProofError("inclusion proof is longer than the path to the root")
        if fn & 1 or fn == sn:  # 4b
            r = node_hash(p, r)
            fn, sn = _shift_while_even(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1  # 4c
    if sn != 0:  # step 5
        raise ProofError("inclusion proof is shorter than the path to the root")
    if r != root:
        raise ProofError("inclusion proof does not lead to the given root")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Check that tree ``(size2, root2)`` extends tree ``(size1, root1)``.

    §2.1.4.2 assumes 0 < size1 < size2; the other cases are settled first:
    equal sizes need an empty proof and equal roots, and a proof from the
    empty tree is refused (it proves nothing; the reference vectors agree).
    """
    if not 0 <= size1 <= size2:
        raise ProofError(f"no consistency between tree sizes {size1} and {size2}")
    if size1 == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    if size1 == size2:
        if proof:
            raise ProofError("trees of equal size need an empty consistency proof")
        if root1 != root2:
            raise ProofError("trees of equal size have different roots")
        return
    if not proof:  # step 1
        raise ProofError("consistency proof is empty")
    _check_hashes("proof", proof)
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # step 2: old tree is a perfect subtree of the new one
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1  # step 3
    while fn & 1:  # step 4
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]  # step 5
    for c in path[1:]:  # step 6
        if sn == 0:  # 6a
            raise ProofError("consistency proof is longer than the path to the root")
        if fn & 1 or fn == sn:  # 6b
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            fn, sn = _shift_while_even(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1  # 6c
    if sn != 0:  # step 7
        raise ProofError("consistency proof is shorter than the path to the root")
    if fr != root1:
        raise ProofError("consistency proof does not lead to the old root")
    if sr != root2:
        raise ProofError("consistency proof does not lead to the new root")
