"""Registers the office and the departments keep: persons (Art. 36)."""

from __future__ import annotations

from uuid import uuid4

from domain.aggregate import Command
from domain.persons import register_person
from domain.verbs.base import Decision
from domain.verbs.references import ReferenceVerbs
from domain.vocabulary import Role


class RegisterVerbs(ReferenceVerbs):
    def register_person(
        self, cmd: Command, name: str, department: str, title: str, roles_held: list[Role]
    ) -> Decision:
        self.department(department).check_active()
        event = register_person(cmd, uuid4(), name, department, title, roles_held)
        return Decision(event.originator_id, [event], {"name": event.name})
