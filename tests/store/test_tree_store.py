"""The stored Merkle tree: written under the insert lock with every event, dense leaf indexes
even where positions have gaps, and tree heads and RFC 9162 proofs for any size that the
published verifiers accept."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from hashlib import sha256

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from api.runtime import open_ledger
from domain.ledger import Ledger
from store.entries import canonical_bytes
from store.merkle import (
    CompactRange,
    ProofError,
    root_hash,
    verify_consistency,
    verify_inclusion,
)
from store.records import TreeRecorder
from store.tree import LedgerTree, TreeQueryError, UnknownPosition
from store.verify import verify_ledger
from tests.store.conftest import append, recorder_of


def leaves_of(recorder: TreeRecorder) -> list[bytes]:
    return [row[7] for row in recorder.scan_ledger(0, 10_000)]


def test_each_event_gets_a_leaf_over_its_canonical_bytes_and_recorded_at(
    recorder: TreeRecorder,
) -> None:
    """leaf = SHA-256(0x00 ‖ position, originator id, version, topic, recorded_at, state)."""
    append(recorder, 3, per_insert=3)
    [record] = recorder.select_records(after=1, limit=1)
    entry = recorder.leaf_entry(2)
    assert entry is not None and entry.leaf_index == 1
    event = record.event
    expected = sha256(
        b"\x00"
        + canonical_bytes(
            2,
            event.originator_id,
            event.originator_version,
            event.topic,
            event.state,
            record.recorded_at,
        )
    ).digest()
    assert entry.leaf_hash == expected


def test_stored_nodes_and_roots_match_the_tree_over_the_leaves(recorder: TreeRecorder) -> None:
    for size in (1, 2, 3, 5, 8, 1, 13):
        append(recorder, size, per_insert=size)
    leaves = leaves_of(recorder)
    compact, interior = CompactRange(), {}
    for leaf in leaves:
        interior.update({(n.level, n.index): n.hash for n in compact.append(leaf)[1:]})
    assert recorder.tree_nodes(interior) == interior
    tree = LedgerTree(recorder)
    assert [tree.root_at(n) for n in range(len(leaves) + 1)] == [
        root_hash(leaves[:n]) for n in range(len(leaves) + 1)
    ]
    assert tree.head().root_hash == root_hash(leaves)


def test_inclusion_proofs_verify_for_every_leaf_at_every_size(recorder: TreeRecorder) -> None:
    positions = append(recorder, 11, per_insert=2)
    tree = LedgerTree(recorder)
    for size in range(1, 12):
        for leaf, position in enumerate(positions[:size]):
            proof = tree.inclusion(position, size)
            assert (proof.leaf_index, proof.tree_size) == (leaf, size)
            verify_inclusion(leaf, size, proof.leaf_hash, proof.proof, proof.root_hash)
            with pytest.raises(ProofError):
                verify_inclusion(leaf, size, proof.leaf_hash, proof.proof, bytes(32))


def test_consistency_proofs_verify_between_every_pair_of_sizes(recorder: TreeRecorder) -> None:
    append(recorder, 10, per_insert=3)
    tree = LedgerTree(recorder)
    for new in range(1, 11):
        for old in range(1, new + 1):
            proof = tree.consistency(old, new)
            verify_consistency(old, new, proof.proof, proof.from_root, proof.to_root)
            assert proof.to_root == tree.root_at(new)


def test_proofs_that_cannot_exist_are_refused(recorder: TreeRecorder) -> None:
    positions = append(recorder, 4)
    tree = LedgerTree(recorder)
    with pytest.raises(UnknownPosition):
        tree.inclusion(positions[-1] + 10)
    with pytest.raises(TreeQueryError, match="only in trees of size 4"):
        tree.inclusion(positions[3], 3)
    with pytest.raises(TreeQueryError, match="current tree size 4"):
        tree.inclusion(positions[0], 5)
    with pytest.raises(TreeQueryError, match="empty tree proves nothing"):
        tree.consistency(0, 4)
    with pytest.raises(TreeQueryError, match="between 1 and to"):
        tree.consistency(3, 2)


def test_leaf_indexes_stay_dense_where_a_rolled_back_insert_burns_a_position(
    recorder: TreeRecorder,
) -> None:
    """PostgreSQL's sequence skips a value for a rolled-back insert; the leaves do not."""
    append(recorder, 2)
    taken = StoredEvent(uuid.uuid4(), 1, "tests.store:Fact", b"{}")
    recorder.insert_events([taken])  # type: ignore[attr-defined]
    with pytest.raises(IntegrityError):
        recorder.insert_events(  # type: ignore[attr-defined]
            [StoredEvent(uuid.uuid4(), 1, "tests.store:Fact", b"{}"), taken]
        )
    positions = append(recorder, 2)
    rows = recorder.scan_ledger(0, 100)
    assert [row[5] for row in rows] == [0, 1, 2, 3, 4]
    assert rows[-1][0] == positions[-1]
    assert verify_ledger(recorder).ok


