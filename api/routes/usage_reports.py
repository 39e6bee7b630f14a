"""Periodic usage reports to the leading group (Art. 33)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from api.auth import Authenticated, readable, require
from api.models import CommandBody
from api.responses import UsageReportOut
from api.routes.common import COMMAND, AtInstant, report_fields, run_verb, visible_object
from api.views import labelled
from domain.ledger import Ledger
from domain.principals import Principal
from domain.vocabulary import Role
from projections.listings import USAGE_REPORTS
from projections.objects import OneUsageReport

router = APIRouter(prefix="/v1", tags=["usage reports"])
Department = Annotated[Principal, Depends(require(Role.DEPARTMENT))]


class UsageReportIn(CommandBody):
    period_start: date = Field(description="First day of one reporting period, e.g. 2025-04-01")
    period_end: date = Field(description="Its last day, e.g. 2025-06-30; the period is over")
    summary: str = Field(min_length=1, max_length=20000, description="开发应用情况")


@router.post("/usage-reports", **COMMAND)
def report_usage(body: UsageReportIn, request: Request, principal: Department) -> JSONResponse:
    """One whole period of LEDGER_USAGE_REPORT_PERIOD (default quarterly), once it is over."""
    return run_verb(
        request,
        principal,
        body,
        Ledger.report_usage,
        body.period_start,
        body.period_end,
        body.summary,
    )


@router.get("/usage-reports/{report_id}", response_model=UsageReportOut)
def read_usage_report(
    report_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    report, position = visible_object(
        request,
        inst,
        OneUsageReport(report_id),
        "usage report",
        readable(principal, USAGE_REPORTS),
    )
    return {**report_fields(inst, position), **labelled(report)}
