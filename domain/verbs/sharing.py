"""Sharing: requesting, replying, negotiating, coordinating, arranging, using (Art. 25-30, 36)."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar, cast
from uuid import UUID, uuid4

from domain.aggregate import AggregateState, Command
from domain.arrangements import TimeSensitiveArrangement, propose_arrangement
from domain.data_uses import DataUse, DataUseFields, record_data_use, violation_marks
from domain.errors import UnknownArrangement, UnknownResource, UnknownShareRequest
from domain.external_sharing import (
    ExternalRequest,
    ExternalResource,
    register_external_resource,
    request_external_data,
)
from domain.facts import Fact, Marks, NoDeadline, Provider, Requester, Status
from domain.resources import Resource
from domain.rules.sharing import SHARE_REPLY
from domain.share_requests import Reply, ShareRequest, request_share
from domain.verbs.base import Decision
from domain.verbs.calendar import CalendarVerbs
from domain.verbs.references import ReferenceVerbs
from domain.vocabulary import (
    AcquisitionMethod,
    CoordinationDecision,
    DataUseMark,
    ShareChannel,
    ShareType,
)

S = TypeVar("S", bound=AggregateState)


class SharingVerbs(ReferenceVerbs, CalendarVerbs):
    def request_share(
        self, cmd: Command, resource_id: UUID, purpose: str, scope: str, channel: ShareChannel
    ) -> Decision:
        requester = self.department(cmd.actor.department)
        requester.check_active()
        resource = self.named_resource(resource_id)
        event = request_share(cmd, uuid4(), resource, requester, purpose, scope, channel)
        state = event.create()
        # Art. 26: only a conditional share waits for a reply within its working days.
        due: Fact = NoDeadline()
        if event.share_type is ShareType.CONDITIONAL:
            due = self.due_in_working_days(cmd, SHARE_REPLY.working_days)
        return Decision(event.originator_id, [event], (Status(state.status), due))

    def reply_to_request(
        self,
        cmd: Command,
        request_id: UUID,
        reply: Reply,
        expected_version: int | None,
    ) -> Decision:
        """Art. 26: approve (scope, uses, expiry) or refuse with a reason; late is still a reply."""
        request = self.get(request_id, ShareRequest, expected_version=expected_version)
        event = request.reply(cmd, reply)
        answered = self.answer_due(cmd, request.created_at, SHARE_REPLY.working_days)
        return Decision(request_id, [event], (Status(request.apply(event).status), answered))

    def negotiate(
        self, cmd: Command, request_id: UUID, note: str, expected_version: int | None
    ) -> Decision:
        request = self.get(request_id, ShareRequest, expected_version=expected_version)
        event = request.negotiate(cmd, note)
        return Decision(request_id, [event], (Status(request.apply(event).status),))

    def escalate_to_leading_group(
        self, cmd: Command, request_id: UUID, reason: str, expected_version: int | None
    ) -> Decision:
        request = self.get(request_id, ShareRequest, expected_version=expected_version)
        event = request.escalate(cmd, reason)
        return Decision(request_id, [event], (Status(request.apply(event).status),))

    def coordinate(
        self,
        cmd: Command,
        request_id: UUID,
        decision: CoordinationDecision,
        note: str,
        expected_version: int | None,
    ) -> Decision:
        request = self.get(request_id, ShareRequest, expected_version=expected_version)
        event = request.decide_coordination(cmd, decision, note)
        return Decision(request_id, [event], (Status(request.apply(event).status),))

    def propose_arrangement(
        self,
        cmd: Command,
        resource_id: UUID,
        counterparty: str,
        purpose: str,
        scope: str,
        method: AcquisitionMethod,
        valid_from: datetime,
        valid_to: datetime,
    ) -> Decision:
        """Art. 28: one party proposes; the arrangement is in force once the other accepts."""
        resource = self.named_resource(resource_id)
        self.department(cmd.actor.department).check_active()
        other = self.department(counterparty, field="counterparty")
        other.check_active()
        event = propose_arrangement(
            cmd, uuid4(), resource, other, purpose, scope, method, valid_from, valid_to
        )
        return Decision(event.originator_id, [event], arrangement_facts(event.create()))

    def accept_arrangement(
        self, cmd: Command, arrangement_id: UUID, expected_version: int | None
    ) -> Decision:
        arrangement = self.get(
            arrangement_id, TimeSensitiveArrangement, expected_version=expected_version
        )
        event = arrangement.accept(cmd)
        return Decision(arrangement_id, [event], arrangement_facts(arrangement.apply(event)))

    def refuse_arrangement(
        self, cmd: Command, arrangement_id: UUID, reason: str, expected_version: int | None
    ) -> Decision:
        arrangement = self.get(
            arrangement_id, TimeSensitiveArrangement, expected_version=expected_version
        )
        event = arrangement.refuse(cmd, reason)
        return Decision(arrangement_id, [event], arrangement_facts(arrangement.apply(event)))

    def record_data_use(self, cmd: Command, use: DataUseFields) -> Decision:
        """Art. 36: every use is recorded, marked when it breaks the rules (never refused)."""
        resource = self.named_source(use.resource_id)
        request = self._grant_then(use.share_request_id, use.obtained_at)
        arrangement = self._state_then(
            use.arrangement_id, TimeSensitiveArrangement, use.obtained_at, "arrangement_id"
        )
        user = self.named_person(use.user_person_id, "user_person_id")
        approver = self.named_person(use.approver_person_id, "approver_person_id")
        event = record_data_use(cmd, uuid4(), use, resource, request, arrangement, user, approver)
        return Decision(event.originator_id, [event], mark_facts(event.marks))

    def consent_to_third_party(
        self,
        cmd: Command,
        use_id: UUID,
        recipient: str,
        reason: str,
        expected_version: int | None,
    ) -> Decision:
        """Art. 32: the provider agrees to the provision of its data to a third party."""
        use = self.get(use_id, DataUse, expected_version=expected_version)
        event = use.consent_to_third_party(cmd, recipient, reason)
        return Decision(use_id, [event], mark_facts(use.apply(event).marks))

    def register_external_resource(
        self,
        cmd: Command,
        provider: str,
        name: str,
        share_type: ShareType,
        summary: str,
        uses: list[str],
    ) -> Decision:
        """Art. 30: the office registers another department's resource it knows of."""
        department = self.department(provider, field="provider")
        department.check_active()
        event = register_external_resource(
            cmd, uuid4(), department, name, share_type, summary, uses
        )
        return Decision(event.originator_id, [event], (Provider(event.provider),))

    def request_external_data(
        self, cmd: Command, resource_id: UUID, purpose: str, scope: str
    ) -> Decision:
        """Art. 30: a department's request for another department's data goes to the office."""
        self.department(cmd.actor.department).check_active()
        resource = self.named_external_resource(resource_id)
        event = request_external_data(cmd, uuid4(), resource, purpose, scope)
        return Decision(event.originator_id, [event], external_facts(event.create()))

    def forward_external_request(
        self, cmd: Command, request_id: UUID, expected_version: int | None
    ) -> Decision:
        request = self.get(request_id, ExternalRequest, expected_version=expected_version)
        event = request.forward(cmd)
        return Decision(request_id, [event], external_facts(request.apply(event)))

    def record_external_reply(
        self, cmd: Command, request_id: UUID, reply: Reply, expected_version: int | None
    ) -> Decision:
        request = self.get(request_id, ExternalRequest, expected_version=expected_version)
        event = request.record_reply(cmd, reply)
        return Decision(request_id, [event], external_facts(request.apply(event)))

    # -- reading what a command refers to ------------------------------------------------

    def named_source(self, resource_id: UUID) -> Resource | ExternalResource:
        """Our own resource, or another department's the office registered (Art. 30)."""
        found = self.find(resource_id)
        if isinstance(found, ExternalResource):
            return found
        return self.named_resource(resource_id)

    def named_external_resource(self, resource_id: UUID) -> ExternalResource:
        found = self.find(resource_id)
        if not isinstance(found, ExternalResource):
            msg = f"no external resource with id {resource_id} in the office's register"
            raise UnknownResource(msg, field="resource_id", article="30")
        return found

    def _grant_then(
        self, request_id: UUID | None, at: datetime
    ) -> ShareRequest | ExternalRequest | None:
        """The cited request (ours, or one the office made to another department, Art. 30)
        as it stood at ``at``: one read of its events tells which it is and its state."""
        if request_id is None:
            return None
        now, then = self.state_now_and_at(request_id, at)
        if isinstance(now, ExternalRequest):
            return _of_kind(now, then, ExternalRequest, request_id, "share_request_id")
        return _of_kind(now, then, ShareRequest, request_id, "share_request_id")

    def _state_then(
        self, object_id: UUID | None, kind: type[S], at: datetime, field: str
    ) -> S | None:
        """The object as it stood at business time ``at``, by the facts recorded so far
        (None: none cited, or it did not exist yet)."""
        if object_id is None:
            return None
        # The state now (to know the object is a ``kind``) and the state at ``at``.
        now, then = self.state_now_and_at(object_id, at)
        return _of_kind(now, then, kind, object_id, field)


def _of_kind(now: object, then: object, kind: type[S], object_id: UUID, field: str) -> S | None:
    """``then``, the cited object's state at an instant, once its state ``now`` shows it is a
    ``kind``; else the error naming ``field``."""
    if not isinstance(now, kind):
        error = UnknownArrangement if kind is TimeSensitiveArrangement else UnknownShareRequest
        raise error(f"no {kind.__name__} with id {object_id}", field=field)
    return cast("S | None", then)


def mark_facts(marks: tuple[DataUseMark, ...]) -> tuple[Fact, ...]:
    return (Marks(marks, violation=bool(violation_marks(marks))),)


def arrangement_facts(arrangement: TimeSensitiveArrangement) -> tuple[Fact, ...]:
    return (
        Status(arrangement.status),
        Provider(arrangement.provider),
        Requester(arrangement.requester),
    )


def external_facts(request: ExternalRequest) -> tuple[Fact, ...]:
    return (Status(request.status), Provider(request.provider))
