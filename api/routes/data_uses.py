"""Data-use records (Art. 36): one per use of shared data, marked when it breaks the rules."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import ConfigDict, Field

from api.auth import Authenticated, readable, require
from api.models import CommandBody
from api.plain_commands import PlainCommand
from api.responses import DataUseOut
from api.routes.common import (
    COMMAND,
    AtInstant,
    IfMatch,
    report_fields,
    run_verb,
    visible_object,
)
from api.views import data_use_view
from domain.data_uses import DataUseFields
from domain.ledger import Ledger
from domain.principals import Principal
from domain.vocabulary import Role
from projections.listings import DATA_USES
from projections.sharing import OneDataUse

router = APIRouter(prefix="/v1", tags=["sharing"])
USING_DEPARTMENTS = require(Role.DEPARTMENT, Role.EXTERNAL)
UsingDepartment = Annotated[Principal, Depends(USING_DEPARTMENTS)]
Provider = Annotated[Principal, Depends(require(Role.DEPARTMENT))]


class DataUseIn(CommandBody, DataUseFields):
    """The Art. 36 fields and the share request (or arrangement) the use relies on."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@router.post("/data-uses", **COMMAND)
def record_data_use(body: DataUseIn, request: Request, principal: UsingDepartment) -> JSONResponse:
    """Recorded even when it breaks the rules; the answer's ``marks`` say how (V09)."""
    return run_verb(request, principal, body, Ledger.record_data_use, body)


# The same route, as the lane answers it when it accepts the request (api/plain_commands.py):
# one use a call of the sharing system, nearly every command a platform sends.
RECORD_DATA_USE = PlainCommand(
    "/v1/data-uses", USING_DEPARTMENTS, DataUseIn, Ledger.record_data_use
)


class ThirdPartyConsentIn(CommandBody):
    recipient: str = Field(
        min_length=1, max_length=200, description="接收数据的第三方，须与使用记录一致"
    )
    reason: str = Field(
        min_length=1, max_length=4000, description="同意理由（协商结果，第三十二条）"
    )


@router.post("/data-uses/{use_id}/third-party-consent", **COMMAND)
def consent_to_third_party(
    use_id: UUID, body: ThirdPartyConsentIn, request: Request, principal: Provider, version: IfMatch
) -> JSONResponse:
    """Art. 32: the provider consents; the use is no longer marked for its third party."""
    return run_verb(
        request,
        principal,
        body,
        Ledger.consent_to_third_party,
        use_id,
        body.recipient,
        body.reason,
        version,
    )


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
