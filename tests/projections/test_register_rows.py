"""The register's rows answer as the fold does, at any (T, K) (hypothesis, no I/O).

Random histories of catalog updates (Art. 12), aggregation schedules with receipts and
rejections (Art. 19, 39(4)), holiday schedules (due dates in working days) and published
graces, recorded in random order of occurrence: backdated and late-recorded facts. After
each history, at random instants T and positions K, the rows alive at (T, K) must give
exactly the obligations the fold derives from the events recorded by K that occurred by
T, with the policies known at K in force at T.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.utils import get_topic
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.aggregate import Command
from domain.aggregation import AggregationReceipt, receive_aggregation
from domain.catalog import apply_for_catalog_update
from domain.deadlines import period_containing
from domain.errors import RuleViolation
from domain.events import Actor, LedgerEvent
from domain.holidays import publish_schedule, validated_schedule
from domain.policies import Publication, in_force, publish_policy
from domain.resources import Resource, ResourceFields, catalog_resource
from domain.systems import InformationSystem, register_system
from domain.triggers import record_law_change
from domain.vocabulary import ChecksumAlgorithm, Role, SystemStatus, UpdateCycle
from projections.base import Meta
from projections.deadlines import obligations_at
from projections.obligations import deadline_register
from projections.register_rows import ObligationRow, RegisterRows, horizon_after
from replays.reports import obligation_row
from tests.support.portal import resource_body

OFFICE = Actor(person="李静", department="BGS", role=Role.OFFICE)
CENTER = Actor(person="周敏", department="XXZX", role=Role.INFO_CENTER)
START = datetime(2025, 11, 3, 2, tzinfo=UTC)
SPAN_DAYS = 200
DEPARTMENTS = ("ZYKF", "SCGL")


def cmd(actor: Actor, when: datetime) -> Command:
    return Command(actor=actor, occurred_at=when, command_id=uuid4().hex, now=when)


def department(code: str) -> Actor:
    return Actor(person="数据专员", department=code, role=Role.DEPARTMENT)


@dataclass
class History:
    """The events recorded so far, and what later facts can refer to."""

    events: list[LedgerEvent] = field(default_factory=list)
    triggers: list[tuple[UUID, str]] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    receipts: list[AggregationReceipt] = field(default_factory=list)
    system: InformationSystem | None = None

    def connected(self, when: datetime) -> InformationSystem:
        if self.system is None:
            registered = register_system(
                cmd(department("ZYKF"), when), uuid4(), "系统", SystemStatus.EXISTING, False
            )
            state: InformationSystem = registered.mutate(None)
            self.system = state.connect(cmd(CENTER, when)).mutate(state)
        return self.system

    def add(self, fact: tuple[str, int, int, int]) -> None:
        """Record the fact, unless the ledger would refuse it (a receipt before its
        resource existed, say): then, as there, nothing is recorded."""
        try:
            self._add(fact)
        except RuleViolation:
            pass

    def _add(self, fact: tuple[str, int, int, int]) -> None:
        kind, day, pick, value = fact
        when = START + timedelta(days=day, hours=pick % 9)
        code = DEPARTMENTS[pick % len(DEPARTMENTS)]
        if kind == "law_change":
            event = record_law_change(cmd(OFFICE, when), uuid4(), "某法修订", [code])
            self.triggers.append((event.originator_id, code))
            self.events.append(event)
        elif kind == "application":
            # Art. 12: an application naming no change discharges all the department's.
            trigger = self.triggers[pick % len(self.triggers)] if self.triggers else None
            trigger_id = trigger[0] if trigger and value % 2 else None
            actor = department(trigger[1] if trigger else code)
            self.events.append(
                apply_for_catalog_update(cmd(actor, when), uuid4(), "更新", trigger_id)
            )
        elif kind == "join":
            cycle = (UpdateCycle.MONTHLY, UpdateCycle.WEEKLY, UpdateCycle.QUARTERLY)[value % 3]
            fields = ResourceFields.model_validate(resource_body("ZYKF", update_cycle=cycle.value))
            [cataloged, *_] = catalog_resource(cmd(department("ZYKF"), when), uuid4(), fields)
            resource: Resource = cataloged.mutate(None)
            joined = resource.join_catalog(cmd(OFFICE, when), uuid4(), None)
            self.resources.append(joined.mutate(resource))
            self.events += [cataloged, joined]
        elif kind == "receipt" and self.resources:
            resource = self.resources[pick % len(self.resources)]
            # Art. 19: data already produced, a period that ended before the receipt.
            cycle = resource.fields.update_cycle
            covered = period_containing(when.date() - timedelta(days=1 + value % 60), cycle)
            while covered.end >= when.date():
                covered = period_containing(covered.start - timedelta(days=1), cycle)
            event = receive_aggregation(
                cmd(CENTER, when),
                uuid4(),
                resource,
                self.connected(when),
                record_count=1,
                period_start=covered.start,
                period_end=covered.end,
                checksum="ab" * 32,
                checksum_algorithm=ChecksumAlgorithm.SHA256,
            )
            self.receipts.append(event.mutate(None))
            self.events.append(event)
        elif kind == "rejection" and self.receipts:
            receipt = self.receipts[pick % len(self.receipts)]
            if receipt.rejected_at is None:
                rejected = receipt.reject(cmd(CENTER, when), "数据不可用")
                self.receipts[pick % len(self.receipts)] = rejected.mutate(receipt)
                self.events.append(rejected)
        elif kind == "holidays":
            year = 2026 + value % 2
            schedule = validated_schedule(year, [date(year, 1, 1), date(year, 1, 2)], [])
            self.events.append(publish_schedule(cmd(OFFICE, when), schedule))
        elif kind == "grace":
            effective = (START + timedelta(days=pick % SPAN_DAYS)).date()
            self.events.append(
                publish_policy(
                    cmd(OFFICE, when), None, "aggregation_grace", 1 + value % 6, effective
                )
            )


facts = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "law_change",
                "application",
                "join",
                "receipt",
                "receipt",
                "rejection",
                "holidays",
                "grace",
            ]
        ),
        st.integers(min_value=0, max_value=SPAN_DAYS),
        st.integers(min_value=0, max_value=1000),
        st.integers(min_value=0, max_value=1000),
    ),
    min_size=1,
    max_size=18,
)


@dataclass
class Versions:
    """Every row the projector wrote, with the positions it was current between."""

    rows: list[tuple[ObligationRow, int, int | None]] = field(default_factory=list)
    horizons: list[tuple[int, datetime]] = field(default_factory=list)

    def load(self, key: str) -> list[ObligationRow]:
        return [row for row, _, to in self.rows if row.partition == key and to is None]

    def write(
        self, position: int, closed: list[ObligationRow], opened: list[ObligationRow]
    ) -> None:
        gone = {row for row in closed}
        self.rows = [
            (row, since, position if to is None and row in gone else to)
            for row, since, to in self.rows
        ]
        self.rows += [(row, position, None) for row in opened]

    def alive(self, at: datetime, known: int) -> list[ObligationRow]:
        return [
            row
            for row, since, to in self.rows
            if since <= known and (to is None or known < to) and row.alive_at(at)
        ]

    def horizon(self, known: int) -> datetime:
        return max(h for position, h in self.horizons if position <= known)


def project(events: list[LedgerEvent], restart_at: int | None = None) -> Versions:
    """Feed the rows' keeper event by event; a restart notes what it already wrote."""
    versions = Versions()
    keeper = RegisterRows(deadline_register())
    for position, event in enumerate(events, 1):
        if restart_at is not None and position == restart_at:
            fresh = RegisterRows(deadline_register())
            for before, earlier in enumerate(events[: position - 1], 1):
                if _concerns(fresh, earlier):
                    fresh.note(before, earlier)
            keeper = fresh
        if not _concerns(keeper, event):
            continue
        changes = keeper.apply(position, event, versions.load)
        versions.write(position, changes.closed, changes.opened)
        if keeper.horizon is not None and (
            not versions.horizons or versions.horizons[-1][1] != keeper.horizon
        ):
            versions.horizons.append((position, keeper.horizon))
    return versions


