"""A list for every kind of object (列表): filters, cursor paging, and the visibility of
reading one object, so a department lists exactly what it may read."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request

from api.auth import OVERSIGHT, Authenticated, ledger_of, readable, require
from api.list_models import (
    AggregationItem,
    ArrangementItem,
    DataUseItem,
    DepartmentItem,
    DepartmentOut,
    ListPage,
    PrincipalItem,
    PrincipalOut,
    ShareRequestItem,
    SystemItem,
    UsageReportItem,
    VerificationItem,
)
from api.list_views import item
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, encode_cursor, resolve
from api.routes.common import AtInstant, report_fields, visible_object
from api.runtime import recorder_of
from domain.departments import department_id
from domain.errors import RuleViolation
from domain.principals import Principal
from domain.vocabulary import Role
from projections.listings import (
    AGGREGATIONS,
    ARRANGEMENTS,
    DATA_USES,
    DEPARTMENTS,
    PRINCIPALS,
    SHARE_REQUESTS,
    SYSTEMS,
    USAGE_REPORTS,
    VERIFICATION_REQUESTS,
    Kind,
)
from replays.asof import Instant
from replays.lists import Filters, list_objects

router = APIRouter(prefix="/v1", tags=["lists"])


class Side(str, Enum):
    """Which side of a request the department is on: its inbox or its outbox."""

    PROVIDER = "provider"
    REQUESTER = "requester"


DepartmentQ = Annotated[
    str | None,
    Query(description="只列该部门作为一方的对象（部门代码）", examples=["ZYKF"]),
]
StatusQ = Annotated[str | None, Query(description="状态代码（各类对象的状态见 /v1/vocabularies）")]
RoleQ = Annotated[
    Side | None,
    Query(
        description="provider：该部门作为提供方（收到的申请）；requester：作为申请方（发出的申请）"
    ),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数")]
Cursor = Annotated[str | None, Query(description="上一页答复中的 next_cursor")]


def listing(
    request: Request,
    principal: Principal,
    inst: Instant,
    kind: Kind[Any],
    filters: Filters,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    """One page of ``kind`` at the instant (a cursor carries the instant it was read at)."""
    _check(kind, filters)
    inst, after = resolve(inst, cursor)
    reader = None if principal.role in OVERSIGHT or kind.parties is None else principal.department
    if filters.side is not None and filters.department is None:
        if reader is None:
            msg = "role 需要同时给出 department / role needs the department it is about"
            raise RuleViolation(msg, field="department")
        filters = replace(filters, department=reader)
    ledger = ledger_of(request)
    listed = list_objects(
        recorder_of(ledger),
        ledger.mapper,
        kind,
        inst,
        replace(filters, reader=reader),
        after=_position(after),
        limit=limit,
        shown=readable(principal, kind),
    )
    nxt = listed.next_after
    return {
        **report_fields(inst, listed.position),
        "items": [item(kind, state, position, inst) for position, state in listed.items],
        "next_cursor": encode_cursor(inst, str(nxt)) if nxt is not None else None,
    }


def _check(kind: Kind[Any], filters: Filters) -> None:
    if filters.status is not None:
        codes = kind.statuses or {}
        if filters.status not in codes:
            allowed = ", ".join(f"{code} {label}" for code, label in codes.items()) or "（无）"
            msg = f"状态 {filters.status} 不适用，可选：{allowed} / not a status of {kind.name}"
            raise RuleViolation(msg, field="status")
    if filters.side is not None and not kind.sides:
        raise RuleViolation(f"{kind.name} 没有申请方与提供方之分 / has no sides", field="role")


def _position(after: str | None) -> int:
    if after is None:
        return 0
    try:
        return int(after)
    except ValueError:
        raise RuleViolation("游标无效 / not a cursor of this list", field="cursor") from None


@router.get("/share-requests", response_model=ListPage[ShareRequestItem])
def list_share_requests(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    department: DepartmentQ = None,
    status: StatusQ = None,
    role: RoleQ = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """共享申请 (Art. 25-30). ``role=provider&status=pending``: the requests a department must
    answer; ``role=requester``: those it made."""
    side = role.value if role else None
    filters = Filters(department=department, side=side, status=status)
    return listing(request, principal, inst, SHARE_REQUESTS, filters, limit, cursor)


@router.get("/verification-requests", response_model=ListPage[VerificationItem])
def list_verification_requests(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    department: DepartmentQ = None,
    status: StatusQ = None,
    role: RoleQ = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """数据校核申请 (Art. 31); ``role`` as for share requests."""
    side = role.value if role else None
    filters = Filters(department=department, side=side, status=status)
    return listing(request, principal, inst, VERIFICATION_REQUESTS, filters, limit, cursor)


@router.get("/data-uses", response_model=ListPage[DataUseItem])
def list_data_uses(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    department: DepartmentQ = None,
    status: StatusQ = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """共享数据使用记录 (Art. 36); ``status=marked``: those that break the rules (V09)."""
    filters = Filters(department=department, status=status)
    return listing(request, principal, inst, DATA_USES, filters, limit, cursor)


@router.get("/time-sensitive-arrangements", response_model=ListPage[ArrangementItem])
def list_arrangements(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    department: DepartmentQ = None,
    role: RoleQ = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """时效性共享约定 (Art. 28)."""
    filters = Filters(department=department, side=role.value if role else None)
    return listing(request, principal, inst, ARRANGEMENTS, filters, limit, cursor)


@router.get("/systems", response_model=ListPage[SystemItem])
def list_systems(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    department: DepartmentQ = None,
    status: StatusQ = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """政务信息系统 (Art. 19-20), by owner and where each stands."""
    filters = Filters(department=department, status=status)
    return listing(request, principal, inst, SYSTEMS, filters, limit, cursor)


@router.get("/departments", response_model=ListPage[DepartmentItem])
def list_departments(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    status: StatusQ = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """部门 and their responsible persons (Art. 38)."""
    return listing(request, principal, inst, DEPARTMENTS, Filters(status=status), limit, cursor)


@router.get("/aggregations", response_model=ListPage[AggregationItem])
def list_aggregations(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    department: DepartmentQ = None,
    status: StatusQ = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """数据汇聚回执 (Art. 19-21), by providing department."""
    filters = Filters(department=department, status=status)
    return listing(request, principal, inst, AGGREGATIONS, filters, limit, cursor)


@router.get("/usage-reports", response_model=ListPage[UsageReportItem])
def list_usage_reports(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    department: DepartmentQ = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """开发应用情况报告 (Art. 33)."""
    filters = Filters(department=department)
    return listing(request, principal, inst, USAGE_REPORTS, filters, limit, cursor)


@router.get("/principals", response_model=ListPage[PrincipalItem], tags=["principals"])
def list_principals(
    request: Request,
    principal: Annotated[Principal, Depends(require(Role.ADMIN))],
    inst: AtInstant,
    department: DepartmentQ = None,
    status: StatusQ = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """账号 (admin): who may act for which department, in which role; never their tokens."""
    filters = Filters(department=department, status=status)
    return listing(request, principal, inst, PRINCIPALS, filters, limit, cursor)


def one(request: Request, principal: Principal, inst: Instant, kind: Kind[Any], key: UUID) -> Any:
    """One object of ``kind`` as its list shows it, or 404 where its list would not."""
    state, position = visible_object(
        request, inst, kind.fold(key), kind.what, readable(principal, kind)
    )
    created = recorder_of(ledger_of(request)).position_of(key, 1) or 0
    return {**report_fields(inst, position), **item(kind, state, created, inst)}


@router.get("/departments/{code}", response_model=DepartmentOut)
def read_department(
    code: Annotated[str, Path(description="部门代码", examples=["ZYKF"])],
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
) -> dict[str, Any]:
    return one(request, principal, inst, DEPARTMENTS, department_id(code))


@router.get("/principals/{principal_id}", response_model=PrincipalOut, tags=["principals"])
def read_principal(
    principal_id: Annotated[UUID, Path(description="账号标识（列表中的 id）")],
    request: Request,
    principal: Annotated[Principal, Depends(require(Role.ADMIN))],
    inst: AtInstant,
) -> dict[str, Any]:
    return one(request, principal, inst, PRINCIPALS, principal_id)
