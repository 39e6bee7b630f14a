"""Data-use records (Art. 36): one per use of shared data, marked when it breaks the rules."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import ConfigDict

from api.auth import Authenticated, ledger_of, require
from api.models import CommandBody, CommandResponse
from api.routes.common import AtInstant, report_fields, run_command
from api.routes.share_requests import labelled, may_see, object_at
from domain.data_uses import DataUse, DataUseFields
from domain.errors import NotFound
from domain.principals import Principal
from domain.vocabulary import Role
from projections.sharing import OneDataUse

router = APIRouter(prefix="/v1", tags=["sharing"])
UsingDepartment = Annotated[Principal, Depends(require(Role.DEPARTMENT, Role.EXTERNAL))]


class DataUseIn(CommandBody, DataUseFields):
    """The Art. 36 fields and the share request (or arrangement) the use relies on."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@router.post("/data-uses", status_code=201, response_model=CommandResponse)
def record_data_use(body: DataUseIn, request: Request, principal: UsingDepartment) -> JSONResponse:
    """Recorded even when it breaks the rules; the answer's ``marks`` say how (V09)."""
    ledger = ledger_of(request)
    use = DataUseFields.model_validate(body.model_dump(exclude={"occurred_at"}))
    return run_command(request, principal, body, lambda cmd: ledger.record_data_use(cmd, use))


@router.get("/data-uses/{use_id}")
def read_data_use(
    use_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    state, position = object_at(request, OneDataUse(use_id), inst)
    if state is None or not may_see(principal, state.department, state.provider):
        raise NotFound(f"no data use with id {use_id} at {inst.at.isoformat()}")
    return {**report_fields(inst, position), **data_use_view(state)}


def data_use_view(use: DataUse) -> dict[str, Any]:
    return {**labelled(use), "marks_labels": [mark.label for mark in use.marks]}
