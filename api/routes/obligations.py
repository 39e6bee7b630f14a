"""One obligation by its id, and a department's inbox (待办): what awaits its reply."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Query, Request

from api.auth import OVERSIGHT, Authenticated, ledger_of, may_see
from api.list_models import InboxPage, ObligationOut
from api.list_views import obligation_item
from api.names import rows_with_names
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, page, resolve
from api.routes.common import AtInstant, report_fields
from api.runtime import recorder_of
from domain.errors import NotFound
from replays.obligations import inbox, obligation_at

router = APIRouter(prefix="/v1", tags=["deadlines"])


@router.get("/obligations/{obligation_id}", response_model=ObligationOut)
def read_obligation(
    obligation_id: Annotated[UUID, Path(description="期限报告中的 obligation_id")],
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
) -> dict[str, Any]:
    """An obligation of the deadline report (its ``obligation_id``) as it stood at the
    instant; a department reads its own, the overseers every department's."""
    ledger = ledger_of(request)
    row, position = obligation_at(
        recorder_of(ledger), ledger.mapper, inst, obligation_id, ledger.publications()
    )
    if row is None or not may_see(principal, row["department"]):
        raise NotFound(f"no obligation with id {obligation_id} at {inst.at.isoformat()}")
    [named] = rows_with_names([obligation_item(row, inst)], ledger)
    return {**report_fields(inst, position), **named}


@router.get("/inbox", response_model=InboxPage)
def read_inbox(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    department: Annotated[
        str | None, Query(description="监督角色查看某部门的待办（部门代码）；部门账号只看本部门")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="上一页答复中的 next_cursor")] = None,
) -> dict[str, Any]:
    """Share requests (Art. 26, 29) and verifications (Art. 31) awaiting the department's
    reply, soonest due first, each with the working days left."""
    if principal.role not in OVERSIGHT:
        department = principal.department
    inst, after = resolve(inst, cursor)
    ledger = ledger_of(request)
    report = inbox(
        recorder_of(ledger),
        ledger.mapper,
        inst,
        department,
        ledger.publications(),
        ledger.holiday_publications(),
    )
    rows, next_cursor = page(report.rows, _soonest, after, limit, inst)
    return {
        **report_fields(inst, report.position),
        "department": department,
        "items": rows_with_names([obligation_item(row, inst) for row in rows], ledger),
        "next_cursor": next_cursor,
    }


def _soonest(row: dict[str, Any]) -> str:
    return f"{row['due_date']}|{row['obligation_id']}"
