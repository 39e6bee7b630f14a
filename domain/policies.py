"""Policies 政策取值 published into the ledger: what the measures leave to the department.

Where the measures say 及时 or 定期 without a number (each grace period, the usage-report
period, when an entry counts as late), the department decides, and its decision is a fact
on the record like a holiday schedule: the office publishes a value with the date it takes
effect from. Each policy declared in ``domain/rules`` has its default in force from the
ledger's start; a publication overrides it from its ``effective_from`` on. A report at T as
known at K applies what was in force at T among the publications recorded by K, and says
which (the position of the latest publication it applied, ``policy_position``).

A policy may be published again, for the same or another date, even back-dated: what was
recorded stays, so "as known then" still answers as it did.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Self
from uuid import UUID

from domain.aggregate import AggregateState, Command, natural_id
from domain.calendar import SHANGHAI, shanghai_date
from domain.errors import RuleViolation
from domain.events import LedgerEvent
from domain.rules import POLICIES, Policy
from domain.vocabulary import UpdateCycle

POLICY_BY_NAME: Mapping[str, Policy] = {p.name: p for p in POLICIES}

# Art. 33's 定期: the periods a usage report may cover.
REPORT_PERIODS = (
    UpdateCycle.MONTHLY,
    UpdateCycle.QUARTERLY,
    UpdateCycle.HALF_YEARLY,
    UpdateCycle.YEARLY,
)
MAX_WORKING_DAYS = 250  # about a year of working days: longer is a typo, not a grace period


def policy_id(name: str) -> UUID:
    return natural_id("policy", name)


class PublishedPolicy(AggregateState):
    name: str
    value: int | str
    effective_from: date

    def republish(self, cmd: Command, value: int | str, effective_from: date) -> PolicyPublished:
        return cmd.next_event(
            PolicyPublished, self, name=self.name, value=value, effective_from=effective_from
        )

    def apply(self, event: LedgerEvent) -> Self:
        if isinstance(event, PolicyPublished):
            return self.model_copy(
                update={"value": event.value, "effective_from": event.effective_from}
            )
        return self


class PolicyPublished(LedgerEvent):
    name: str
    value: int | str
    effective_from: date

    def create(self) -> PublishedPolicy:
        return PublishedPolicy(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            name=self.name,
            value=self.value,
            effective_from=self.effective_from,
        )


def validated_value(name: str, value: object) -> int | str:
    """The value as the policy's kind takes it, or a 422 naming the field at fault."""
    policy = POLICY_BY_NAME.get(name)
    if policy is None:
        known = ", ".join(sorted(POLICY_BY_NAME))
        raise RuleViolation(f"no policy is named {name!r}; the policies are {known}", field="name")
    if policy.unit == "working_days":
        if isinstance(value, bool) or not isinstance(value, int):
            msg = f"{name} is a number of working days, not {value!r}"
            raise RuleViolation(msg, field="value")
        if not 0 <= value <= MAX_WORKING_DAYS:
            msg = f"{name} is 0 to {MAX_WORKING_DAYS} working days, not {value}"
            raise RuleViolation(msg, field="value")
        return value
    allowed = [p.value for p in REPORT_PERIODS]
    if not isinstance(value, str) or value not in allowed:
        msg = f"{name} is one of {', '.join(allowed)}, not {value!r}"
        raise RuleViolation(msg, field="value")
    return value


def publish_policy(
    cmd: Command, existing: PublishedPolicy | None, name: str, value: object, effective_from: date
) -> PolicyPublished:
    checked = validated_value(name, value)
    if existing is not None:
        return existing.republish(cmd, checked, effective_from)
    return cmd.event(
        PolicyPublished, policy_id(name), 1, name=name, value=checked, effective_from=effective_from
    )


# -- in force ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """One publication as a report sees it; ``position`` is where the ledger recorded it."""

    name: str
    value: int | str
    effective_from: date
    position: int


@dataclass(frozen=True)
class InForce:
    """The policies in force at one instant: each value, and the latest publication applied
    (``position`` None while every value is still its default)."""

    values: Mapping[str, int | str]
    position: int | None = None
    applied: tuple[Publication, ...] = ()

    def value(self, policy: Policy) -> int | str:
        return self.values[policy.name]

    def working_days(self, policy: Policy) -> int:
        return int(self.values[policy.name])

    def cycle(self, policy: Policy) -> UpdateCycle:
        return UpdateCycle[str(self.values[policy.name]).upper()]


DEFAULTS = InForce({p.name: p.default for p in POLICIES})


def publication_of(event: PolicyPublished, position: int) -> Publication:
    """A publication as reports see it, from its event and where the ledger recorded it."""
    return Publication(event.name, event.value, event.effective_from, position)


def takes_effect(effective_from: date) -> datetime:
    """The instant a policy comes into force: its date's start in Beijing (``in_force``)."""
    return datetime.combine(effective_from, time(0), SHANGHAI)


def in_force(publications: Iterable[Publication], at: datetime) -> InForce:
    """What was in force at ``at`` (a Beijing day: a policy takes effect at its date's start)
    among ``publications``; for one date published twice, the later publication."""
    today = shanghai_date(at)
    chosen: dict[str, Publication] = {}
    for publication in publications:
        if publication.effective_from > today or publication.name not in POLICY_BY_NAME:
            continue
        current = chosen.get(publication.name)
        if current is None or (publication.effective_from, publication.position) >= (
            current.effective_from,
            current.position,
        ):
            chosen[publication.name] = publication
    if not chosen:
        return DEFAULTS
    values = {**DEFAULTS.values, **{name: p.value for name, p in chosen.items()}}
    applied = tuple(sorted(chosen.values(), key=lambda p: p.position))
    return InForce(values, max(p.position for p in applied), applied)
