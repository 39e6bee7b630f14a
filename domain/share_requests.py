"""Share requests 共享申请 (Art. 25-30): granted at once, replied to, negotiated, coordinated.

Art. 25: unconditional data is obtained directly, so its request is granted when made.
Art. 26, 29: conditional data waits for the provider's reply (``SHARE_REPLY``): an
approval (the scope and uses granted, an optional expiry) or a refusal that states its
reason; there is no other, offline, way to approve.
Art. 27, 29: not-shared data, or a refusal, is negotiated between the two parties; failing
that, it is escalated to the leading group, whose coordination decision binds both.

Where the measures are silent, the ledger decides:

- a request names a resource of the unified catalog (Art. 11) as the catalog states it
  (its approved share type), never the requester's own resource;
- the 厅's departments ask through the 厅共享系统 (channel ``department``, Art. 18);
  external departments through the 省级共享系统 (``provincial``, Art. 29-30), and only a
  principal of a department registered as external acts in the external role;
- a reply after the period is still recorded: the deadline register shows the
  breach; a request is replied to once; an approval without terms grants the scope
  requested for the purpose stated, without expiry;
- negotiation and escalation are for refused or not-shared requests only; escalation
  comes after at least one negotiation is on record (协商未果的); the requester escalates
  (Art. 27), but for an external requester the provider does (Art. 29);
- the leading group decides escalated requests only, once: ``share`` grants the scope
  requested for the purpose stated; ``not_share`` closes the request; neither can be
  disputed again, and a granted request cannot be refused afterwards;
- facts about one request follow each other in business time (``occurred_at`` never
  goes back), so the request folded at any instant is the one commands were decided on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self
from uuid import UUID

from pydantic import AwareDatetime, Field

from domain.aggregate import AggregateState, Command, E
from domain.departments import Department
from domain.errors import (
    CoordinationIsBinding,
    EscalationBeforeNegotiation,
    GrantExpiresBeforeItStarts,
    NotAPartyToRequest,
    NotEscalated,
    NotInDispute,
    NotTheEscalatingParty,
    OccurredBeforeSubject,
    OwnResource,
    RefusalWithoutReason,
    RequesterKindMismatch,
    RequestNotAwaitingReply,
    ResourceNotInCatalog,
    RuleViolation,
    WrongChannel,
)
from domain.events import Frozen, LedgerEvent
from domain.resources import Resource
from domain.vocabulary import (
    CoordinationDecision,
    DepartmentKind,
    ReplyDecision,
    Role,
    ShareChannel,
    ShareRequestStatus,
    ShareType,
)

INITIAL_STATUS = {
    ShareType.UNCONDITIONAL: ShareRequestStatus.GRANTED,  # Art. 25
    ShareType.CONDITIONAL: ShareRequestStatus.PENDING,  # Art. 26
    ShareType.NOT_SHARED: ShareRequestStatus.NOT_SHARED,  # Art. 27
}
DISPUTED = frozenset({ShareRequestStatus.REFUSED, ShareRequestStatus.NOT_SHARED})


class Negotiation(Frozen):
    """协商: one party's note of a negotiation between requester and provider (Art. 27)."""

    department: str
    person: str
    note: str
    at: datetime


class Coordination(Frozen):
    """协调: the leading group's binding decision (Art. 27, 29)."""

    decision: CoordinationDecision
    note: str
    decided_by: str
    decided_at: datetime


class Reply(Frozen):
    """The provider's answer (Art. 26): approve with what is granted, or refuse with a reason."""

    decision: ReplyDecision
    reason: str | None = Field(
        default=None, max_length=4000, description="Required to refuse (Art. 26)"
    )
    granted_scope: str | None = Field(
        default=None, max_length=4000, description="Default: the scope requested"
    )
    granted_uses: tuple[str, ...] = Field(default=(), description="Default: the purpose stated")
    expires_at: AwareDatetime | None = Field(default=None, description="Default: no expiry")


