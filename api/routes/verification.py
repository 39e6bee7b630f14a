"""Verification of disputed data and multi-source conflicts (Art. 31)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from api.auth import Authenticated, readable, require
from api.models import CommandBody
from api.responses import SourceConflictOut, VerificationRequestOut
from api.routes.common import COMMAND, AtInstant, IfMatch, report_fields, run_verb, visible_object
from api.views import labelled
from domain.ledger import Ledger
from domain.principals import Principal
from domain.vocabulary import Role, VerificationOutcome
from projections.listings import VERIFICATION_REQUESTS
from projections.objects import OneSourceConflict, OneVerificationRequest

router = APIRouter(prefix="/v1", tags=["verification"])
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
    return run_verb(
        request, principal, body, Ledger.request_verification, body.resource_id, body.description
    )


@router.post("/verification-requests/{request_id}/answer", **COMMAND)
def answer_verification(
    request_id: UUID,
    body: VerificationAnswerIn,
    request: Request,
    principal: Department,
    version: IfMatch,
) -> JSONResponse:
    return run_verb(
        request,
        principal,
        body,
        Ledger.answer_verification,
        request_id,
        body.outcome,
        body.details,
        version,
    )


@router.get("/verification-requests/{request_id}", response_model=VerificationRequestOut)
def read_verification_request(
    request_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    verification, position = visible_object(
        request,
        inst,
        OneVerificationRequest(request_id),
        "verification request",
        readable(principal, VERIFICATION_REQUESTS),
    )
    return {
        **report_fields(inst, position),
        **labelled(verification),
        "status": verification.status,
    }


@router.post("/source-conflicts", **COMMAND)
def record_source_conflict(
    body: SourceConflictIn, request: Request, principal: Office
) -> JSONResponse:
    """多源异义: resources, of one department or several, that disagree on a data item."""
    return run_verb(
        request, principal, body, Ledger.record_source_conflict, body.data_item, body.resource_ids
    )


@router.post("/source-conflicts/{conflict_id}/resolution", **COMMAND)
def resolve_source_conflict(
    conflict_id: UUID, body: ResolutionIn, request: Request, principal: Office, version: IfMatch
) -> JSONResponse:
    """Designates the unique source 唯一来源; later catalog entries are checked against it."""
    return run_verb(
        request,
        principal,
        body,
        Ledger.resolve_source_conflict,
        conflict_id,
        body.unique_source_resource_id,
        version,
    )


@router.get("/source-conflicts/{conflict_id}", response_model=SourceConflictOut)
def read_source_conflict(
    conflict_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    conflict, position = visible_object(
        request, inst, OneSourceConflict(conflict_id), "source conflict"
    )
    return {**report_fields(inst, position), **labelled(conflict)}
