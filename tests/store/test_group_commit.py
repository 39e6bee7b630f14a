"""Group commit (domain/group_commit.py) on a real ledger, on both backends: commands that
wait while a save runs share the next transaction, each answered with its own recordings;
a conflict fails only the command that conflicts; nothing is answered before it is saved.

Art. 36 makes every use of shared data a record, so uses arrive by the thousand: these
tests record persons (the Art. 36 register) because they need no other object."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import Recording

from domain.aggregate import Command
from domain.errors import Conflict
from domain.events import Actor, LedgerEvent
from domain.group_commit import GroupCommit
from domain.ledger import Ledger
from domain.persons import register_person
from domain.vocabulary import Role

OFFICE = Actor(person="王处长", department="BGS", role=Role.LEADING_GROUP)


def person_event(person_id: UUID | None = None, name: str = "张立新") -> LedgerEvent:
    now = datetime.now(UTC)
    cmd = Command(actor=OFFICE, occurred_at=now, command_id=uuid4().hex, now=now)
    return register_person(cmd, person_id or uuid4(), name, "BGS", "科员", [Role.DEPARTMENT])


class CountingSaves:
    """The ledger's own save, counted: how many transactions the commands took."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.transactions = 0
        self.started = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def __call__(self, events: list[LedgerEvent]) -> list[Recording[UUID]]:
        self.transactions += 1
        self.started.set()
        self.release.wait(timeout=30)
        return self.ledger.save(*events)


def test_commands_waiting_while_a_save_runs_share_one_transaction(ledger: Ledger) -> None:
    # Art. 36: every use is its own record, still — each command gets its own recordings.
    saves = CountingSaves(ledger)
    group: GroupCommit[LedgerEvent, Recording[UUID]] = GroupCommit(saves)
    saves.release.clear()
    results: dict[int, list[Recording[UUID]]] = {}
    first = threading.Thread(target=lambda: results.__setitem__(0, group.record([person_event()])))
    first.start()
    assert saves.started.wait(timeout=30)  # the first save is running, held open
    waiting = [
        threading.Thread(target=lambda n=n: results.__setitem__(n, group.record([person_event()])))
        for n in range(1, 21)
    ]
    for thread in waiting:
        thread.start()
    while len(group._queue) < 20:  # all twenty are queued behind the running save
        threading.Event().wait(0.005)
    saves.release.set()
    for thread in [first, *waiting]:
        thread.join(timeout=60)
    assert sorted(results) == list(range(21))
    assert saves.transactions == 2  # the first alone, then the twenty that waited, together
    positions = [r[0].notification.id for r in results.values()]
    assert len(set(positions)) == 21
    for recordings in results.values():  # each answered its own event, saved and readable
        event_id = recordings[0].domain_event.originator_id
        assert ledger.find(event_id) is not None


def test_a_conflict_fails_only_its_own_command(ledger: Ledger) -> None:
    # Two commands creating the same object: one is saved, the other fails alone (409).
    taken = uuid4()
    ledger.record([person_event(taken, "李明")])
    saves = CountingSaves(ledger)
    group: GroupCommit[LedgerEvent, Recording[UUID]] = GroupCommit(saves)
    saves.release.clear()
    outcomes: dict[str, object] = {}

    def submit(label: str, event: LedgerEvent) -> None:
        try:
            outcomes[label] = group.record([event])
        except Exception as error:
            outcomes[label] = error

    labels = [f"ok{n}" for n in range(6)] + ["clash"]
    events = {label: person_event() for label in ["first", *labels[:-1]]}
    events["clash"] = person_event(taken)
    blocker = threading.Thread(target=submit, args=("first", events["first"]))
    blocker.start()
    assert saves.started.wait(timeout=30)
    threads = [threading.Thread(target=submit, args=(label, events[label])) for label in labels]
    for thread in threads:
        thread.start()
    while len(group._queue) < len(labels):
        threading.Event().wait(0.005)
    saves.release.set()
    for thread in [blocker, *threads]:
        thread.join(timeout=60)
    assert not isinstance(outcomes["clash"], list)
    for label in ["first", *labels[:-1]]:
        assert isinstance(outcomes[label], list), outcomes[label]
        assert ledger.find(events[label].originator_id) is not None
    assert saves.transactions > 2  # the shared save failed and was split until the clash


def test_the_ledger_records_through_group_commit_and_maps_a_conflict(ledger: Ledger) -> None:
    # Ledger.record is the one way a command saves: a clash is the domain's Conflict (409).
    taken = uuid4()
    ledger.record([person_event(taken)])
    with pytest.raises(Conflict):
        ledger.record([person_event(taken)])
    events = [person_event() for _ in range(30)]
    threads = [threading.Thread(target=ledger.record, args=([e],)) for e in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(ledger.find(e.originator_id) is not None for e in events)
