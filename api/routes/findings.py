"""Findings read and reviewed (Art. 39): the leading group's review of a rectification
report, and every finding with its history, at any instant."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.auth import Authenticated, ledger_of, may_see, require
from api.models import CommandBody
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, page, resolve
from api.routes.common import COMMAND, AtInstant, IfMatch, report_fields, run_verb
from api.runtime import recorder_of
from domain.errors import NotFound
from domain.findings import Category, FindingStatus, ReviewDecision, overdue
from domain.ledger import Ledger
from domain.principals import Principal
from domain.vocabulary import Role
from projections.findings import FindingEntry, FindingsRegister, OneFinding
from replays.asof import Instant, replay, replay_object

router = APIRouter(prefix="/v1", tags=["supervision"])
LeadingGroup = Annotated[Principal, Depends(require(Role.LEADING_GROUP))]


class ReviewIn(CommandBody):
    decision: ReviewDecision = Field(description="accepted 整改通过；rejected 整改不通过")
    reason: str = Field(
        default="",
        max_length=4000,
        description="审核意见；不通过时必须说明理由",
        examples=["整改证据未覆盖全部逾期申请"],
    )


class StepOut(BaseModel):
    step: str = Field(description="步骤代码，如 rectification_reported")
    step_label: str = Field(description="步骤名称（中文）")
    version: int = Field(description="该步骤后违规发现的版本号")
    position: int = Field(description="账本位置")
    occurred_at: datetime = Field(description="发生时间（业务时间）")
    recorded_at: datetime = Field(description="记账时间")
    actor_person: str = Field(description="操作人员")
    actor_department: str = Field(description="操作人员所在部门代码")
    actor_role: str = Field(description="操作角色")
    details: dict[str, Any] = Field(description="该步骤记录的内容（证据、理由、期限等）")


class FindingOut(BaseModel):
    id: str = Field(description="违规发现编号")
    version: int = Field(description="版本号")
    department: str = Field(description="被发现违规的政务部门代码")
    category: str = Field(description="违规类别代码 V01–V11（第三十九条）")
    category_label: str = Field(description="违规类别（中文）")
    description: str = Field(description="违规情况说明")
    evidence: list[str] = Field(description="违规证据：账本中的事件位置或对象编号")
    status: str = Field(description="状态代码")
    status_label: str = Field(description="状态（中文）")
    overdue: bool = Field(description="整改期限已过且截至期限未经审核通过整改")
    rectification_due: date | None = Field(description="整改期限（上海时间当日24时）")
    rectification_evidence: list[str] = Field(description="最近一次整改报告的证据")
    rectification_description: str | None = Field(description="最近一次整改报告的说明")
    rectified_at: datetime | None = Field(description="整改经审核通过的时间")
    rejections: int = Field(description="整改报告被退回的次数")
    last_rejection_reason: str | None = Field(description="最近一次退回的理由")
    criticised_at: datetime | None = Field(description="通报批评时间")
    withdrawn_at: datetime | None = Field(description="撤销时间")
    withdrawal_reason: str | None = Field(description="撤销理由")
    created_at: datetime = Field(description="记录违规发现的时间")


class FindingDetailOut(FindingOut):
    at: datetime = Field(description="业务时点")
    known_at: datetime = Field(description="记账时点")
    position: int = Field(description="读取到的最后一个账本位置")
    history: list[StepOut] = Field(description="违规发现的全部步骤，按账本位置排列")


class FindingListOut(BaseModel):
    at: datetime = Field(description="业务时点")
    known_at: datetime = Field(description="记账时点")
    position: int = Field(description="读取到的最后一个账本位置")
    items: list[FindingOut] = Field(description="违规发现")
    next_cursor: str | None = Field(description="下一页游标；无更多时为 null")


def finding_out(entry: FindingEntry, at: datetime) -> dict[str, Any]:
    f = entry.finding
    return {
        "id": str(f.id),
        "version": f.version,
        "department": f.department,
        "category": f.category.value,
        "category_label": f.category.label,
        "description": f.description,
        "evidence": list(f.evidence),
        "status": f.status.value,
        "status_label": f.status.label,
        "overdue": f.status is not FindingStatus.WITHDRAWN
        and overdue(f.rectification_due, f.rectified_at, at),
        "rectification_due": f.rectification_due,
        "rectification_evidence": list(f.rectification_evidence),
        "rectification_description": f.rectification_description,
        "rectified_at": f.rectified_at,
        "rejections": f.rejections,
        "last_rejection_reason": f.last_rejection_reason,
        "criticised_at": f.criticised_at,
        "withdrawn_at": f.withdrawn_at,
        "withdrawal_reason": f.withdrawal_reason,
        "created_at": f.created_at,
    }


@router.post("/findings/{finding_id}/rectification-review", **COMMAND)
def review_rectification(
    finding_id: UUID, body: ReviewIn, request: Request, principal: LeadingGroup, version: IfMatch
) -> JSONResponse:
    """Accepted: rectified. Rejected with a reason: ordered again, its date still running."""
    return run_verb(
        request,
        principal,
        body,
        Ledger.review_rectification,
        finding_id,
        body.decision,
        body.reason,
        version,
    )


@router.get("/findings", response_model=FindingListOut)
def list_findings(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    department: Annotated[str | None, Query(description="部门代码")] = None,
    category: Annotated[Category | None, Query(description="违规类别 V01–V11")] = None,
    status: Annotated[FindingStatus | None, Query(description="状态")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="上一页给出的游标")] = None,
) -> dict[str, Any]:
    """Overseers read every department's findings; a department its own."""
    inst, after = resolve(inst, cursor)
    ledger = ledger_of(request)
    replayed = replay(recorder_of(ledger), ledger.mapper, FindingsRegister(), inst)
    entries = [
        e
        for e in replayed.state.values()
        if may_see(principal, e.finding.department)
        and (department is None or e.finding.department == department)
        and (category is None or e.finding.category is category)
        and (status is None or e.finding.status is status)
    ]
    chunk, next_cursor = page(entries, lambda e: str(e.finding.id), after, limit, inst)
    return {
        **report_fields(inst, replayed.position),
        "items": [finding_out(e, inst.at) for e in chunk],
        "next_cursor": next_cursor,
    }


@router.get("/findings/{finding_id}", response_model=FindingDetailOut)
def read_finding(
    finding_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    """One finding with every step of its history; another department's answers 404."""
    entry, position = finding_at(request, finding_id, inst)
    if entry is None or not may_see(principal, entry.finding.department):
        raise NotFound(f"no finding with id {finding_id} at {inst.at.isoformat()}")
    history = [
        {
            **step.model_dump(exclude={"actor"}),
            "actor_person": step.actor.person,
            "actor_department": step.actor.department,
            "actor_role": step.actor.role.value,
        }
        for step in entry.history
    ]
    return {**report_fields(inst, position), **finding_out(entry, inst.at), "history": history}


def finding_at(
    request: Request, finding_id: UUID, inst: Instant
) -> tuple[FindingEntry | None, int]:
    ledger = ledger_of(request)
    replayed = replay_object(recorder_of(ledger), ledger.mapper, OneFinding(finding_id), inst)
    return replayed.state, replayed.position
