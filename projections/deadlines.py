"""The deadline register: every obligation, folded from events; due dates and status derived.

Obligations come from rules declared in ``projections/obligations.py``:

- an ``EventRule`` opens an obligation when an event happens (a law change opens a
  catalog update for each affected department) and discharges it when another
  does (the department's update application);
- a ``PeriodicRule`` keeps a schedule for a subject (a resource aggregated monthly,
  the office's yearly consistency check) and each period's obligation exists once
  its clock has started; events covering a period discharge it, unless a later
  event withdraws that coverage (a rejected aggregation). A schedule that stops or
  changes cycle owes the periods whose clock started while it ran.

The fold stores no due dates and no statuses: ``obligations_at`` computes them
for the instant asked about with the calendar the ledger knew then, and with the
policies (``domain/policies``) the caller says were in force then as the ledger knew
them: a periodic rule's cycle and grace may be policies. They are not folded here, as
a replay folds only what occurred by its instant, and a back-dated publication occurs
after the instants it changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from uuid import UUID, uuid5

from domain.aggregate import LEDGER_NAMESPACE
from domain.calendar import HolidaySchedule, due_end_of, shanghai_date
from domain.deadlines import (
    DueSpec,
    ObligationKind,
    Period,
    Status,
    periods_between,
    status_at,
)
from domain.events import LedgerEvent
from domain.holidays import HolidaySchedulePublished, calendar_with
from domain.policies import DEFAULTS, InForce
from domain.vocabulary import UpdateCycle
from projections.base import ByClass, Meta, topics_of

# -- declarations --------------------------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    department: str
    subject_id: UUID
    due: DueSpec
    started_at: datetime | None = None  # default: the event's occurred_at


@dataclass(frozen=True)
class Closing:
    """Discharges the obligation on ``subject_id``, or every open one of the department."""

    department: str
    subject_id: UUID | None


@dataclass(frozen=True)
class EventRule:
    kind: ObligationKind
    opens: Mapping[type[LedgerEvent], Callable[[Any], Iterable[Opening]]]
    discharges: Mapping[type[LedgerEvent], Callable[[Any], Iterable[Closing]]]
    cancels: Mapping[type[LedgerEvent], Callable[[Any], Iterable[Closing]]] = field(
        default_factory=dict
    )


@dataclass(frozen=True)
class Schedule:
    """From ``since``, ``department`` owes one ``kind`` per ``cycle`` period for ``subject_id``."""

    department: str
    subject_id: UUID
    cycle: UpdateCycle
    since: date


@dataclass(frozen=True)
class Coverage:
    """An event that discharges every period of the subject lying within [first, last].
    ``source_id`` names what covered it, so a later event can withdraw the coverage."""

    department: str
    subject_id: UUID
    first: date
    last: date
    source_id: UUID | None = None


@dataclass(frozen=True)
class Withdrawal:
    """The coverage by ``source_id`` no longer counts (a rejected aggregation, Art. 39(4))."""

    department: str
    subject_id: UUID
    source_id: UUID


@dataclass(frozen=True)
class PeriodicRule:
    kind: ObligationKind
    starts: Mapping[type[LedgerEvent], Callable[[Any], Iterable[Schedule]]]
    stops: Mapping[type[LedgerEvent], Callable[[Any], Iterable[tuple[str, UUID]]]]
    discharges: Mapping[type[LedgerEvent], Callable[[Any], Iterable[Coverage]]]
    clock_starts: Callable[[Period], datetime]
    due: Callable[[Period, InForce], DueSpec]
    withdraws: Mapping[type[LedgerEvent], Callable[[Any], Iterable[Withdrawal]]] = field(
        default_factory=dict
    )
    # A cycle that is a policy: every schedule of the rule runs on the one in force.
    cycle: Callable[[InForce], UpdateCycle] | None = None


Rule = EventRule | PeriodicRule

# -- the fold's state ---------------------------------------------------------------------


@dataclass
class Opened:
    kind: ObligationKind
    department: str
    subject_id: UUID
    started_at: datetime
    due: DueSpec
    discharged_at: datetime | None = None
    period: Period | None = None

    @property
    def key(self) -> str:
        return register_key(self.kind, self.department, self.subject_id)

    @property
    def obligation_id(self) -> UUID:
        period = f":{self.period.start.isoformat()}" if self.period else ""
        return _obligation_id(f"{self.kind.value}:{self.department}:{self.subject_id}{period}")


@lru_cache(maxsize=1 << 18)
def _obligation_id(key: str) -> UUID:
    """Ids follow from the obligation's key; reports recompute them for every obligation."""
    return uuid5(LEDGER_NAMESPACE, key)


@dataclass
class Segment:
    cycle: UpdateCycle
    since: date
    until: date | None = None


