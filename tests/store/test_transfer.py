"""Export and import: the ledger as JSON Lines with its leaf hashes and checkpoints, loaded
into an empty store (the same backend or the other) with its positions, re-verified line by
line; a tampered file is refused at its line and leaves nothing behind."""

from __future__ import annotations

import base64
import io
import uuid
from pathlib import Path
from typing import Any

import orjson
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from store.checkpoints import public_key, sign_checkpoint, trusted_verifier_key
from store.entries import canonical_bytes, leaf_hash, parse_instant
from store.records import TreeRecorder
from store.signed_note import generate_key, verifier_key
from store.transfer import ImportRefused, export_ledger, import_ledger
from store.tree import LedgerTree
from store.verify import verify_ledger
from tests.conftest import BACKENDS
from tests.store.conftest import append, fresh_ledger, recorder_of

pytestmark = pytest.mark.usefixtures("signing_key")


def exported(recorder: TreeRecorder) -> list[dict[str, Any]]:
    out = io.BytesIO()
    export_ledger(recorder, out, page=4)
    return [orjson.loads(line) for line in out.getvalue().splitlines()]


def as_file(lines: list[dict[str, Any]]) -> list[bytes]:
    return [orjson.dumps(line) for line in lines]


def a_ledger_with_a_gap(recorder: TreeRecorder) -> None:
    """Events and two checkpoints; on PostgreSQL a rolled-back insert leaves a gap."""
    append(recorder, 5, per_insert=2)
    taken = StoredEvent(uuid.uuid4(), 1, "tests.store:Fact", b"{}")
    recorder.insert_events([taken])  # type: ignore[attr-defined]
    with pytest.raises(IntegrityError):
        recorder.insert_events([taken])  # type: ignore[attr-defined]
    sign_checkpoint(recorder)
    append(recorder, 6, per_insert=3)
    sign_checkpoint(recorder)
    append(recorder, 2)  # after the last checkpoint: self-consistent only


@pytest.mark.parametrize("destination", BACKENDS)
def test_an_export_imports_as_the_same_ledger(
    recorder: TreeRecorder, tmp_path: Path, destination: str
) -> None:
    a_ledger_with_a_gap(recorder)
    lines = exported(recorder)
    assert [line["kind"] for line in lines[:3]] == ["header", "checkpoint", "checkpoint"]
    assert len(lines) == 1 + 2 + 14

    with fresh_ledger(destination, tmp_path) as other:
        copy = recorder_of(other)
        summary = import_ledger(copy, as_file(lines), trusted_key=trusted_verifier_key(recorder))

        assert (summary.events, summary.checkpoints, summary.signed_events) == (14, 2, 12)
        assert copy.scan_ledger(0, 100) == recorder.scan_ledger(0, 100)
        assert LedgerTree(copy).head() == LedgerTree(recorder).head()
        assert verify_ledger(copy, trusted_key=public_key(recorder).verifier_key).ok
        # Lookups by leaf and by instant find the same events although the positions
        # have a gap (a store that draws dense positions then bisects for them).
        tree, original, size = LedgerTree(copy), LedgerTree(recorder), copy.head().tree_size
        for position, *_ in recorder.scan_ledger(0, 100):
            assert tree.inclusion(position, size) == original.inclusion(position, size)
            recorded_at = recorder.recorded_at_of(position)
            assert copy.position_known_at(recorded_at) == recorder.position_known_at(recorded_at)
        after = append(copy, 3, per_insert=2)  # and the ledger goes on from there
        assert after[0] > recorder.head().position
        assert verify_ledger(copy).ok


def test_a_store_that_is_not_empty_is_refused(recorder: TreeRecorder) -> None:
    append(recorder, 2)
    lines = as_file(exported(recorder))
    with pytest.raises(ImportRefused, match="not empty"):
        import_ledger(recorder, lines)


