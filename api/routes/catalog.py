"""Catalog submissions and approval (Art. 11); update applications and filing (Art. 12)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api.auth import require
from api.models import (
    ApprovalIn,
    ConsistencyCheckIn,
    EmptyCommand,
    ReturnIn,
    SubmissionIn,
    UpdateApplicationIn,
)
from api.routes.common import COMMAND, IfMatch, run_verb
from domain.ledger import Ledger
from domain.principals import Principal
from domain.vocabulary import Role

router = APIRouter(prefix="/v1", tags=["catalog"])
Department = Annotated[Principal, Depends(require(Role.DEPARTMENT))]
Office = Annotated[Principal, Depends(require(Role.OFFICE))]


@router.post("/catalog-submissions", **COMMAND)
def submit_catalog(body: SubmissionIn, request: Request, principal: Department) -> JSONResponse:
    return run_verb(request, principal, body, Ledger.submit_catalog, body.resource_ids)


@router.post("/catalog-submissions/{submission_id}/approval", **COMMAND)
def approve_catalog(
    submission_id: UUID,
    request: Request,
    principal: Office,
    version: IfMatch,
    body: ApprovalIn | None = None,
) -> JSONResponse:
    """Art. 11, 24(2): the office confirms each resource's basic-data kind (or none); basic
    data that is not shared unconditionally cannot join the unified catalog."""
    kinds = body.basic_data_kinds if body is not None else None
    return run_verb(request, principal, body, Ledger.approve_catalog, submission_id, version, kinds)


@router.post("/catalog-submissions/{submission_id}/return", **COMMAND)
def return_catalog(
    submission_id: UUID, body: ReturnIn, request: Request, principal: Office, version: IfMatch
) -> JSONResponse:
    return run_verb(
        request, principal, body, Ledger.return_catalog, submission_id, body.reasons, version
    )


@router.post("/catalog-update-applications", **COMMAND)
def apply_for_catalog_update(
    body: UpdateApplicationIn, request: Request, principal: Department
) -> JSONResponse:
    return run_verb(
        request, principal, body, Ledger.apply_for_catalog_update, body.reason, body.trigger_id
    )


@router.post("/catalog-update-applications/{application_id}/filing", **COMMAND)
def file_catalog_update(
    application_id: UUID,
    request: Request,
    principal: Office,
    version: IfMatch,
    body: EmptyCommand | None = None,
) -> JSONResponse:
    return run_verb(request, principal, body, Ledger.file_catalog_update, application_id, version)


@router.post("/consistency-checks", **COMMAND)
def record_consistency_check(
    body: ConsistencyCheckIn, request: Request, principal: Office
) -> JSONResponse:
    """Art. 13: a system checked against the catalog; no differences means consistent."""
    return run_verb(
        request,
        principal,
        body,
        Ledger.record_consistency_check,
        body.system_id,
        body.year,
        body.differences,
        body.recommendations,
    )
