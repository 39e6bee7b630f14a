"""The office's register of legal instruments (Art. 24(1)): what a not-shared resource cites."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.auth import Authenticated, ledger_of, require
from api.models import CommandBody
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, page, resolve
from api.routes.common import COMMAND, AtInstant, report_fields, run_verb
from api.runtime import recorder_of
from domain.ledger import Ledger
from domain.legal_instruments import (
    LegalInstrument,
    LegalInstrumentKind,
    LegalInstrumentRegistered,
)
from domain.principals import Principal
from domain.vocabulary import Role
from projections.registers import ObjectRegister
from replays.asof import replay

router = APIRouter(prefix="/v1", tags=["catalog"])
Office = Annotated[Principal, Depends(require(Role.OFFICE))]


class LegalInstrumentIn(CommandBody):
    kind: LegalInstrumentKind = Field(
        description="类别：法律、行政法规或党中央、国务院政策（第二十四条第一项）"
    )
    title: str = Field(
        min_length=1, max_length=500, description="名称", examples=["中华人民共和国网络安全法"]
    )
    issuer: str = Field(
        default="", max_length=200, description="制定机关", examples=["全国人民代表大会常务委员会"]
    )
    document_number: str = Field(
        default="", max_length=200, description="文号", examples=["中华人民共和国主席令第五十三号"]
    )
    effective_date: date | None = Field(default=None, description="施行日期")


class LegalInstrumentOut(BaseModel):
    id: str = Field(description="法律法规编号（数据资源的 legal_basis.instrument_id）")
    kind: str = Field(description="类别代码")
    kind_label: str = Field(description="类别（中文）")
    title: str = Field(description="名称")
    issuer: str = Field(description="制定机关")
    document_number: str = Field(description="文号")
    effective_date: date | None = Field(description="施行日期")
    registered_at: datetime = Field(description="登记时间")


class LegalInstrumentListOut(BaseModel):
    at: datetime = Field(description="业务时点")
    known_at: datetime = Field(description="记账时点")
    position: int = Field(description="读取到的最后一个账本位置")
    items: list[LegalInstrumentOut] = Field(description="登记在册的法律法规和政策文件")
    next_cursor: str | None = Field(description="下一页游标；无更多时为 null")


def instrument_out(instrument: LegalInstrument) -> dict[str, Any]:
    return {
        "id": str(instrument.id),
        "kind": instrument.kind.value,
        "kind_label": instrument.kind.label,
        "title": instrument.title,
        "issuer": instrument.issuer,
        "document_number": instrument.document_number,
        "effective_date": instrument.effective_date,
        "registered_at": instrument.created_at,
    }


@router.post("/legal-instruments", **COMMAND)
def register_legal_instrument(
    body: LegalInstrumentIn, request: Request, principal: Office
) -> JSONResponse:
    """Art. 24(1): only a law, an administrative regulation or a central policy is registered."""
    return run_verb(
        request,
        principal,
        body,
        Ledger.register_legal_instrument,
        body.kind,
        body.title,
        body.issuer,
        body.document_number,
        body.effective_date,
    )


@router.get("/legal-instruments", response_model=LegalInstrumentListOut)
def list_legal_instruments(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="上一页给出的游标")] = None,
) -> dict[str, Any]:
    inst, after = resolve(inst, cursor)
    ledger = ledger_of(request)
    register: ObjectRegister[LegalInstrument] = ObjectRegister(
        "legal-instruments", LegalInstrument, LegalInstrumentRegistered
    )
    replayed = replay(recorder_of(ledger), ledger.mapper, register, inst)
    chunk, next_cursor = page(
        list(replayed.state.values()), lambda i: str(i.id), after, limit, inst
    )
    return {
        **report_fields(inst, replayed.position),
        "items": [instrument_out(i) for i in chunk],
        "next_cursor": next_cursor,
    }
