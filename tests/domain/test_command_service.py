"""The command service: a command decided, its receipt kept and saved once, on both stores.

What an idempotency key means is the service's, whoever calls it (a route, the command
line, the demo): a retry with the same request answers as the first did and records
nothing; another request under the key is refused; a retry while the first still runs is
refused; and when another process saved the same key first, its answer is the answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest

from api.answers import answer_of
from api.runtime import open_ledger, recorder_of, utc_now
from domain.aggregate import Command
from domain.commands import Caller, CommandService, Idempotency
from domain.errors import CommandInFlight, Conflict, IdempotencyKeyReused
from domain.events import Actor
from domain.ledger import Decision, Ledger
from domain.persons import Person
from domain.principals import new_token
from domain.vocabulary import DepartmentKind, Role

ADMIN = Actor(person="admin", department="ADMIN", role=Role.ADMIN)
OFFICE = Actor(person="李静", department="BGS", role=Role.OFFICE)
PRINCIPAL = uuid4()


def service(ledger: Ledger) -> CommandService:
    return CommandService(ledger, recorder_of(ledger), answer_of)


@pytest.fixture
def commands(ledger: Ledger) -> CommandService:
    commands = service(ledger)
    commands.handle(Caller(ADMIN), register_department(ledger, "BGS"))
    return commands


def register_department(ledger: Ledger, code: str) -> Any:
    return lambda cmd: ledger.register_department(cmd, code, code, DepartmentKind.DIVISION)


def keyed(key: str, request: str = "POST /v1/persons 张敏") -> Caller:
    return Caller(OFFICE, Idempotency(PRINCIPAL, key, fingerprint=request))


def register_person(ledger: Ledger, name: str = "张敏") -> Any:
    """Art. 36: the people who use shared data are on the record, each with an id."""
    return lambda cmd: ledger.register_person(cmd, name, "BGS", "科员", [Role.DEPARTMENT])


def head(ledger: Ledger) -> int:
    return ledger.recorder.max_notification_id() or 0


def test_a_command_without_a_key_is_decided_and_saved_each_time(
    ledger: Ledger, commands: CommandService
) -> None:
    first = commands.handle(Caller(OFFICE), register_person(ledger))
    second = commands.handle(Caller(OFFICE), register_person(ledger))
    assert (first.status, second.status) == (201, 201)
    assert first.body["id"] != second.body["id"]
    assert second.position == head(ledger) == first.position + 1
    assert first.decision is not None
    assert ledger.get(first.decision.subject_id, Person).name == "张敏"


def test_a_retry_under_the_same_key_answers_as_the_first_and_records_nothing(
    ledger: Ledger, commands: CommandService
) -> None:
    first = commands.handle(keyed("k-1"), register_person(ledger))
    assert first.status == 201
    # The command's own event, then its receipt: the answer's position is the former.
    assert head(ledger) == first.position + 1
    retry = commands.handle(keyed("k-1"), register_person(ledger))
    assert retry.status == 200 and retry.replayed
    assert retry.decision is None
    assert dict(retry.body) == dict(first.body)
    assert retry.position == first.position
    assert head(ledger) == first.position + 1


def test_another_request_under_a_used_key_is_refused_and_records_nothing(
    ledger: Ledger, commands: CommandService
) -> None:
    commands.handle(keyed("k-1"), register_person(ledger))
    before = head(ledger)
    with pytest.raises(IdempotencyKeyReused) as refused:
        commands.handle(keyed("k-1", "POST /v1/persons 王伟"), register_person(ledger, "王伟"))
    assert refused.value.field == "Idempotency-Key"
    assert head(ledger) == before


def test_a_retry_while_the_first_still_runs_is_refused(
    ledger: Ledger, commands: CommandService
) -> None:
    def decide_and_retry(cmd: Command) -> Decision:
        with pytest.raises(CommandInFlight):
            commands.handle(keyed("k-1"), register_person(ledger))
        decision: Decision = register_person(ledger)(cmd)
        return decision

    first = commands.handle(keyed("k-1"), decide_and_retry)
    assert first.status == 201
    assert head(ledger) == first.position + 1  # one person and its receipt, no more


@pytest.fixture
def other_process(database_url: str, commands: CommandService) -> Iterator[CommandService]:
    """The same store through another application object, as another worker holds it."""
    other = open_ledger(database_url)
    try:
        yield service(other)
    finally:
        other.close()


def test_when_another_process_saves_the_key_first_its_answer_is_the_answer(
    ledger: Ledger, commands: CommandService, other_process: CommandService
) -> None:
    answered: dict[str, Any] = {}

    def decide_while_the_other_saves(cmd: Command) -> Decision:
        # Both found no receipt; the other process saves first, then this one tries.
        theirs = other_process.handle(keyed("k-1"), register_person(ledger))
        answered.update(status=theirs.status, body=dict(theirs.body), position=theirs.position)
        decision: Decision = register_person(ledger)(cmd)
        return decision

    ours = commands.handle(keyed("k-1"), decide_while_the_other_saves)
    assert answered["status"] == 201
    assert (ours.status, dict(ours.body), ours.position) == (
        200,
        answered["body"],
        answered["position"],
    )
    assert head(ledger) == answered["position"] + 1  # only the other's person and receipt


def test_a_conflict_with_no_receipt_behind_it_is_the_callers(
    ledger: Ledger, commands: CommandService
) -> None:
    before = head(ledger)
    with pytest.raises(Conflict):  # BGS is registered: the decision itself refuses
        commands.handle(
            keyed("k-2", "POST /v1/departments BGS"), register_department(ledger, "BGS")
        )
    assert head(ledger) == before


def test_a_receipt_never_keeps_a_new_token(ledger: Ledger, commands: CommandService) -> None:
    token = new_token()
    decide = lambda cmd: ledger.register_principal(cmd, token, "李静", "BGS", Role.OFFICE)  # noqa: E731
    first = commands.handle(keyed("k-3", "POST /v1/principals 李静"), decide)
    assert first.body["token"] == token
    retry = commands.handle(keyed("k-3", "POST /v1/principals 李静"), decide)
    assert retry.status == 200
    assert "token" not in retry.body
    assert retry.body["id"] == first.body["id"]


def test_decisions_made_in_a_row_are_saved_in_one_transaction_or_not_at_all(
    ledger: Ledger, commands: CommandService
) -> None:
    def decided(actor: Actor, decide: Any) -> Decision:
        now = utc_now()
        cmd = Command(actor=actor, occurred_at=now, command_id=uuid4().hex, now=now)
        decision: Decision = decide(cmd)
        return decision

    people = [decided(OFFICE, register_person(ledger, name)) for name in ("张敏", "王伟")]
    positions = commands.save(people)
    assert positions == [head(ledger) - 1, head(ledger)]
    # A batch whose last decision cannot be saved (ZYKF registered twice, each decided
    # before either was saved) saves nothing of it.
    before = head(ledger)
    twice = register_department(ledger, "ZYKF")
    batch = [decided(OFFICE, register_person(ledger, "赵六")), decided(ADMIN, twice)]
    batch.append(decided(ADMIN, twice))
    with pytest.raises(Conflict):
        commands.save(batch)
    assert head(ledger) == before
