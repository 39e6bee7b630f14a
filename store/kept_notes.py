"""Verifying the ledger against signed checkpoints kept outside it (V08).

The checkpoints stored in the database vouch for the ledger only as long as no one who can
write to the database removes them: deleting the last events together with the checkpoints
that cover them leaves a shorter ledger that checks out against itself. A note an auditor
kept does not go away with them. For each kept note this checks that it is signed by the
trusted key, and that the ledger, recomputed from its events, extends the tree the note
signed (RFC 9162 §2.1.4 consistency), so a truncated or rewritten ledger fails against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from store.frontier import TreeCorrupted
from store.merkle import ProofError, verify_consistency
from store.records import TreeRecorder
from store.signed_note import NoteError, open_note
from store.tree import LedgerTree, TreeQueryError
from store.verify import Verification


@dataclass(frozen=True)
class NoteVerdict:
    """One kept note: whether the ledger is consistent with it, and if not why."""

    index: int
    ok: bool
    tree_size: int | None
    root_hash: bytes | None
    reason: str | None = None


def check_note(
    recorder: TreeRecorder, verification: Verification, note: str, trusted_key: str, index: int
) -> NoteVerdict:
    """Is the recomputed ledger (``verification``) consistent with the signed ``note``?"""
    try:
        signed = open_note(note, trusted_key)
    except NoteError as error:
        return NoteVerdict(index, False, None, None, f"kept note {index + 1}: {error}")
    size, root = verification.tree_size, verification.root_hash
    bad = _inconsistency(recorder, signed.size, signed.root, size, root)
    if bad is not None:
        return NoteVerdict(index, False, signed.size, signed.root, f"kept note {index + 1}: {bad}")
    return NoteVerdict(index, True, signed.size, signed.root)


def _inconsistency(
    recorder: TreeRecorder, old_size: int, old_root: bytes, size: int, root: bytes
) -> str | None:
    if old_size > size:
        return (
            f"it signed {old_size} events, but only {size} are recorded: events were "
            "removed from the end"
        )
    if old_size == 0:
        return None  # the empty tree is a prefix of every tree (its root is checked on signing)
    try:
        # The proof comes from the stored tree, but is checked against the root recomputed
        # from the events: stored nodes that lie give a proof that fails.
        proof = LedgerTree(recorder).consistency(old_size, size).proof
        verify_consistency(old_size, size, proof, old_root, root)
    except (ProofError, TreeQueryError, TreeCorrupted) as error:
        return (
            f"the ledger is not consistent with the tree of {old_size} events it signed "
            f"({error}): events among the first {old_size} were changed or removed"
        )
    return None


def verify_with_notes(
    recorder: TreeRecorder,
    verification: Verification,
    notes: Sequence[str],
    trusted_key: str,
) -> tuple[Verification, list[NoteVerdict]]:
    """The verification with every kept note checked too: not ok if any note fails."""
    verdicts = [
        check_note(recorder, verification, note, trusted_key, index)
        for index, note in enumerate(notes)
    ]
    failed = next((v for v in verdicts if not v.ok), None)
    if verification.ok and failed is not None:
        verification = replace(verification, ok=False, reason=failed.reason)
    return verification, verdicts
