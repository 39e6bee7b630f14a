"""The deadline register as rows over both times: what a report at (T, K) counts, indexed.

A report replays the register (projections/deadlines.py) and derives every obligation at
its instant: the cost grows with the ledger. Here the same derivation runs once per event,
as the projector meets it, and leaves rows: each obligation as the register had it over a
span of business time ``[valid_from, valid_to)``, recorded from one position of the ledger
until a later-recorded fact replaces it (``recorded_from``, ``recorded_to``). A report is
then a query for the rows alive at (T, K) (replays/register_rows.py); nothing is updated in
place but a replaced row's ``recorded_to``.

The rows are derived by the fold itself, never by a second statement of the rules: the
events are split by the obligation they concern (a *partition*: one event-rule obligation,
or one periodic schedule, by its register key), and a partition's rows are
``obligations_at`` over the partition's own events at each instant where its state can
change — when one of its events occurred, or a policy took effect. An event occurring at
t changes nothing before t, so only the rows from t on are derived again; a receipt
covering some days changes only the periods overlapping them. Two kinds of events concern
every partition: a holiday schedule (due dates) and a policy publication (cycles, graces).

Periodic schedules owe periods without any event, as time passes: rows are kept up to a
*horizon*, the start of the year after next (Beijing time) of the latest event; a report
beyond it is answered by the fold. The horizon moves once a year of the ledger's time, and
then only the periods it uncovers are derived.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from domain.calendar import SHANGHAI, shanghai_date
from domain.deadlines import ObligationKind, Period, status_at
from domain.events import LedgerEvent
from domain.holidays import HolidaySchedulePublished
from domain.policies import (
    PolicyPublished,
    Publication,
    in_force,
    publication_of,
    takes_effect,
)
from projections.base import ByClass, Meta, topics_of
from projections.deadlines import (
    Closing,
    DeadlineRegister,
    EventRule,
    Obligation,
    PeriodicRule,
    RegisterState,
    _event_classes,
    _handlers,
    obligations_at,
    register_key,
)

EPSILON = timedelta(microseconds=1)
Days = tuple[date, date]  # the periods overlapping these days, first and last


@dataclass(frozen=True)
class ObligationRow:
    """One obligation over a span of business time; its status follows from the instant."""

    partition: str
    obligation_id: UUID
    kind: ObligationKind
    department: str
    subject_id: UUID
    started_at: datetime
    due_date: date
    due_end: datetime
    provisional: bool
    unpublished_years: tuple[int, ...]
    discharged_at: datetime | None
    period_start: date | None
    period_end: date | None
    valid_from: datetime
    valid_to: datetime | None  # None: until a later fact says otherwise

    @property
    def key(self) -> tuple[UUID, datetime]:
        return self.obligation_id, self.valid_from

    def same_obligation_as(self, other: ObligationRow) -> bool:
        """Equal but for the span: adjacent rows of it are one."""
        return replace(self, valid_from=other.valid_from, valid_to=other.valid_to) == other

    def overlaps(self, days: Days | None) -> bool:
        if days is None or self.period_start is None or self.period_end is None:
            return True
        return self.period_start <= days[1] and self.period_end >= days[0]

    def alive_at(self, at: datetime) -> bool:
        return self.valid_from <= at and (self.valid_to is None or at < self.valid_to)

    def obligation(self, at: datetime) -> Obligation:
        period = (
            Period(self.period_start, self.period_end)
            if self.period_start is not None and self.period_end is not None
            else None
        )
        return Obligation(
            obligation_id=self.obligation_id,
            kind=self.kind,
            department=self.department,
            subject_id=self.subject_id,
            started_at=self.started_at,
            due_date=self.due_date,
            due_end=self.due_end,
            provisional=self.provisional,
            unpublished_years=self.unpublished_years,
            status=status_at(self.due_end, self.discharged_at, at),
            discharged_at=self.discharged_at,
            period=period,
        )


@dataclass(frozen=True)
class RowChanges:
    """What one event does to the rows: those it replaces and those it adds."""

    closed: list[ObligationRow] = field(default_factory=list)
    opened: list[ObligationRow] = field(default_factory=list)
    horizon: datetime | None = None  # the new horizon, when it moved

    def __bool__(self) -> bool:
        return bool(self.closed or self.opened or self.horizon)


def horizon_after(occurred: datetime) -> datetime:
    """How far ahead of the latest event the rows reach: the year after next's start."""
    year = shanghai_date(occurred).year + 2
    return datetime.combine(date(year, 1, 1), time(0), SHANGHAI)


Recorded = tuple[int, LedgerEvent]  # an event and its position


