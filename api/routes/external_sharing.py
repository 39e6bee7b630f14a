"""Requests for other provincial departments' data, through the office (Art. 30)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.auth import Authenticated, ledger_of, may_see, require
from api.models import CommandBody, EmptyCommand
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, page, resolve
from api.routes.common import COMMAND, AtInstant, IfMatch, report_fields, run_verb, visible_object
from api.runtime import recorder_of
from api.views import labelled
from domain.external_sharing import (
    ExternalRequest,
    ExternalRequestEvent,
    ExternalResource,
    ExternalResourceRegistered,
)
from domain.ledger import Ledger
from domain.principals import Principal
from domain.share_requests import Reply
from domain.vocabulary import Role, ShareType
from projections.registers import ObjectRegister
from projections.sharing import OneObject
from replays.asof import replay

router = APIRouter(prefix="/v1", tags=["sharing"])
Office = Annotated[Principal, Depends(require(Role.OFFICE))]
Department = Annotated[Principal, Depends(require(Role.DEPARTMENT))]
Replier = Annotated[Principal, Depends(require(Role.OFFICE, Role.EXTERNAL))]


class ExternalResourceIn(CommandBody):
    provider: str = Field(description="厅外政务部门代码（须登记为 external）", examples=["SGAT"])
    name: str = Field(
        min_length=1, max_length=200, description="数据资源名称", examples=["旅馆业住宿登记信息"]
    )
    share_type: ShareType = Field(description="该部门目录中的共享属性：无条件或有条件共享")
    summary: str = Field(default="", max_length=4000, description="信息摘要")
    uses: list[str] = Field(default_factory=list, description="该部门目录中列明的使用用途")


class ExternalRequestIn(CommandBody):
    resource_id: UUID = Field(description="厅办公室登记的厅外数据资源编号")
    purpose: str = Field(
        min_length=1, max_length=1000, description="使用用途", examples=["假日旅游安全监管"]
    )
    scope: str = Field(
        min_length=1, max_length=4000, description="所需数据范围", examples=["入住人数、旅馆名称"]
    )


class ExternalReplyIn(CommandBody, Reply):
    """The external provider's answer: approve (scope, uses, expiry) or refuse with a reason."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ExternalResourceOut(BaseModel):
    id: str = Field(description="厅外数据资源编号")
    provider: str = Field(description="提供部门（厅外）代码")
    name: str = Field(description="名称")
    share_type: str = Field(description="共享属性代码")
    share_type_label: str = Field(description="共享属性（中文）")
    summary: str = Field(description="信息摘要")
    uses: list[str] = Field(description="使用用途")
    registered_at: datetime = Field(description="登记时间")


class ExternalResourceListOut(BaseModel):
    at: datetime = Field(description="业务时点")
    known_at: datetime = Field(description="记账时点")
    position: int = Field(description="读取到的最后一个账本位置")
    items: list[ExternalResourceOut] = Field(description="厅外数据资源")
    next_cursor: str | None = Field(description="下一页游标；无更多时为 null")


class ExternalRequestOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    at: datetime = Field(description="业务时点")
    known_at: datetime = Field(description="记账时点")
    position: int = Field(description="读取到的最后一个账本位置")
    id: str = Field(description="申请编号（数据使用记录的 share_request_id）")
    resource_id: str = Field(description="厅外数据资源编号")
    provider: str = Field(description="提供部门（厅外）")
    requester: str = Field(description="使用部门")
    purpose: str = Field(description="使用用途")
    scope: str = Field(description="所需数据范围")
    status: str = Field(description="状态代码")
    status_label: str = Field(description="状态（中文）")
    forwarded_at: datetime | None = Field(description="厅办公室通过省级共享系统转报的时间")
    granted_scope: str | None = Field(description="答复同意的范围")
    granted_uses: list[str] = Field(description="答复同意的用途")
    expires_at: datetime | None = Field(description="授权到期时间")
    refusal_reason: str | None = Field(description="拒绝理由")


def resource_out(resource: ExternalResource) -> dict[str, Any]:
    return {
        "id": str(resource.id),
        "provider": resource.provider,
        "name": resource.name,
        "share_type": resource.share_type.value,
        "share_type_label": resource.share_type.label,
        "summary": resource.summary,
        "uses": list(resource.uses),
        "registered_at": resource.created_at,
    }


@router.post("/external-resources", **COMMAND)
def register_external_resource(
    body: ExternalResourceIn, request: Request, principal: Office
) -> JSONResponse:
    return run_verb(
        request,
        principal,
        body,
        Ledger.register_external_resource,
        body.provider,
        body.name,
        body.share_type,
        body.summary,
        body.uses,
    )


@router.get("/external-resources", response_model=ExternalResourceListOut)
def list_external_resources(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="上一页给出的游标")] = None,
) -> dict[str, Any]:
    inst, after = resolve(inst, cursor)
    ledger = ledger_of(request)
    register: ObjectRegister[ExternalResource] = ObjectRegister(
        "external-resources", ExternalResource, ExternalResourceRegistered
    )
    replayed = replay(recorder_of(ledger), ledger.mapper, register, inst)
    chunk, next_cursor = page(
        list(replayed.state.values()), lambda r: str(r.id), after, limit, inst
    )
    return {
        **report_fields(inst, replayed.position),
        "items": [resource_out(r) for r in chunk],
        "next_cursor": next_cursor,
    }


@router.post("/external-requests", **COMMAND)
def request_external_data(
    body: ExternalRequestIn, request: Request, principal: Department
) -> JSONResponse:
    """Art. 30: the request goes to the office (status ``awaiting_office``)."""
    return run_verb(
        request,
        principal,
        body,
        Ledger.request_external_data,
        body.resource_id,
        body.purpose,
        body.scope,
    )


@router.post("/external-requests/{request_id}/forwarding", **COMMAND)
def forward_external_request(
    request_id: UUID,
    request: Request,
    principal: Office,
    version: IfMatch,
    body: EmptyCommand | None = None,
) -> JSONResponse:
    """Through the 省级共享系统: unconditional data is then obtained, conditional data awaits
    the provider's reply."""
    return run_verb(request, principal, body, Ledger.forward_external_request, request_id, version)


@router.post("/external-requests/{request_id}/reply", **COMMAND)
def record_external_reply(
    request_id: UUID, body: ExternalReplyIn, request: Request, principal: Replier, version: IfMatch
) -> JSONResponse:
    """Recorded by the office, or by a principal of the external provider."""
    reply = Reply.model_validate(body.payload())
    return run_verb(
        request, principal, body, Ledger.record_external_reply, request_id, reply, version
    )


@router.get("/external-requests/{request_id}", response_model=ExternalRequestOut)
def read_external_request(
    request_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    fold: OneObject[ExternalRequest] = OneObject(
        request_id, "external-request", ExternalRequestEvent
    )
    fold.state_type = ExternalRequest | None
    state, position = visible_object(
        request,
        inst,
        fold,
        "external request",
        lambda r: may_see(principal, r.requester, r.provider),
    )
    return {**report_fields(inst, position), **labelled(state)}
