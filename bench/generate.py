"""A realistic synthetic ledger, the same for the same seed: three years of a province's sharing.

    python -m bench.generate --size 100k --seed 7 --out /tmp/ledger.db

The script (``Script``) lays out every command on one timeline, 2023-01 to 2025-12: the
departments register and catalog their resources, the office approves the catalogs,
departments request each other's data, providers reply (some late, some never),
disputes are negotiated and escalated, the info center records aggregations, the
office checks systems yearly, the leading group records findings and orders
rectification, and departments record every use of shared data (Art. 36), which make
up most of the volume.

The commands run through the ledger's own verbs (``domain/ledger.py``), so every rule
holds, with ``Command.now`` set to the timeline's instant. Three things the generator
does that the API does not, said here so nobody is surprised:

- the store's clock follows the timeline (``store.frontier``'s ``datetime.now``), so
  ``recorded_at`` is the simulated instant, as it would be for a ledger run for three
  years, and "as known at" replays see a real history;
- the ids the verbs draw with ``uuid4`` come from the seed, so the same seed gives the
  same bytes and the same Merkle root;
- decisions are recorded in batches of about ``BATCH`` events (one save of the command
  service, domain/commands.py: one transaction), flushed early whenever a command reads
  an object still in the batch.

Data-use records are decided by the domain's own ``record_data_use`` function with the
resource and share request read once and kept (what the verb reads, minus the reads):
the verb itself re-reads both for each use, which would make a 1M-event ledger take
half an hour to build. The first ``VERB_SAMPLE`` uses go through the verb, so its rate
is measured and reported beside the direct one.
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import random
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from uuid import UUID

from api.commands import command_service
from bench.population import (
    LAWS,
    PURPOSES,
    SHARE_MIX,
    SIZES,
    Dept,
    Size,
    departments,
    pick,
    resource_body,
)
from domain.aggregate import Command
from domain.calendar import SHANGHAI, shanghai_date
from domain.consistency import Difference
from domain.data_uses import DataUseFields, record_data_use
from domain.deadlines import periods_between
from domain.departments import department_id
from domain.events import Actor
from domain.findings import Category, ReviewDecision
from domain.holidays import seeded_calendar
from domain.ledger import Decision, Ledger
from domain.legal_instruments import LegalInstrumentKind
from domain.resources import Resource, ResourceFields
from domain.share_requests import Reply, ShareRequest
from domain.vocabulary import (
    AcquisitionMethod,
    ChecksumAlgorithm,
    CoordinationDecision,
    DepartmentKind,
    MediumType,
    ReplyDecision,
    Role,
    ShareChannel,
    ShareType,
    SystemStatus,
    UpdateCycle,
    VerificationOutcome,
)

BATCH = 1000
VERB_SAMPLE = 2000
START = date(2023, 1, 3)
END = date(2025, 12, 31)
OFFICE = "BGS"
INFO_CENTER = "XXZX"
CALENDAR = seeded_calendar()

Key = tuple[Any, ...]


def token_for(seed: int, code: str, role: Role) -> str:
    """The bench's principals have tokens that follow from the seed (never do this for real)."""
    return f"lgr_bench{seed}_{code}_{role.value}"


@dataclass(order=True)
class Action:
    """One command: when the ledger records it, what it does, what it reads and makes."""

    now: datetime
    seq: int
    kind: str = field(compare=False)
    occurred_at: datetime = field(compare=False)
    actor: Actor = field(compare=False)
    args: tuple[Any, ...] = field(compare=False, default=())
    needs: tuple[Key, ...] = field(compare=False, default=())
    makes: tuple[Key, ...] = field(compare=False, default=())
    events: int = field(compare=False, default=1)


