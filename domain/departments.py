"""Departments 政务部门 (Art. 3) and their responsible persons (Art. 38)."""

from __future__ import annotations

import re
from functools import cache
from typing import Self
from uuid import UUID

from pydantic import Field

from domain.aggregate import AggregateState, Command, natural_id
from domain.errors import DepartmentDissolved, RuleViolation
from domain.events import LedgerEvent
from domain.vocabulary import DepartmentKind

DEPARTMENT_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")


@cache  # a ledger has a few hundred codes; reports ask each code's id thousands of times
def department_id(code: str) -> UUID:
    return natural_id("department", code)


def check_department_code(code: str, field: str = "code") -> None:
    if not DEPARTMENT_CODE.match(code):
        msg = f"department code {code!r} must be 2-32 capital letters, digits or _ (e.g. ZYKF)"
        raise RuleViolation(msg, field=field)


class Department(AggregateState):
    code: str
    name: str
    kind: DepartmentKind
    responsible_person: str | None = None
    data_staff: tuple[str, ...] = ()
    dissolved: bool = False

    def designate_responsible_persons(
        self, cmd: Command, responsible_person: str, data_staff: list[str]
    ) -> ResponsiblePersonsDesignated:
        """Art. 38: the head is first responsible and names the staff who do the work."""
        self.check_active()
        if not responsible_person.strip():
            msg = "a responsible person must be named (Art. 38)"
            raise RuleViolation(msg, field="responsible_person", article="38")
        return cmd.next_event(
            ResponsiblePersonsDesignated,
            self,
            responsible_person=responsible_person,
            data_staff=tuple(data_staff),
        )

    def dissolve(self, cmd: Command, reason: str) -> DepartmentDissolvedEvent:
        """A department abolished or merged: its principals can no longer act, it owes no
        more catalogs or reports; what it recorded stays on the record."""
        self.check_active()
        if not reason.strip():
            raise RuleViolation("a dissolution states its reason", field="reason")
        return cmd.next_event(DepartmentDissolvedEvent, self, reason=reason.strip())

    def check_active(self) -> None:
        if self.dissolved:
            msg = f"department {self.code} is dissolved"
            raise DepartmentDissolved(msg, field="department")

    def apply(self, event: LedgerEvent) -> Self:
        if isinstance(event, ResponsiblePersonsDesignated):
            return self.model_copy(
                update={
                    "responsible_person": event.responsible_person,
                    "data_staff": event.data_staff,
                }
            )
        if isinstance(event, DepartmentDissolvedEvent):
            return self.model_copy(update={"dissolved": True})
        return self


class DepartmentRegistered(LedgerEvent):
    code: str
    name: str
    kind: DepartmentKind

    def create(self) -> Department:
        return Department(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            code=self.code,
            name=self.name,
            kind=self.kind,
        )


class ResponsiblePersonsDesignated(LedgerEvent):
    responsible_person: str
    data_staff: tuple[str, ...] = Field(default=())


class DepartmentDissolvedEvent(LedgerEvent):
    reason: str


def register_department(
    cmd: Command, code: str, name: str, kind: DepartmentKind
) -> DepartmentRegistered:
    check_department_code(code)
    if not name.strip():
        raise RuleViolation("a department needs a name", field="name")
    return cmd.event(DepartmentRegistered, department_id(code), 1, code=code, name=name, kind=kind)
