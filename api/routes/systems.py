"""Information systems (Art. 19-20) and their consistency with the catalog (Art. 13)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from api.auth import Authenticated, readable, require
from api.models import CommandBody, EmptyCommand
from api.responses import SystemOut
from api.routes.common import COMMAND, AtInstant, IfMatch, report_fields, run_verb, visible_object
from api.views import labelled
from domain.ledger import Ledger
from domain.principals import Principal
from domain.vocabulary import Role, SystemStatus
from projections.listings import SYSTEMS
from projections.objects import OneSystem

router = APIRouter(prefix="/v1", tags=["systems"])
Department = Annotated[Principal, Depends(require(Role.DEPARTMENT))]
Office = Annotated[Principal, Depends(require(Role.OFFICE))]
InfoCenter = Annotated[Principal, Depends(require(Role.INFO_CENTER))]


class SystemIn(CommandBody):
    name: str = Field(min_length=1, max_length=200, examples=["A级旅游景区管理系统"])
    status: SystemStatus = Field(description="existing 已建成 (Art. 19) or new 新建 (Art. 20)")
    classified: bool = Field(default=False, description="涉密 system (Art. 2)")


class SystemRetirementIn(CommandBody):
    reason: str = Field(default="", max_length=4000)


@router.post("/systems", **COMMAND)
def register_system(body: SystemIn, request: Request, principal: Department) -> JSONResponse:
    """The principal's department registers a system it owns."""
    return run_verb(
        request,
        principal,
        body,
        Ledger.register_system,
        body.name,
        body.status,
        body.classified,
    )


@router.post("/systems/{system_id}/project-approval", **COMMAND)
def approve_system_project(
    system_id: UUID,
    request: Request,
    principal: Office,
    version: IfMatch,
    body: EmptyCommand | None = None,
) -> JSONResponse:
    """Art. 20: refused (422) unless the owner has cataloged resources naming the system."""
    return run_verb(request, principal, body, Ledger.approve_system_project, system_id, version)


@router.post("/systems/{system_id}/connection", **COMMAND)
def connect_system(
    system_id: UUID,
    request: Request,
    principal: InfoCenter,
    version: IfMatch,
    body: EmptyCommand | None = None,
) -> JSONResponse:
    """Art. 19: connected to the sharing system 厅共享系统."""
    return run_verb(request, principal, body, Ledger.connect_system, system_id, version)


@router.post("/systems/{system_id}/trial-operation", **COMMAND)
def start_trial_operation(
    system_id: UUID,
    request: Request,
    principal: Department,
    version: IfMatch,
    body: EmptyCommand | None = None,
) -> JSONResponse:
    """Art. 20: refused (422) unless the system's resources are in the unified catalog."""
    return run_verb(request, principal, body, Ledger.start_trial_operation, system_id, version)


@router.post("/systems/{system_id}/retirement", **COMMAND)
def retire_system(
    system_id: UUID,
    request: Request,
    principal: Department,
    version: IfMatch,
    body: SystemRetirementIn | None = None,
) -> JSONResponse:
    body = body or SystemRetirementIn()
    return run_verb(request, principal, body, Ledger.retire_system, system_id, body.reason, version)


@router.get("/systems/{system_id}", response_model=SystemOut)
def read_system(
    system_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    system, position = visible_object(
        request, inst, OneSystem(system_id), "information system", readable(principal, SYSTEMS)
    )
    return {**report_fields(inst, position), **labelled(system), "connected": system.connected}