@dataclass
class ScheduleState:
    """A subject's schedule over time: a cycle may change, stop and start again."""

    kind: ObligationKind
    department: str
    subject_id: UUID
    segments: list[Segment] = field(default_factory=list)
    # first day, last day, when, and what covered them
    coverages: list[tuple[date, date, datetime, UUID | None]] = field(default_factory=list)

    def start(self, cycle: UpdateCycle, since: date) -> None:
        last = self.segments[-1] if self.segments else None
        if last is not None and last.until is None:
            if last.cycle == cycle:
                return
            last.until = since - timedelta(days=1)
        self.segments.append(Segment(cycle, since))

    def stop(self, on: date) -> None:
        """Stopped during ``on``: the last whole day it ran is the day before, as when the
        cycle changes; a period still running then is not owed."""
        if self.segments and self.segments[-1].until is None:
            self.segments[-1].until = on - timedelta(days=1)


def register_key(kind: ObligationKind, department: str, subject_id: UUID) -> str:
    """Plain-text keys, so the state saves as JSON (replays start from saved folds)."""
    return f"{kind.value}|{department}|{subject_id}"


@dataclass
class RegisterState:
    published: dict[int, HolidaySchedule] = field(default_factory=dict)
    opened: dict[str, Opened] = field(default_factory=dict)
    schedules: dict[str, ScheduleState] = field(default_factory=dict)


# -- the fold -------------------------------------------------------------------------------


class DeadlineRegister:
    name = "deadlines"
    state_type = RegisterState

    def __init__(self, rules: Iterable[Rule], version: str = "3") -> None:
        self.rules = list(rules)
        # The rules decide what the fold holds: another set of rules, another version.
        self.version = f"{version}:{'+'.join(rule.kind.value for rule in self.rules)}"
        classes: set[type[LedgerEvent]] = {HolidaySchedulePublished}
        for rule in self.rules:
            classes.update(_event_classes(rule))
        self.topics = topics_of(*classes)
        # Only the rules an event's class concerns see it: most events concern none.
        self._rules_for = ByClass(
            (cls, rule) for rule in self.rules for cls in _event_classes(rule)
        )

    def initial(self) -> RegisterState:
        return RegisterState()

    def apply(self, state: RegisterState, event: LedgerEvent, meta: Meta) -> RegisterState:
        if isinstance(event, HolidaySchedulePublished):
            state.published[event.year] = event.schedule()
        for rule in self._rules_for(event):
            if isinstance(rule, EventRule):
                _apply_event_rule(state, rule, event)
            else:
                _apply_periodic_rule(state, rule, event)
        return state


def _event_classes(rule: Rule) -> set[type[LedgerEvent]]:
    if isinstance(rule, EventRule):
        return {*rule.opens, *rule.discharges, *rule.cancels}
    return {*rule.starts, *rule.stops, *rule.discharges, *rule.withdraws}


def _handlers(
    mapping: Mapping[type[LedgerEvent], Callable[[Any], Iterable[Any]]], event: LedgerEvent
) -> Iterable[Any]:
    for cls, handler in mapping.items():
        if isinstance(event, cls):
            yield from handler(event)


def _apply_event_rule(state: RegisterState, rule: EventRule, event: LedgerEvent) -> None:
    for opening in _handlers(rule.opens, event):
        key = register_key(rule.kind, opening.department, opening.subject_id)
        state.opened.setdefault(
            key,
            Opened(
                kind=rule.kind,
                department=opening.department,
                subject_id=opening.subject_id,
                started_at=opening.started_at or event.occurred_at,
                due=opening.due,
            ),
        )
    for closing in _handlers(rule.discharges, event):
        for opened in _matching(state, rule.kind, closing):
            if opened.discharged_at is None and opened.started_at <= event.occurred_at:
                opened.discharged_at = event.occurred_at
    for closing in _handlers(rule.cancels, event):
        for opened in list(_matching(state, rule.kind, closing)):
            del state.opened[opened.key]


def _matching(state: RegisterState, kind: ObligationKind, closing: Closing) -> Iterable[Opened]:
    if closing.subject_id is not None:
        opened = state.opened.get(register_key(kind, closing.department, closing.subject_id))
        return [opened] if opened is not None else []
    return [
        opened
        for opened in state.opened.values()
        if opened.kind is kind and opened.department == closing.department
    ]


