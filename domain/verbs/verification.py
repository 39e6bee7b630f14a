"""Verification of disputed data, multi-source conflicts and unique sources (Art. 31)."""

from __future__ import annotations

from uuid import UUID, uuid4

from domain.aggregate import Command
from domain.facts import Provider, Stage, VerificationAnswer
from domain.resources import Resource
from domain.rules.verification import VERIFICATION
from domain.source_conflicts import (
    SourceConflict,
    UniqueSource,
    record_source_conflict,
    unique_source_id,
)
from domain.verbs.base import Decision
from domain.verbs.calendar import CalendarVerbs
from domain.verbs.references import ReferenceVerbs
from domain.verification import (
    VerificationRequest,
    request_verification,
)
from domain.vocabulary import VerificationOutcome


class VerificationVerbs(ReferenceVerbs, CalendarVerbs):
    def request_verification(self, cmd: Command, resource_id: UUID, description: str) -> Decision:
        self.department(cmd.actor.department).check_active()
        resource = self.named_resource(resource_id)
        event = request_verification(cmd, uuid4(), resource, description)
        due = self.due_in_working_days(cmd, VERIFICATION.working_days)
        return Decision(event.originator_id, [event], (Provider(event.provider), due))

    def answer_verification(
        self,
        cmd: Command,
        request_id: UUID,
        outcome: VerificationOutcome,
        details: str,
        expected_version: int | None,
    ) -> Decision:
        request = self.get(request_id, VerificationRequest, expected_version=expected_version)
        event = request.answer(cmd, outcome, details)
        answered = self.answer_due(cmd, request.created_at, VERIFICATION.working_days)
        return Decision(request_id, [event], (VerificationAnswer(outcome), answered))

    def record_source_conflict(
        self, cmd: Command, data_item: str, resource_ids: list[UUID]
    ) -> Decision:
        resources = [
            self.named_resource(rid, field=f"resource_ids.{index}")
            for index, rid in enumerate(resource_ids)
        ]
        event = record_source_conflict(cmd, uuid4(), data_item, resources)
        return Decision(event.originator_id, [event], (Stage(event.create().status),))

    def resolve_source_conflict(
        self,
        cmd: Command,
        conflict_id: UUID,
        unique_source_resource_id: UUID,
        expected_version: int | None,
    ) -> Decision:
        """Art. 31: designate the unique source; later catalog entries are checked against it."""
        conflict = self.get(conflict_id, SourceConflict, expected_version=expected_version)
        conflict.check_member(unique_source_resource_id)
        resource = self.get(unique_source_resource_id, Resource)
        lookup_id = unique_source_id(conflict.data_item)
        current = self.get(lookup_id, UniqueSource) if self.exists(lookup_id) else None
        events = conflict.resolve(cmd, resource, current)
        return Decision(conflict_id, events, (Stage(conflict.apply(events[0]).status),))