class ShareRequest(AggregateState):
    resource_id: UUID
    resource_code: str
    provider: str
    requester: str
    requester_role: Role
    purpose: str
    scope: str
    channel: ShareChannel
    share_type: ShareType  # as the unified catalog stated it when the request was made
    status: ShareRequestStatus
    last_occurred_at: datetime
    granted_at: datetime | None = None
    granted_scope: str | None = None  # None: the whole resource (unconditional data)
    granted_uses: tuple[str, ...] = ()  # empty: any use within the department's duties
    expires_at: datetime | None = None
    replied_at: datetime | None = None
    reply_note: str | None = None
    refusal_reason: str | None = None
    negotiations: tuple[Negotiation, ...] = ()
    escalated_at: datetime | None = None
    escalated_by: str | None = None
    escalation_reason: str | None = None
    coordination: Coordination | None = None

    @property
    def external(self) -> bool:
        return self.requester_role is Role.EXTERNAL

    # -- the provider's reply (Art. 26, 29) ---------------------------------------------

    def reply(self, cmd: Command, reply: Reply) -> ShareReplied:
        if reply.decision is ReplyDecision.APPROVE:
            return self.approve(
                cmd, reply.granted_scope, list(reply.granted_uses), reply.expires_at, reply.reason
            )
        return self.refuse(cmd, reply.reason)

    def approve(
        self,
        cmd: Command,
        granted_scope: str | None,
        granted_uses: list[str],
        expires_at: datetime | None,
        note: str | None = None,
    ) -> ShareRequestApproved:
        """Grant what was asked unless the reply narrows it: the scope requested, the purpose."""
        self.check_provider(cmd)
        self.check_awaiting_reply()
        if expires_at is not None and expires_at <= cmd.occurred_at:
            msg = f"expires_at {expires_at.isoformat()} is not after the approval itself"
            raise GrantExpiresBeforeItStarts(msg, field="expires_at", article="26")
        uses = tuple(dict.fromkeys(use.strip() for use in granted_uses if use.strip()))
        return self._next(
            cmd,
            ShareRequestApproved,
            granted_scope=(granted_scope or "").strip() or self.scope,
            granted_uses=uses or (self.purpose,),
            expires_at=expires_at,
            note=(note or "").strip() or None,
        )

    def refuse(self, cmd: Command, reason: str | None) -> ShareRequestRefused:
        self.check_provider(cmd)
        self.check_awaiting_reply()
        if not (reason or "").strip():
            msg = "a refusal to share must state its reason (Art. 26: 对拒绝共享的，应当说明理由)"
            raise RefusalWithoutReason(msg, field="reason", article="26")
        return self._next(cmd, ShareRequestRefused, reason=(reason or "").strip())

    # -- disputes (Art. 27, 29) ---------------------------------------------------------

    def negotiate(self, cmd: Command, note: str) -> NegotiationRecorded:
        self.check_party(cmd)
        self.check_in_dispute()
        return self._next(cmd, NegotiationRecorded, note=_required(note, "note", "27"))

    def escalate(self, cmd: Command, reason: str) -> ShareRequestEscalated:
        self.check_escalating_party(cmd)
        self.check_in_dispute()
        if not self.negotiations:
            msg = (
                "record the negotiation first: a request goes to the leading group when "
                "negotiation fails (Art. 27: 协商未果的)"
            )
            raise EscalationBeforeNegotiation(msg, article="27")
        return self._next(cmd, ShareRequestEscalated, reason=_required(reason, "reason", "27"))

    def decide_coordination(
        self, cmd: Command, decision: CoordinationDecision, note: str
    ) -> CoordinationDecided:
        if self.coordination is not None:
            raise CoordinationIsBinding(
                "the leading group has already decided this request", article="27"
            )
        if self.status is not ShareRequestStatus.ESCALATED:
            msg = f"the request is {self.status.value}; the leading group decides escalated ones"
            raise NotEscalated(msg, article="27")
        return self._next(
            cmd, CoordinationDecided, decision=decision, note=_required(note, "note", "27")
        )

    # -- guards -------------------------------------------------------------------------

    def check_provider(self, cmd: Command) -> None:
        """Art. 26: only the provider replies."""
        cmd.require_department(self.provider, "the reply to this share request")

    def check_awaiting_reply(self) -> None:
        if self.status is not ShareRequestStatus.PENDING:
            msg = (
                f"this request is {self.status.value} ({self.status.label}); only a pending "
                "request for conditional data is replied to, once (Art. 26)"
            )
            raise RequestNotAwaitingReply(msg, article="26")

    def check_party(self, cmd: Command) -> None:
        if cmd.actor.department not in (self.requester, self.provider):
            msg = f"only {self.requester} and {self.provider} negotiate this request"
            raise NotAPartyToRequest(msg)

    def check_in_dispute(self) -> None:
        if self.coordination is not None:
            msg = "the leading group has decided this request; its decision is binding"
            raise CoordinationIsBinding(msg, article="27")
        if self.status not in DISPUTED:
            msg = (
                f"this request is {self.status.value} ({self.status.label}); only refused or "
                "not-shared requests are negotiated and escalated (Art. 27, 29)"
            )
            raise NotInDispute(msg, article="27")

    def check_escalating_party(self, cmd: Command) -> None:
        """Art. 27: the using department escalates; Art. 29: for an external one, the provider."""
        escalating = self.provider if self.external else self.requester
        if cmd.actor.department != escalating:
            article = "29" if self.external else "27"
            msg = f"{escalating} escalates this request to the leading group (Art. {article})"
            raise NotTheEscalatingParty(msg, article=article)

    def _next(self, cmd: Command, cls: type[E], **fields: Any) -> E:
        """Facts about a request follow each other in business time, so a fold at any
        instant sees them in the order they happened."""
        if cmd.occurred_at < self.last_occurred_at:
            msg = (
                f"occurred_at {cmd.occurred_at.isoformat()} is before this request's last "
                f"event ({self.last_occurred_at.isoformat()})"
            )
            raise OccurredBeforeSubject(msg, field="occurred_at")
        return cmd.next_event(cls, self, **fields)

    # -- folding ------------------------------------------------------------------------

    def apply(self, event: LedgerEvent) -> Self:
        state = self.model_copy(
            update={"last_occurred_at": max(self.last_occurred_at, event.occurred_at)}
        )
        return state._applied(event)

    def _applied(self, event: LedgerEvent) -> Self:
        if isinstance(event, ShareRequestApproved):
            return self.model_copy(
                update={
                    "status": ShareRequestStatus.GRANTED,
                    "granted_at": event.occurred_at,
                    "granted_scope": event.granted_scope,
                    "granted_uses": event.granted_uses,
                    "expires_at": event.expires_at,
                    "replied_at": event.occurred_at,
                    "reply_note": event.note,
                }
            )
        if isinstance(event, ShareRequestRefused):
            return self.model_copy(
                update={
                    "status": ShareRequestStatus.REFUSED,
                    "replied_at": event.occurred_at,
                    "refusal_reason": event.reason,
                }
            )
        if isinstance(event, NegotiationRecorded):
            note = Negotiation(
                department=event.actor.department,
                person=event.actor.person,
                note=event.note,
                at=event.occurred_at,
            )
            return self.model_copy(update={"negotiations": (*self.negotiations, note)})
        if isinstance(event, ShareRequestEscalated):
            return self.model_copy(
                update={
                    "status": ShareRequestStatus.ESCALATED,
                    "escalated_at": event.occurred_at,
                    "escalated_by": event.actor.department,
                    "escalation_reason": event.reason,
                }
            )
        if isinstance(event, CoordinationDecided):
            return self._coordinated(event)
        return self

    def _coordinated(self, event: CoordinationDecided) -> Self:
        coordination = Coordination(
            decision=event.decision,
            note=event.note,
            decided_by=event.actor.person,
            decided_at=event.occurred_at,
        )
        if event.decision is CoordinationDecision.NOT_SHARE:
            return self.model_copy(
                update={"status": ShareRequestStatus.NOT_SHARED, "coordination": coordination}
            )
        # Shared as requested: the scope asked for, for the purpose stated.
        return self.model_copy(
            update={
                "status": ShareRequestStatus.GRANTED,
                "coordination": coordination,
                "granted_at": event.occurred_at,
                "granted_scope": self.scope,
                "granted_uses": (self.purpose,),
                "expires_at": None,
            }
        )


