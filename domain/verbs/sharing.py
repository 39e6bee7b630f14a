"""Sharing: requesting, replying, negotiating, coordinating, arranging, using (Art. 25-30, 36)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID, uuid4

from domain.aggregate import AggregateState, Command
from domain.arrangements import TimeSensitiveArrangement, agree_arrangement
from domain.data_uses import DataUseFields, record_data_use
from domain.errors import UnknownArrangement, UnknownShareRequest
from domain.events import LedgerEvent
from domain.rules.sharing import SHARE_REPLY
from domain.share_requests import Reply, ShareRequest, request_share
from domain.verbs.base import Decision
from domain.verbs.calendar import CalendarVerbs, due_fields
from domain.verbs.references import ReferenceVerbs
from domain.vocabulary import (
    AcquisitionMethod,
    CoordinationDecision,
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
        extra: dict[str, Any] = {**status_fields(state), "due_date": None, "provisional": None}
        if event.share_type is ShareType.CONDITIONAL:
            extra.update(due_fields(self.due_in_working_days(cmd, SHARE_REPLY.working_days)))
        return Decision(event.originator_id, [event], extra)

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
        extra = {
            **status_fields(request.apply(event)),
            **self.answer_due(cmd, request.created_at, SHARE_REPLY.working_days),
        }
        return Decision(request_id, [event], extra)

    def negotiate(
        self, cmd: Command, request_id: UUID, note: str, expected_version: int | None
    ) -> Decision:
        request = self.get(request_id, ShareRequest, expected_version=expected_version)
        event = request.negotiate(cmd, note)
        return Decision(request_id, [event], status_fields(request.apply(event)))

    def escalate_to_leading_group(
        self, cmd: Command, request_id: UUID, reason: str, expected_version: int | None
    ) -> Decision:
        request = self.get(request_id, ShareRequest, expected_version=expected_version)
        event = request.escalate(cmd, reason)
        return Decision(request_id, [event], status_fields(request.apply(event)))

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
        return Decision(request_id, [event], status_fields(request.apply(event)))

    def arrange_time_sensitive_sharing(
        self,
        cmd: Command,
        resource_id: UUID,
        requester: str,
        method: AcquisitionMethod,
        valid_from: datetime,
        valid_to: datetime,
    ) -> Decision:
        """Art. 28: the two parties agree how data is shared for a sensitive period."""
        resource = self.named_resource(resource_id)
        using = self.department(requester, field="requester")
        using.check_active()
        event = agree_arrangement(cmd, uuid4(), resource, using, method, valid_from, valid_to)
        return Decision(event.originator_id, [event], {"provider": event.provider})

    def record_data_use(self, cmd: Command, use: DataUseFields) -> Decision:
        """Art. 36: every use is recorded, marked when it breaks the rules (never refused)."""
        resource = self.named_resource(use.resource_id)
        request = self._state_then(
            use.share_request_id, ShareRequest, use.obtained_at, "share_request_id"
        )
        arrangement = self._state_then(
            use.arrangement_id, TimeSensitiveArrangement, use.obtained_at, "arrangement_id"
        )
        event = record_data_use(cmd, uuid4(), use, resource, request, arrangement)
        extra = {
            "marks": [mark.value for mark in event.marks],
            "marks_labels": [mark.label for mark in event.marks],
        }
        return Decision(event.originator_id, [event], extra)

    # -- reading what a command refers to ------------------------------------------------

    def _state_then(
        self, object_id: UUID | None, kind: type[S], at: datetime, field: str
    ) -> S | None:
        """The object as it stood at business time ``at``, by the facts recorded so far
        (None: none cited, or it did not exist yet)."""
        if object_id is None:
            return None
        # One read of the stream: the state now (to know the object is a ``kind``) and
        # the state at ``at`` are folded together.
        now: Any = None
        then: S | None = None
        for event in self.events.get(object_id):
            assert isinstance(event, LedgerEvent)
            now = event.mutate(now)
            if event.occurred_at <= at:
                then = event.mutate(then)
        if not isinstance(now, kind):
            error = UnknownArrangement if kind is TimeSensitiveArrangement else UnknownShareRequest
            raise error(f"no {kind.__name__} with id {object_id}", field=field)
        return then


def status_fields(request: ShareRequest) -> dict[str, Any]:
    return {"status": request.status.value, "status_label": request.status.label}