@dataclass
class Partition:
    key: str
    kind: ObligationKind
    department: str
    events: list[Recorded] = field(default_factory=list)
    rows: dict[tuple[UUID, datetime], ObligationRow] | None = None  # None: not yet loaded
    # The fold of every input so far, and how many: the next input (the latest recorded) is
    # applied to it, not folded again with all the others.
    folded: tuple[int, RegisterState] | None = None


@dataclass(frozen=True)
class Touch:
    """A partition an event concerns, and which of its periods it can change."""

    key: str
    kind: ObligationKind
    department: str
    days: Days | None = None  # None: every period (or an event-rule obligation)


class RegisterRows:
    """Keeps the rows as events arrive, in position order (the projector feeds it).

    A restarted projector first ``note``s the events before the position it resumes from
    (those of the register's topics and the publications: a small share of the ledger);
    ``apply``'s ``load`` then gives a partition's rows as last written, the first time an
    event concerns it. Each partition keeps its events in memory, and a holiday schedule or
    a policy derives every partition again from when it occurs or takes effect.
    """

    def __init__(self, register: DeadlineRegister) -> None:
        self.register = register
        self.topics = register.topics | topics_of(PolicyPublished)
        self.partitions: dict[str, Partition] = {}
        # Events that concern every obligation of a department and kind (a closing that
        # names no subject), and every obligation (schedules and publications).
        self.department_wide: dict[tuple[ObligationKind, str], list[Recorded]] = {}
        self.everywhere: list[Recorded] = []
        self.publications: list[Publication] = []
        self.horizon: datetime | None = None
        self._rules = ByClass(
            (cls, rule) for rule in register.rules for cls in _event_classes(rule)
        )
        self._periodic = {r.kind: r for r in register.rules if isinstance(r, PeriodicRule)}

    # -- what the projector calls -------------------------------------------------------

    def note(self, position: int, event: LedgerEvent) -> None:
        """Remember an event already reflected in the rows (a restart's catch-up)."""
        self._raise_horizon(event.occurred_at)
        self._route(position, event, fresh=False)

    def apply(
        self,
        position: int,
        event: LedgerEvent,
        load: Callable[[str], Iterable[ObligationRow]],
    ) -> RowChanges:
        """The rows the event replaces and adds; ``load(key)`` reads the rows last written
        for a partition not seen since the projector started."""
        netted = _Netted()
        before = self.horizon
        previous = self._raise_horizon(event.occurred_at)
        moved = self.horizon != before
        if previous is not None:
            # The periods the new horizon uncovers, from each schedule's last change on:
            # before the event itself is routed, which then derives with the new horizon.
            uncovered = (
                shanghai_date(previous) - timedelta(days=1),
                shanghai_date(self.horizon_at),
            )
            for partition in list(self.partitions.values()):
                if partition.kind in self._periodic:
                    self._load(partition, load)
                    gone, new = self._derive(partition, self._last_change(partition), uncovered)
                    netted.add(gone, new)
        since = event.occurred_at
        if isinstance(event, PolicyPublished):
            # A policy applies from its date, known or not when it occurred (domain/policies):
            # a back-dated one changes the rows from that date on.
            since = min(since, takes_effect(event.effective_from))
        for touch in self._route(position, event, fresh=True):
            partition = self._load(self.partitions[touch.key], load)
            gone, new = self._derive(partition, since, touch.days)
            netted.add(gone, new)
        return netted.changes(self.horizon if moved else None)

    @property
    def horizon_at(self) -> datetime:
        assert self.horizon is not None
        return self.horizon

    # -- routing --------------------------------------------------------------------------

    def _route(self, position: int, event: LedgerEvent, *, fresh: bool) -> list[Touch]:
        """The partitions the event concerns, with the event kept in each; a partition
        first seen here is ``fresh`` (it has no rows yet) unless a restart is noting it."""
        recorded = (position, event)
        if isinstance(event, PolicyPublished | HolidaySchedulePublished):
            if isinstance(event, PolicyPublished):
                self.publications.append(publication_of(event, position))
            self.everywhere.append(recorded)
            return [Touch(p.key, p.kind, p.department) for p in self.partitions.values()]
        touches: list[Touch] = []
        for rule in self._rules(event):
            if isinstance(rule, EventRule):
                touches += self._event_rule_touches(rule, recorded, fresh)
            else:
                touches += self._periodic_touches(rule, recorded, fresh)
        return touches

    def _event_rule_touches(self, rule: EventRule, recorded: Recorded, fresh: bool) -> list[Touch]:
        event = recorded[1]
        touches = [
            Touch(register_key(rule.kind, o.department, o.subject_id), rule.kind, o.department)
            for o in _handled_by(rule.opens, event)
        ]
        closings: list[Closing] = [
            *_handled_by(rule.discharges, event),
            *_handled_by(rule.cancels, event),
        ]
        for closing in closings:
            if closing.subject_id is None:
                self.department_wide.setdefault((rule.kind, closing.department), []).append(
                    recorded
                )
                touches += [
                    Touch(p.key, p.kind, p.department)
                    for p in self.partitions.values()
                    if p.kind is rule.kind and p.department == closing.department
                ]
            else:
                key = register_key(rule.kind, closing.department, closing.subject_id)
                touches.append(Touch(key, rule.kind, closing.department))
        return self._each_once(touches, recorded, fresh)

    def _periodic_touches(self, rule: PeriodicRule, recorded: Recorded, fresh: bool) -> list[Touch]:
        event = recorded[1]
        touches = [
            Touch(register_key(rule.kind, s.department, s.subject_id), rule.kind, s.department)
            for s in _handled_by(rule.starts, event)
        ]
        touches += [
            Touch(register_key(rule.kind, department, subject), rule.kind, department)
            for department, subject in _handled_by(rule.stops, event)
        ]
        touches += [
            Touch(
                register_key(rule.kind, c.department, c.subject_id),
                rule.kind,
                c.department,
                (c.first, c.last),
            )
            for c in _handled_by(rule.discharges, event)
        ]
        for withdrawal in _handled_by(rule.withdraws, event):
            key = register_key(rule.kind, withdrawal.department, withdrawal.subject_id)
            touches.append(
                Touch(
                    key,
                    rule.kind,
                    withdrawal.department,
                    self._covered_by(rule, key, withdrawal.source_id),
                )
            )
        return self._each_once(touches, recorded, fresh)

    def _covered_by(self, rule: PeriodicRule, key: str, source_id: UUID) -> Days | None:
        """The days a coverage named ``source_id`` covered: what withdrawing it changes."""
        partition = self.partitions.get(key)
        days: list[Days] = []
        for _, event in partition.events if partition else []:
            days += [
                (c.first, c.last)
                for c in _handled_by(rule.discharges, event)
                if c.source_id == source_id
            ]
        if not days:
            return None
        return min(d[0] for d in days), max(d[1] for d in days)

    def _each_once(self, touches: list[Touch], recorded: Recorded, fresh: bool) -> list[Touch]:
        """Each partition once (with the union of its days), the event kept in each."""
        merged: dict[str, Touch] = {}
        for touch in touches:
            seen = merged.get(touch.key)
            if seen is None:
                merged[touch.key] = touch
            else:
                merged[touch.key] = replace(seen, days=_union(seen.days, touch.days))
        for touch in merged.values():
            partition = self.partitions.get(touch.key)
            if partition is None:
                partition = Partition(touch.key, touch.kind, touch.department)
                partition.rows = {} if fresh else None
                self.partitions[touch.key] = partition
            if not partition.events or partition.events[-1] is not recorded:
                partition.events.append(recorded)
        return list(merged.values())

    @staticmethod
    def _load(partition: Partition, load: Callable[[str], Iterable[ObligationRow]]) -> Partition:
        if partition.rows is None:
            partition.rows = {row.key: row for row in load(partition.key)}
        return partition

    # -- deriving -------------------------------------------------------------------------

    def _inputs(self, partition: Partition) -> list[Recorded]:
        wide = self.department_wide.get((partition.kind, partition.department), [])
        merged = [*partition.events, *wide, *self.everywhere]
        merged.sort(key=lambda recorded: recorded[0])
        # An event may be both the partition's own and one that concerns every partition.
        return [r for i, r in enumerate(merged) if i == 0 or merged[i - 1][0] != r[0]]

    def _last_change(self, partition: Partition) -> datetime:
        instants = [e.occurred_at for _, e in self._inputs(partition)]
        instants += [takes_effect(p.effective_from) for p in self.publications]
        return max(instants)

    def _derive(
        self, partition: Partition, since: datetime, days: Days | None
    ) -> tuple[list[ObligationRow], list[ObligationRow]]:
        """Derive the partition's rows from ``since`` on (the periods overlapping ``days``);
        the rows before ``since`` stand. Returns the rows replaced and the rows added."""
        assert partition.rows is not None
        if self.horizon is None or since >= self.horizon:
            return [], []
        derived = list(self._rows_from(partition, since, days))
        affected = [
            row
            for row in partition.rows.values()
            if row.overlaps(days) and (row.valid_to is None or row.valid_to > since)
        ]
        kept_before = [replace(row, valid_to=since) for row in affected if row.valid_from < since]
        wanted = {row.key: row for row in _joined([*kept_before, *derived])}
        gone = [row for row in affected if wanted.get(row.key) != row]
        new = [row for row in wanted.values() if partition.rows.get(row.key) != row]
        for row in gone:
            del partition.rows[row.key]
        for row in new:
            partition.rows[row.key] = row
        return gone, new

    def _rows_from(
        self, partition: Partition, since: datetime, days: Days | None
    ) -> Iterator[ObligationRow]:
        inputs = self._inputs(partition)
        changes = {e.occurred_at for _, e in inputs} | {
            takes_effect(p.effective_from) for p in self.publications
        }
        instants = [since, *sorted(t for t in changes if since < t < self.horizon_at)]
        for i, start in enumerate(instants):
            end = instants[i + 1] if i + 1 < len(instants) else None
            state = self._folded_by(partition, inputs, start)
            policies = in_force(self.publications, start)
            at = self.horizon_at if end is None else end - EPSILON
            yield from (
                _row(partition.key, o, max(start, o.started_at), end)
                for o in _owed(self.register, state, at, policies, days)
            )

    def _folded_by(
        self, partition: Partition, inputs: list[Recorded], start: datetime
    ) -> RegisterState:
        """The partition's register folded over its inputs that occurred by ``start``, in
        position order. When all of them did (an event recorded in order of occurrence,
        the usual case), that is the fold of every input, kept: one event applied to it."""
        latest = max(e.occurred_at for _, e in inputs)
        if start < latest:
            state = self.register.initial()
            for position, event in inputs:
                if event.occurred_at <= start:
                    self.register.apply(state, event, Meta(position, event.occurred_at))
            return state
        kept = partition.folded
        if kept is not None and kept[0] == len(inputs) - 1:
            position, event = inputs[-1]
            state = self.register.apply(kept[1], event, Meta(position, event.occurred_at))
        elif kept is not None and kept[0] == len(inputs):
            state = kept[1]
        else:
            state = self.register.initial()
            for position, event in inputs:
                self.register.apply(state, event, Meta(position, event.occurred_at))
        partition.folded = (len(inputs), state)
        return state

    def _raise_horizon(self, occurred: datetime) -> datetime | None:
        """Move the horizon for an event occurring then; the one it replaced, if it moved."""
        horizon = horizon_after(occurred)
        if self.horizon is not None and horizon <= self.horizon:
            return None
        previous, self.horizon = self.horizon, horizon
        return previous


