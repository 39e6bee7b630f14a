"""The aggregation schedule as a pure fold (Art. 19, 39(4)): cycles, rejections, stops, volume."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

from pydantic import TypeAdapter

from domain.aggregate import Command
from domain.aggregation import receive_aggregation
from domain.deadlines import ObligationKind, Status
from domain.events import Actor, LedgerEvent
from domain.resources import Resource, ResourceFields, catalog_resource
from domain.systems import InformationSystem, register_system
from domain.vocabulary import ChecksumAlgorithm, Role, SystemStatus
from projections.base import Meta
from projections.deadlines import Obligation, RegisterState, obligations_at
from projections.obligations import deadline_register
from tests.support.portal import resource_body

ZYKF = Actor(person="孙悦", department="ZYKF", role=Role.DEPARTMENT)
OFFICE = Actor(person="李静", department="BGS", role=Role.OFFICE)
CENTER = Actor(person="周敏", department="XXZX", role=Role.INFO_CENTER)


def cmd(actor: Actor, when: str | datetime) -> Command:
    instant = datetime.fromisoformat(when) if isinstance(when, str) else when
    return Command(actor=actor, occurred_at=instant, command_id=uuid4().hex, now=instant)


def cataloged(when: str, **overrides: Any) -> tuple[Resource, list[LedgerEvent]]:
    fields = ResourceFields.model_validate(resource_body("ZYKF", **overrides))
    events = catalog_resource(cmd(ZYKF, when), uuid4(), fields)
    resource: Resource = events[0].mutate(None)
    joined = resource.join_catalog(cmd(OFFICE, when), uuid4())
    return joined.mutate(resource), [events[0], joined]


def connected(when: str) -> InformationSystem:
    registered = register_system(cmd(ZYKF, when), uuid4(), "系统", SystemStatus.EXISTING, False)
    state: InformationSystem = registered.mutate(None)
    result: InformationSystem = state.connect(cmd(CENTER, when)).mutate(state)
    return result


def receipt(
    resource: Resource, system: InformationSystem, when: str | datetime, first: date, last: date
) -> LedgerEvent:
    return receive_aggregation(
        cmd(CENTER, when),
        uuid4(),
        resource,
        system,
        record_count=1,
        period_start=first,
        period_end=last,
        checksum="ab" * 32,
        checksum_algorithm=ChecksumAlgorithm.SHA256,
    )


def fold(events: list[LedgerEvent]) -> RegisterState:
    register = deadline_register()
    state = register.initial()
    for position, event in enumerate(events, 1):
        state = register.apply(state, event, Meta(position, datetime.now(UTC)))
    return state


def aggregations(state: RegisterState, when: str) -> list[Obligation]:
    at = datetime.fromisoformat(when)
    return [
        o
        for o in obligations_at(deadline_register(), state, at)
        if o.kind is ObligationKind.AGGREGATION
    ]


def test_a_rejection_withdraws_only_its_own_receipt__art39_4() -> None:
    resource, events = cataloged("2025-03-10T09:00:00+08:00")
    system = connected("2025-03-01T09:00:00+08:00")
    first = receipt(
        resource, system, "2025-04-02T09:00:00+08:00", date(2025, 3, 1), date(2025, 3, 31)
    )
    second = receipt(
        resource, system, "2025-04-03T09:00:00+08:00", date(2025, 3, 1), date(2025, 3, 31)
    )
    rejected = first.mutate(None).reject(cmd(CENTER, "2025-04-02T15:00:00+08:00"), "无法使用")
    [march] = aggregations(fold([*events, first, rejected]), "2025-04-03T00:00:00+08:00")
    assert (march.status, march.discharged_at) == (Status.OPEN, None)
    [march] = aggregations(fold([*events, first, rejected, second]), "2025-04-10T00:00:00+08:00")
    assert march.status is Status.MET
    assert march.discharged_at == datetime.fromisoformat("2025-04-03T09:00:00+08:00")


def test_a_receipt_must_cover_the_whole_period__art19() -> None:
    resource, events = cataloged("2025-03-10T09:00:00+08:00")
    system = connected("2025-03-01T09:00:00+08:00")
    half = receipt(
        resource, system, "2025-04-02T09:00:00+08:00", date(2025, 3, 16), date(2025, 3, 31)
    )
    [march] = aggregations(fold([*events, half]), "2025-04-03T00:00:00+08:00")
    assert march.status is Status.OPEN


def test_a_daily_schedule_over_three_years_is_met_day_by_day__art19() -> None:
    # 1,096 daily obligations, each discharged by its own receipt. (What it costs is measured
    # in bench/, not timed here.)
    resource, events = cataloged("2023-01-01T09:00:00+08:00", update_cycle="daily")
    system = connected("2023-01-01T08:00:00+08:00")
    day = date(2023, 1, 1)
    while day <= date(2025, 12, 31):
        when = datetime(day.year, day.month, day.day, 23, 0, tzinfo=UTC)
        events.append(receipt(resource, system, when, day, day))
        day += timedelta(days=1)
    state = fold(events)
    items = aggregations(state, "2026-01-01T12:00:00+08:00")
    assert len(items) == 1096
    assert all(o.status is Status.MET for o in items)


def test_the_register_with_receipts_saves_and_loads_as_json() -> None:
    # Replays start from saved folds: the schedule, its coverages and their sources survive.
    resource, events = cataloged("2025-03-10T09:00:00+08:00")
    system = connected("2025-03-01T09:00:00+08:00")
    events.append(
        receipt(resource, system, "2025-04-02T09:00:00+08:00", date(2025, 3, 1), date(2025, 3, 31))
    )
    state = fold(events)
    codec = TypeAdapter(RegisterState)
    loaded = codec.validate_json(codec.dump_json(state))
    when = "2025-05-20T00:00:00+08:00"
    assert aggregations(loaded, when) == aggregations(state, when)
    assert [o.status for o in aggregations(loaded, when)] == [Status.MET, Status.BREACHED]
