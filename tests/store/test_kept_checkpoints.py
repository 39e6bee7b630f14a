"""V08 against checkpoints kept outside the ledger, on SQLite and PostgreSQL: a superuser who
removes the last events together with the stored checkpoints that cover them leaves a
ledger that verifies against itself; the note its auditor kept still catches it."""

from __future__ import annotations

import pytest

from store.checkpoints import sign_checkpoint, trusted_verifier_key
from store.kept_notes import verify_with_notes
from store.records import TreeRecorder
from store.signed_note import checkpoint_body, generate_key, sign_note, verifier_key
from store.verify import Verification, verify_ledger
from tests.store.conftest import Superuser, append

pytestmark = pytest.mark.usefixtures("signing_key")


def verify(recorder: TreeRecorder, notes: list[str]) -> tuple[Verification, list[bool]]:
    trusted = trusted_verifier_key(recorder)
    assert trusted is not None
    result = verify_ledger(recorder, trusted_key=trusted, page=5)
    result, verdicts = verify_with_notes(recorder, result, notes, trusted)
    return result, [verdict.ok for verdict in verdicts]


def test_a_growing_ledger_is_consistent_with_every_note_kept_on_the_way(
    recorder: TreeRecorder,
) -> None:
    notes = []
    for count in (1, 4, 3):
        append(recorder, count)
        notes.append(sign_checkpoint(recorder).note)
    append(recorder, 5)
    result, verdicts = verify(recorder, notes)
    assert result.ok and verdicts == [True, True, True]


def test_a_truncated_ledger_fails_against_the_note_its_auditor_kept(
    recorder: TreeRecorder, superuser: Superuser
) -> None:
    positions = append(recorder, 8)
    sign_checkpoint(recorder)
    positions += append(recorder, 4)
    kept = sign_checkpoint(recorder).note  # size 12, kept by the auditor
    superuser.script(
        [
            ("DELETE FROM {events} WHERE {position} > ?", (positions[9],)),
            ("DELETE FROM {entries} WHERE {entry_position} > ?", (positions[9],)),
            ("DELETE FROM {checkpoints} WHERE tree_size > ?", (10,)),
        ]
    )
    alone = verify_ledger(recorder, trusted_key=trusted_verifier_key(recorder), page=5)
    assert alone.ok  # what the database alone says: why notes are kept outside it
    result, verdicts = verify(recorder, [kept])
    assert not result.ok and verdicts == [False]
    assert "removed from the end" in (result.reason or "")


def test_an_emptied_ledger_fails_against_a_kept_note(
    recorder: TreeRecorder, superuser: Superuser
) -> None:
    positions = append(recorder, 6)
    kept = sign_checkpoint(recorder).note
    # The superuser removes every event and every stored checkpoint: an empty ledger
    # verifies against itself.
    superuser.script(
        [
            ("DELETE FROM {events} WHERE {position} >= ?", (positions[0],)),
            ("DELETE FROM {entries} WHERE {entry_position} >= ?", (positions[0],)),
            ("DELETE FROM {checkpoints}", ()),
        ]
    )
    result, verdicts = verify(recorder, [kept])
    assert not result.ok and verdicts == [False]


def test_a_note_not_signed_by_the_trusted_key_fails(recorder: TreeRecorder) -> None:
    append(recorder, 3)
    stranger = generate_key()
    head = recorder.head()
    root = verify_ledger(recorder).root_hash
    body = checkpoint_body("jl-data-sharing-ledger", head.tree_size, root)
    forged = sign_note(body, "jl-data-sharing-ledger", stranger)
    assert verifier_key("jl-data-sharing-ledger", stranger.public_key())
    result, verdicts = verify(recorder, [forged])
    assert not result.ok and verdicts == [False]
    assert "not signed" in (result.reason or "")
