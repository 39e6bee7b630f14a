"""Catalog submissions and approval (Art. 11); update applications and filing (Art. 12)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api.auth import ledger_of, require
from api.commands import if_match_version
from api.models import (
    CommandResponse,
    ConsistencyCheckIn,
    EmptyCommand,
    ReturnIn,
    SubmissionIn,
    UpdateApplicationIn,
)
from api.routes.common import run_command
from domain.principals import Principal
from domain.vocabulary import Role

router = APIRouter(prefix="/v1", tags=["catalog"])
COMMAND = {"status_code": 201, "response_model": CommandResponse}
Department = Annotated[Principal, Depends(require(Role.DEPARTMENT))]
Office = Annotated[Principal, Depends(require(Role.OFFICE))]


@router.post("/catalog-submissions", **COMMAND)
def submit_catalog(body: SubmissionIn, request: Request, principal: Department) -> JSONResponse:
    ledger = ledger_of(request)
    return run_command(
        request, principal, body, lambda cmd: ledger.submit_catalog(cmd, body.resource_ids)
    )


@router.post("/catalog-submissions/{submission_id}/approval", **COMMAND)
def approve_catalog(
    submission_id: UUID, request: Request, principal: Office, body: EmptyCommand | None = None
) -> JSONResponse:
    ledger = ledger_of(request)
    expected = if_match_version(request)
    return run_command(
        request,
        principal,
        body or EmptyCommand(),
        lambda cmd: ledger.approve_catalog(cmd, submission_id, expected),
    )


@router.post("/catalog-submissions/{submission_id}/return", **COMMAND)
def return_catalog(
    submission_id: UUID, body: ReturnIn, request: Request, principal: Office
) -> JSONResponse:
    ledger = ledger_of(request)
    expected = if_match_version(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.return_catalog(cmd, submission_id, body.reasons, expected),
    )


@router.post("/catalog-update-applications", **COMMAND)
def apply_for_catalog_update(
    body: UpdateApplicationIn, request: Request, principal: Department
) -> JSONResponse:
    ledger = ledger_of(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.apply_for_catalog_update(cmd, body.reason, body.trigger_id),
    )


@router.post("/catalog-update-applications/{application_id}/filing", **COMMAND)
def file_catalog_update(
    application_id: UUID, request: Request, principal: Office, body: EmptyCommand | None = None
) -> JSONResponse:
    ledger = ledger_of(request)
    expected = if_match_version(request)
    return run_command(
        request,
        principal,
        body or EmptyCommand(),
        lambda cmd: ledger.file_catalog_update(cmd, application_id, expected),
    )


@router.post("/consistency-checks", **COMMAND)
def record_consistency_check(
    body: ConsistencyCheckIn, request: Request, principal: Office
) -> JSONResponse:
    """Art. 13: a system checked against the catalog; no differences means consistent."""
    ledger = ledger_of(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.record_consistency_check(
            cmd, body.system_id, body.year, body.differences
        ),
    )
