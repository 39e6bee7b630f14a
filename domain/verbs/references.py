"""Objects a command's body names: one the ledger does not hold is bad input (422), not 404."""

from __future__ import annotations

from uuid import UUID

from domain.errors import NotFound, UnknownResource, UnknownSystem
from domain.persons import Person, UnknownPerson
from domain.resources import Resource
from domain.systems import InformationSystem
from domain.verbs.base import LedgerBase


class ReferenceVerbs(LedgerBase):
    def named_resource(self, resource_id: UUID, field: str = "resource_id") -> Resource:
        try:
            return self.get(resource_id, Resource)
        except NotFound:
            raise UnknownResource(f"no data resource with id {resource_id}", field=field) from None

    def named_system(self, system_id: UUID, field: str = "system_id") -> InformationSystem:
        try:
            return self.get(system_id, InformationSystem)
        except NotFound:
            raise UnknownSystem(f"no information system with id {system_id}", field=field) from None

    def named_person(self, person_id: UUID | None, field: str) -> Person | None:
        if person_id is None:
            return None
        try:
            return self.get(person_id, Person)
        except NotFound:
            raise UnknownPerson(f"no registered person with id {person_id}", field=field) from None
