"""Policies 政策取值: what the measures leave to the department, published by the office.

Each grace period, the usage-report period and its grace, and the late-entry threshold
have a default in force from the ledger's start (declared with their rules); the office
publishes another value from a date on, back-dated if need be. The deadlines and
supervision reports apply the values in force at their instant as known then.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, PlainValidator, WithJsonSchema

from api.auth import Authenticated, ledger_of, require
from api.models import CommandBody
from api.routes.common import COMMAND, AtInstant, run_verb
from api.runtime import recorder_of
from domain.ledger import Ledger
from domain.policies import Publication, in_force
from domain.principals import Principal
from domain.rules import POLICIES
from domain.vocabulary import Role

router = APIRouter(prefix="/v1", tags=["policies"])
Office = Annotated[Principal, Depends(require(Role.OFFICE))]


def _number_or_code(value: object) -> int | str:
    """A whole number or a text as sent: never a bool or a float coerced to one."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        msg = "a number of working days (an integer) or a period's code (text)"
        raise ValueError(msg)
    return value


PolicyValue = Annotated[
    int | str,
    PlainValidator(_number_or_code),
    WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "string"}]}),
]


class PolicyIn(CommandBody):
    name: str = Field(
        min_length=1,
        max_length=100,
        description="政策名称，见 GET /v1/policies（如 first_catalog_grace）",
        examples=["first_catalog_grace"],
    )
    value: PolicyValue = Field(
        description="取值：宽限期等为工作日数（整数）；报告周期为 monthly、quarterly、"
        "half_yearly 或 yearly",
        examples=[15],
    )
    effective_from: date = Field(
        description="自该日（北京时间）起施行；可早于今日（追溯），已记录的不改写",
        examples=["2026-01-01"],
    )


class PolicyValueOut(BaseModel):
    value: int | str = Field(description="取值", examples=[15])
    effective_from: date | None = Field(
        description="自该日起施行；默认值为 null（自账本建立起施行）", examples=["2026-01-01"]
    )
    position: int | None = Field(
        description="发布该取值的事件在账本中的位置；默认值为 null", examples=[1234]
    )


class PolicyOut(BaseModel):
    name: str = Field(description="政策名称", examples=["first_catalog_grace"])
    description: str = Field(description="中文说明")
    unit: str = Field(
        description="取值单位：working_days（工作日）或 period（报告周期）",
        examples=["working_days"],
    )
    default: int | str = Field(description="默认值（自账本建立起施行）", examples=[20])
    in_force: PolicyValueOut = Field(description="在 at 时刻施行的取值（按 known_at 时所知）")
    history: list[PolicyValueOut] = Field(description="截至 known_at 已发布的各次取值，按记录顺序")


class PoliciesOut(BaseModel):
    at: str = Field(description="业务时刻", examples=["2026-03-01T00:00:00+08:00"])
    known_at: str = Field(description="记录时刻：按当时账本所知作答")
    position: int = Field(description="作答所依据的账本位置（known_at 时的最后事件）")
    policy_position: int | None = Field(
        description="在 at 时刻施行的最近一次政策发布的位置；均为默认值时为 null"
    )
    items: list[PolicyOut] = Field(description="每项政策")


@router.post("/policies", **COMMAND)
def publish_policy(body: PolicyIn, request: Request, principal: Office) -> JSONResponse:
    """Publish a policy's value from a date on (厅办公室): the reports at instants from that
    date, as known from now on, apply it."""
    return run_verb(
        request,
        principal,
        body,
        Ledger.publish_policy,
        body.name,
        body.value,
        body.effective_from,
    )


@router.get("/policies", response_model=PoliciesOut)
def read_policies(request: Request, principal: Authenticated, inst: AtInstant) -> PoliciesOut:
    """Every policy: its default, its values over time and the one in force at ``at``, as the
    ledger knew them at ``known_at``."""
    ledger = ledger_of(request)
    upto = recorder_of(ledger).position_known_at(inst.known_at)
    publications = ledger.publications(upto)
    policies = in_force(publications, inst.at)
    applied = {p.name: p for p in policies.applied}
    items = [
        PolicyOut(
            name=policy.name,
            description=policy.description_zh,
            unit=policy.unit,
            default=policy.default,
            in_force=_value(applied.get(policy.name), policies.value(policy)),
            history=[_value(p, p.value) for p in publications if p.name == policy.name],
        )
        for policy in POLICIES
    ]
    return PoliciesOut(
        at=inst.at.isoformat(),
        known_at=inst.known_at.isoformat(),
        position=upto,
        policy_position=policies.position,
        items=items,
    )


def _value(publication: Publication | None, value: int | str) -> PolicyValueOut:
    if publication is None:
        return PolicyValueOut(value=value, effective_from=None, position=None)
    return PolicyValueOut(
        value=value, effective_from=publication.effective_from, position=publication.position
    )