def _concerns(keeper: RegisterRows, event: LedgerEvent) -> bool:
    return get_topic(type(event)) in keeper.topics


def folded(events: list[LedgerEvent], at: datetime, known: int) -> list[dict[str, Any]]:
    """The definition: the events recorded by K that occurred by T, folded in order."""
    register = deadline_register()
    state = register.initial()
    publications = []
    for position, event in enumerate(events[:known], 1):
        if type(event).__name__ == "PolicyPublished":
            publications.append(
                Publication(event.name, event.value, event.effective_from, position)  # type: ignore[attr-defined]
            )
        if event.occurred_at <= at:
            state = register.apply(state, event, Meta(position, event.occurred_at))
    policies = in_force(publications, at)
    return _ordered(
        obligation_row(o) for o in obligations_at(register, state, at, policies=policies)
    )


def from_rows(versions: Versions, at: datetime, known: int) -> list[dict[str, Any]]:
    return _ordered(obligation_row(row.obligation(at)) for row in versions.alive(at, known))


def _ordered(rows: Any) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r["obligation_id"], r["started_at"]))


@settings(max_examples=60, deadline=None)
@given(
    history=facts,
    asked=st.lists(
        st.tuples(st.integers(min_value=0, max_value=SPAN_DAYS + 120), st.integers(0, 1000)),
        min_size=4,
        max_size=8,
    ),
    restart=st.integers(min_value=0, max_value=20),
)
def test_rows_alive_at_t_and_k_are_the_folds_obligations(
    history: list[tuple[str, int, int, int]], asked: list[tuple[int, int]], restart: int
) -> None:
    # Art. 12, 19, 39(4): what a report at T as known at K shows is the fold's answer.
    recorded = History()
    for fact in history:
        recorded.add(fact)
    events = recorded.events
    if not events:
        return
    versions = project(events, restart_at=restart or None)
    for day, pick in asked:
        at = START + timedelta(days=day, minutes=pick)
        known = 1 + pick % len(events)
        if not versions.horizons or versions.horizons[0][0] > known:
            continue
        if at >= versions.horizon(known):
            continue
        assert from_rows(versions, at, known) == folded(events, at, known)


def test_the_horizon_is_the_year_after_nexts_start() -> None:
    # Periodic rows reach that far; reports beyond it are folded.
    assert horizon_after(datetime(2025, 12, 31, 17, tzinfo=UTC)).isoformat() == (
        "2028-01-01T00:00:00+08:00"
    )
