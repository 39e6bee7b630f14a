"""Policies the office publishes where the measures set no number, decided with no I/O.

A policy takes effect at the start of its ``effective_from`` day in Beijing; until one is
published each has its default from the ledger's start; for one day published twice, the
later publication holds. The register applies the policies it is given.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import uuid4

import pytest

from domain.calendar import SHANGHAI
from domain.deadlines import ObligationKind, WorkingDays
from domain.departments import DepartmentRegistered
from domain.errors import RuleViolation
from domain.events import Actor
from domain.policies import DEFAULTS, Publication, in_force, validated_value
from domain.rules import POLICIES, RULES
from domain.rules.catalog import FIRST_CATALOG, FIRST_CATALOG_GRACE
from domain.rules.reporting import USAGE_REPORT, USAGE_REPORT_GRACE, USAGE_REPORT_PERIOD
from domain.vocabulary import DepartmentKind, Role, UpdateCycle
from projections.base import Meta
from projections.deadlines import obligations_at
from projections.obligations import deadline_register


def beijing(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_the_defaults_are_the_declared_values_and_name_no_publication() -> None:
    assert dict(DEFAULTS.values) == {p.name: p.default for p in POLICIES}
    assert DEFAULTS.position is None
    # Art. 11: 20 working days for a first catalog until the office says otherwise.
    assert in_force([], beijing("2030-01-01T00:00")).working_days(FIRST_CATALOG_GRACE) == 20


def test_a_policy_holds_from_the_start_of_its_day_in_beijing__art11() -> None:
    grace = [Publication("first_catalog_grace", 10, date(2025, 3, 1), 7)]
    # 28 February 23:59 in Beijing is still the default; 1 March 00:00 is the new value,
    # though in UTC it is still 28 February.
    assert in_force(grace, beijing("2025-02-28T23:59")).working_days(FIRST_CATALOG_GRACE) == 20
    march = in_force(grace, beijing("2025-03-01T00:00"))
    assert march.working_days(FIRST_CATALOG_GRACE) == 10
    assert march.position == 7
    assert march.applied == (grace[0],)


def test_the_later_publication_for_a_day_holds_and_the_latest_day_in_force__art33() -> None:
    published = [
        Publication("usage_report_period", "monthly", date(2025, 1, 1), 3),
        Publication("usage_report_period", "yearly", date(2025, 1, 1), 5),  # a correction
        Publication("usage_report_period", "half_yearly", date(2025, 7, 1), 4),
        Publication("usage_report_grace", 5, date(2024, 1, 1), 9),
    ]
    spring = in_force(published, beijing("2025-03-01T12:00"))
    assert spring.cycle(USAGE_REPORT_PERIOD) is UpdateCycle.YEARLY
    assert spring.working_days(USAGE_REPORT_GRACE) == 5
    assert spring.position == 9  # the latest publication applied, whichever policy
    autumn = in_force(published, beijing("2025-09-01T12:00"))
    assert autumn.cycle(USAGE_REPORT_PERIOD) is UpdateCycle.HALF_YEARLY


@pytest.mark.parametrize(
    ("name", "value", "field"),
    [
        ("reply_grace", 10, "name"),  # Art. 26's 10 working days are the measures', not a policy
        ("first_catalog_grace", "20", "value"),
        ("first_catalog_grace", True, "value"),
        ("first_catalog_grace", -1, "value"),
        ("first_catalog_grace", 251, "value"),
        ("usage_report_period", "daily", "value"),
        ("usage_report_period", 3, "value"),
    ],
)
def test_an_unknown_policy_or_a_value_of_the_wrong_kind_is_refused(
    name: str, value: object, field: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        validated_value(name, value)
    assert refused.value.field == field


def test_values_of_the_right_kind_are_kept() -> None:
    assert validated_value("late_entry_threshold", 0) == 0  # Art. 36: any delay is late
    assert validated_value("usage_report_period", "monthly") == "monthly"


def test_each_rule_names_the_policies_it_reads() -> None:
    reading = {r.code: [p.name for p in r.policies] for r in RULES if r.policies}
    assert reading["usage_report"] == ["usage_report_period", "usage_report_grace"]  # Art. 33
    assert reading["no_approved_catalog"] == ["first_catalog_grace"]  # Art. 11
    assert reading["not_connected"] == ["system_connection_grace"]  # Art. 19
    assert reading["aggregation"] == ["aggregation_grace"]  # Art. 19-21
    assert reading["late_entry"] == ["late_entry_threshold"]  # Art. 36
    # Every declared policy is read by some rule; the defaults are the declared periods.
    assert {p for r in RULES for p in r.policies} == set(POLICIES)
    assert FIRST_CATALOG.period == WorkingDays(int(FIRST_CATALOG_GRACE.default))
    assert USAGE_REPORT.period == WorkingDays(int(USAGE_REPORT_GRACE.default))


def test_the_register_applies_the_policies_it_is_given__art33() -> None:
    register = deadline_register()
    state = register.initial()
    registered = DepartmentRegistered(
        originator_id=uuid4(),
        originator_version=1,
        timestamp=beijing("2025-01-15T09:00"),
        occurred_at=beijing("2025-01-15T09:00"),
        actor=Actor(person="admin", department="ADMIN", role=Role.ADMIN),
        command_id="register-zykf",
        code="ZYKF",
        name="资源开发处",
        kind=DepartmentKind.DIVISION,
    )
    register.apply(state, registered, Meta(1, beijing("2025-01-15T09:00")))
    at = beijing("2025-04-20T00:00")

    def owed(policies: object) -> list[tuple[str, str]]:
        return [
            (o.period.end.isoformat() if o.period else "", o.due_date.isoformat())
            for o in obligations_at(register, state, at, policies=policies)  # type: ignore[arg-type]
            if o.kind is ObligationKind.USAGE_REPORT
        ]

    # Quarterly, due 10 working days after the quarter (清明 4–6 April 2025).
    assert owed(DEFAULTS) == [("2025-03-31", "2025-04-15"), ("2025-06-30", "2025-07-14")]
    monthly = in_force(
        [
            Publication("usage_report_period", "monthly", date(2025, 1, 1), 2),
            Publication("usage_report_grace", 5, date(2025, 1, 1), 3),
        ],
        at,
    )
    assert owed(monthly)[:3] == [
        ("2025-01-31", "2025-02-10"),  # 春节 to 4 February: 5, 6, 7, 8 (调休), 10 February
        ("2025-02-28", "2025-03-07"),
        ("2025-03-31", "2025-04-08"),
    ]