def at_work(rng: random.Random, day: date) -> datetime:
    """A moment of the working day (Beijing time), moved to the next working day if need be."""
    while not CALENDAR.is_working_day(day):
        day += timedelta(days=1)
    minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
    return datetime.combine(day, clock_time(minutes // 60, minutes % 60), SHANGHAI)


def working_days_after(rng: random.Random, moment: datetime, days: int) -> datetime:
    if days <= 0:
        return moment + timedelta(minutes=rng.randint(5, 240))
    return at_work(rng, CALENDAR.add_working_days(moment, days).due_date)


def day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


@dataclass
class Request:
    index: int
    requester: Dept
    resource: int
    share_type: ShareType
    purpose: str
    scope: tuple[str, ...]
    made_at: datetime
    granted_at: datetime | None = None  # None: never granted
    expires_at: datetime | None = None
    settled_at: datetime | None = None  # its last event: uses are recorded after it


class Script:
    """Lays out every command of the ledger on one timeline (``actions``)."""

    def __init__(self, size: Size, seed: int) -> None:
        self.size = size
        self.seed = seed
        self.rng = random.Random(seed)
        self.seq = 0
        self.actions: list[Action] = []
        self.depts = departments(self.rng, size)
        self.internal = [d for d in self.depts if d.internal]
        self.by_code = {d.code: d for d in self.depts}
        self.systems: dict[str, list[tuple[int, bool]]] = {}  # code -> (system, connected)
        self.resources: list[dict[str, Any]] = []
        self.joined_at: dict[int, datetime] = {}
        self.retiring: dict[int, datetime] = {}
        self.requests: list[Request] = []

    # -- building --------------------------------------------------------------------------

    def _submit_catalog(
        self,
        dept: Dept,
        code: str,
        attempt: int,
        indexes: list[int],
        at: datetime,
        needs: tuple[Key, ...],
    ) -> None:
        self.add(
            "submit_catalog",
            at,
            self.staff(dept),
            code,
            attempt,
            indexes,
            needs=needs,
            makes=(("submission", code, attempt),),
        )

    def add(
        self,
        kind: str,
        occurred_at: datetime,
        actor: Actor,
        *args: Any,
        needs: tuple[Key, ...] = (),
        makes: tuple[Key, ...] = (),
        events: int = 1,
        lag: timedelta | None = None,
    ) -> None:
        """The ledger records a command a little after it happened (minutes, as a rule)."""
        lag = timedelta(seconds=self.rng.randint(5, 900)) if lag is None else lag
        self.seq += 1
        self.actions.append(
            Action(
                occurred_at + lag, self.seq, kind, occurred_at, actor, args, needs, makes, events
            )
        )

    def staff(self, dept: Dept) -> Actor:
        role = Role.EXTERNAL if dept.kind is DepartmentKind.EXTERNAL else Role.DEPARTMENT
        return Actor(person=dept.staff[0], department=dept.code, role=role)

    def office(self) -> Actor:
        return Actor(person=self.by_code[OFFICE].staff[0], department=OFFICE, role=Role.OFFICE)

    def info_center(self) -> Actor:
        return Actor(
            person=self.by_code[INFO_CENTER].staff[0], department=INFO_CENTER, role=Role.INFO_CENTER
        )

    def leading_group(self) -> Actor:
        head = self.by_code[OFFICE].head or "领导小组"
        return Actor(person=head, department=OFFICE, role=Role.LEADING_GROUP)

    def build(self) -> list[Action]:
        self.organisation()
        self.catalog()
        self.sharing()
        self.verification()
        self.aggregation()
        self.usage_reports()
        self.consistency_checks()
        self.supervision()
        self.actions.sort()
        return self.actions

    def fixed_events(self) -> int:
        return sum(action.events for action in self.actions)

    # -- who ---------------------------------------------------------------------------------

    def organisation(self) -> None:
        rng = self.rng
        admin = Actor(person="admin", department="ADMIN", role=Role.ADMIN)
        t = at_work(rng, START)
        self.add("initialise", t, admin, token_for(self.seed, "ADMIN", Role.ADMIN), events=2)
        for dept in self.depts:
            t += timedelta(minutes=rng.randint(1, 20))
            self.add("register_department", t, admin, dept, makes=(("dept", dept.code),))
        for dept in self.depts:
            t += timedelta(minutes=rng.randint(1, 10))
            role = self.staff(dept).role
            self.add(
                "principal", t, admin, dept.code, dept.staff[0], role, needs=(("dept", dept.code),)
            )
        for code, role in ((OFFICE, Role.OFFICE), (INFO_CENTER, Role.INFO_CENTER)):
            self.add(
                "principal",
                t,
                admin,
                code,
                self.by_code[code].staff[0],
                role,
                needs=(("dept", code),),
            )
        self.add("principal", t, admin, OFFICE, self.leading_group().person, Role.LEADING_GROUP)
        self.add("principal", t, admin, OFFICE, "审计员", Role.AUDITOR)
        office = Actor(person=self.by_code[OFFICE].staff[0], department=OFFICE, role=Role.OFFICE)
        for law in LAWS:
            t += timedelta(minutes=1)
            self.add("register_instrument", t, office, law)
        day = START + timedelta(days=3)
        for dept in self.internal:
            if dept.head is not None:
                actor = Actor(person=dept.head, department=dept.code, role=Role.DEPARTMENT)
                self.add(
                    "designate",
                    at_work(rng, day_between(rng, day, day + timedelta(days=20))),
                    actor,
                    dept,
                    needs=(("dept", dept.code),),
                )
            systems: list[tuple[int, bool]] = []
            for n in range(rng.choice((1, 1, 2))):
                index = sum(len(s) for s in self.systems.values()) + len(systems)
                classified = rng.random() < 0.03
                registered = at_work(rng, day_between(rng, day, day + timedelta(days=6)))
                self.add(
                    "register_system",
                    registered,
                    self.staff(dept),
                    f"{dept.name}业务管理系统{n + 1}",
                    classified,
                    needs=(("dept", dept.code),),
                    makes=(("system", index),),
                )
                connected = not classified and rng.random() < 0.95
                if connected:
                    when = working_days_after(rng, registered, rng.randint(3, 15))
                    self.add(
                        "connect_system",
                        when,
                        self.info_center(),
                        index,
                        needs=(("system", index),),
                        makes=(("connected", index),),
                    )
                systems.append((index, connected))
            self.systems[dept.code] = systems

    # -- the catalog (Art. 10-12) --------------------------------------------------------------

    def catalog(self) -> None:
        rng = self.rng
        owners = self.internal
        weights = [rng.paretovariate(1.2) for _ in owners]
        by_owner: dict[str, list[int]] = {d.code: [] for d in owners}
        for index in range(self.size.resources):
            owner = rng.choices(owners, weights)[0]
            connected = [s for s, ok in self.systems[owner.code] if ok]
            system = connected[0] if connected else None
            body = resource_body(rng, index, owner.code, None)
            body["_system"] = system
            self.resources.append(body)
            by_owner[owner.code].append(index)
        for code, indexes in by_owner.items():
            if not indexes:
                continue
            dept = self.by_code[code]
            last = START
            for index in indexes:
                day = day_between(rng, date(2023, 1, 16), date(2023, 4, 14))
                last = max(last, day)
                system = self.resources[index]["_system"]
                self.add(
                    "catalog_resource",
                    at_work(rng, day),
                    self.staff(dept),
                    index,
                    needs=(("dept", code),) + ((("system", system),) if system is not None else ()),
                    makes=(("resource", index),),
                    events=2,
                )
            submitted = at_work(rng, last + timedelta(days=rng.randint(3, 10)))
            needs: tuple[Key, ...] = tuple(("resource", i) for i in indexes)
            attempt = 0
            if rng.random() < 0.15:  # returned once, with reasons, and submitted again
                self._submit_catalog(dept, code, attempt, indexes, submitted, needs)
                returned = working_days_after(rng, submitted, rng.randint(3, 8))
                self.add(
                    "return_catalog",
                    returned,
                    self.office(),
                    code,
                    attempt,
                    needs=(("submission", code, attempt),),
                    makes=(("returned", code),),
                )
                attempt, submitted = 1, working_days_after(rng, returned, rng.randint(3, 8))
                needs = (*needs, ("returned", code))
            self._submit_catalog(dept, code, attempt, indexes, submitted, needs)
            approved = working_days_after(rng, submitted, rng.randint(2, 10))
            self.add(
                "approve_catalog",
                approved,
                self.office(),
                code,
                attempt,
                needs=(("submission", code, attempt),),
                makes=tuple(("joined", i) for i in indexes),
                events=1 + len(indexes),
            )
            for index in indexes:
                self.joined_at[index] = approved
        for index in rng.sample(range(self.size.resources), self.size.resources // 100):
            owner = self.by_code[self.resources[index]["department"]]
            retired = at_work(rng, day_between(rng, date(2025, 3, 1), date(2025, 6, 30)))
            self.retiring[index] = retired
            self.add(
                "retire_resource", retired, self.staff(owner), index, needs=(("joined", index),)
            )
        for index in rng.sample(range(self.size.resources), self.size.resources * 3 // 100):
            if index in self.retiring:
                continue
            owner = self.by_code[self.resources[index]["department"]]
            amended = at_work(rng, day_between(rng, date(2024, 1, 8), date(2025, 11, 28)))
            self.add(
                "amend_resource", amended, self.staff(owner), index, needs=(("joined", index),)
            )
        # Art. 12: law changes oblige the affected departments to apply for an update.
        for n in range(max(2, self.size.departments // 6)):
            when = at_work(rng, day_between(rng, date(2023, 6, 1), date(2025, 10, 31)))
            affected = rng.sample(self.internal, min(3, len(self.internal)))
            self.add(
                "law_change",
                when,
                self.office(),
                n,
                [d.code for d in affected],
                makes=(("law", n),),
            )
            for dept in affected:
                if rng.random() < 0.8:
                    applied = working_days_after(rng, when, rng.randint(1, 9))
                    self.add(
                        "apply_update",
                        applied,
                        self.staff(dept),
                        ("law", n),
                        needs=(("law", n),),
                        makes=(("application", n, dept.code),),
                    )
                    self.add(
                        "file_update",
                        working_days_after(rng, applied, rng.randint(1, 5)),
                        self.office(),
                        ("application", n, dept.code),
                        needs=(("application", n, dept.code),),
                    )

    # -- sharing (Art. 25-30) -------------------------------------------------------------------

    def sharing(self) -> None:
        rng = self.rng
        by_type: dict[str, list[int]] = {}
        for index, body in enumerate(self.resources):
            if index not in self.retiring:
                by_type.setdefault(body["share_type"], []).append(index)
        requesters = [d for d in self.depts if d.code != INFO_CENTER]
        for n in range(self.size.requests):
            share_type = pick(rng, SHARE_MIX)  # the 60/35/5
            requester = rng.choice(requesters)
            pool = by_type.get(share_type.value) or by_type[ShareType.UNCONDITIONAL.value]
            share_type = ShareType(self.resources[pool[0]]["share_type"])  # type: ignore[call-arg]
            for _ in range(100):
                resource = rng.choice(pool)
                if self.resources[resource]["department"] != requester.code:
                    break
            else:
                continue  # the requester owns them all: no request
            items = [item["name"] for item in self.resources[resource]["data_items"]]
            scope = tuple(rng.sample(items, rng.randint(2, min(4, len(items)))))
            purpose = rng.choice(PURPOSES)
            made = at_work(rng, day_between(rng, date(2023, 7, 3), date(2025, 12, 12)))
            request = Request(n, requester, resource, share_type, purpose, scope, made)
            self.requests.append(request)
            self.add(
                "request_share",
                made,
                self.staff(requester),
                n,
                needs=(("joined", resource), ("dept", requester.code)),
                makes=(("request", n),),
            )
            if share_type is ShareType.UNCONDITIONAL:
                request.granted_at = request.settled_at = made  # Art. 25: granted at once
            elif share_type is ShareType.CONDITIONAL:
                self.reply(request)
            else:
                request.settled_at = made
                self.dispute(request, made)

    def reply(self, request: Request) -> None:
        rng = self.rng
        provider = self.by_code[self.resources[request.resource]["department"]]
        roll = rng.random()
        if roll < 0.05:  # never replied: the register shows the breach (V06)
            request.settled_at = request.made_at
            return
        days = rng.randint(1, 9) if roll < 0.88 else rng.randint(11, 25)
        replied = working_days_after(rng, request.made_at, days)
        if replied.date() > END:
            request.settled_at = request.made_at
            return
        approve = rng.random() < 0.85
        expires = replied + timedelta(days=365) if approve and rng.random() < 0.25 else None
        self.add(
            "reply",
            replied,
            self.staff(provider),
            request.index,
            approve,
            expires,
            needs=(("request", request.index),),
            makes=(("replied", request.index),),
        )
        request.settled_at = replied
        if approve:
            request.granted_at, request.expires_at = replied, expires
        else:
            self.dispute(request, replied)

    def dispute(self, request: Request, since: datetime) -> None:
        """Art. 27, 29: refused or not-shared requests are sometimes negotiated, escalated and
        decided by the leading group."""
        rng = self.rng
        if rng.random() >= 0.4:
            return
        key = (
            ("replied", request.index)
            if request.share_type is ShareType.CONDITIONAL
            else ("request", request.index)
        )
        negotiated = working_days_after(rng, since, rng.randint(1, 5))
        self.add(
            "negotiate",
            negotiated,
            self.staff(request.requester),
            request.index,
            needs=(key,),
            makes=(("negotiated", request.index),),
        )
        request.settled_at = negotiated
        if rng.random() >= 0.4:
            return
        provider = self.by_code[self.resources[request.resource]["department"]]
        escalating = (
            provider if request.requester.kind is DepartmentKind.EXTERNAL else request.requester
        )
        escalated = working_days_after(rng, negotiated, rng.randint(1, 5))
        self.add(
            "escalate",
            escalated,
            self.staff(escalating),
            request.index,
            needs=(("negotiated", request.index),),
            makes=(("escalated", request.index),),
        )
        request.settled_at = escalated
        if rng.random() >= 0.9:
            return
        decided = working_days_after(rng, escalated, rng.randint(3, 15))
        share = rng.random() < 0.5
        self.add(
            "coordinate",
            decided,
            self.leading_group(),
            request.index,
            share,
            needs=(("escalated", request.index),),
        )
        request.settled_at = decided
        if share:
            request.granted_at = decided

    # -- verification (Art. 31) ----------------------------------------------------------------

    def verification(self) -> None:
        rng = self.rng
        for n in range(self.size.verifications):
            requester = rng.choice([d for d in self.internal if d.code != INFO_CENTER])
            while True:
                resource = rng.randrange(self.size.resources)
                body = self.resources[resource]
                if body["department"] != requester.code and resource not in self.retiring:
                    break
            asked = at_work(rng, day_between(rng, date(2023, 7, 3), date(2025, 12, 12)))
            self.add(
                "request_verification",
                asked,
                self.staff(requester),
                resource,
                needs=(("joined", resource),),
                makes=(("verification", n),),
            )
            roll = rng.random()
            if roll < 0.05:
                continue
            days = rng.randint(1, 9) if roll < 0.9 else rng.randint(11, 20)
            answered = working_days_after(rng, asked, days)
            if answered.date() <= END:
                provider = self.by_code[body["department"]]
                self.add(
                    "answer_verification",
                    answered,
                    self.staff(provider),
                    n,
                    rng.random() < 0.7,
                    needs=(("verification", n),),
                )

    # -- aggregation (Art. 19-21) ---------------------------------------------------------------

    def aggregation(self) -> None:
        rng = self.rng
        n = 0
        for index, body in enumerate(self.resources):
            cycle = UpdateCycle(body["update_cycle"])  # type: ignore[call-arg]
            if cycle is UpdateCycle.IRREGULAR or body["_system"] is None:
                continue
            joined = self.joined_at[index]
            last_day = (
                END
                if index not in self.retiring
                else shanghai_date(self.retiring[index]) - timedelta(days=20)
            )
            for period in periods_between(shanghai_date(joined), last_day, cycle):
                roll = rng.random()
                if roll < 0.02:
                    continue  # never aggregated: V03 once overdue
                days = rng.randint(1, 2) if roll < 0.96 else rng.randint(6, 15)
                received = working_days_after(
                    rng, datetime.combine(period.end, clock_time(12), SHANGHAI), days
                )
                if received.date() > last_day:
                    break
                self.add(
                    "aggregate",
                    received,
                    self.info_center(),
                    index,
                    (period.start, period.end),
                    n,
                    needs=(("joined", index), ("connected", body["_system"])),
                    makes=(("receipt", n),),
                )
                if rng.random() < 0.01:
                    self.add(
                        "reject_aggregation",
                        working_days_after(rng, received, rng.randint(1, 3)),
                        self.info_center(),
                        n,
                        needs=(("receipt", n),),
                    )
                n += 1

    # -- usage reports (Art. 33) and consistency checks (Art. 13) ---------------------------------

    def usage_reports(self) -> None:
        rng = self.rng
        for dept in self.internal:
            for period in periods_between(START, date(2025, 9, 30), UpdateCycle.QUARTERLY):
                roll = rng.random()
                if roll < 0.05:
                    continue
                days = rng.randint(2, 9) if roll < 0.95 else rng.randint(12, 30)
                when = working_days_after(
                    rng, datetime.combine(period.end, clock_time(12), SHANGHAI), days
                )
                self.add(
                    "report_usage",
                    when,
                    self.staff(dept),
                    period.start,
                    period.end,
                    needs=(("dept", dept.code),),
                )

    def consistency_checks(self) -> None:
        rng = self.rng
        for year in (2023, 2024, 2025):
            for dept in self.internal:
                for system, connected in self.systems[dept.code]:
                    if not connected:
                        continue
                    when = at_work(rng, day_between(rng, date(year, 12, 1), date(year, 12, 26)))
                    owned = [i for i, b in enumerate(self.resources) if b["_system"] == system]
                    differences = rng.random() < 0.15 and bool(owned)
                    target = rng.choice(owned) if differences else None
                    self.add(
                        "consistency_check",
                        when,
                        self.office(),
                        system,
                        year,
                        target,
                        needs=(("connected", system),)
                        + ((("joined", target),) if target is not None else ()),
                    )
                    if differences and rng.random() < 0.5:
                        applied = working_days_after(rng, when, rng.randint(1, 6))
                        self.add("apply_update", applied, self.staff(dept), None, needs=())

    # -- supervision (Art. 39) -------------------------------------------------------------------

    def supervision(self) -> None:
        rng = self.rng
        categories = [
            Category.V06,
            Category.V09,
            Category.V03,
            Category.V11,
            Category.V10,
            Category.V01,
        ]
        late = [r for r in self.requests if r.share_type is ShareType.CONDITIONAL]
        for n in range(self.size.findings):
            found = at_work(rng, day_between(rng, date(2023, 9, 1), date(2025, 11, 14)))
            category = rng.choice(categories)
            candidates = [r for r in late if r.made_at < found - timedelta(days=20)]
            if category is Category.V06 and candidates:
                request = rng.choice(candidates)
                department = self.resources[request.resource]["department"]
                evidence: tuple[Any, ...] = ("request", request.index)
            else:
                department = rng.choice(self.internal).code
                evidence = ("department", department)
            self.add(
                "record_finding",
                found,
                self.leading_group(),
                n,
                department,
                category,
                evidence,
                needs=((evidence,) if evidence[0] == "request" else ()),
                makes=(("finding", n),),
            )
            if rng.random() >= 0.8:
                continue
            ordered = working_days_after(rng, found, rng.randint(2, 10))
            due = shanghai_date(ordered) + timedelta(days=30)
            self.add(
                "order_rectification",
                ordered,
                self.leading_group(),
                n,
                due,
                needs=(("finding", n),),
                makes=(("ordered", n),),
            )
            roll = rng.random()
            owner = self.by_code[department]
            if roll < 0.7:
                done = working_days_after(rng, ordered, rng.randint(3, 15))
                self.add(
                    "rectify",
                    done,
                    self.staff(owner),
                    n,
                    needs=(("ordered", n),),
                    makes=(("reported", n),),
                )
                reviewed = working_days_after(rng, done, rng.randint(1, 3))
                if reviewed.date() <= END:
                    self.add(
                        "accept_rectification",
                        reviewed,
                        self.leading_group(),
                        n,
                        needs=(("reported", n),),
                    )
            elif roll < 0.85:
                when = at_work(rng, due + timedelta(days=rng.randint(3, 20)))
                if when.date() <= END:
                    self.add("criticise", when, self.leading_group(), n, needs=(("ordered", n),))
            elif roll < 0.9:
                self.add(
                    "withdraw_finding",
                    working_days_after(rng, ordered, 5),
                    self.leading_group(),
                    n,
                    needs=(("ordered", n),),
                )

    # -- data use (Art. 36): most of the volume ----------------------------------------------------

    def data_uses(self, count: int) -> Iterator[Action]:
        """``count`` uses in the order the ledger records them, spread over granted requests
        with a long tail (a few requests are used daily for years, most a handful of times).
        Kept as small tuples until their turn: a 1M-event ledger has about 950k of them."""
        rng = random.Random(self.seed * 7919 + 1)
        granted = [r for r in self.requests if r.granted_at is not None]
        refused = [r for r in self.requests if r.granted_at is None]
        if not granted or count <= 0:
            return iter(())
        weights = [rng.paretovariate(1.1) for _ in granted]
        end = datetime.combine(END, clock_time(17, 30), SHANGHAI)
        uses: list[tuple[datetime, int, datetime, int, str, int]] = []
        base = self.seq
        for n, request in enumerate(rng.choices(granted, weights, k=count)):
            variant, roll = "ok", rng.random()
            if roll < 0.005 and refused:  # cites a request that grants nothing (V09)
                request, variant = rng.choice(refused), "no_grant"
            elif roll < 0.015:
                variant = "third_party"
            elif roll < 0.03:
                variant = "other_purpose"
            start = max(
                request.granted_at or request.made_at, request.settled_at or request.made_at
            )
            last = end
            if request.expires_at is not None and rng.random() < 0.97:
                last = min(end, request.expires_at - timedelta(days=1))
            span = max((last - start).total_seconds() - 3600, 60)
            obtained = start + timedelta(seconds=3600 + rng.random() * span)
            recorded = obtained + timedelta(minutes=rng.randint(5, 120))
            # Now and then a use is entered days later (a late entry: of forensic interest).
            late = rng.random() < 0.01
            lag = (
                timedelta(days=rng.randint(2, 20))
                if late
                else timedelta(seconds=rng.randint(5, 300))
            )
            uses.append(
                (
                    recorded + lag,
                    base + n + 1,
                    obtained,
                    request.index,
                    variant,
                    rng.getrandbits(32),
                )
            )
        self.seq = base + count
        uses.sort()
        return (self._use_action(*use) for use in uses)

    def _use_action(
        self, now: datetime, seq: int, obtained: datetime, index: int, variant: str, bits: int
    ) -> Action:
        rng = random.Random(bits)
        request = self.requests[index]
        dept = request.requester
        actor = Actor(
            person=rng.choice(dept.staff), department=dept.code, role=self.staff(dept).role
        )
        content = "、".join(rng.sample(request.scope, rng.randint(1, len(request.scope))))
        purpose = (
            request.purpose if variant != "other_purpose" else rng.choice(PURPOSES) + "以外的用途"
        )
        fields = {
            "share_request_id": ("request", index),
            "resource_id": ("resource", request.resource),
            "purpose": purpose,
            "user_person": actor.person,
            "approver": dept.head or dept.staff[-1],
            "data_content": content,
            "obtained_at": obtained,
            "method": rng.choice(list(AcquisitionMethod)).value,
            "medium": rng.choice(
                (MediumType.NETWORK, MediumType.NETWORK, MediumType.MOBILE_STORAGE)
            ).value,
            "recipient": "某科技有限公司" if variant == "third_party" else None,
        }
        occurred = obtained + timedelta(minutes=rng.randint(5, 120))
        return Action(
            now, seq, "data_use", min(occurred, now), actor, (fields,), needs=(("request", index),)
        )


# -- running the script through the ledger ---------------------------------------------------------


class Simulation:
    """The store's clock follows the timeline; ``uuid4`` in the domain follows the seed."""

    def __init__(self, seed: int) -> None:
        self.ids = random.Random(seed * 104729 + 3)
        self.instant = datetime(2023, 1, 1, tzinfo=UTC)

    def new_id(self) -> UUID:
        return uuid.UUID(int=self.ids.getrandbits(128), version=4)

    def set_clock(self, instant: datetime) -> None:
        self.instant = max(self.instant, instant.astimezone(UTC))

    @contextmanager
    def patched(self) -> Iterator[Simulation]:
        import store.frontier

        simulation = self

        class Clock(datetime):
            @classmethod
            def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
                return simulation.instant

        patches: list[tuple[Any, str, Any]] = [(store.frontier, "datetime", Clock)]
        patches += [
            (module, "uuid4", self.new_id)
            for name, module in list(sys.modules.items())
            if name.startswith("domain.") and hasattr(module, "uuid4")
        ]
        saved = [(module, name, getattr(module, name)) for module, name, _ in patches]
        for module, name, value in patches:
            setattr(module, name, value)
        try:
            yield self
        finally:
            for module, name, value in saved:
                setattr(module, name, value)


@contextmanager
def calendar_read_once(ledger: Ledger) -> Iterator[None]:
    """The script publishes no holiday schedule, so the calendar the verbs read never
    changes while it runs: read it once. ``CalendarVerbs.calendar`` would otherwise scan
    the whole event table on every deadline it computes (it remembers how far it read only
    when it finds a publication; see RESULTS.md), which makes the generator quadratic."""
    calendar = ledger.calendar()
    ledger.calendar = lambda: calendar  # type: ignore[method-assign]
    try:
        yield
    finally:
        del ledger.calendar


@dataclass
class GenerationReport:
    events: int
    seconds: float
    counts: dict[str, int]
    verb_uses_per_second: float
    direct_uses_per_second: float
    commands_per_second: float  # the other verbs, batched


class Runner:
    """Executes actions in time order, batching their events into few transactions."""

    def __init__(self, ledger: Ledger, script: Script, simulation: Simulation) -> None:
        self.ledger = ledger
        self.script = script
        self.simulation = simulation
        self.ids: dict[Key, UUID] = {}
        # Saved in one transaction per batch, through the command service as every writer.
        self.commands = command_service(ledger)
        self.buffer: list[Decision] = []
        self.buffered = 0  # events in the buffer
        self.pending: set[Key] = set()
        self.latest = datetime(2023, 1, 1, tzinfo=UTC)
        self.resources: dict[int, Resource] = {}
        self.requests: dict[int, ShareRequest] = {}
        self.uses = 0
        self.timing: dict[str, float] = defaultdict(float)
        self.counted: Counter[str] = Counter()

    def flush(self) -> None:
        if self.buffer:
            self.simulation.set_clock(self.latest)
            self.commands.save(self.buffer)
            self.buffer, self.buffered, self.pending = [], 0, set()

    def run(self, actions: Iterator[Action], progress: Callable[[int], None] | None = None) -> None:
        for action in actions:
            if any(key in self.pending for key in action.needs):
                self.flush()
            started = time.perf_counter()
            cmd = Command(
                actor=action.actor,
                occurred_at=action.occurred_at,
                command_id=f"bench-{action.seq}",
                now=action.now,
            )
            decision = getattr(self, f"do_{action.kind}")(cmd, *action.args)
            self.buffer.append(decision)
            self.buffered += len(decision.events)
            self.latest = max(self.latest, action.now)
            for key in action.makes:
                self.ids[key] = decision.subject_id
                self.pending.add(key)
            kind = "data_use" if action.kind == "data_use" else "other"
            if kind == "data_use" and self.uses <= VERB_SAMPLE:
                kind = "data_use_verb"
            self.timing[kind] += time.perf_counter() - started
            self.counted[kind] += 1
            if self.buffered >= BATCH:
                flushed = time.perf_counter()
                self.flush()
                self.timing[f"flush_{kind}"] += time.perf_counter() - flushed
            if progress is not None:
                progress(len(decision.events))
        self.flush()

    def rate(self, kind: str) -> float:
        seconds = self.timing[kind] + self.timing[f"flush_{kind}"]
        return self.counted[kind] / seconds if seconds else 0.0

    # -- the commands ------------------------------------------------------------------------------

    def do_initialise(self, cmd: Command, token: str) -> Decision:
        return self.ledger.initialise(cmd, token)

    def do_register_instrument(self, cmd: Command, title: str) -> Decision:
        """Art. 24(1): the laws not-shared resources cite are in the office's register."""
        return self.ledger.register_legal_instrument(
            cmd, LegalInstrumentKind.LAW, title, "全国人民代表大会常务委员会", "", None
        )

    def do_register_department(self, cmd: Command, dept: Dept) -> Decision:
        return self.ledger.register_department(cmd, dept.code, dept.name, dept.kind)

    def do_principal(self, cmd: Command, code: str, name: str, role: Role) -> Decision:
        return self.ledger.register_principal(
            cmd, token_for(self.script.seed, code, role), name, code, role
        )

    def do_designate(self, cmd: Command, dept: Dept) -> Decision:
        assert dept.head is not None
        return self.ledger.designate_responsible_persons(
            cmd, dept.code, dept.head, list(dept.staff)
        )

    def do_register_system(self, cmd: Command, name: str, classified: bool) -> Decision:
        return self.ledger.register_system(cmd, name, SystemStatus.EXISTING, classified)

    def do_connect_system(self, cmd: Command, system: int) -> Decision:
        return self.ledger.connect_system(cmd, self.ids["system", system], None)

    def do_catalog_resource(self, cmd: Command, index: int) -> Decision:
        body = {k: v for k, v in self.script.resources[index].items() if k != "_system"}
        system = self.script.resources[index]["_system"]
        body["system_id"] = None if system is None else str(self.ids["system", system])
        return self.ledger.catalog_resource(cmd, ResourceFields.model_validate(body))

    def do_submit_catalog(
        self, cmd: Command, code: str, attempt: int, indexes: list[int]
    ) -> Decision:
        return self.ledger.submit_catalog(cmd, [self.ids["resource", i] for i in indexes])

    def do_return_catalog(self, cmd: Command, code: str, attempt: int) -> Decision:
        reasons = ["数据项类型与实际不符", "共享条件表述不清"]
        return self.ledger.return_catalog(cmd, self.ids["submission", code, attempt], reasons, None)

    def do_approve_catalog(self, cmd: Command, code: str, attempt: int) -> Decision:
        return self.ledger.approve_catalog(cmd, self.ids["submission", code, attempt], None)

    def do_retire_resource(self, cmd: Command, index: int) -> Decision:
        return self.ledger.retire_resource(
            cmd, self.ids["resource", index], "职能调整，数据不再采集", None
        )

    def do_amend_resource(self, cmd: Command, index: int) -> Decision:
        body = self.script.resources[index]
        changes = {
            "summary": body["summary"] + "（" + cmd.occurred_at.strftime("%Y年%m月") + "修订）"
        }
        return self.ledger.amend_resource(cmd, self.ids["resource", index], changes, None)

    def do_law_change(self, cmd: Command, n: int, codes: list[str]) -> Decision:
        return self.ledger.record_law_change(cmd, f"《吉林省文化旅游条例》第{n + 1}次修订", codes)

    def do_apply_update(self, cmd: Command, trigger: Key | None) -> Decision:
        trigger_id = None if trigger is None else self.ids[trigger]
        return self.ledger.apply_for_catalog_update(
            cmd, "根据法规修订和检测结果更新目录", trigger_id
        )

    def do_file_update(self, cmd: Command, application: Key) -> Decision:
        return self.ledger.file_catalog_update(cmd, self.ids[application], None)

    def do_request_share(self, cmd: Command, n: int) -> Decision:
        request = self.script.requests[n]
        channel = (
            ShareChannel.PROVINCIAL if cmd.actor.role is Role.EXTERNAL else ShareChannel.DEPARTMENT
        )
        return self.ledger.request_share(
            cmd,
            self.ids["resource", request.resource],
            request.purpose,
            "、".join(request.scope),
            channel,
        )

    def do_reply(self, cmd: Command, n: int, approve: bool, expires: datetime | None) -> Decision:
        if approve:
            reply = Reply(decision=ReplyDecision.APPROVE, expires_at=expires)
        else:
            reply = Reply(decision=ReplyDecision.REFUSE, reason="涉及个人信息，须先完成脱敏处理")
        return self.ledger.reply_to_request(cmd, self.ids["request", n], reply, None)

    def do_negotiate(self, cmd: Command, n: int) -> Decision:
        return self.ledger.negotiate(cmd, self.ids["request", n], "双方就共享范围进行了协商", None)

    def do_escalate(self, cmd: Command, n: int) -> Decision:
        return self.ledger.escalate_to_leading_group(cmd, self.ids["request", n], "协商未果", None)

    def do_coordinate(self, cmd: Command, n: int, share: bool) -> Decision:
        decision = CoordinationDecision.SHARE if share else CoordinationDecision.NOT_SHARE
        return self.ledger.coordinate(
            cmd, self.ids["request", n], decision, "经领导小组协调决定", None
        )

    def do_request_verification(self, cmd: Command, resource: int) -> Decision:
        return self.ledger.request_verification(
            cmd, self.ids["resource", resource], "部分记录的地址与实际不符"
        )

    def do_answer_verification(self, cmd: Command, n: int, confirmed: bool) -> Decision:
        outcome = VerificationOutcome.CONFIRMED if confirmed else VerificationOutcome.CORRECTED
        details = "" if confirmed else "已更正12条记录的详细地址"
        return self.ledger.answer_verification(
            cmd, self.ids["verification", n], outcome, details, None
        )

    def do_aggregate(self, cmd: Command, index: int, period: tuple[date, date], n: int) -> Decision:
        system = self.script.resources[index]["_system"]
        checksum = hashlib.sha256(f"{self.script.seed}:{index}:{period[0]}".encode()).hexdigest()
        return self.ledger.receive_aggregation(
            cmd,
            self.ids["resource", index],
            self.ids["system", system],
            1000 + n % 5000,
            period,
            checksum,
            ChecksumAlgorithm.SHA256,
        )

    def do_reject_aggregation(self, cmd: Command, n: int) -> Decision:
        return self.ledger.reject_aggregation(
            cmd, self.ids["receipt", n], "字段缺失，数据无法使用", None
        )

    def do_report_usage(self, cmd: Command, start: date, end: date) -> Decision:
        return self.ledger.report_usage(
            cmd, start, end, "本季度共调用共享数据用于行业监管和统计分析"
        )

    def do_consistency_check(
        self, cmd: Command, system: int, year: int, target: int | None
    ) -> Decision:
        differences = (
            []
            if target is None
            else [
                Difference(
                    description="系统中存在目录未列明的数据项",
                    resource_id=self.ids["resource", target],
                )
            ]
        )
        recommendations = ["按检测差异更新数据资源目录"] if differences else []
        return self.ledger.record_consistency_check(
            cmd, self.ids["system", system], year, differences, recommendations
        )

    def do_record_finding(
        self, cmd: Command, n: int, department: str, category: Category, evidence: Key
    ) -> Decision:
        reference = self.ids[evidence] if evidence[0] == "request" else department_id(evidence[1])
        return self.ledger.record_finding(
            cmd, department, category, [str(reference)], "经检查发现未按要求履行职责"
        )

    def do_order_rectification(self, cmd: Command, n: int, due: date) -> Decision:
        return self.ledger.order_rectification(cmd, self.ids["finding", n], due, None)

    def do_rectify(self, cmd: Command, n: int) -> Decision:
        finding = self.ids["finding", n]
        return self.ledger.report_rectification(cmd, finding, [str(finding)], "已完成整改", None)

    def do_accept_rectification(self, cmd: Command, n: int) -> Decision:
        return self.ledger.review_rectification(
            cmd, self.ids["finding", n], ReviewDecision.ACCEPTED, "整改到位", None
        )

    def do_criticise(self, cmd: Command, n: int) -> Decision:
        return self.ledger.circulate_criticism(
            cmd, self.ids["finding", n], "逾期未整改，予以通报批评", None
        )

    def do_withdraw_finding(self, cmd: Command, n: int) -> Decision:
        return self.ledger.withdraw_finding(cmd, self.ids["finding", n], "经复核，不构成违规", None)

    def do_data_use(self, cmd: Command, fields: dict[str, Any]) -> Decision:
        values = {k: (self.ids[v] if isinstance(v, tuple) else v) for k, v in fields.items()}
        use = DataUseFields.model_validate(values)
        self.uses += 1
        if self.uses <= VERB_SAMPLE:
            return self.ledger.record_data_use(cmd, use)
        request_key, resource_key = fields["share_request_id"][1], fields["resource_id"][1]
        resource = self.resources.get(resource_key)
        if resource is None:
            resource = self.resources[resource_key] = self.ledger.get(use.resource_id, Resource)
        request = self.requests.get(request_key)
        if request is None:
            assert use.share_request_id is not None
            request = self.requests[request_key] = self.ledger.get(
                use.share_request_id, ShareRequest
            )
        event = record_data_use(cmd, self.simulation.new_id(), use, resource, request, None)
        return Decision(event.originator_id, [event])


def generate(
    ledger: Ledger, size: Size, seed: int, progress: Callable[[int], None] | None = None
) -> GenerationReport:
    """Fill an empty ledger with the script for ``size`` and ``seed``."""
    script = Script(size, seed)
    fixed = script.build()
    uses = size.events - script.fixed_events()
    started = time.perf_counter()
    with Simulation(seed).patched() as simulation, calendar_read_once(ledger):
        runner = Runner(ledger, script, simulation)
        runner.run(heapq.merge(fixed, script.data_uses(uses)), progress)
    seconds = time.perf_counter() - started
    counts = Counter(action.kind for action in fixed)
    counts["data_use"] = max(uses, 0)
    return GenerationReport(
        events=ledger.recorder.max_notification_id() or 0,
        seconds=seconds,
        counts=dict(counts),
        verb_uses_per_second=runner.rate("data_use_verb"),
        direct_uses_per_second=runner.rate("data_use"),
        commands_per_second=runner.rate("other"),
    )


def main(argv: list[str] | None = None) -> None:
    from rich.progress import Progress

    from api.runtime import open_ledger

    parser = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--size", choices=list(SIZES), default="tiny")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", required=True, help="a new SQLite file")
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    ledger = open_ledger(f"sqlite:///{args.out}")
    with Progress() as bar:
        task = bar.add_task(f"generating {size.name}", total=size.events)
        report = generate(ledger, size, args.seed, lambda n: bar.advance(task, n))
    ledger.close()
    print(report)


if __name__ == "__main__":
    main()
