"""``ledger verify``: recompute the whole ledger and name the first position that is wrong.

Every stored event is read back in position order with its ledger entry (a page at
a time, so memory stays bounded) and checked three ways:

1. its entry: present, the next dense leaf index, recorded_at never going back;
2. the stored tree: the stored leaf hashes, appended to a compact range, must
   complete exactly the nodes stored with them, and give every signed
   checkpoint's root at its size;
3. the event itself: its canonical bytes must hash to the stored leaf hash.

Checks 1 and 2 come first because a mismatch they find can only start at or
before the current position. Which position is "first bad" depends on what the
evidence can tell: a changed event is named exactly; an event rewritten together
with its leaf hash is caught by the first stored node above it, which covers it
and one neighbour (level 1), so the pair's first position is named; and a tree
rewritten from some point on is caught only by a signed checkpoint, so the first
position after the last checkpoint that still holds is named. Events removed from
the end, or appended at it by a forger who computed their entries, change nothing
before them: only a later checkpoint shows the former, and the latter are what
checkpoints held outside the database, and the people who signed them, vouch for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from hashlib import sha256

from store.entries import LEAF_PREFIX, encode_canonical, instant_field
from store.merkle import EMPTY_ROOT, HASH_SIZE, CompactRange
from store.records import LedgerRow, StoredCheckpoint, TreeRecorder
from store.signed_note import NoteError, open_note

PAGE = 5000


@dataclass(frozen=True)
class Verification:
    """The outcome: ``ok``, how many events checked out, and if not, where and why."""

    ok: bool
    checked: int
    tree_size: int
    root_hash: bytes
    first_bad_position: int | None = None
    reason: str | None = None
    checkpoint: StoredCheckpoint | None = None
    """The latest signed checkpoint the recomputed tree agrees with."""


class Tampered(Exception):
    """The first problem found; ``intact`` events (if known) precede ``position``."""

    def __init__(self, position: int | None, reason: str, intact: int | None = None):
        super().__init__(reason)
        self.position = position
        self.reason = reason
        self.intact = intact


def verify_ledger(
    recorder: TreeRecorder,
    *,
    trusted_key: str | None = None,
    progress: Callable[[int], None] | None = None,
    page: int = PAGE,
) -> Verification:
    """Check everything; ``trusted_key`` is the verifier key checkpoints must be signed by."""
    verifier = _Verifier(recorder, page, progress)
    try:
        verifier.load_checkpoints(trusted_key)
        verifier.run()
    except Tampered as bad:
        return Verification(
            ok=False,
            checked=verifier.checked if bad.intact is None else bad.intact,
            tree_size=verifier.compact.size,
            root_hash=verifier.compact.root(),
            first_bad_position=bad.position,
            reason=bad.reason,
            checkpoint=verifier.confirmed,
        )
    return Verification(
        ok=True,
        checked=verifier.checked,
        tree_size=verifier.compact.size,
        root_hash=verifier.compact.root(),
        checkpoint=verifier.confirmed,
    )


def check_checkpoint(checkpoint: StoredCheckpoint, trusted_key: str | None) -> None:
    """The note verifies (under the trusted key, else its own) and says what its row says."""
    try:
        signed = open_note(checkpoint.note, trusted_key or checkpoint.verifier_key)
    except NoteError as error:
        msg = f"checkpoint #{checkpoint.id} (size {checkpoint.tree_size}): {error}"
        raise Tampered(None, msg) from None
    if (signed.size, signed.root) != (checkpoint.tree_size, checkpoint.root_hash):
        msg = f"checkpoint #{checkpoint.id}: its stored size or root differs from its signed note"
        raise Tampered(None, msg)


class _Verifier:
    def __init__(
        self, recorder: TreeRecorder, page: int, progress: Callable[[int], None] | None
    ) -> None:
        self.recorder = recorder
        self.page = page
        self.progress = progress
        self.compact = CompactRange()
        self.checked = 0
        self.pending: list[StoredCheckpoint] = []  # by size, the smallest last
        self.confirmed: StoredCheckpoint | None = None
        self.last_position = 0
        self.instant = ("", b"")  # the last recorded_at seen, and its canonical field

    def load_checkpoints(self, trusted_key: str | None) -> None:
        after, found = 0, []
        while batch := self.recorder.select_checkpoints(after=after, limit=self.page):
            for checkpoint in batch:
                check_checkpoint(checkpoint, trusted_key)
            found += batch
            after = batch[-1].id
        found.sort(key=lambda c: (-c.tree_size, -c.id))
        while found and found[-1].tree_size == 0:
            self._confirm(found.pop(), EMPTY_ROOT)
        self.pending = found

    def run(self) -> None:
        after = 0
        while rows := self.recorder.scan_ledger(after, self.page):
            checked = self.checked
            try:
                self._check(rows)
            except (TypeError, ValueError, AttributeError, OverflowError):
                position = rows[self.checked - checked][0]
                msg = f"the event or ledger entry at position {position} has malformed columns"
                raise Tampered(position, msg) from None
            after = rows[-1][0]
            if self.progress is not None:
                self.progress(len(rows))
        self._end()

    def _check(self, rows: list[LedgerRow]) -> None:
        """The hot loop: one page of events with their entries, everything in locals."""
        compact, push = self.compact, self.compact.push
        due = self.pending[-1].tree_size if self.pending else -1
        instant_text, time_field = self.instant
        for position, originator, version, topic, state, leaf, recorded, stored, nodes in rows:
            if leaf != compact.size:
                self._misplaced(position, leaf)
            if recorded != instant_text:
                if recorded < instant_text:
                    msg = f"recorded_at goes back in time at position {position}"
                    raise Tampered(position, msg)
                instant_text, time_field = recorded, instant_field(recorded)
            completed = push(stored)
            if completed != nodes:
                self._bad_node(leaf, completed, nodes, position)
            if compact.size == due:
                self._checkpoints_at(position)
                due = self.pending[-1].tree_size if self.pending else -1
            canonical = encode_canonical(position, originator, version, topic, state, time_field)
            if sha256(LEAF_PREFIX + canonical).digest() != stored:
                msg = (
                    f"the event at position {position} does not match its leaf hash: "
                    "its content, time or identity was changed"
                )
                raise Tampered(position, msg)
            self.checked += 1
            self.last_position = position
        self.instant = instant_text, time_field

    def _misplaced(self, position: int, leaf: int | None) -> None:
        expected = self.compact.size
        if leaf is None:
            msg = (
                f"the event at position {position} has no ledger entry: "
                "it was written around the ledger's recorder"
            )
            raise Tampered(position, msg)
        if leaf > expected:
            orphan = self.recorder.leaf_position(expected)
            if orphan is not None:
                msg = f"the event at position {orphan} was removed; its ledger entry remains"
                raise Tampered(orphan, msg)
            msg = (
                f"leaf {expected} is missing: the event recorded after position "
                f"{self.last_position} was removed together with its ledger entry"
            )
            raise Tampered(self.last_position + 1, msg)
        msg = f"the ledger entry at position {position} claims leaf {leaf}, not {expected}"
        raise Tampered(position, msg)

    def _bad_node(self, leaf: int, completed: bytes, stored: bytes, position: int) -> None:
        """Name the lowest stored node that differs: level 1 covers this leaf and the one
        before it, so either may be the event rewritten with its leaf hash; a higher node
        whose children still hold was itself changed."""
        for level in range(1, len(completed) // HASH_SIZE + 1):
            where = slice((level - 1) * HASH_SIZE, level * HASH_SIZE)
            if stored[where] == completed[where]:
                continue
            index = leaf >> level
            first = self._leaf_position(index << level, position)
            if level == 1:
                what = (
                    f"the events at positions {first} and {position} no longer give their "
                    "stored tree node: one of them was changed together with its leaf hash"
                )
            else:
                what = (
                    f"the stored tree node (level {level}, index {index}) over positions "
                    f"{first} to {position} was changed"
                )
            raise Tampered(first, what, intact=index << level)
        msg = f"the ledger entry at position {position} stores nodes its leaf does not complete"
        raise Tampered(position, msg)

    def _checkpoints_at(self, position: int) -> None:
        root = self.compact.root()
        while self.pending and self.pending[-1].tree_size == self.compact.size:
            checkpoint = self.pending.pop()
            if root != checkpoint.root_hash:
                start = 0 if self.confirmed is None else self.confirmed.tree_size
                first = self._leaf_position(start, position)
                msg = (
                    f"the first {checkpoint.tree_size} events no longer have the root signed "
                    f"in checkpoint #{checkpoint.id} at {checkpoint.timestamp.isoformat()}: "
                    f"events from position {first} to {position} were rewritten together "
                    "with their leaf hashes and the tree"
                )
                raise Tampered(first, msg, intact=start)
            self._confirm(checkpoint, root)

    def _end(self) -> None:
        head = self.recorder.head()
        if head.tree_size > self.compact.size:
            orphan = self.recorder.leaf_position(self.compact.size)
            msg = f"the event at position {orphan} was removed; its ledger entry remains"
            raise Tampered(orphan, msg)
        if self.pending:
            checkpoint = self.pending[-1]
            msg = (
                f"checkpoint #{checkpoint.id} signed {checkpoint.tree_size} events, but only "
                f"{self.compact.size} are recorded: events were removed from the end"
            )
            raise Tampered(self.last_position + 1, msg)

    def _confirm(self, checkpoint: StoredCheckpoint, root: bytes) -> None:
        if root != checkpoint.root_hash:
            msg = f"checkpoint #{checkpoint.id} of the empty ledger has a wrong root"
            raise Tampered(None, msg)
        self.confirmed = checkpoint

    def _leaf_position(self, leaf_index: int, current: int) -> int:
        """The position of a leaf at or before the current one (``current`` its position)."""
        if leaf_index >= self.compact.size - 1:
            return current
        if leaf_index == self.compact.size - 2:
            return self.last_position
        position = self.recorder.leaf_position(leaf_index)
        return current if position is None else position