class ShareRequestEvent(LedgerEvent):
    """Base of every fact about a share request (so readers can fold them all)."""


class ShareRequested(ShareRequestEvent):
    resource_id: UUID
    resource_code: str
    provider: str
    requester: str
    requester_role: Role
    purpose: str
    scope: str
    channel: ShareChannel
    share_type: ShareType

    def create(self) -> ShareRequest:
        status = INITIAL_STATUS[self.share_type]
        granted = status is ShareRequestStatus.GRANTED
        return ShareRequest(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            last_occurred_at=self.occurred_at,
            resource_id=self.resource_id,
            resource_code=self.resource_code,
            provider=self.provider,
            requester=self.requester,
            requester_role=self.requester_role,
            purpose=self.purpose,
            scope=self.scope,
            channel=self.channel,
            share_type=self.share_type,
            status=status,
            granted_at=self.occurred_at if granted else None,
        )


class ShareReplied(ShareRequestEvent):
    """The provider's reply, either way: it discharges the 10-working-day obligation."""


class ShareRequestApproved(ShareReplied):
    granted_scope: str
    granted_uses: tuple[str, ...]
    expires_at: datetime | None = None
    note: str | None = None


class ShareRequestRefused(ShareReplied):
    reason: str


class NegotiationRecorded(ShareRequestEvent):
    note: str


