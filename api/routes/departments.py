"""Departments, their responsible persons, function changes, law changes, principals."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api.auth import Authenticated, require
from api.models import (
    DepartmentIn,
    FunctionChangeIn,
    LawChangeIn,
    PrincipalIn,
    ReasonIn,
    ResponsiblePersonsIn,
)
from api.routes.common import COMMAND, IfMatch, run_verb
from domain.errors import Forbidden
from domain.ledger import Ledger
from domain.principals import Principal, new_token
from domain.vocabulary import Role

router = APIRouter(prefix="/v1", tags=["departments"])
Office = Annotated[Principal, Depends(require(Role.OFFICE))]


def department_or_office(code: str, principal: Authenticated) -> Principal:
    """Art. 38 designations: the department itself, or the office for it."""
    if principal.role is Role.OFFICE:
        return principal
    if principal.role is Role.DEPARTMENT and principal.department == code:
        return principal
    raise Forbidden(f"only department {code} or the office may do this")


@router.post("/departments", **COMMAND)
def register_department(
    body: DepartmentIn,
    request: Request,
    principal: Annotated[Principal, Depends(require(Role.ADMIN, Role.OFFICE))],
) -> JSONResponse:
    return run_verb(
        request, principal, body, Ledger.register_department, body.code, body.name, body.kind
    )


@router.post("/departments/{code}/responsible-persons", **COMMAND)
def designate_responsible_persons(
    code: str,
    body: ResponsiblePersonsIn,
    request: Request,
    principal: Annotated[Principal, Depends(department_or_office)],
    version: IfMatch,
) -> JSONResponse:
    return run_verb(
        request,
        principal,
        body,
        Ledger.designate_responsible_persons,
        code,
        body.responsible_person,
        body.data_staff,
        version,
    )


@router.post("/departments/{code}/function-changes", **COMMAND)
def record_function_change(
    code: str, body: FunctionChangeIn, request: Request, principal: Office
) -> JSONResponse:
    return run_verb(request, principal, body, Ledger.record_function_change, code, body.description)


@router.post("/law-changes", **COMMAND)
def record_law_change(body: LawChangeIn, request: Request, principal: Office) -> JSONResponse:
    return run_verb(
        request, principal, body, Ledger.record_law_change, body.title, body.affected_departments
    )


@router.post("/principals", **COMMAND, tags=["principals"])
def register_principal(
    body: PrincipalIn,
    request: Request,
    principal: Annotated[Principal, Depends(require(Role.ADMIN))],
) -> JSONResponse:
    """The new principal's token is in the response, once; the ledger keeps only its hash."""
    return run_verb(
        request,
        principal,
        body,
        Ledger.register_principal,
        new_token(),
        body.name,
        body.department,
        body.role,
    )


@router.post("/principals/{principal_id}/revocation", **COMMAND, tags=["principals"])
def revoke_principal(
    principal_id: UUID,
    body: ReasonIn,
    request: Request,
    principal: Annotated[Principal, Depends(require(Role.ADMIN))],
) -> JSONResponse:
    """The principal's token stops working at once (401); its past acts stay on the record."""
    return run_verb(request, principal, body, Ledger.revoke_principal, principal_id, body.reason)


@router.post("/departments/{code}/dissolution", **COMMAND)
def dissolve_department(
    code: str, body: ReasonIn, request: Request, principal: Office
) -> JSONResponse:
    """The department's principals can no longer act (403); its records stay."""
    return run_verb(request, principal, body, Ledger.dissolve_department, code, body.reason)
