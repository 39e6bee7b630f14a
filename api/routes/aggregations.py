"""Aggregation receipts and rejections (Art. 19-21, 39(4))."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from api.auth import Authenticated, ledger_of, require
from api.commands import if_match_version
from api.models import CommandBody, CommandResponse, ReasonIn
from api.routes.at_instant import labelled, may_see, object_at
from api.routes.common import AtInstant, report_fields, run_command
from domain.errors import NotFound
from domain.principals import Principal
from domain.vocabulary import ChecksumAlgorithm, Role
from projections.objects import OneAggregation

router = APIRouter(prefix="/v1", tags=["aggregation"])
COMMAND = {"status_code": 201, "response_model": CommandResponse}
Receiver = Annotated[Principal, Depends(require(Role.INFO_CENTER, Role.DEPARTMENT))]
InfoCenter = Annotated[Principal, Depends(require(Role.INFO_CENTER))]


class AggregationIn(CommandBody):
    resource_id: UUID
    system_id: UUID = Field(description="The provider's connected system the data came through")
    record_count: int = Field(ge=0)
    period_start: date = Field(description="First day the data covers (Asia/Shanghai)")
    period_end: date = Field(description="Last day the data covers; not after the receipt")
    checksum: str = Field(min_length=1, max_length=256, description="Hex digest of the content")
    checksum_algorithm: ChecksumAlgorithm = ChecksumAlgorithm.SHA256


@router.post("/aggregations", **COMMAND)
def receive_aggregation(body: AggregationIn, request: Request, principal: Receiver) -> JSONResponse:
    """The information center, or the provider, records data received by the sharing system."""
    ledger = ledger_of(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.receive_aggregation(
            cmd,
            body.resource_id,
            body.system_id,
            body.record_count,
            (body.period_start, body.period_end),
            body.checksum,
            body.checksum_algorithm,
        ),
    )


@router.post("/aggregations/{receipt_id}/rejection", **COMMAND)
def reject_aggregation(
    receipt_id: UUID, body: ReasonIn, request: Request, principal: InfoCenter
) -> JSONResponse:
    """Art. 39(4): non-conforming or unusable data; the period it covered stays owed."""
    ledger = ledger_of(request)
    expected = if_match_version(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.reject_aggregation(cmd, receipt_id, body.reason, expected),
    )


@router.get("/aggregations/{receipt_id}")
def read_aggregation(
    receipt_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    state, position = object_at(request, OneAggregation(receipt_id), inst)
    if state is None or not may_see(principal, state.department):
        raise NotFound(f"no aggregation receipt with id {receipt_id} at {inst.at.isoformat()}")
    return {**report_fields(inst, position), **labelled(state), "status": state.status}