class ShareRequestEscalated(ShareRequestEvent):
    reason: str


class CoordinationDecided(ShareRequestEvent):
    decision: CoordinationDecision
    note: str


def request_share(
    cmd: Command,
    request_id: UUID,
    resource: Resource,
    requester: Department,
    purpose: str,
    scope: str,
    channel: ShareChannel,
) -> ShareRequested:
    """A department (or an external one) asks for a resource of the unified catalog."""
    check_requester_kind(cmd.actor.role, requester)
    check_requestable(resource, requester.code)
    check_channel(cmd.actor.role, channel)
    approved = resource.approved_fields
    assert approved is not None  # in the catalog
    return cmd.event(
        ShareRequested,
        request_id,
        1,
        resource_id=resource.id,
        resource_code=approved.code,
        provider=approved.department,
        requester=requester.code,
        requester_role=cmd.actor.role,
        purpose=_required(purpose, "purpose", "26"),
        scope=_required(scope, "scope", "26"),
        channel=channel,
        share_type=approved.share_type,
    )


def check_requester_kind(role: Role, requester: Department) -> None:
    """Art. 29-30: 厅外政务部门 act as external; the 厅's own departments do not."""
    external_kind = requester.kind is DepartmentKind.EXTERNAL
    if (role is Role.EXTERNAL) != external_kind:
        msg = (
            f"department {requester.code} is registered as {requester.kind.label}; "
            f"role {role.value} ({role.label}) cannot request data for it"
        )
        raise RequesterKindMismatch(msg, article="29")


def check_requestable(resource: Resource, department: str) -> None:
    """Shared data is what the unified catalog lists (Art. 11, 25), and never one's own."""
    if not resource.in_catalog:
        msg = (
            f"resource {resource.fields.code} is not in the unified catalog ({resource.status}); "
            "only cataloged, approved resources are requested (Art. 11, 25-26)"
        )
        raise ResourceNotInCatalog(msg, field="resource_id", article="11")
    if resource.department == department:
        msg = f"resource {resource.fields.code} is {department}'s own data; it needs no request"
        raise OwnResource(msg, field="resource_id")


def check_channel(role: Role, channel: ShareChannel) -> None:
    """Art. 29-30: external departments come through the provincial system; Art. 18: the
    厅's departments share through the 厅's own."""
    expected = ShareChannel.PROVINCIAL if role is Role.EXTERNAL else ShareChannel.DEPARTMENT
    if channel is not expected:
        article = "29-30" if role is Role.EXTERNAL else "18"
        msg = f"a {role.label} requests through {expected.label} (channel {expected.value})"
        raise WrongChannel(msg, field="channel", article=article)


def _required(text: str, field: str, article: str) -> str:
    if not text.strip():
        raise RuleViolation(
            f"{field} must not be blank (Art. {article})", field=field, article=article
        )
    return text.strip()
