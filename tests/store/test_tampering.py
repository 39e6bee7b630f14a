"""V08: whoever alters, inserts or removes a recorded event is caught by `verify`, at the
right position, on SQLite and PostgreSQL. Each test tampers as a superuser would: around
the append-only triggers, directly in the tables."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from store.checkpoints import sign_checkpoint, trusted_verifier_key
from store.entries import canonical_bytes, format_instant, leaf_hash, parse_instant
from store.merkle import CompactRange
from store.records import TreeRecorder
from store.signed_note import checkpoint_body, generate_key, sign_note, verifier_key
from store.verify import Verification, verify_ledger
from tests.store.conftest import Superuser, append

pytestmark = pytest.mark.usefixtures("signing_key")


def verify(recorder: TreeRecorder) -> Verification:
    return verify_ledger(recorder, trusted_key=trusted_verifier_key(recorder), page=5)


def ledger_of(recorder: TreeRecorder, events: int = 12) -> list[int]:
    """``events`` events in transactions of 1 to 3, and a checkpoint of them all."""
    positions: list[int] = []
    for size in [1, 3, 2, 1, 3, 2] * events:
        if len(positions) >= events:
            break
        positions += append(recorder, min(size, events - len(positions)), per_insert=size)
    sign_checkpoint(recorder)
    return positions


def instant(value: Any) -> datetime:
    return value if isinstance(value, datetime) else parse_instant(value)


def event_at(superuser: Superuser, position: int) -> tuple[Any, ...]:
    return superuser.execute(
        "SELECT originator_id, originator_version, topic, state FROM {events} WHERE {position} = ?",
        (position,),
    )[0]


def entry_at(superuser: Superuser, position: int) -> tuple[Any, ...]:
    return superuser.execute(
        "SELECT leaf_index, recorded_at, leaf_hash FROM {entries} WHERE {entry_position} = ?",
        (position,),
    )[0]


def entry_nodes(superuser: Superuser, position: int) -> bytes:
    return bytes(
        superuser.execute("SELECT nodes FROM {entries} WHERE {entry_position} = ?", (position,))[0][
            0
        ]
    )


def leaf_of(position: int, event: tuple[Any, ...], recorded_at: Any) -> bytes:
    originator, version, topic, state = event
    return leaf_hash(
        canonical_bytes(position, originator, version, topic, bytes(state), instant(recorded_at))
    )


def test_an_intact_ledger_verifies_against_its_checkpoint(recorder: TreeRecorder) -> None:
    ledger_of(recorder)
    result = verify(recorder)
    assert result.ok, result.reason
    assert (result.checked, result.tree_size, result.first_bad_position) == (12, 12, None)
    assert result.checkpoint is not None and result.checkpoint.tree_size == 12


@pytest.mark.parametrize("index", [0, 5, 11])
def test_one_byte_of_a_state_changed_is_named(
    recorder: TreeRecorder, superuser: Superuser, index: int
) -> None:
    position = ledger_of(recorder)[index]
    state = bytearray(event_at(superuser, position)[3])
    state[3] ^= 0x01
    superuser.execute(
        "UPDATE {events} SET state = ? WHERE {position} = ?", (bytes(state), position)
    )

    result = verify(recorder)

    assert not result.ok
    assert result.first_bad_position == position
    assert "does not match its leaf hash" in (result.reason or "")
    assert result.checked == index


def test_a_deleted_event_is_named(recorder: TreeRecorder, superuser: Superuser) -> None:
    position = ledger_of(recorder)[6]
    superuser.execute("DELETE FROM {events} WHERE {position} = ?", (position,))

    result = verify(recorder)

    assert (result.ok, result.first_bad_position) == (False, position)
    # Where the entry is in the event's row it went with it: its leaf is missing.
    expected = "leaf 6 is missing" if superuser.entries_in_events else "was removed"
    assert expected in (result.reason or "")


def test_an_event_deleted_with_its_entry_is_named(
    recorder: TreeRecorder, superuser: Superuser
) -> None:
    position = ledger_of(recorder)[6]
    superuser.script(
        [
            ("DELETE FROM {events} WHERE {position} = ?", (position,)),
            ("DELETE FROM {entries} WHERE {entry_position} = ?", (position,)),
        ]
    )

    result = verify(recorder)

    assert (result.ok, result.first_bad_position) == (False, position)
    assert "leaf 6 is missing" in (result.reason or "")


def test_a_forged_event_without_an_entry_is_named(
    recorder: TreeRecorder, superuser: Superuser
) -> None:
    if superuser.entries_in_events:
        pytest.skip("the entry's columns are NOT NULL in the event's row: no event lacks one")
    ledger_of(recorder)
    forged = uuid.uuid4()
    superuser.execute(
        "INSERT INTO {events} (originator_id, originator_version, topic, state) "
        "VALUES (?, 1, 'tests.store:Fact', ?)",
        (superuser.originator(forged), b'{"n":1}'),
    )
    position = superuser.execute(
        "SELECT {position} FROM {events} WHERE originator_id = ?", (superuser.originator(forged),)
    )[0][0]

    result = verify(recorder)

    assert (result.ok, result.first_bad_position) == (False, position)
    assert "no ledger entry" in (result.reason or "")


def test_a_forged_back_dated_event_with_a_plausible_entry_is_named(
    recorder: TreeRecorder, superuser: Superuser
) -> None:
    """Appended at the end, but claiming to have been recorded a day earlier."""
    positions = ledger_of(recorder)
    last_recorded = instant(entry_at(superuser, positions[-1])[1])
    forged = (uuid.uuid4(), 1, "tests.store:Fact", b'{"n":1}')
    backdated = last_recorded - timedelta(days=1)
    position = positions[-1] + 1
    entry = (
        12,
        _stored_instant(superuser, backdated),
        leaf_of(position, forged, backdated),
        b"",  # leaf 12 completes no node
    )
    superuser.script(superuser.forge(position, forged, entry))

    result = verify(recorder)

    assert (result.ok, result.first_bad_position) == (False, position)
    assert "goes back in time" in (result.reason or "")


def test_a_forged_event_inserted_into_the_past_is_named(
    recorder: TreeRecorder, superuser: Superuser
) -> None:
    """Every later event and entry is moved up one position (and leaf) to make room, and
    the forged event gets an entry with a correct leaf hash over its new position."""
    positions = ledger_of(recorder)
    target = positions[4]  # leaf 4: the first of the pair (4, 5) under tree node (1, 2)
    moved_recorded_at = entry_at(superuser, target)[1]
    steps: list[tuple[str, tuple[Any, ...]]] = []
    for position in reversed(positions[4:]):
        steps += superuser.move_up(position)
    forged = (uuid.uuid4(), 1, "tests.store:Fact", b'{"grant":"everything"}')
    entry = (
        4,
        moved_recorded_at,
        leaf_of(target, forged, moved_recorded_at),
        b"",  # leaf 4 completes no node
    )
    steps += superuser.forge(target, forged, entry)
    superuser.script(steps)

    result = verify(recorder)

    assert (result.ok, result.first_bad_position) == (False, target)
    assert result.checked == 4  # the forged event checks out alone; its node does not


def test_two_swapped_states_are_named_at_the_first(
    recorder: TreeRecorder, superuser: Superuser
) -> None:
    positions = ledger_of(recorder)
    first, second = positions[2], positions[8]
    state1, state2 = event_at(superuser, first)[3], event_at(superuser, second)[3]
    superuser.script(
        [
            ("UPDATE {events} SET state = ? WHERE {position} = ?", (state2, first)),
            ("UPDATE {events} SET state = ? WHERE {position} = ?", (state1, second)),
        ]
    )
    assert state1 != state2

    result = verify(recorder)

    assert (result.ok, result.first_bad_position) == (False, first)


@pytest.mark.parametrize(
    ("shift", "reason"),
    [
        (timedelta(microseconds=1), "does not match its leaf hash"),
        (-timedelta(days=1), "goes back"),
    ],
)
def test_a_changed_recorded_at_is_named(
    recorder: TreeRecorder, superuser: Superuser, shift: timedelta, reason: str
) -> None:
    position = ledger_of(recorder)[5]
    recorded_at = instant(entry_at(superuser, position)[1])
    superuser.execute(
        "UPDATE {entries} SET recorded_at = ? WHERE {entry_position} = ?",
        (_stored_instant(superuser, recorded_at + shift), position),
    )

    result = verify(recorder)

    assert (result.ok, result.first_bad_position) == (False, position)
    assert reason in (result.reason or "")


@pytest.mark.parametrize(("index", "named"), [(4, 4), (5, 4)])
def test_an_event_rewritten_with_its_leaf_hash_is_caught_by_the_stored_tree(
    recorder: TreeRecorder, superuser: Superuser, index: int, named: int
) -> None:
    """The stored node over leaves 4 and 5 no longer matches: the evidence names that pair,
    and its first position is the first that cannot be vouched for."""
    positions = ledger_of(recorder)
    position = positions[index]
    event = event_at(superuser, position)
    forged = (*event[:3], b'{"n":"forged"}')
    recorded_at = entry_at(superuser, position)[1]
    superuser.script(
        [
            ("UPDATE {events} SET state = ? WHERE {position} = ?", (forged[3], position)),
            (
                "UPDATE {entries} SET leaf_hash = ? WHERE {entry_position} = ?",
                (leaf_of(position, forged, recorded_at), position),
            ),
        ]
    )

    result = verify(recorder)

    assert (result.ok, result.first_bad_position) == (False, positions[named])
    assert f"positions {positions[4]} and {positions[5]}" in (result.reason or "")


def test_a_rewritten_last_event_is_caught_by_the_checkpoint(
    recorder: TreeRecorder, superuser: Superuser
) -> None:
    """Leaf 12 of 13 is under no stored node; the checkpoint of 13 still signs it."""
    positions = ledger_of(recorder)
    positions += append(recorder, 1)
    sign_checkpoint(recorder)
    position = positions[12]
    forged = (*event_at(superuser, position)[:3], b'{"n":"forged"}')
    recorded_at = entry_at(superuser, position)[1]
    superuser.script(
        [
            ("UPDATE {events} SET state = ? WHERE {position} = ?", (forged[3], position)),
            (
                "UPDATE {entries} SET leaf_hash = ? WHERE {entry_position} = ?",
                (leaf_of(position, forged, recorded_at), position),
            ),
        ]
    )

    result = verify(recorder)

    assert (result.ok, result.first_bad_position) == (False, position)
    assert "checkpoint" in (result.reason or "")
    assert result.checkpoint is not None and result.checkpoint.tree_size == 12


def test_a_tree_rebuilt_around_a_rewritten_event_is_caught_by_the_checkpoint(
    recorder: TreeRecorder, superuser: Superuser
) -> None:
    """The thorough forger recomputes the leaf and every stored node above it: only the
    signed checkpoint still disagrees, so everything after the last good one is suspect."""
    positions = append(recorder, 8, per_insert=2)
    sign_checkpoint(recorder)
    positions += append(recorder, 8, per_insert=3)
    sign_checkpoint(recorder)
    position = positions[11]
    forged = (*event_at(superuser, position)[:3], b'{"n":"forged"}')
    recorded_at = entry_at(superuser, position)[1]
    leaves = [entry_at(superuser, p)[2] for p in positions]
    leaves[11] = leaf_of(position, forged, recorded_at)
    steps: list[tuple[str, tuple[Any, ...]]] = [
        ("UPDATE {events} SET state = ? WHERE {position} = ?", (forged[3], position)),
        ("UPDATE {entries} SET leaf_hash = ? WHERE {entry_position} = ?", (leaves[11], position)),
    ]
    compact = CompactRange()
    for index, leaf in enumerate(leaves):  # every stored node, recomputed over the forgery
        nodes = compact.push(leaf)
        steps.append(
            ("UPDATE {entries} SET nodes = ? WHERE {entry_position} = ?", (nodes, positions[index]))
        )
    superuser.script(steps)

    result = verify(recorder)

    assert (result.ok, result.first_bad_position) == (False, positions[8])
    assert "were rewritten" in (result.reason or "")
    assert result.checkpoint is not None and result.checkpoint.tree_size == 8


def test_events_removed_from_the_end_are_caught_by_the_checkpoint(
    recorder: TreeRecorder, superuser: Superuser
) -> None:
    positions = ledger_of(recorder)
    superuser.script(
        [
            ("DELETE FROM {events} WHERE {position} > ?", (positions[9],)),
            ("DELETE FROM {entries} WHERE {entry_position} > ?", (positions[9],)),
        ]
    )

    result = verify(recorder)

    assert (result.ok, result.first_bad_position) == (False, positions[9] + 1)
    assert "removed from the end" in (result.reason or "")


def test_a_changed_tree_node_is_named(recorder: TreeRecorder, superuser: Superuser) -> None:
    positions = ledger_of(recorder)
    stored = entry_nodes(superuser, positions[7])  # leaf 7 completes nodes (1, 3), (2, 1), (3, 0)
    changed = stored[:32] + bytes(32) + stored[64:]
    superuser.execute(
        "UPDATE {entries} SET nodes = ? WHERE {entry_position} = ?", (changed, positions[7])
    )

    result = verify(recorder)

    assert (result.ok, result.first_bad_position) == (False, positions[4])
    assert "node (level 2, index 1)" in (result.reason or "")


def test_a_checkpoint_whose_row_no_longer_says_what_it_signed_is_refused(
    recorder: TreeRecorder, superuser: Superuser
) -> None:
    ledger_of(recorder)
    superuser.execute("UPDATE {checkpoints} SET tree_size = 3")

    result = verify(recorder)

    assert not result.ok
    assert "differs from its signed note" in (result.reason or "")


def test_a_checkpoint_signed_with_another_key_is_refused(
    recorder: TreeRecorder, superuser: Superuser, tmp_path: Path
) -> None:
    """A forger who re-signs their own tree head with their own key gains nothing."""
    ledger_of(recorder)
    key = generate_key()
    head = superuser.execute("SELECT tree_size, root_hash FROM {checkpoints}")[0]
    note = sign_note(checkpoint_body("jl-data-sharing-ledger", head[0], bytes(head[1])),
                     "jl-data-sharing-ledger", key)  # fmt: skip
    now = datetime.now().astimezone()
    superuser.execute(
        "INSERT INTO {checkpoints} (tree_size, root_hash, timestamp, note, verifier_key) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            head[0],
            head[1],
            _stored_instant(superuser, now),
            note,
            verifier_key("jl-data-sharing-ledger", key.public_key()),
        ),
    )

    result = verify(recorder)

    assert not result.ok
    assert "not signed by" in (result.reason or "")


def _stored_instant(superuser: Superuser, value: datetime) -> Any:
    return value if superuser.postgres else format_instant(value)
