"""Registers the office and the departments keep: persons (Art. 36), legal instruments
(Art. 24(1))."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from domain.aggregate import Command
from domain.errors import Conflict
from domain.facts import Name, Title
from domain.legal_instruments import LegalInstrumentKind, register_legal_instrument
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
        return Decision(event.originator_id, [event], (Name(event.name),))

    def register_legal_instrument(
        self,
        cmd: Command,
        kind: LegalInstrumentKind,
        title: str,
        issuer: str,
        document_number: str,
        effective_date: date | None,
    ) -> Decision:
        event = register_legal_instrument(cmd, kind, title, issuer, document_number, effective_date)
        if self.exists(event.originator_id):
            raise Conflict(f"{event.title} is already in the register", field="title")
        return Decision(event.originator_id, [event], (Title(event.title),))