def _apply_periodic_rule(state: RegisterState, rule: PeriodicRule, event: LedgerEvent) -> None:
    for schedule in _handlers(rule.starts, event):
        key = register_key(rule.kind, schedule.department, schedule.subject_id)
        current = state.schedules.setdefault(
            key, ScheduleState(rule.kind, schedule.department, schedule.subject_id)
        )
        current.start(schedule.cycle, schedule.since)
    for department, subject_id in _handlers(rule.stops, event):
        stopped = state.schedules.get(register_key(rule.kind, department, subject_id))
        if stopped is not None:
            stopped.stop(shanghai_date(event.occurred_at))
    for coverage in _handlers(rule.discharges, event):
        key = register_key(rule.kind, coverage.department, coverage.subject_id)
        covered = state.schedules.get(key)
        if covered is not None:
            covered.coverages.append(
                (coverage.first, coverage.last, event.occurred_at, coverage.source_id)
            )
    for withdrawal in _handlers(rule.withdraws, event):
        key = register_key(rule.kind, withdrawal.department, withdrawal.subject_id)
        withdrawn_from = state.schedules.get(key)
        if withdrawn_from is not None:
            withdrawn_from.coverages = [
                c for c in withdrawn_from.coverages if c[3] != withdrawal.source_id
            ]


# -- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Obligation:
    obligation_id: UUID
    kind: ObligationKind
    department: str
    subject_id: UUID
    started_at: datetime
    due_date: date
    due_end: datetime
    provisional: bool
    unpublished_years: tuple[int, ...]
    status: Status
    discharged_at: datetime | None
    period: Period | None = None


def obligations_at(
    register: DeadlineRegister,
    state: RegisterState,
    at: datetime,
    *,
    ordered: bool = True,
    policies: InForce = DEFAULTS,
    days: tuple[date, date] | None = None,
) -> list[Obligation]:
    """Every obligation whose clock has started by ``at``, with its due date and status;
    by due date unless ``ordered`` is false (counting them needs no order). The policies
    applied are ``policies``: those in force at ``at`` as known then (the defaults unless
    the caller says otherwise). ``days`` keeps, of the periodic obligations, only the
    periods overlapping those days (first, last): the register's rows recompute just the
    periods an event can change (projections/register_rows.py)."""
    calendar = calendar_with(state.published.values())
    opened = [o for o in state.opened.values() if o.started_at <= at]
    periodic_rules = {r.kind: r for r in register.rules if isinstance(r, PeriodicRule)}
    for schedule_state in state.schedules.values():
        rule = periodic_rules[schedule_state.kind]
        opened.extend(_periods_due(rule, schedule_state, at, policies, days))
    result = []
    for item in opened:
        due = item.due.due(item.started_at, calendar)
        result.append(
            Obligation(
                obligation_id=item.obligation_id,
                kind=item.kind,
                department=item.department,
                subject_id=item.subject_id,
                started_at=item.started_at,
                due_date=due.due_date,
                due_end=due.due_end,
                provisional=due.provisional,
                unpublished_years=tuple(sorted(due.unpublished_years)),
                status=status_at(due.due_end, item.discharged_at, at),
                discharged_at=item.discharged_at,
                period=item.period,
            )
        )
    if not ordered:
        return result
    # UUIDs order as their text does (fixed-width hex): no text needed to sort them.
    return sorted(result, key=lambda o: (o.due_date, o.obligation_id))


def _periods_due(
    rule: PeriodicRule,
    schedule: ScheduleState,
    at: datetime,
    policies: InForce,
    days: tuple[date, date] | None = None,
) -> list[Opened]:
    """A segment owes each period from the one holding its first day whose clock started by
    ``at`` and, once the segment ended, by the end of its last day; of those, only the
    periods overlapping ``days`` when given."""
    today = shanghai_date(at)
    opened = []
    for segment in schedule.segments:
        last_day = today if segment.until is None else min(today, segment.until)
        if segment.since > last_day:
            continue
        first, last = segment.since, last_day
        if days is not None:
            first, last = max(first, days[0]), min(last, days[1])
            if first > last:
                continue
        latest = at if segment.until is None else min(at, due_end_of(segment.until))
        cycle = segment.cycle if rule.cycle is None else rule.cycle(policies)
        covered = _covered_at(schedule.coverages, cycle, first, last)
        for period in periods_between(first, last, cycle):
            started_at = rule.clock_starts(period)
            if started_at > latest:
                break
            opened.append(
                Opened(
                    kind=rule.kind,
                    department=schedule.department,
                    subject_id=schedule.subject_id,
                    started_at=started_at,
                    due=rule.due(period, policies),
                    discharged_at=covered.get(period.start),
                    period=period,
                )
            )
    return opened


def _covered_at(
    coverages: list[tuple[date, date, datetime, UUID | None]],
    cycle: UpdateCycle,
    first_day: date,
    last_day: date,
) -> dict[date, datetime]:
    """When each period of the segment was first wholly covered, by its first day: one pass
    over the coverages, so a daily schedule's 365 periods a year cost no more than that."""
    earliest: dict[date, datetime] = {}
    for first, last, when, _ in coverages:
        for period in periods_between(max(first, first_day), min(last, last_day), cycle):
            previous = earliest.get(period.start)
            if period.within(first, last) and (previous is None or when < previous):
                earliest[period.start] = when
    return earliest