class _Netted:
    """One event's changes as the table takes them (every closing before any opening): a
    row that the event opened and then replaced (a horizon's periods, then the event's own
    derivation) is neither closed nor opened."""

    def __init__(self) -> None:
        self.closed: list[ObligationRow] = []
        self.opened: dict[tuple[UUID, datetime], ObligationRow] = {}

    def add(self, gone: list[ObligationRow], new: list[ObligationRow]) -> None:
        for row in gone:
            if self.opened.get(row.key) == row:
                del self.opened[row.key]
            else:
                self.closed.append(row)
        for row in new:
            self.opened[row.key] = row

    def changes(self, horizon: datetime | None) -> RowChanges:
        return RowChanges(self.closed, list(self.opened.values()), horizon)


def _owed(
    register: DeadlineRegister, state: RegisterState, at: datetime, policies: Any, days: Days | None
) -> list[Obligation]:
    return obligations_at(register, state, at, ordered=False, policies=policies, days=days)


def _row(
    partition: str, o: Obligation, valid_from: datetime, valid_to: datetime | None
) -> ObligationRow:
    return ObligationRow(
        partition=partition,
        obligation_id=o.obligation_id,
        kind=o.kind,
        department=o.department,
        subject_id=o.subject_id,
        started_at=o.started_at,
        due_date=o.due_date,
        due_end=o.due_end,
        provisional=o.provisional,
        unpublished_years=o.unpublished_years,
        discharged_at=o.discharged_at,
        period_start=o.period.start if o.period else None,
        period_end=o.period.end if o.period else None,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def _joined(rows: Iterable[ObligationRow]) -> list[ObligationRow]:
    """Adjacent spans of the same obligation with the same attributes, as one row."""
    ordered = sorted(rows, key=lambda r: (str(r.obligation_id), r.valid_from))
    joined: list[ObligationRow] = []
    for row in ordered:
        last = joined[-1] if joined else None
        if (
            last is not None
            and last.obligation_id == row.obligation_id
            and last.valid_to == row.valid_from
            and last.same_obligation_as(row)
        ):
            joined[-1] = replace(last, valid_to=row.valid_to)
        else:
            joined.append(row)
    return joined


def _union(a: Days | None, b: Days | None) -> Days | None:
    if a is None or b is None:
        return None
    return min(a[0], b[0]), max(a[1], b[1])


def _handled_by(mapping: Any, event: LedgerEvent) -> list[Any]:
    """What the register's handlers for the event's class make of it (its own lookup)."""
    return list(_handlers(mapping, event))
