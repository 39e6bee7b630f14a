"""The deadline register as a pure fold: provisional years, recomputation, periods (no I/O)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from domain.aggregate import Command
from domain.calendar import SHANGHAI
from domain.catalog import apply_for_catalog_update
from domain.consistency import Difference, RecommendationsMissing, record_consistency_check
from domain.deadlines import ObligationKind, Status, period_containing, periods_between
from domain.events import Actor, LedgerEvent
from domain.holidays import publish_schedule, validated_schedule
from domain.systems import SystemRegistered, register_system
from domain.triggers import record_law_change
from domain.vocabulary import Role, SystemStatus, UpdateCycle
from projections.base import Meta
from projections.deadlines import RegisterState, obligations_at
from projections.obligations import deadline_register

OFFICE = Actor(person="李静", department="BGS", role=Role.OFFICE)
ZYKF = Actor(person="孙悦", department="ZYKF", role=Role.DEPARTMENT)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def cmd(actor: Actor, when: str) -> Command:
    instant = at(when)
    return Command(actor=actor, occurred_at=instant, command_id=uuid4().hex, now=instant)


def fold(*events: LedgerEvent) -> RegisterState:
    register = deadline_register()
    state = register.initial()
    for position, event in enumerate(events, 1):
        state = register.apply(state, event, Meta(position, datetime.now(UTC)))
    return state


def catalog_updates(state: RegisterState, when: str) -> list[object]:
    return [
        o
        for o in obligations_at(deadline_register(), state, at(when))
        if o.kind is ObligationKind.CATALOG_UPDATE
    ]


def test_deadline_into_an_unpublished_year_is_provisional_then_recomputed__art12() -> None:
    # 2026-12-24 (Thu) + 7 working days, 2027 unpublished (weekends only):
    # 12-25, 28, 29, 30, 31, 2027-01-01, 01-04 → 2027-01-04, provisional.
    change = record_law_change(cmd(OFFICE, "2026-12-24T10:00:00+08:00"), uuid4(), "某法", ["ZYKF"])
    [before] = catalog_updates(fold(change), "2026-12-28T00:00:00+08:00")
    assert (before.due_date, before.provisional, before.unpublished_years) == (
        date(2027, 1, 4),
        True,
        (2027,),
    )
    # Once 2027 is published (1 January a holiday), the same obligation is final: 2027-01-05.
    schedule = validated_schedule(2027, [date(2027, 1, 1)], [])
    published = publish_schedule(cmd(OFFICE, "2026-12-26T10:00:00+08:00"), schedule)
    [after] = catalog_updates(fold(change, published), "2026-12-28T00:00:00+08:00")
    assert (after.due_date, after.provisional) == (date(2027, 1, 5), False)
    assert after.obligation_id == before.obligation_id


def test_breach_is_judged_at_the_instant_asked__art12() -> None:
    change = record_law_change(cmd(OFFICE, "2025-09-26T10:00:00+08:00"), uuid4(), "某法", ["ZYKF"])
    state = fold(change)
    [open_] = catalog_updates(state, "2025-10-13T23:59:59+08:00")
    [breached] = catalog_updates(state, "2025-10-14T00:00:00+08:00")
    assert (open_.status, breached.status) == (Status.OPEN, Status.BREACHED)


def test_application_without_trigger_discharges_the_departments_open_updates__art12() -> None:
    first = record_law_change(cmd(OFFICE, "2025-03-03T10:00:00+08:00"), uuid4(), "甲法", ["ZYKF"])
    second = record_law_change(cmd(OFFICE, "2025-03-04T10:00:00+08:00"), uuid4(), "乙法", ["ZYKF"])
    applied = apply_for_catalog_update(
        cmd(ZYKF, "2025-03-06T10:00:00+08:00"), uuid4(), "更新", None
    )
    items = catalog_updates(fold(first, second, applied), "2025-04-01T00:00:00+08:00")
    assert [o.status for o in items] == [Status.MET, Status.MET]


def test_obligation_does_not_exist_before_its_clock_starts() -> None:
    change = record_law_change(cmd(OFFICE, "2025-09-26T10:00:00+08:00"), uuid4(), "某法", ["ZYKF"])
    assert catalog_updates(fold(change), "2025-09-26T09:00:00+08:00") == []


def system(name: str, when: str, classified: bool = False) -> SystemRegistered:
    return register_system(cmd(ZYKF, when), uuid4(), name, SystemStatus.EXISTING, classified)


def test_consistency_check_is_owed_per_system_per_year__art13() -> None:
    scenic = register_system(
        cmd(ZYKF, "2024-05-06T09:00:00+08:00"),
        uuid4(),
        "景区管理系统",
        SystemStatus.EXISTING,
        False,
    )
    hotels = register_system(
        cmd(ZYKF, "2024-05-06T10:00:00+08:00"),
        uuid4(),
        "饭店管理系统",
        SystemStatus.EXISTING,
        False,
    )
    secret = register_system(
        cmd(ZYKF, "2024-05-06T11:00:00+08:00"), uuid4(), "涉密系统", SystemStatus.EXISTING, True
    )
    # One system checked in 2024 does not discharge the other's check (Art. 13).
    check = record_consistency_check(
        cmd(OFFICE, "2024-12-20T09:00:00+08:00"), uuid4(), scenic.create(), 2024, [], []
    )
    items = [
        o
        for o in obligations_at(
            deadline_register(),
            fold(scenic, hotels, secret, check),
            at("2025-06-01T00:00:00+08:00"),
        )
        if o.kind is ObligationKind.CONSISTENCY_CHECK
    ]
    got = sorted((str(o.subject_id), o.period.start, o.status) for o in items)
    assert got == sorted(
        [
            (str(scenic.originator_id), date(2024, 1, 1), Status.MET),
            (str(scenic.originator_id), date(2025, 1, 1), Status.OPEN),
            (str(hotels.originator_id), date(2024, 1, 1), Status.BREACHED),
            (str(hotels.originator_id), date(2025, 1, 1), Status.OPEN),
        ]
    )
    assert {o.department for o in items} == {"ZYKF"}


def test_differences_need_recommendations_to_the_leading_group__art13() -> None:
    checked = system("景区管理系统", "2024-05-06T09:00:00+08:00").create()
    differences = [Difference(description="游客流量表未编目")]
    with pytest.raises(RecommendationsMissing) as refused:
        record_consistency_check(
            cmd(OFFICE, "2024-12-20T09:00:00+08:00"), uuid4(), checked, 2024, differences, [" "]
        )
    assert refused.value.field == "recommendations"
    check = record_consistency_check(
        cmd(OFFICE, "2024-12-20T09:00:00+08:00"),
        uuid4(),
        checked,
        2024,
        differences,
        ["将游客流量表纳入目录"],
    )
    assert (check.system_department, check.recommendations) == ("ZYKF", ("将游客流量表纳入目录",))


def test_update_cycle_periods() -> None:
    assert period_containing(date(2025, 5, 14), UpdateCycle.QUARTERLY).start == date(2025, 4, 1)
    assert period_containing(date(2025, 5, 14), UpdateCycle.QUARTERLY).end == date(2025, 6, 30)
    assert period_containing(date(2025, 5, 14), UpdateCycle.WEEKLY).start == date(2025, 5, 12)
    assert period_containing(date(2025, 12, 2), UpdateCycle.HALF_YEARLY).end == date(2025, 12, 31)
    months = periods_between(date(2025, 1, 20), date(2025, 3, 1), UpdateCycle.MONTHLY)
    assert [p.start.month for p in months] == [1, 2, 3]
    assert months[1].end_instant == datetime(2025, 3, 1, tzinfo=SHANGHAI)