def test_writers_in_other_processes_extend_the_same_tree(ledger: Ledger, database_url: str) -> None:
    """Each recorder caches its frontier; when another wrote meanwhile it rebuilds it."""
    other = open_ledger(database_url)
    try:
        ours, theirs = recorder_of(ledger), recorder_of(other)
        for size in (1, 3, 2, 5, 1, 4, 7):
            append(ours, size, per_insert=size)
            append(theirs, size + 1, per_insert=2)
        result = verify_ledger(ours)
        assert result.ok, result.reason
        assert result.root_hash == root_hash(leaves_of(theirs))
    finally:
        other.close()


def test_concurrent_writers_get_one_order_of_leaves(recorder: TreeRecorder) -> None:
    errors: list[Exception] = []

    def write() -> None:
        try:
            append(recorder, 20, per_insert=3)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = recorder.scan_ledger(0, 1000)
    assert [row[5] for row in rows] == list(range(80))
    assert [row[6] for row in rows] == sorted(row[6] for row in rows)  # recorded_at
    assert verify_ledger(recorder).ok


def test_the_position_known_at_any_instant_is_found_without_an_index(
    recorder: TreeRecorder,
) -> None:
    """recorded_at never decreases along the leaves, so bisection finds the last position
    recorded by an instant: the same answer as scanning every entry."""
    assert recorder.position_known_at(datetime.now(UTC)) == 0
    for size in (1, 3, 2, 1, 4, 2, 1, 1, 5):
        append(recorder, size, per_insert=size)
    records = recorder.select_records(limit=1000)
    for record in records:
        for shift in (timedelta(0), timedelta(microseconds=-1), timedelta(microseconds=1)):
            instant = record.recorded_at + shift
            expected = max((r.position for r in records if r.recorded_at <= instant), default=0)
            assert recorder.position_known_at(instant) == expected


def test_the_writer_knows_what_it_recorded_without_reading_it_back(
    recorder: TreeRecorder,
) -> None:
    """A command is answered with its recorded_at from memory: the same instant another
    thread reads from the store, and never an instant of an insert that rolled back."""
    positions = append(recorder, 3, per_insert=3)
    mine = [recorder.recorded_at_of(position) for position in positions]
    stored: list[datetime] = []
    reader = threading.Thread(
        target=lambda: stored.extend(recorder.recorded_at_of(p) for p in positions)
    )
    reader.start()
    reader.join()
    assert mine == stored == [r.recorded_at for r in recorder.select_records(limit=10)]

    taken = StoredEvent(uuid.uuid4(), 1, "tests.store:Fact", b"{}")
    recorder.insert_events([taken])  # type: ignore[attr-defined]
    with pytest.raises(IntegrityError):
        recorder.insert_events([StoredEvent(uuid.uuid4(), 1, "tests.store:Fact", b"{}"), taken])  # type: ignore[attr-defined]
    [after] = append(recorder, 1)  # on SQLite it takes a position the rollback released
    assert recorder.recorded_at_of(after) == recorder.select_records(after=after - 1)[0].recorded_at


def test_records_can_be_read_for_some_topics_only(recorder: TreeRecorder) -> None:
    """A replay reads only the events its fold looks at; positions keep their order."""
    other = StoredEvent(uuid.uuid4(), 1, "tests.store:Other", b"{}")
    append(recorder, 2)
    [skipped] = recorder.insert_events([other])  # type: ignore[attr-defined]
    append(recorder, 2)
    every = recorder.select_rows(limit=10)
    facts = recorder.select_rows(limit=10, topics={"tests.store:Fact"})
    assert [row[0] for row in facts] == [row[0] for row in every if row[0] != skipped]
    assert [row[3] for row in recorder.select_rows(topics=["tests.store:Other"])] == [
        "tests.store:Other"
    ]
    assert recorder.select_rows(after=skipped, upto=skipped + 1, topics={"x:Y"}) == []
