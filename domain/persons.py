"""Persons 人员: the people who use and approve shared data, as records with ids (Art. 36).

Art. 36 records who used shared data (使用人员) and who approved it (批准人员). A name is
not a person: two officials may both be called 张立新, so the register gives each an id,
with the department they work for, their post (职务) and the roles they hold, and a use
names its user and approver by that id. The register is kept by the department itself,
or by the office (or the administrator) for it.
"""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from domain.aggregate import AggregateState, Command
from domain.errors import Forbidden, RuleViolation
from domain.events import LedgerEvent
from domain.vocabulary import Role

# Who registers a person of any department; a department registers its own people.
REGISTRARS = frozenset({Role.OFFICE, Role.ADMIN})


class Person(AggregateState):
    name: str
    department: str
    title: str
    roles_held: tuple[Role, ...] = ()


class PersonRegistered(LedgerEvent):
    name: str = Field(min_length=1, max_length=100)
    department: str
    title: str = Field(max_length=100)
    roles_held: tuple[Role, ...] = ()

    def create(self) -> Person:
        return Person(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            name=self.name,
            department=self.department,
            title=self.title,
            roles_held=self.roles_held,
        )


class PersonOfAnotherDepartment(RuleViolation):
    title = "The person works for another department (Art. 36)"


class UnknownPerson(RuleViolation):
    title = "Unknown person"


def register_person(
    cmd: Command,
    person_id: UUID,
    name: str,
    department: str,
    title: str,
    roles_held: list[Role],
) -> PersonRegistered:
    if cmd.actor.role not in REGISTRARS and cmd.actor.department != department:
        msg = f"department {cmd.actor.department} registers its own people, not {department}'s"
        raise Forbidden(msg)
    if not name.strip():
        raise RuleViolation("a person has a name", field="name")
    return cmd.event(
        PersonRegistered,
        person_id,
        1,
        name=" ".join(name.split()),
        department=department,
        title=title.strip(),
        roles_held=tuple(dict.fromkeys(roles_held)),
    )


def check_person_of(person: Person, department: str, field: str) -> None:
    """A use names people of the using department: its own staff use and approve (Art. 36)."""
    if person.department != department:
        msg = (
            f"{person.name} ({person.id}) works for {person.department}, not for {department}, "
            "the department that used the data"
        )
        raise PersonOfAnotherDepartment(msg, field=field, article="36")
