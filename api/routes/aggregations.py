"""Aggregation receipts and rejections (Art. 19-21, 39(4))."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from api.auth import Authenticated, readable, require
from api.models import CommandBody, ReasonIn
from api.responses import AggregationOut
from api.routes.common import COMMAND, AtInstant, IfMatch, report_fields, run_verb, visible_object
from api.views import labelled
from domain.ledger import Ledger
from domain.principals import Principal
from domain.vocabulary import ChecksumAlgorithm, Role
from projections.listings import AGGREGATIONS
from projections.objects import OneAggregation

router = APIRouter(prefix="/v1", tags=["aggregation"])
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
    return run_verb(
        request,
        principal,
        body,
        Ledger.receive_aggregation,
        body.resource_id,
        body.system_id,
        body.record_count,
        (body.period_start, body.period_end),
        body.checksum,
        body.checksum_algorithm,
    )


@router.post("/aggregations/{receipt_id}/rejection", **COMMAND)
def reject_aggregation(
    receipt_id: UUID, body: ReasonIn, request: Request, principal: InfoCenter, version: IfMatch
) -> JSONResponse:
    """Art. 39(4): non-conforming or unusable data; the period it covered stays owed."""
    return run_verb(
        request, principal, body, Ledger.reject_aggregation, receipt_id, body.reason, version
    )


@router.get("/aggregations/{receipt_id}", response_model=AggregationOut)
def read_aggregation(
    receipt_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    receipt, position = visible_object(
        request,
        inst,
        OneAggregation(receipt_id),
        "aggregation receipt",
        readable(principal, AGGREGATIONS),
    )
    return {**report_fields(inst, position), **labelled(receipt), "status": receipt.status}
