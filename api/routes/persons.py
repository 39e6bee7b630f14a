"""The register of persons (Art. 36): who uses and who approves shared data, by id."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.auth import Authenticated, ledger_of, require
from api.models import CommandBody
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, page, resolve
from api.routes.common import COMMAND, AtInstant, report_fields, run_verb, visible_object
from api.runtime import recorder_of
from domain.ledger import Ledger
from domain.persons import Person, PersonRegistered
from domain.principals import Principal
from domain.vocabulary import Role
from projections.registers import ObjectRegister
from projections.sharing import OneObject
from replays.asof import replay

router = APIRouter(prefix="/v1", tags=["persons"])
Registrar = Annotated[Principal, Depends(require(Role.DEPARTMENT, Role.OFFICE, Role.ADMIN))]


class PersonIn(CommandBody):
    name: str = Field(min_length=1, max_length=100, description="姓名", examples=["张立新"])
    department: str = Field(description="所在部门代码", examples=["SCGL"])
    title: str = Field(default="", max_length=100, description="职务", examples=["副处长"])
    roles_held: list[Role] = Field(
        default_factory=list, description="所担任的角色", examples=[["department"]]
    )


class PersonOut(BaseModel):
    id: str = Field(description="人员编号：同名者以编号区分")
    version: int = Field(description="版本号")
    name: str = Field(description="姓名")
    department: str = Field(description="所在部门代码")
    title: str = Field(description="职务")
    roles_held: list[str] = Field(description="所担任的角色代码")
    registered_at: datetime = Field(description="登记时间")


class OnePersonOut(PersonOut):
    at: datetime = Field(description="业务时点")
    known_at: datetime = Field(description="记账时点")
    position: int = Field(description="读取到的最后一个账本位置")


class PersonListOut(BaseModel):
    at: datetime = Field(description="业务时点")
    known_at: datetime = Field(description="记账时点")
    position: int = Field(description="读取到的最后一个账本位置")
    items: list[PersonOut] = Field(description="人员")
    next_cursor: str | None = Field(description="下一页游标；无更多时为 null")


def person_out(person: Person) -> dict[str, Any]:
    return {
        "id": str(person.id),
        "version": person.version,
        "name": person.name,
        "department": person.department,
        "title": person.title,
        "roles_held": [role.value for role in person.roles_held],
        "registered_at": person.created_at,
    }


@router.post("/persons", **COMMAND)
def register_person(body: PersonIn, request: Request, principal: Registrar) -> JSONResponse:
    """A department registers its own people; the office and the administrator anyone's."""
    return run_verb(
        request,
        principal,
        body,
        Ledger.register_person,
        body.name,
        body.department,
        body.title,
        body.roles_held,
    )


@router.get("/persons", response_model=PersonListOut)
def list_persons(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    department: Annotated[str | None, Query(description="部门代码")] = None,
    name: Annotated[str | None, Query(description="姓名（完全一致）")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="上一页给出的游标")] = None,
) -> dict[str, Any]:
    inst, after = resolve(inst, cursor)
    ledger = ledger_of(request)
    register: ObjectRegister[Person] = ObjectRegister("persons", Person, PersonRegistered)
    replayed = replay(recorder_of(ledger), ledger.mapper, register, inst)
    persons = [
        p
        for p in replayed.state.values()
        if (department is None or p.department == department) and (name is None or p.name == name)
    ]
    chunk, next_cursor = page(persons, lambda p: str(p.id), after, limit, inst)
    return {
        **report_fields(inst, replayed.position),
        "items": [person_out(p) for p in chunk],
        "next_cursor": next_cursor,
    }


@router.get("/persons/{person_id}", response_model=OnePersonOut)
def read_person(
    person_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    fold: OneObject[Person] = OneObject(person_id, "person", PersonRegistered)
    fold.state_type = Person | None
    person, position = visible_object(request, inst, fold, "person")
    return {**report_fields(inst, position), **person_out(person)}
