"""Replays from saved folds equal replays from the first event, and never show hindsight.

Property tests over random histories (hypothesis), on SQLite and PostgreSQL: each
example records a few more backdated facts in the same ledger, then asks about random
instants both ways.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.read_models import start_runner
from domain.aggregate import Command
from domain.catalog import apply_for_catalog_update
from domain.events import Actor
from domain.ledger import Ledger
from domain.triggers import record_law_change
from domain.vocabulary import Role
from projections.base import Meta
from projections.deadlines import obligations_at
from projections.obligations import deadline_register
from replays import asof
from replays.asof import Instant, replay
from replays.reports import obligation_row

OFFICE = Actor(person="李静", department="BGS", role=Role.OFFICE)
START = datetime(2025, 1, 1, tzinfo=UTC)
SPAN_DAYS = 600

facts = st.lists(
    st.tuples(
        st.sampled_from(["law_change", "application"]),
        st.integers(min_value=0, max_value=SPAN_DAYS),
        st.sampled_from(["ZYKF", "SCGL", "GGFW"]),
    ),
    min_size=1,
    max_size=6,
)
instants = st.integers(min_value=0, max_value=SPAN_DAYS + 30).map(
    lambda days: START + timedelta(days=days)
)


def record(ledger: Ledger, kind: str, day: int, department: str) -> None:
    now = datetime.now(UTC)
    occurred = START + timedelta(days=day, hours=3)
    if kind == "law_change":
        cmd = Command(actor=OFFICE, occurred_at=occurred, command_id=uuid4().hex, now=now)
        ledger.record([record_law_change(cmd, uuid4(), "某法修订", [department])])
    else:
        actor = Actor(person="数据专员", department=department, role=Role.DEPARTMENT)
        cmd = Command(actor=actor, occurred_at=occurred, command_id=uuid4().hex, now=now)
        ledger.record([apply_for_catalog_update(cmd, uuid4(), "更新目录", None)])


def register_rows(ledger: Ledger, instant: Instant, every: int) -> tuple[int, list[dict[str, Any]]]:
    register = deadline_register()
    replayed = replay(ledger.recorder, ledger.mapper, register, instant, every=every)  # type: ignore[arg-type]
    rows = [obligation_row(o) for o in obligations_at(register, replayed.state, instant.at)]
    return replayed.started_from, rows


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(history=facts, at=instants)
def test_saved_folds_give_the_same_answer_as_the_first_event(
    ledger: Ledger, history: list[tuple[str, int, str]], at: datetime
) -> None:
    for fact in history:
        record(ledger, *fact)
    for known_at in (datetime.now(UTC), at):
        instant = Instant(at=at, known_at=known_at)
        _, from_scratch = register_rows(ledger, instant, every=0)
        # Twice: the first replay saves folds every 2 events, the second starts from them.
        register_rows(ledger, instant, every=2)
        _, from_saved = register_rows(ledger, instant, every=2)
        assert from_saved == from_scratch


def test_replays_start_from_saved_folds(ledger: Ledger) -> None:
    for day in range(10):
        record(ledger, "law_change", day * 30, "ZYKF")
    instant = Instant(at=datetime.now(UTC), known_at=datetime.now(UTC))
    first, rows = register_rows(ledger, instant, every=3)
    second, again = register_rows(ledger, instant, every=3)
    assert first == 0 and second >= 9
    assert again == rows


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=facts, after=facts, at=instants)
def test_known_at_answers_never_change_when_more_is_recorded(
    ledger: Ledger,
    before: list[tuple[str, int, str]],
    after: list[tuple[str, int, str]],
    at: datetime,
) -> None:
    # docs/DOMAIN.md: "at T as known at K" shows only what was recorded by K: no hindsight.
    for fact in before:
        record(ledger, *fact)
    known_at = datetime.now(UTC)
    instant = Instant(at=at, known_at=known_at)
    _, then = register_rows(ledger, instant, every=2)
    for fact in after:
        record(ledger, *fact)
    _, later = register_rows(ledger, instant, every=2)
    assert later == then


def folded_from_scratch(ledger: Ledger, instant: Instant) -> list[dict[str, Any]]:
    """The definition, with no saved fold and no index: every event recorded by known_at
    that occurred by at, folded in position order."""
    register = deadline_register()
    upto = ledger.recorder.position_known_at(instant.known_at)  # type: ignore[attr-defined]
    state = register.initial()
    for record in ledger.recorder.select_records(upto=upto, limit=10_000):  # type: ignore[attr-defined]
        event = ledger.mapper.to_domain_event(record.event)
        if record.event.topic in register.topics and event.occurred_at <= instant.at:
            state = register.apply(state, event, Meta(record.position, record.recorded_at))
    return [obligation_row(o) for o in obligations_at(register, state, instant.at)]


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(indexed=facts, beyond=facts, at=instants)
def test_late_entries_found_through_the_forensic_index_give_the_same_answer(
    ledger: Ledger,
    monkeypatch: pytest.MonkeyPatch,
    indexed: list[tuple[str, int, str]],
    beyond: list[tuple[str, int, str]],
    at: datetime,
) -> None:
    """docs/DOMAIN.md: at T as known at K folds every event recorded by K that occurred by T. A
    replay past its first event after T reads the rest through the forensic tables' index
    of occurred_at, as far as the projector reached, and event by event beyond that."""
    monkeypatch.setattr(asof, "PAGE", 1)  # these histories are short: use the index at once
    for fact in indexed:
        record(ledger, *fact)
    with start_runner(dict(ledger.env)) as projector:
        projector.wait(ledger.recorder.head().position, timeout=30)  # type: ignore[attr-defined]
    for fact in beyond:  # recorded after the projector stopped: not in the index
        record(ledger, *fact)
    for known_at in (datetime.now(UTC), at):
        instant = Instant(at=at, known_at=known_at)
        _, replayed = register_rows(ledger, instant, every=0)
        assert replayed == folded_from_scratch(ledger, instant)
