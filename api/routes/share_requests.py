"""Share requests and replies (Art. 25-27, 29-30), their disputes, and time-sensitive
arrangements (Art. 28)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, ConfigDict, Field

from api.auth import Authenticated, readable, require
from api.models import CommandBody
from api.responses import ArrangementOut, ShareRequestOut
from api.routes.common import COMMAND, AtInstant, IfMatch, report_fields, run_verb, visible_object
from api.views import labelled, share_request_view
from domain.ledger import Ledger
from domain.principals import Principal
from domain.share_requests import Reply
from domain.vocabulary import AcquisitionMethod, CoordinationDecision, Role, ShareChannel
from projections.listings import ARRANGEMENTS, SHARE_REQUESTS
from projections.sharing import OneArrangement, OneShareRequest

router = APIRouter(prefix="/v1", tags=["sharing"])
Party = Annotated[Principal, Depends(require(Role.DEPARTMENT, Role.EXTERNAL))]
Provider = Annotated[Principal, Depends(require(Role.DEPARTMENT))]
LeadingGroup = Annotated[Principal, Depends(require(Role.LEADING_GROUP))]


class ShareRequestIn(CommandBody):
    resource_id: UUID
    purpose: str = Field(min_length=1, max_length=1000, description="使用用途 (Art. 26)")
    scope: str = Field(min_length=1, max_length=4000, description="The fields or range asked for")
    channel: ShareChannel = Field(description="department: 厅共享系统; provincial: 省级共享系统")


class ReplyIn(CommandBody, Reply):
    """Approve (granted_scope, granted_uses, expires_at) or refuse (reason, Art. 26)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoteIn(CommandBody):
    note: str = Field(min_length=1, max_length=4000)


class EscalationIn(CommandBody):
    reason: str = Field(min_length=1, max_length=4000)


class CoordinationIn(CommandBody):
    decision: CoordinationDecision
    note: str = Field(min_length=1, max_length=4000)


class ArrangementIn(CommandBody):
    resource_id: UUID
    requester: str = Field(description="The using department's code")
    method: AcquisitionMethod
    valid_from: AwareDatetime
    valid_to: AwareDatetime


@router.post("/share-requests", **COMMAND)
def request_share(body: ShareRequestIn, request: Request, principal: Party) -> JSONResponse:
    """Granted at once (unconditional, Art. 25), pending with a due date (conditional, Art. 26,
    29), or not_shared (Art. 27)."""
    return run_verb(
        request,
        principal,
        body,
        Ledger.request_share,
        body.resource_id,
        body.purpose,
        body.scope,
        body.channel,
    )


@router.post("/share-requests/{request_id}/reply", **COMMAND)
def reply_to_request(
    request_id: UUID, body: ReplyIn, request: Request, principal: Provider, version: IfMatch
) -> JSONResponse:
    reply = Reply.model_validate(body.payload())
    return run_verb(request, principal, body, Ledger.reply_to_request, request_id, reply, version)


@router.post("/share-requests/{request_id}/negotiation", **COMMAND)
def negotiate(
    request_id: UUID, body: NoteIn, request: Request, principal: Party, version: IfMatch
) -> JSONResponse:
    return run_verb(request, principal, body, Ledger.negotiate, request_id, body.note, version)


@router.post("/share-requests/{request_id}/escalation", **COMMAND)
def escalate(
    request_id: UUID, body: EscalationIn, request: Request, principal: Party, version: IfMatch
) -> JSONResponse:
    return run_verb(
        request,
        principal,
        body,
        Ledger.escalate_to_leading_group,
        request_id,
        body.reason,
        version,
    )


@router.post("/share-requests/{request_id}/coordination-decision", **COMMAND)
def coordinate(
    request_id: UUID,
    body: CoordinationIn,
    request: Request,
    principal: LeadingGroup,
    version: IfMatch,
) -> JSONResponse:
    return run_verb(
        request, principal, body, Ledger.coordinate, request_id, body.decision, body.note, version
    )


@router.get("/share-requests/{request_id}", response_model=ShareRequestOut)
def read_share_request(
    request_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    share_request, position = visible_object(
        request,
        inst,
        OneShareRequest(request_id),
        "share request",
        readable(principal, SHARE_REQUESTS),
    )
    return {**report_fields(inst, position), **share_request_view(share_request)}


@router.post("/time-sensitive-arrangements", **COMMAND)
def arrange_time_sensitive_sharing(
    body: ArrangementIn, request: Request, principal: Party
) -> JSONResponse:
    """Art. 28: either party records what both agreed for a sensitive period or holiday."""
    return run_verb(
        request,
        principal,
        body,
        Ledger.arrange_time_sensitive_sharing,
        body.resource_id,
        body.requester,
        body.method,
        body.valid_from,
        body.valid_to,
    )


@router.get("/time-sensitive-arrangements/{arrangement_id}", response_model=ArrangementOut)
def read_arrangement(
    arrangement_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    arrangement, position = visible_object(
        request,
        inst,
        OneArrangement(arrangement_id),
        "arrangement",
        readable(principal, ARRANGEMENTS),
    )
    return {**report_fields(inst, position), **labelled(arrangement)}
