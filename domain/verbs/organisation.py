"""Setting up: the admin, principals, departments and what obliges a catalog update."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from uuid import UUID, uuid4

from eventsourcing.utils import get_topic

from domain.aggregate import Command
from domain.departments import (
    Department,
    DepartmentDissolvedEvent,
    department_id,
    register_department,
)
from domain.errors import Conflict
from domain.events import LedgerEvent
from domain.facts import DeadlinesByDepartment, DepartmentCode, Dissolved, Revoked, Token
from domain.fresh_read import FreshRead
from domain.persons import check_person_of
from domain.principals import (
    Principal,
    PrincipalRegistered,
    PrincipalRevoked,
    check_role_fits,
    initialisation_id,
    initialise,
    principal_id_for_token,
    register_principal,
)
from domain.rules.catalog import CATALOG_UPDATE
from domain.triggers import record_function_change, record_law_change
from domain.verbs.base import Decision
from domain.verbs.calendar import CalendarVerbs
from domain.verbs.references import ReferenceVerbs
from domain.vocabulary import DepartmentKind, Role

# Every event that changes who may act: a principal registered or revoked (its only
# events), a department dissolved. A test holds this to every event class of ``Principal``.
STANDING_TOPICS = [
    get_topic(PrincipalRegistered),
    get_topic(PrincipalRevoked),
    get_topic(DepartmentDissolvedEvent),
]


@dataclass(frozen=True)
class Standing:
    """Who may act, as recorded so far: every principal as its events leave it (revoked
    ones too), and the departments dissolved. Never changed: a later one replaces it."""

    principals: Mapping[UUID, Principal] = field(default_factory=dict)
    dissolved: frozenset[UUID] = frozenset()

    def with_events(self, events: Sequence[LedgerEvent]) -> Standing:
        principals = dict(self.principals)
        dissolved = set(self.dissolved)
        for event in events:
            if isinstance(event, DepartmentDissolvedEvent):
                dissolved.add(event.originator_id)
            else:  # folded as reading the principal would (``LedgerBase.find``)
                principals[event.originator_id] = event.mutate(principals.get(event.originator_id))
        return Standing(principals, frozenset(dissolved))

    def principal(self, token: str) -> Principal | None:
        return self.principals.get(principal_id_for_token(token))

    def is_dissolved(self, code: str) -> bool:
        return department_id(code) in self.dissolved


class OrganisationVerbs(ReferenceVerbs, CalendarVerbs):
    _standing: tuple[int, Standing] = (0, Standing())

    def standing(self) -> Standing:
        """Who may act now. Every authenticated request asks, and a revocation or a
        dissolution counts from the moment it is recorded, in whichever process: the
        standing is kept in memory and brought up to date with the events of
        ``STANDING_TOPICS`` recorded since (an indexed read of the few new rows), in one
        pass for the principal and its department, not by reading the principal's
        events and then the dissolutions; the requests that ask while one such read
        runs share the next (domain/fresh_read.py)."""
        return self._standing_read()

    @cached_property
    def _standing_read(self) -> FreshRead[Standing]:
        return FreshRead(self._read_standing)

    def _read_standing(self) -> Standing:
        # One read at a time (FreshRead): each goes on from where the last one stopped.
        after, standing = self._standing
        collected: list[LedgerEvent] = []
        position, new = self.caught_up((after, collected), STANDING_TOPICS, _appended)
        if new:
            standing = standing.with_events(new)
        self._standing = (position, standing)
        return standing

    def is_initialised(self) -> bool:
        return self.exists(initialisation_id())

    def initialise(self, cmd: Command, token: str) -> Decision:
        """Create the admin principal, once (``ledger init``)."""
        if self.is_initialised():
            raise Conflict("the ledger is already initialised")
        events = initialise(cmd, token)
        return Decision(events[1].originator_id, events, (Token(token),))

    def register_principal(
        self,
        cmd: Command,
        token: str,
        name: str,
        department: str,
        role: Role,
        person_id: UUID | None = None,
    ) -> Decision:
        if role is not Role.ADMIN:
            registered = self.department(department)
            registered.check_active()
            check_role_fits(role, department, registered.kind)
        if person_id is not None:
            person = self.named_person(person_id, "person_id")
            assert person is not None  # an id was named
            check_person_of(person, department, "person_id")
        event = register_principal(cmd, token, name, department, role, person_id)
        return Decision(event.originator_id, [event], (Token(token),))

    def revoke_principal(self, cmd: Command, principal_id: UUID, reason: str) -> Decision:
        principal = self.get(principal_id, Principal)
        event = principal.revoke(cmd, reason)
        return Decision(principal_id, [event], (Revoked(),))

    def dissolve_department(self, cmd: Command, code: str, reason: str) -> Decision:
        # The code is the path's: an unknown one is not found (404), not invalid input.
        department = self.get(department_id(code), Department)
        event = department.dissolve(cmd, reason)
        return Decision(department.id, [event], (DepartmentCode(code), Dissolved()))

    def register_department(
        self, cmd: Command, code: str, name: str, kind: DepartmentKind
    ) -> Decision:
        event = register_department(cmd, code, name, kind)
        if self.exists(event.originator_id):
            msg = f"department {code} is already registered"
            raise Conflict(msg, field="code")
        return Decision(event.originator_id, [event], (DepartmentCode(code),))

    def designate_responsible_persons(
        self,
        cmd: Command,
        code: str,
        responsible_person: str,
        data_staff: list[str],
        expected_version: int | None = None,
    ) -> Decision:
        department = self.department(code, expected_version=expected_version)
        event = department.designate_responsible_persons(cmd, responsible_person, data_staff)
        return Decision(department.id, [event], (DepartmentCode(code),))

    def record_function_change(self, cmd: Command, code: str, description: str) -> Decision:
        self.department(code).check_active()
        event = record_function_change(cmd, uuid4(), code, description)
        due = self.due_in_working_days(cmd, CATALOG_UPDATE.working_days)
        return Decision(event.originator_id, [event], (due,))

    def record_law_change(
        self, cmd: Command, title: str, affected_departments: list[str]
    ) -> Decision:
        for index, code in enumerate(affected_departments):
            self.department(code, field=f"affected_departments.{index}")
        event = record_law_change(cmd, uuid4(), title, affected_departments)
        due = self.due_in_working_days(cmd, CATALOG_UPDATE.working_days)
        per_department = DeadlinesByDepartment({code: due for code in event.affected_departments})
        return Decision(event.originator_id, [event], (due, per_department))


def _appended(events: list[LedgerEvent], event: object, _position: int) -> list[LedgerEvent]:
    """Collects one catch-up's events (a list of its own) to fold them in one pass."""
    assert isinstance(event, LedgerEvent)
    events.append(event)
    return events