def _refused(recorder: TreeRecorder, tmp_path: Path, lines: list[bytes]) -> ImportRefused:
    with fresh_ledger("sqlite", tmp_path) as other:
        copy = recorder_of(other)
        with pytest.raises(ImportRefused) as refused:
            import_ledger(copy, lines, trusted_key=trusted_verifier_key(recorder))
        assert copy.head().tree_size == 0 and copy.latest_checkpoint() is None  # nothing kept
    return refused.value


def _rehash(line: dict[str, Any]) -> None:
    """What a careful forger does after changing a line: recompute its leaf hash."""
    state = base64.b64decode(line["state"])
    line["leaf_hash"] = leaf_hash(
        canonical_bytes(
            line["position"],
            uuid.UUID(line["originator_id"]),
            line["originator_version"],
            line["topic"],
            state,
            parse_instant(line["recorded_at"]),
        )
    ).hex()


def test_a_changed_event_is_refused_at_its_line(recorder: TreeRecorder, tmp_path: Path) -> None:
    a_ledger_with_a_gap(recorder)
    lines = exported(recorder)
    lines[8]["state"] = base64.b64encode(b'{"n":"forged"}').decode()

    refused = _refused(recorder, tmp_path, as_file(lines))

    assert refused.line == 9
    assert "does not match its leaf hash" in str(refused)


def test_an_event_rehashed_after_a_change_is_refused_by_the_checkpoint_over_it(
    recorder: TreeRecorder, tmp_path: Path
) -> None:
    a_ledger_with_a_gap(recorder)
    lines = exported(recorder)
    lines[5]["state"] = base64.b64encode(b'{"n":"forged"}').decode()
    _rehash(lines[5])

    refused = _refused(recorder, tmp_path, as_file(lines))

    assert refused.line == 4  # the first event line the first checkpoint vouches for
    assert "checkpoint on line 2" in str(refused)


@pytest.mark.parametrize(
    ("edit", "line", "reason"),
    [
        (lambda lines: lines.pop(6), 7, "leaf index 4 where leaf 3 comes next"),
        (lambda lines: lines.insert(5, dict(lines[5])), 7, "leaf index 2 where leaf 3"),
        (lambda lines: lines.__setitem__(slice(5, 7), lines[6:4:-1]), 6, "leaf index 3"),
        (lambda lines: lines.__setitem__(9, {**lines[9], "recorded_at": "x"}), 10, "recorded_at"),
        (lambda lines: lines.__setitem__(2, {**lines[2], "tree_size": 9}), 3, "differs"),
        (lambda lines: lines.__setitem__(0, {**lines[0], "format": "csv"}), 1, "no header"),
    ],
    ids=["line removed", "line repeated", "lines swapped", "bad time", "checkpoint", "header"],
)
def test_a_tampered_file_is_refused_naming_the_line(
    recorder: TreeRecorder, tmp_path: Path, edit: Any, line: int, reason: str
) -> None:
    a_ledger_with_a_gap(recorder)
    lines = exported(recorder)
    edit(lines)

    refused = _refused(recorder, tmp_path, as_file(lines))

    assert refused.line == line
    assert reason in str(refused)


def test_a_truncated_file_is_refused(recorder: TreeRecorder, tmp_path: Path) -> None:
    a_ledger_with_a_gap(recorder)
    lines = as_file(exported(recorder))

    assert "header promises 14" in str(_refused(recorder, tmp_path, lines[:-1]))
    assert "signs 12 events, the file has fewer" in str(_refused(recorder, tmp_path, lines[:-4]))
    assert "not valid JSON" in str(_refused(recorder, tmp_path, [*lines[:4], b"{", *lines[5:]]))


def test_checkpoints_signed_by_another_key_are_refused(
    recorder: TreeRecorder, tmp_path: Path
) -> None:
    a_ledger_with_a_gap(recorder)
    lines = as_file(exported(recorder))
    stranger = verifier_key("jl-data-sharing-ledger", generate_key().public_key())

    with fresh_ledger("sqlite", tmp_path) as other, pytest.raises(ImportRefused) as refused:
        import_ledger(recorder_of(other), lines, trusted_key=stranger)

    assert refused.value.line == 2
    assert "not signed by" in str(refused.value)
