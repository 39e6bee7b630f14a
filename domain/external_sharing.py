"""Our departments' requests for other provincial departments' data (Art. 30).

"厅外政务部门的无条件共享类数据资源，由使用部门向厅办公室提出申请，通过省级共享系统直接获取
使用；…有条件共享类数据资源，…由使用部门向厅办公室提出需求，通过省级共享系统向提供部门提出
申请，提出部门答复后，使用部门按答复意见使用共享数据资源。"

So the office registers the external resources it knows of (provider, name, share type); a
department's request for one goes to the office (``awaiting_office``); the office forwards
it through the provincial system — unconditional data is then obtained (``granted``),
conditional data awaits the provider's reply (``pending``); the reply is recorded by the
office or by a principal of the external provider, and, as for our own data, a refusal
states its reason (Art. 26). Uses cite the request as ``share_request_id`` and are marked
against the reply exactly as uses of internal data (``domain.data_uses``).

Where the measures are silent, the ledger decides: not-shared external data is not
registered (Art. 30 names the two other types; what another department keeps unshared is
its own measures' business), and no deadline runs for the external provider, whose
obligations are not the 厅's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Self
from uuid import UUID

from pydantic import Field

from domain.aggregate import AggregateState, Command
from domain.departments import Department
from domain.errors import (
    Conflict,
    Forbidden,
    GrantExpiresBeforeItStarts,
    RefusalWithoutReason,
    RuleViolation,
)
from domain.events import LedgerEvent
from domain.share_requests import Reply
from domain.vocabulary import (
    DepartmentKind,
    ReplyDecision,
    Role,
    ShareRequestStatus,
    ShareType,
)


class ExternalResource(AggregateState):
    provider: str  # the external department
    name: str
    share_type: ShareType
    summary: str
    uses: tuple[str, ...] = ()

    @property
    def department(self) -> str:
        return self.provider

    @property
    def code(self) -> str:
        return f"{self.provider}:{self.name}"


class ExternalResourceRegistered(LedgerEvent):
    provider: str
    name: str = Field(min_length=1, max_length=200)
    share_type: ShareType
    summary: str = Field(max_length=4000)
    uses: tuple[str, ...] = ()

    def create(self) -> ExternalResource:
        return ExternalResource(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            provider=self.provider,
            name=self.name,
            share_type=self.share_type,
            summary=self.summary,
            uses=self.uses,
        )


class NotAnExternalDepartment(RuleViolation):
    title = "The provider is not a department outside the 厅 (Art. 30)"


class NotAwaitingTheOffice(Conflict):
    title = "The request is not awaiting the office (Art. 30)"


class NotAwaitingTheProvider(Conflict):
    title = "The request is not awaiting the external provider's reply (Art. 30)"


def register_external_resource(
    cmd: Command,
    resource_id: UUID,
    provider: Department,
    name: str,
    share_type: ShareType,
    summary: str,
    uses: list[str],
) -> ExternalResourceRegistered:
    if provider.kind is not DepartmentKind.EXTERNAL:
        msg = f"{provider.code} is one of the 厅's departments; its data is in our own catalog"
        raise NotAnExternalDepartment(msg, field="provider", article="30")
    if share_type is ShareType.NOT_SHARED:
        msg = "Art. 30 covers another department's unconditional and conditional data only"
        raise RuleViolation(msg, field="share_type", article="30")
    if not name.strip():
        raise RuleViolation("an external resource has a name", field="name")
    return cmd.event(
        ExternalResourceRegistered,
        resource_id,
        1,
        provider=provider.code,
        name=name.strip(),
        share_type=share_type,
        summary=summary.strip(),
        uses=tuple(dict.fromkeys(u.strip() for u in uses if u.strip())),
    )


class ExternalRequest(AggregateState):
    """Read by ``domain.data_uses`` as any share request: resource, requester, status, terms."""

    resource_id: UUID
    provider: str
    requester: str
    purpose: str
    scope: str
    share_type: ShareType
    status: ShareRequestStatus = ShareRequestStatus.AWAITING_OFFICE
    forwarded_at: datetime | None = None
    forwarded_by: str | None = None
    granted_at: datetime | None = None
    granted_scope: str | None = None
    granted_uses: tuple[str, ...] = ()
    expires_at: datetime | None = None
    replied_at: datetime | None = None
    reply_recorded_by: str | None = None
    refusal_reason: str | None = None

    def forward(self, cmd: Command) -> ExternalRequestForwarded:
        """The office forwards the request through the 省级共享系统 (Art. 30)."""
        if self.status is not ShareRequestStatus.AWAITING_OFFICE:
            msg = f"the request is {self.status.value}; the office forwards it once"
            raise NotAwaitingTheOffice(msg, article="30")
        return cmd.next_event(
            ExternalRequestForwarded,
            self,
            provider=self.provider,
            requester=self.requester,
            obtained=self.share_type is ShareType.UNCONDITIONAL,
        )

    def record_reply(self, cmd: Command, reply: Reply) -> ExternalReplyRecorded:
        """The external provider's answer, recorded by the office or the provider itself."""
        by_office = cmd.actor.role is Role.OFFICE
        by_provider = cmd.actor.role is Role.EXTERNAL and cmd.actor.department == self.provider
        if not (by_office or by_provider):
            msg = f"the office, or {self.provider} itself, records {self.provider}'s reply"
            raise Forbidden(msg)
        if self.status is not ShareRequestStatus.PENDING:
            msg = f"the request is {self.status.value}, not awaiting {self.provider}'s reply"
            raise NotAwaitingTheProvider(msg, article="30")
        if reply.decision is ReplyDecision.REFUSE and not (reply.reason or "").strip():
            msg = "a refusal states its reason (Art. 26, 30)"
            raise RefusalWithoutReason(msg, field="reason", article="26")
        if reply.expires_at is not None and reply.expires_at <= cmd.occurred_at:
            msg = f"expires_at {reply.expires_at.isoformat()} is not after the reply itself"
            raise GrantExpiresBeforeItStarts(msg, field="expires_at", article="30")
        uses = tuple(dict.fromkeys(u.strip() for u in reply.granted_uses if u.strip()))
        return cmd.next_event(
            ExternalReplyRecorded,
            self,
            provider=self.provider,
            requester=self.requester,
            decision=reply.decision,
            reason=(reply.reason or "").strip() or None,
            granted_scope=(reply.granted_scope or "").strip() or self.scope,
            granted_uses=uses or (self.purpose,),
            expires_at=reply.expires_at,
        )

    def apply(self, event: LedgerEvent) -> Self:
        if isinstance(event, ExternalRequestForwarded):
            update: dict[str, object] = {
                "forwarded_at": event.occurred_at,
                "forwarded_by": event.actor.person,
                "status": ShareRequestStatus.PENDING,
            }
            if event.obtained:
                # Art. 30: unconditional data is obtained directly once forwarded.
                update |= {
                    "status": ShareRequestStatus.GRANTED,
                    "granted_at": event.occurred_at,
                    "granted_uses": (self.purpose,),
                }
            return self.model_copy(update=update)
        if isinstance(event, ExternalReplyRecorded):
            if event.decision is ReplyDecision.REFUSE:
                return self.model_copy(
                    update={
                        "status": ShareRequestStatus.REFUSED,
                        "replied_at": event.occurred_at,
                        "reply_recorded_by": event.actor.department,
                        "refusal_reason": event.reason,
                    }
                )
            return self.model_copy(
                update={
                    "status": ShareRequestStatus.GRANTED,
                    "replied_at": event.occurred_at,
                    "reply_recorded_by": event.actor.department,
                    "granted_at": event.occurred_at,
                    "granted_scope": event.granted_scope,
                    "granted_uses": event.granted_uses,
                    "expires_at": event.expires_at,
                }
            )
        return self


