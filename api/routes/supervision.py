"""Supervision (Art. 38–39): findings and rectification, and the violation counts at any instant."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from api.auth import Authenticated, ledger_of, require
from api.commands import if_match_version
from api.models import CommandBody, CommandResponse
from api.routes.common import AtInstant, run_command
from domain.findings import Category
from domain.principals import Principal
from domain.vocabulary import Role
from replays.reports import supervision_report

router = APIRouter(prefix="/v1", tags=["supervision"])
COMMAND = {"status_code": 201, "response_model": CommandResponse}
LeadingGroup = Annotated[Principal, Depends(require(Role.LEADING_GROUP))]
Department = Annotated[Principal, Depends(require(Role.DEPARTMENT))]

# Who sees every department's counts; a department sees its own row only.
OVERSEERS = frozenset({Role.LEADING_GROUP, Role.AUDITOR, Role.OFFICE, Role.ADMIN})


class FindingIn(CommandBody):
    department: str = Field(examples=["SCGL"])
    category: Category
    evidence: list[str] = Field(
        min_length=1, description="Ids of objects on the record, or event positions"
    )
    description: str = Field(min_length=1, max_length=4000)


class RectificationOrderIn(CommandBody):
    due_date: date = Field(description="Rectify by the end of this day (Asia/Shanghai)")


class RectificationIn(CommandBody):
    evidence: list[str] = Field(default_factory=list)


class NoteIn(CommandBody):
    note: str = Field(min_length=1, max_length=4000)


class WithdrawalIn(CommandBody):
    reason: str = Field(min_length=1, max_length=4000)


@router.post("/findings", **COMMAND)
def record_finding(body: FindingIn, request: Request, principal: LeadingGroup) -> JSONResponse:
    ledger = ledger_of(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.record_finding(
            cmd, body.department, body.category, body.evidence, body.description
        ),
    )


@router.post("/findings/{finding_id}/rectification-order", **COMMAND)
def order_rectification(
    finding_id: UUID, body: RectificationOrderIn, request: Request, principal: LeadingGroup
) -> JSONResponse:
    ledger, expected = ledger_of(request), if_match_version(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.order_rectification(cmd, finding_id, body.due_date, expected),
    )


@router.post("/findings/{finding_id}/rectification", **COMMAND)
def rectify(
    finding_id: UUID, body: RectificationIn, request: Request, principal: Department
) -> JSONResponse:
    ledger, expected = ledger_of(request), if_match_version(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.rectify(cmd, finding_id, body.evidence, expected),
    )


@router.post("/findings/{finding_id}/criticism", **COMMAND)
def circulate_criticism(
    finding_id: UUID, body: NoteIn, request: Request, principal: LeadingGroup
) -> JSONResponse:
    ledger, expected = ledger_of(request), if_match_version(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.circulate_criticism(cmd, finding_id, body.note, expected),
    )


@router.post("/findings/{finding_id}/withdrawal", **COMMAND)
def withdraw_finding(
    finding_id: UUID, body: WithdrawalIn, request: Request, principal: LeadingGroup
) -> JSONResponse:
    ledger, expected = ledger_of(request), if_match_version(request)
    return run_command(
        request,
        principal,
        body,
        lambda cmd: ledger.withdraw_finding(cmd, finding_id, body.reason, expected),
    )


@router.get("/supervision/violations")
def read_violations(
    request: Request, principal: Authenticated, inst: AtInstant, department: str | None = None
) -> dict[str, Any]:
    """Per department and category V01–V11: detected by the ledger, found by the leading
    group, and where each finding stands; every count lists the ids it counts."""
    if principal.role not in OVERSEERS:
        department = principal.department
    ledger = ledger_of(request)
    report = supervision_report(ledger.recorder, ledger.mapper, inst, department=department)  # type: ignore[arg-type]
    return report.as_json()
