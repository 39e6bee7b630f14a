"""Signed checkpoints: C2SP tlog-checkpoint notes over the tree head, signed with the ledger's
Ed25519 key, which an auditor can check later with a consistency proof."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from store.checkpoints import (
    SigningKeyMissing,
    ensure_signing_key,
    key_path,
    public_key,
    sign_checkpoint,
    trusted_verifier_key,
)
from store.merkle import verify_consistency
from store.records import TreeRecorder
from store.settings import DEFAULT_ORIGIN, signing_key_path
from store.signed_note import open_note
from store.tree import LedgerTree
from tests.store.conftest import append


def test_a_checkpoint_signs_the_tree_head_as_a_c2sp_note(
    recorder: TreeRecorder, signing_key: Path
) -> None:
    append(recorder, 5, per_insert=2)
    now = datetime(2025, 6, 1, 8, 30, 15, 999, tzinfo=UTC)

    checkpoint = sign_checkpoint(recorder, now)

    signed = open_note(checkpoint.note, public_key(recorder).verifier_key)
    assert (signed.origin, signed.size) == (DEFAULT_ORIGIN, 5)
    assert signed.root == checkpoint.root_hash == LedgerTree(recorder).head().root_hash
    assert signed.time == checkpoint.timestamp == now.replace(microsecond=0)
    assert recorder.latest_checkpoint() == checkpoint
    assert recorder.select_checkpoints() == [checkpoint]


def test_the_origin_is_a_setting_and_names_the_key(
    recorder: TreeRecorder, signing_key: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_ORIGIN", "ledger.example.gov.cn/data-sharing")
    checkpoint = sign_checkpoint(recorder)
    assert checkpoint.note.startswith("ledger.example.gov.cn/data-sharing\n0\n")
    assert checkpoint.verifier_key.startswith("ledger.example.gov.cn/data-sharing+")
    assert "\n\u2014 ledger.example.gov.cn/data-sharing " in checkpoint.note


def test_an_auditor_holding_an_old_checkpoint_can_check_the_ledger_only_grew(
    recorder: TreeRecorder, signing_key: Path
) -> None:
    append(recorder, 6)
    held = open_note(sign_checkpoint(recorder).note, public_key(recorder).verifier_key)
    append(recorder, 9, per_insert=4)
    latest = open_note(sign_checkpoint(recorder).note, public_key(recorder).verifier_key)

    proof = LedgerTree(recorder).consistency(held.size, latest.size)

    verify_consistency(held.size, latest.size, proof.proof, held.root, latest.root)


def test_the_key_is_generated_once_readable_by_its_owner_only(
    recorder: TreeRecorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_SIGNING_KEY", str(tmp_path / "keys" / "ledger.key"))
    with pytest.raises(SigningKeyMissing, match="ledger init"):
        sign_checkpoint(recorder)
    assert trusted_verifier_key(recorder) is None

    created = ensure_signing_key(recorder)

    assert created == tmp_path / "keys" / "ledger.key"
    assert stat.S_IMODE(os.stat(created).st_mode) == 0o600
    assert ensure_signing_key(recorder) is None
    assert trusted_verifier_key(recorder) == public_key(recorder).verifier_key
    assert trusted_verifier_key(recorder, "someone+else") == "someone+else"


def test_the_key_lives_beside_a_sqlite_file_by_default(
    recorder: TreeRecorder, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEDGER_SIGNING_KEY", raising=False)
    if database_url.startswith("sqlite"):
        db = database_url.removeprefix("sqlite:///")
        assert key_path(recorder) == Path(db).with_suffix(".key")
    else:
        assert key_path(recorder) == Path("ledger.key")
    assert signing_key_path("/srv/ledger/ledger.db") == Path("/srv/ledger/ledger.key")
