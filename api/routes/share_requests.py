"""Share requests and replies (Art. 25-27, 29-30), their disputes, and time-sensitive
arrangements (Art. 28)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.auth import Authenticated, ledger_of, require
from api.commands import if_match_version
from api.models import CommandBody, CommandResponse
from api.routes.common import AtInstant, report_fields, run_command
from domain.errors import NotFound
from domain.principals import Principal
from domain.share_requests import Reply, ShareRequest
from domain.vocabulary import (
    AcquisitionMethod,
    CoordinationDecision,
    Labeled,
    Role,
    ShareChannel,
)
from projections.sharing import OneArrangement, OneObject, OneShareRequest
from replays.asof import Instant, Replayed, replay

router = APIRouter(prefix="/v1", tags=["sharing"])
COMMAND = {"status_code": 201, "response_model": CommandResponse}
Party = Annotated[Principal, Depends(require(Role.DEPARTMENT, Role.EXTERNAL))]
Provider = Annotated[Principal, Depends(require(Role.DEPARTMENT))]
LeadingGroup = Annotated[Principal, Depends(require(Role.LEADING_GROUP))]

# Who reads any request or use besides its parties (API.md).
OVERSIGHT = frozenset({Role.OFFICE, Role.LEADING_GROUP, Role.AUDITOR})


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
    ledger = ledger_of(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.request_share(
            cmd, body.resource_id, body.purpose, body.scope, body.channel
        ),
    )


@router.post("/share-requests/{request_id}/reply", **COMMAND)
def reply_to_request(
    request_id: UUID, body: ReplyIn, request: Request, principal: Provider
) -> JSONResponse:
    ledger = ledger_of(request)
    expected = if_match_version(request)
    reply = Reply.model_validate(body.payload())
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.reply_to_request(cmd, request_id, reply, expected),
    )


@router.post("/share-requests/{request_id}/negotiation", **COMMAND)
def negotiate(request_id: UUID, body: NoteIn, request: Request, principal: Party) -> JSONResponse:
    ledger = ledger_of(request)
    expected = if_match_version(request)
    return run_command(
        request, principal, body, lambda cmd: ledger.negotiate(cmd, request_id, body.note, expected)
    )


@router.post("/share-requests/{request_id}/escalation", **COMMAND)
def escalate(
    request_id: UUID, body: EscalationIn, request: Request, principal: Party
) -> JSONResponse:
    ledger = ledger_of(request)
    expected = if_match_version(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.escalate_to_leading_group(cmd, request_id, body.reason, expected),
    )


@router.post("/share-requests/{request_id}/coordination-decision", **COMMAND)
def coordinate(
    request_id: UUID, body: CoordinationIn, request: Request, principal: LeadingGroup
) -> JSONResponse:
    ledger = ledger_of(request)
    expected = if_match_version(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.coordinate(cmd, request_id, body.decision, body.note, expected),
    )


@router.get("/share-requests/{request_id}")
def read_share_request(
    request_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    state, position = object_at(request, OneShareRequest(request_id), inst)
    if state is None or not may_see(principal, state.requester, state.provider):
        raise NotFound(f"no share request with id {request_id} at {inst.at.isoformat()}")
    return {**report_fields(inst, position), **share_request_view(state)}


@router.post("/time-sensitive-arrangements", **COMMAND)
def arrange_time_sensitive_sharing(
    body: ArrangementIn, request: Request, principal: Party
) -> JSONResponse:
    """Art. 28: either party records what both agreed for a sensitive period or holiday."""
    ledger = ledger_of(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.arrange_time_sensitive_sharing(
            cmd, body.resource_id, body.requester, body.method, body.valid_from, body.valid_to
        ),
    )


@router.get("/time-sensitive-arrangements/{arrangement_id}")
def read_arrangement(
    arrangement_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    state, position = object_at(request, OneArrangement(arrangement_id), inst)
    if state is None or not may_see(principal, state.requester, state.provider):
        raise NotFound(f"no arrangement with id {arrangement_id} at {inst.at.isoformat()}")
    return {**report_fields(inst, position), **labelled(state)}


def object_at(request: Request, projection: OneObject, inst: Instant) -> tuple[Any, int]:
    """One object at the instant; ``every=0``: a fold of one object is never saved."""
    ledger = ledger_of(request)
    recorder: Any = ledger.recorder
    replayed: Replayed[Any] = replay(recorder, ledger.mapper, projection, inst, every=0)
    return replayed.state, replayed.position


def may_see(principal: Principal, *parties: str) -> bool:
    return principal.role in OVERSIGHT or principal.department in parties


def labelled(state: BaseModel) -> dict[str, Any]:
    """The object as JSON, plus ``<field>_label`` for every coded value."""
    data = state.model_dump(mode="json")
    for name in type(state).model_fields:
        value = getattr(state, name)
        if isinstance(value, Labeled):
            data[f"{name}_label"] = value.label
    return data


def share_request_view(state: ShareRequest) -> dict[str, Any]:
    data = labelled(state)
    data.pop("last_occurred_at")
    if state.coordination is not None:
        data["coordination"]["decision_label"] = state.coordination.decision.label
    return data
