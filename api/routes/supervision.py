"""Supervision (Art. 38–39): findings and rectification, and the violation counts at any instant."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from api.auth import OVERSIGHT, Authenticated, ledger_of, require
from api.exports import Export, ExportFormat, filename, render, supervision_sheet
from api.models import CommandBody, Reference
from api.names import rows_with_names
from api.responses import SupervisionOut, SupervisionTrendOut
from api.routes.common import COMMAND, AtInstant, IfMatch, run_verb
from api.runtime import recorder_of
from domain.calendar import month_ends
from domain.findings import Category
from domain.ledger import Ledger
from domain.principals import Principal
from domain.vocabulary import Role
from replays.asof import Instant, Progress
from replays.reports import SupervisionReport, supervision_report, supervision_trend

router = APIRouter(prefix="/v1", tags=["supervision"])
LeadingGroup = Annotated[Principal, Depends(require(Role.LEADING_GROUP))]
Department = Annotated[Principal, Depends(require(Role.DEPARTMENT))]


class FindingIn(CommandBody):
    department: str = Field(examples=["SCGL"])
    category: Category
    evidence: list[Reference] = Field(
        min_length=1, max_length=200, description="Ids of objects on the record, or event positions"
    )
    description: str = Field(min_length=1, max_length=4000)


class RectificationOrderIn(CommandBody):
    due_date: date = Field(description="Rectify by the end of this day (Asia/Shanghai)")


class RectificationIn(CommandBody):
    """整改报告 (Art. 39): what was done, and the evidence the leading group reviews."""

    evidence: list[Reference] = Field(
        max_length=200,
        description="整改证据：账本中的事件位置或对象编号，或文件文号（至少一项）",
        examples=[["吉文旅市〔2025〕18号"]],
    )
    description: str = Field(
        default="", max_length=4000, description="整改情况说明", examples=["已补充答复并建立台账"]
    )


class NoteIn(CommandBody):
    note: str = Field(min_length=1, max_length=4000)


class WithdrawalIn(CommandBody):
    reason: str = Field(min_length=1, max_length=4000)


@router.post("/findings", **COMMAND)
def record_finding(body: FindingIn, request: Request, principal: LeadingGroup) -> JSONResponse:
    return run_verb(
        request,
        principal,
        body,
        Ledger.record_finding,
        body.department,
        body.category,
        body.evidence,
        body.description,
    )


@router.post("/findings/{finding_id}/rectification-order", **COMMAND)
def order_rectification(
    finding_id: UUID,
    body: RectificationOrderIn,
    request: Request,
    principal: LeadingGroup,
    version: IfMatch,
) -> JSONResponse:
    return run_verb(
        request, principal, body, Ledger.order_rectification, finding_id, body.due_date, version
    )


@router.post("/findings/{finding_id}/rectification", **COMMAND)
def rectify(
    finding_id: UUID,
    body: RectificationIn,
    request: Request,
    principal: Department,
    version: IfMatch,
) -> JSONResponse:
    """Reported, not closed: the leading group reviews the report (Art. 39)."""
    return run_verb(
        request,
        principal,
        body,
        Ledger.report_rectification,
        finding_id,
        body.evidence,
        body.description,
        version,
    )


@router.post("/findings/{finding_id}/criticism", **COMMAND)
def circulate_criticism(
    finding_id: UUID, body: NoteIn, request: Request, principal: LeadingGroup, version: IfMatch
) -> JSONResponse:
    return run_verb(
        request, principal, body, Ledger.circulate_criticism, finding_id, body.note, version
    )


@router.post("/findings/{finding_id}/withdrawal", **COMMAND)
def withdraw_finding(
    finding_id: UUID,
    body: WithdrawalIn,
    request: Request,
    principal: LeadingGroup,
    version: IfMatch,
) -> JSONResponse:
    return run_verb(
        request, principal, body, Ledger.withdraw_finding, finding_id, body.reason, version
    )


def named_supervision(
    ledger: Ledger, inst: Instant, department: str | None = None, progress: Progress = None
) -> tuple[SupervisionReport, dict[str, Any]]:
    """The report at ``inst`` under the policies the ledger published, and its JSON with
    each department's name beside its code: what the route, its sheets and the CLI answer."""
    report = supervision_report(
        recorder_of(ledger),
        ledger.mapper,
        inst,
        department=department,
        progress=progress,
        publications=ledger.publications(),
        counts_only=True,
    )
    body = report.as_json()
    return report, {**body, "departments": rows_with_names(body["departments"], ledger)}


@router.get("/supervision/violations", response_model=SupervisionOut)
def read_violations(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    department: str | None = None,
    fmt: Export = ExportFormat.json,
) -> Any:
    """Per department and category V01–V11: detected by the ledger, found by the leading
    group, and where each finding stands: counts only, so the report stays small at any
    ledger size; the ids behind a cell are at .../violations/{department}/{category}/evidence.
    A department outside the oversight roles sees its own row only."""
    if principal.role not in OVERSIGHT:
        department = principal.department
    _, body = named_supervision(ledger_of(request), inst, department)
    if fmt is not ExportFormat.json:
        return render(supervision_sheet(body), fmt, filename("supervision", body))
    return body


class KnownAs(str, Enum):
    THEN = "then"
    NOW = "now"


@router.get("/supervision/trend", response_model=SupervisionTrendOut)
def read_trend(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    months: Annotated[int, Query(ge=1, le=36, description="月数（含 at 所在月）")] = 12,
    known: Annotated[
        KnownAs, Query(description="then：每个月末按当时所知；now：按 known_at 所知")
    ] = KnownAs.NOW,
) -> dict[str, Any]:
    """The category totals (detected / found) at each of ``months`` month ends up to ``at``,
    in one request: what the overview's trend chart draws. A department outside the
    oversight roles counts its own row only, as in the grid."""
    department = None if principal.role in OVERSIGHT else principal.department
    ledger = ledger_of(request)
    ends = month_ends(inst.at, months)
    instants = [Instant(end, end if known is KnownAs.THEN else inst.known_at) for end in ends]
    reports = supervision_trend(
        recorder_of(ledger),
        ledger.mapper,
        instants,
        department=department,
        publications=ledger.publications(),
    )
    return {
        "at": inst.at.isoformat(),
        "known_at": inst.known_at.isoformat(),
        "known": known.value,
        "months": [
            {**report.header(), "categories": report.categories()} for report in reports
        ],
    }
