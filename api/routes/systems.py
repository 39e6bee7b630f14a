"""Information systems (Art. 19-20) and their consistency with the catalog (Art. 13)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from api.auth import Authenticated, ledger_of, require
from api.commands import if_match_version
from api.models import CommandBody, CommandResponse, EmptyCommand
from api.routes.at_instant import labelled, object_at
from api.routes.common import AtInstant, report_fields, run_command
from domain.errors import NotFound
from domain.principals import Principal
from domain.vocabulary import Role, SystemStatus
from projections.objects import OneSystem

router = APIRouter(prefix="/v1", tags=["systems"])
COMMAND = {"status_code": 201, "response_model": CommandResponse}
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
    ledger = ledger_of(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.register_system(cmd, body.name, body.status, body.classified),
    )


@router.post("/systems/{system_id}/project-approval", **COMMAND)
def approve_system_project(
    system_id: UUID, request: Request, principal: Office, body: EmptyCommand | None = None
) -> JSONResponse:
    """Art. 20: refused (422) unless the owner has cataloged resources naming the system."""
    ledger = ledger_of(request)
    expected = if_match_version(request)
    return run_command(
        request,
        principal,
        body or EmptyCommand(),
        lambda cmd: ledger.approve_system_project(cmd, system_id, expected),
    )


@router.post("/systems/{system_id}/connection", **COMMAND)
def connect_system(
    system_id: UUID, request: Request, principal: InfoCenter, body: EmptyCommand | None = None
) -> JSONResponse:
    """Art. 19: connected to the sharing system 厅共享系统."""
    ledger = ledger_of(request)
    expected = if_match_version(request)
    return run_command(
        request,
        principal,
        body or EmptyCommand(),
        lambda cmd: ledger.connect_system(cmd, system_id, expected),
    )


@router.post("/systems/{system_id}/trial-operation", **COMMAND)
def start_trial_operation(
    system_id: UUID, request: Request, principal: Department, body: EmptyCommand | None = None
) -> JSONResponse:
    """Art. 20: refused (422) unless the system's resources are in the unified catalog."""
    ledger = ledger_of(request)
    expected = if_match_version(request)
    return run_command(
        request,
        principal,
        body or EmptyCommand(),
        lambda cmd: ledger.start_trial_operation(cmd, system_id, expected),
    )


@router.post("/systems/{system_id}/retirement", **COMMAND)
def retire_system(
    system_id: UUID,
    request: Request,
    principal: Department,
    body: SystemRetirementIn | None = None,
) -> JSONResponse:
    ledger = ledger_of(request)
    expected = if_match_version(request)
    body = body or SystemRetirementIn()
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.retire_system(cmd, system_id, body.reason, expected),
    )


@router.get("/systems/{system_id}")
def read_system(
    system_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    state, position = object_at(request, OneSystem(system_id), inst)
    if state is None:
        raise NotFound(f"no information system with id {system_id} at {inst.at.isoformat()}")
    return {**report_fields(inst, position), **labelled(state), "connected": state.connected}
