"""Verification of disputed data and multi-source conflicts (Art. 31)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from api.auth import Authenticated, ledger_of, require
from api.commands import if_match_version
from api.models import CommandBody, CommandResponse
from api.routes.at_instant import labelled, may_see, object_at
from api.routes.common import AtInstant, report_fields, run_command
from domain.errors import NotFound
from domain.principals import Principal
from domain.vocabulary import Role, VerificationOutcome
from projections.objects import OneSourceConflict, OneVerificationRequest

router = APIRouter(prefix="/v1", tags=["verification"])
COMMAND = {"status_code": 201, "response_model": CommandResponse}
Department = Annotated[Principal, Depends(require(Role.DEPARTMENT))]
Office = Annotated[Principal, Depends(require(Role.OFFICE))]


class VerificationRequestIn(CommandBody):
    resource_id: UUID
    description: str = Field(min_length=1, max_length=4000, description="What is doubted or wrong")


class VerificationAnswerIn(CommandBody):
    outcome: VerificationOutcome
    details: str = Field(default="", max_length=4000, description="Required to correct: what")


class SourceConflictIn(CommandBody):
    data_item: str = Field(min_length=1, max_length=200, description="信息项 name, e.g. 景区名称")
    resource_ids: list[UUID] = Field(description="At least two resources that disagree on it")


class ResolutionIn(CommandBody):
    unique_source_resource_id: UUID


@router.post("/verification-requests", **COMMAND)
def request_verification(
    body: VerificationRequestIn, request: Request, principal: Department
) -> JSONResponse:
    """Art. 31: answered by the provider within 10 working days (due_date)."""
    ledger = ledger_of(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.request_verification(cmd, body.resource_id, body.description),
    )


@router.post("/verification-requests/{request_id}/answer", **COMMAND)
def answer_verification(
    request_id: UUID, body: VerificationAnswerIn, request: Request, principal: Department
) -> JSONResponse:
    ledger = ledger_of(request)
    expected = if_match_version(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.answer_verification(
            cmd, request_id, body.outcome, body.details, expected
        ),
    )


@router.get("/verification-requests/{request_id}")
def read_verification_request(
    request_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    state, position = object_at(request, OneVerificationRequest(request_id), inst)
    if state is None or not may_see(principal, state.requester, state.provider):
        raise NotFound(f"no verification request with id {request_id} at {inst.at.isoformat()}")
    return {**report_fields(inst, position), **labelled(state), "status": state.status}


@router.post("/source-conflicts", **COMMAND)
def record_source_conflict(
    body: SourceConflictIn, request: Request, principal: Office
) -> JSONResponse:
    """多源异义: resources, of one department or several, that disagree on a data item."""
    ledger = ledger_of(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.record_source_conflict(cmd, body.data_item, body.resource_ids),
    )


@router.post("/source-conflicts/{conflict_id}/resolution", **COMMAND)
def resolve_source_conflict(
    conflict_id: UUID, body: ResolutionIn, request: Request, principal: Office
) -> JSONResponse:
    """Designates the unique source 唯一来源; later catalog entries are checked against it."""
    ledger = ledger_of(request)
    expected = if_match_version(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.resolve_source_conflict(
            cmd, conflict_id, body.unique_source_resource_id, expected
        ),
    )


@router.get("/source-conflicts/{conflict_id}")
def read_source_conflict(
    conflict_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    state, position = object_at(request, OneSourceConflict(conflict_id), inst)
    if state is None:
        raise NotFound(f"no source conflict with id {conflict_id} at {inst.at.isoformat()}")
    return {**report_fields(inst, position), **labelled(state)}
