"""Unit and property tests for store.merkle (RFC 9162 §2.1)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store import merkle
from store.merkle import (
    EMPTY_ROOT,
    CompactRange,
    Node,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_hash,
    subtree_root_from_leaves,
    subtree_root_from_nodes,
    verify_consistency,
    verify_inclusion,
)

# RFC 6962 reference leaves and the roots of every prefix, as published in
# transparency-dev/merkle testonly/constants.go (LeafInputs, RootHashes).
REFERENCE_LEAVES = [
    bytes.fromhex(h)
    for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
              "606162636465666768696a6b6c6d6e6f"]
]  # fmt: skip
REFERENCE_ROOTS = [
    bytes.fromhex(h)
    for h in [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
]


def make_leaves(n: int, salt: bytes = b"") -> list[bytes]:
    """Distinct leaf hashes, so no two positions can stand in for each other."""
    return [leaf_hash(salt + i.to_bytes(4, "big")) for i in range(n)]


def flip_bit(value: bytes, bit: int) -> bytes:
    mutated = bytearray(value)
    mutated[bit // 8] ^= 1 << (bit % 8)
    return bytes(mutated)


# --- Hashing: RFC 9162 §2.1.1 -------------------------------------------------------


def test_empty_root_is_hash_of_empty_string():
    # RFC 9162 §2.1.1: MTH({}) = HASH()
    assert EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert root_hash([]) == EMPTY_ROOT


def test_leaf_and_node_hashes_are_domain_separated():
    # RFC 9162 §2.1.1: leaves hashed with a 0x00 prefix, interior nodes with 0x01
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert (
        node_hash(b"L" * 32, b"R" * 32) == hashlib.sha256(b"\x01" + b"L" * 32 + b"R" * 32).digest()
    )


@pytest.mark.parametrize("size", range(len(REFERENCE_ROOTS)))
def test_root_hash_matches_rfc6962_reference_roots(size):
    # RFC 9162 §2.1.1 MTH over the RFC 6962 reference leaves, every prefix
    assert root_hash([leaf_hash(d) for d in REFERENCE_LEAVES[:size]]) == REFERENCE_ROOTS[size]


def test_root_hash_splits_at_largest_power_of_two_below_n():
    # RFC 9162 §2.1.1: k is the largest power of two < n, so 5 leaves split 4 + 1
    a, b, c, d, e = make_leaves(5)
    assert root_hash([a, b, c, d, e]) == node_hash(node_hash(node_hash(a, b), node_hash(c, d)), e)
    assert root_hash([a, b, c]) == node_hash(node_hash(a, b), c)


# --- Proof generation: RFC 9162 §2.1.3.1 and §2.1.4.1 --------------------------------


def test_inclusion_proof_of_rfc_example_leaf():
    # RFC 9162 §2.1.5 example tree of 7 leaves: PATH for d0 is [b, h, l]
    leaves = make_leaves(7)
    acc = subtree_root_from_leaves(leaves)
    assert inclusion_proof(0, 7, acc) == [leaves[1], acc(2, 4), acc(4, 7)]
    # ... and for d3 it is [c, g, l]
    assert inclusion_proof(3, 7, acc) == [leaves[2], acc(0, 2), acc(4, 7)]
    # ... and for d6 (the lone right-border leaf) it is [i, k]
    assert inclusion_proof(6, 7, acc) == [acc(4, 6), acc(0, 4)]


def test_consistency_proofs_of_rfc_example_trees():
    # RFC 9162 §2.1.5: PROOF(3, D[7]) = [c, d, g, l], PROOF(4, D[7]) = [l],
    # PROOF(6, D[7]) = [i, j, k]
    leaves = make_leaves(7)
    acc = subtree_root_from_leaves(leaves)
    assert consistency_proof(3, 7, acc) == [leaves[2], leaves[3], acc(0, 2), acc(4, 7)]
    assert consistency_proof(4, 7, acc) == [acc(4, 7)]
    assert consistency_proof(6, 7, acc) == [acc(4, 6), leaves[6], acc(0, 4)]


def test_consistency_proof_between_equal_sizes_is_empty():
    # RFC 9162 §2.1.4.1: SUBPROOF(m, D[m], true) = {}
    assert consistency_proof(5, 5, subtree_root_from_leaves(make_leaves(5))) == []


@pytest.mark.parametrize(("index", "size"), [(0, 0), (3, 3), (-1, 3)])
def test_inclusion_proof_refuses_index_outside_tree(index, size):
    # RFC 9162 §2.1.3.1: PATH(m, D[n]) is defined for 0 <= m < n
    with pytest.raises(ValueError, match="not in a tree"):
        inclusion_proof(index, size, subtree_root_from_leaves(make_leaves(3)))


@pytest.mark.parametrize(("old", "new"), [(0, 3), (0, 0), (4, 3)])
def test_consistency_proof_refuses_empty_or_shrinking_tree(old, new):
    # RFC 9162 §2.1.4.1: PROOF(m, D[n]) needs 0 < m <= n
    with pytest.raises(ValueError, match="no consistency proof"):
        consistency_proof(old, new, subtree_root_from_leaves(make_leaves(4)))


def test_subtree_root_from_nodes_only_asks_for_stored_perfect_subtrees():
    # Stored nodes cover [i*2^L, (i+1)*2^L) inside the tree; proofs need nothing else
    size = 21
    leaves = make_leaves(size)
    reference = subtree_root_from_leaves(leaves)
    asked: list[tuple[int, int]] = []

    def get_node(level: int, index: int) -> bytes:
        asked.append((level, index))
        assert (index + 1) << level <= size, "asked for a node beyond the tree"
        return reference(index << level, (index + 1) << level)

    acc = subtree_root_from_nodes(get_node)
    assert acc(0, size) == root_hash(leaves)
    for index in range(size):
        assert inclusion_proof(index, size, acc) == inclusion_proof(index, size, reference)
    assert asked


@pytest.mark.parametrize("size", [1000, 1024])
def test_subtree_root_from_leaves_memoises_subtrees(monkeypatch, size):
    # Without memoisation, proving every leaf and every old size rehashes the same
    # subtrees over and over: O(n^2) hashes; with it, each interior node once
    leaves = make_leaves(size)
    calls = 0
    real_node_hash = merkle.node_hash

    def counting(left: bytes, right: bytes) -> bytes:
        nonlocal calls
        calls += 1
        return real_node_hash(left, right)

    monkeypatch.setattr(merkle, "node_hash", counting)
    acc = subtree_root_from_leaves(leaves)
    for index in range(size):
        inclusion_proof(index, size, acc)
    for old in range(1, size + 1):
        consistency_proof(old, size, acc)
    assert calls < 2 * size


def test_subtree_root_from_leaves_refuses_range_beyond_leaves():
    # An accessor must never invent leaves past the end of the list
    with pytest.raises(ValueError):
        subtree_root_from_leaves(make_leaves(3))(0, 4)


# --- Generated proofs verify (exhaustive small trees) ---------------------------------


@pytest.mark.parametrize("size", range(1, 34))
def test_every_inclusion_proof_verifies_exhaustive(size):
    # RFC 9162 §2.1.3.1 proofs are accepted by the §2.1.3.2 verifier
    leaves = make_leaves(size)
    acc, root = subtree_root_from_leaves(leaves), root_hash(leaves)
    for index in range(size):
        verify_inclusion(index, size, leaves[index], inclusion_proof(index, size, acc), root)


@pytest.mark.parametrize("new", range(1, 34))
def test_every_consistency_proof_verifies_exhaustive(new):
    # RFC 9162 §2.1.4.1 proofs are accepted by the §2.1.4.2 verifier
    leaves = make_leaves(new)
    acc = subtree_root_from_leaves(leaves)
    for old in range(1, new + 1):
        proof = consistency_proof(old, new, acc)
        verify_consistency(old, new, proof, root_hash(leaves[:old]), root_hash(leaves))


# --- Generated proofs verify, tampered ones fail (property tests) ----------------------


@st.composite
def tree_and_index(draw):
    size = draw(st.integers(min_value=1, max_value=300))
    return make_leaves(size, draw(st.binary(max_size=8))), draw(st.integers(0, size - 1))


@st.composite
def tree_and_old_size(draw):
    size = draw(st.integers(min_value=2, max_value=300))
    return make_leaves(size, draw(st.binary(max_size=8))), draw(st.integers(1, size - 1))


@settings(max_examples=60, deadline=None)
@given(tree_and_index(), st.data())
def test_inclusion_proof_round_trip_and_tamper(case, data):
    # RFC 9162 §2.1.3.2: the valid proof verifies; any flipped bit, wrong index or
    # truncated/extended proof is rejected
    leaves, index = case
    size, root = len(leaves), root_hash(leaves)
    proof = inclusion_proof(index, size, subtree_root_from_leaves(leaves))
    verify_inclusion(index, size, leaves[index], proof, root)
    for position in range(len(proof)):
        bit = data.draw(st.integers(0, 255))
        tampered = [*proof[:position], flip_bit(proof[position], bit), *proof[position + 1 :]]
        with pytest.raises(ProofError):
            verify_inclusion(index, size, leaves[index], tampered, root)
    with pytest.raises(ProofError):
        verify_inclusion(index, size, flip_bit(leaves[index], 0), proof, root)
    with pytest.raises(ProofError):
        verify_inclusion(index, size, leaves[index], [*proof, root], root)
    if proof:
        with pytest.raises(ProofError):
            verify_inclusion(index, size, leaves[index], proof[:-1], root)
    if size > 1:
        with pytest.raises(ProofError):
            verify_inclusion((index + 1) % size, size, leaves[index], proof, root)


@settings(max_examples=60, deadline=None)
@given(tree_and_old_size(), st.data())
def test_consistency_proof_round_trip_and_tamper(case, data):
    # RFC 9162 §2.1.4.2: the valid proof verifies; any flipped bit, wrong root or
    # truncated/extended proof is rejected
    leaves, old = case
    new = len(leaves)
    root1, root2 = root_hash(leaves[:old]), root_hash(leaves)
    proof = consistency_proof(old, new, subtree_root_from_leaves(leaves))
    verify_consistency(old, new, proof, root1, root2)
    for position in range(len(proof)):
        bit = data.draw(st.integers(0, 255))
        tampered = [*proof[:position], flip_bit(proof[position], bit), *proof[position + 1 :]]
        with pytest.raises(ProofError):
            verify_consistency(old, new, tampered, root1, root2)
    with pytest.raises(ProofError):
        verify_consistency(old, new, proof, flip_bit(root1, 0), root2)
    with pytest.raises(ProofError):
        verify_consistency(old, new, proof, root1, flip_bit(root2, 0))
    with pytest.raises(ProofError):
        verify_consistency(old, new, [*proof, root2], root1, root2)
    with pytest.raises(ProofError):
        verify_consistency(old, new, proof[:-1], root1, root2)


# --- Verifier edge cases: RFC 9162 §2.1.3.2 and §2.1.4.2 ----------------------------------


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 1), (5, 3), (-1, 3)])
def test_verify_inclusion_rejects_index_outside_tree(index, size):
    # RFC 9162 §2.1.3.2 step 1: fail if leaf_index >= tree_size
    leaf = make_leaves(1)[0]
    with pytest.raises(ProofError, match="not in a tree"):
        verify_inclusion(index, size, leaf, [], leaf)


def test_verify_inclusion_single_leaf_tree_needs_empty_proof():
    # RFC 9162 §2.1.3.2 step 4a: with sn == 0 any proof element is one too many
    leaf = make_leaves(1)[0]
    verify_inclusion(0, 1, leaf, [], leaf)
    with pytest.raises(ProofError, match="longer"):
        verify_inclusion(0, 1, leaf, [leaf], leaf)


def test_verify_inclusion_rejects_wrong_length_hashes():
    # SHA-256 hashes are 32 bytes; anything else cannot be part of a valid proof
    leaves = make_leaves(2)
    root = root_hash(leaves)
    with pytest.raises(ProofError, match="bytes"):
        verify_inclusion(0, 2, leaves[0], [leaves[1][:31]], root)
    with pytest.raises(ProofError, match="bytes"):
        verify_inclusion(0, 2, leaves[0] + b"\x00", [leaves[1]], root)


def test_verify_consistency_equal_sizes():
    # RFC 9162 §2.1.4: a tree is consistent with itself only via an empty proof
    root = root_hash(make_leaves(3))
    verify_consistency(3, 3, [], root, root)
    with pytest.raises(ProofError, match="different roots"):
        verify_consistency(3, 3, [], root, flip_bit(root, 1))
    with pytest.raises(ProofError, match="empty consistency proof"):
        verify_consistency(3, 3, [root], root, root)


@pytest.mark.parametrize(("size1", "size2"), [(0, 0), (0, 5), (5, 4), (-1, 4)])
def test_verify_consistency_rejects_empty_or_shrinking_tree(size1, size2):
    # RFC 9162 §2.1.4.2 assumes 0 < first; a proof from the empty tree proves nothing
    with pytest.raises(ProofError):
        verify_consistency(size1, size2, [], EMPTY_ROOT, EMPTY_ROOT)


def test_verify_consistency_rejects_overlong_proof_early():
    # RFC 9162 §2.1.4.2 step 6a: fail as soon as sn reaches 0 with proof left over
    leaves = make_leaves(6)
    proof = consistency_proof(4, 6, subtree_root_from_leaves(leaves))
    with pytest.raises(ProofError, match="longer"):
        verify_consistency(4, 6, [*proof, leaves[0]], root_hash(leaves[:4]), root_hash(leaves))


def test_verify_consistency_rejects_empty_proof_for_growth():
    # RFC 9162 §2.1.4.2 step 1: an empty consistency_path fails
    leaves = make_leaves(4)
    with pytest.raises(ProofError, match="empty"):
        verify_consistency(2, 4, [], root_hash(leaves[:2]), root_hash(leaves))


# --- CompactRange --------------------------------------------------------------------


def test_compact_range_empty_root():
    # RFC 9162 §2.1.1: an empty range has the empty-tree root
    assert CompactRange().root() == EMPTY_ROOT
    assert CompactRange().size == 0


def test_compact_range_covering_nodes_follow_binary_size():
    # One perfect subtree per set bit of size, largest first: 13 = 8 + 4 + 1
    assert CompactRange.covering_nodes(13) == [(3, 0), (2, 2), (0, 12)]
    assert CompactRange.covering_nodes(0) == []


def test_compact_range_append_emits_completed_nodes():
    # Appending leaf 3 completes nodes (1,1) = [2,4) and (2,0) = [0,4)
    leaves = make_leaves(4)
    compact = CompactRange()
    for leaf in leaves[:3]:
        compact.append(leaf)
    emitted = compact.append(leaves[3])
    acc = subtree_root_from_leaves(leaves)
    assert emitted == [Node(0, 3, leaves[3]), Node(1, 1, acc(2, 4)), Node(2, 0, acc(0, 4))]


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=200), st.binary(max_size=8))
def test_compact_range_matches_root_hash_and_emits_each_perfect_subtree_once(size, salt):
    # Appending one by one yields MTH(D[0:i]) at every size i (RFC 9162 §2.1.1), and the
    # emitted nodes are exactly the perfect subtrees of the tree, each with its MTH
    leaves = make_leaves(size, salt)
    acc = subtree_root_from_leaves(leaves) if leaves else None
    compact = CompactRange()
    emitted: dict[tuple[int, int], bytes] = {}
    for i, leaf in enumerate(leaves):
        for level, index, value in compact.append(leaf):
            assert (level, index) not in emitted
            assert value == acc(index << level, (index + 1) << level)
            emitted[(level, index)] = value
        assert compact.size == i + 1
        assert compact.root() == root_hash(leaves[: i + 1])
        assert len(compact.hashes) == (i + 1).bit_count()
    expected = {
        (level, index) for level in range(size.bit_length()) for index in range(size >> level)
    }
    assert set(emitted) == expected


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=150), st.integers(min_value=0, max_value=40))
def test_compact_range_resumes_from_stored_nodes(resume_at, more):
    # from_nodes(size, get_node) rebuilds the range from persisted nodes alone, and
    # continuing to append gives the same roots and nodes as never stopping
    leaves = make_leaves(resume_at + more)
    stored: dict[tuple[int, int], bytes] = {}
    first = CompactRange()
    for leaf in leaves[:resume_at]:
        stored.update({(n.level, n.index): n.hash for n in first.append(leaf)})
    looked_up: list[tuple[int, int]] = []

    def get_node(level: int, index: int) -> bytes:
        looked_up.append((level, index))
        return stored[(level, index)]

    resumed = CompactRange.from_nodes(resume_at, get_node)
    assert len(looked_up) == resume_at.bit_count()
    assert resumed.size == resume_at
    assert resumed.hashes == first.hashes
    assert resumed.root() == root_hash(leaves[:resume_at])
    for i in range(resume_at, len(leaves)):
        assert resumed.append(leaves[i]) == first.append(leaves[i])
        assert resumed.root() == root_hash(leaves[: i + 1])


@given(st.integers(min_value=0, max_value=70))
def test_push_returns_the_nodes_append_completes(size: int) -> None:
    appended, pushed = CompactRange(), CompactRange()
    for leaf in [leaf_hash(bytes([i])) for i in range(size + 1)]:
        completed = appended.append(leaf)
        assert pushed.push(leaf) == b"".join(node.hash for node in completed[1:])
    assert pushed.root() == appended.root() and pushed.size == appended.size