class ExternalRequestEvent(LedgerEvent):
    """Every event of an external request names both parties, so folds need no lookups."""

    provider: str
    requester: str


class ExternalRequestSubmitted(ExternalRequestEvent):
    resource_id: UUID
    purpose: str
    scope: str
    share_type: ShareType

    def create(self) -> ExternalRequest:
        return ExternalRequest(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            resource_id=self.resource_id,
            provider=self.provider,
            requester=self.requester,
            purpose=self.purpose,
            scope=self.scope,
            share_type=self.share_type,
        )


class ExternalRequestForwarded(ExternalRequestEvent):
    obtained: bool  # unconditional data: obtained through the provincial system at once


class ExternalReplyRecorded(ExternalRequestEvent):
    decision: ReplyDecision
    reason: str | None
    granted_scope: str | None
    granted_uses: tuple[str, ...]
    expires_at: datetime | None


def request_external_data(
    cmd: Command,
    request_id: UUID,
    resource: ExternalResource,
    purpose: str,
    scope: str,
) -> ExternalRequestSubmitted:
    """Art. 30: a department's 需求 goes to the office, not straight to the other department."""
    for name, text in (("purpose", purpose), ("scope", scope)):
        if not text.strip():
            raise RuleViolation(f"a request states its {name}", field=name, article="30")
    return cmd.event(
        ExternalRequestSubmitted,
        request_id,
        1,
        provider=resource.provider,
        requester=cmd.actor.department,
        resource_id=resource.id,
        purpose=purpose.strip(),
        scope=scope.strip(),
        share_type=resource.share_type,
    )
