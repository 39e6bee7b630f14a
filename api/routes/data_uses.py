"""Data-use records (Art. 36): one per use of shared data, marked when it breaks the rules."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import ConfigDict

from api.auth import Authenticated, readable, require
from api.models import CommandBody
from api.responses import DataUseOut
from api.routes.common import COMMAND, AtInstant, report_fields, run_verb, visible_object
from api.views import data_use_view
from domain.data_uses import DataUseFields
from domain.ledger import Ledger
from domain.principals import Principal
from domain.vocabulary import Role
from projections.listings import DATA_USES
from projections.sharing import OneDataUse

router = APIRouter(prefix="/v1", tags=["sharing"])
UsingDepartment = Annotated[Principal, Depends(require(Role.DEPARTMENT, Role.EXTERNAL))]


class DataUseIn(CommandBody, DataUseFields):
    """The Art. 36 fields and the share request (or arrangement) the use relies on."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@router.post("/data-uses", **COMMAND)
def record_data_use(body: DataUseIn, request: Request, principal: UsingDepartment) -> JSONResponse:
    """Recorded even when it breaks the rules; the answer's ``marks`` say how (V09)."""
    use = DataUseFields.model_validate(body.model_dump(exclude={"occurred_at"}))
    return run_verb(request, principal, body, Ledger.record_data_use, use)


@router.get("/data-uses/{use_id}", response_model=DataUseOut)
def read_data_use(
    use_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    use, position = visible_object(
        request,
        inst,
        OneDataUse(use_id),
        "data use",
        readable(principal, DATA_USES),
    )
    return {**report_fields(inst, position), **data_use_view(use)}
