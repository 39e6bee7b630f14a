"""The deadline register at any instant, and the holiday schedules it counts with."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from api.auth import OVERSIGHT, Authenticated, ledger_of, require
from api.exports import Export, ExportFormat, deadlines_sheet, filename, render
from api.models import CommandBody
from api.names import rows_with_names
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, encode_cursor, page, resolve
from api.responses import DeadlinesOut
from api.routes.common import COMMAND, AtInstant, run_verb
from api.runtime import recorder_of
from domain.deadlines import ObligationKind, Status
from domain.ledger import Ledger
from domain.principals import Principal
from domain.vocabulary import Role
from replays.register_rows import page_key
from replays.reports import deadlines_page, deadlines_report
from store.register_table import RegisterFilter

router = APIRouter(prefix="/v1", tags=["deadlines"])


class HolidayScheduleIn(CommandBody):
    year: int = Field(ge=2004, le=2100, examples=[2027])
    holidays: list[date] = Field(min_length=1)
    adjusted_workdays: list[date] = Field(default_factory=list, description="调休上班日")
    source: str = Field(
        default="", max_length=500, examples=["国务院办公厅关于2027年部分节假日安排的通知"]
    )


class DeadlineOrder(str, Enum):
    DUE_DATE = "due_date"
    STARTED_AT = "started_at"


@router.get("/deadlines", response_model=DeadlinesOut)
def read_deadlines(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    status: Status | None = None,
    kind: ObligationKind | None = None,
    department: str | None = None,
    due_within: Annotated[
        int | None,
        Query(ge=0, le=366, description="临期：只列今日之后 N 个工作日内到期的未完成义务"),
    ] = None,
    sort: Annotated[
        DeadlineOrder, Query(description="排序：due_date 截止日期（默认）或 started_at 起算时间")
    ] = DeadlineOrder.DUE_DATE,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: str | None = None,
    fmt: Export = ExportFormat.json,
) -> Any:
    """Every obligation with its due date and status (open, met, breached) at the instant,
    and for an open one the working days left. A department sees its own obligations;
    overseers see every department's. As CSV or xlsx, every obligation at once, in order."""
    if principal.role not in OVERSIGHT:
        department = principal.department
    inst, after = resolve(inst, cursor)
    ledger = ledger_of(request)
    recorder = recorder_of(ledger)
    if fmt is ExportFormat.json:
        # A page from the register's rows where they answer: filtered and ordered in SQL.
        by_start = sort is DeadlineOrder.STARTED_AT
        wanted = RegisterFilter(
            status,
            kind,
            department,
            by_start=by_start,
            after=page_key(after, by_start) if after is not None else None,
        )
        paged = deadlines_page(
            recorder,
            inst,
            wanted,
            due_within,
            limit,
            publications=ledger.publications(),
            holidays=ledger.holiday_publications(),
        )
        if paged is not None:
            report, more = paged
            last = report.rows[-1] if more and report.rows else None
            next_cursor = encode_cursor(inst, ORDERS[sort](last)) if last else None
            items = rows_with_names(report.rows, ledger)
            return {**report.header(), "items": items, "next_cursor": next_cursor}
    report = deadlines_report(
        recorder,
        ledger.mapper,
        inst,
        status=status,
        kind=kind,
        department=department,
        due_within=due_within,
        publications=ledger.publications(),
        holidays=ledger.holiday_publications(),
    )
    if fmt is not ExportFormat.json:
        ordered = rows_with_names(sorted(report.rows, key=ORDERS[sort]), ledger)
        body = {**report.header(), "items": ordered}
        return render(deadlines_sheet(body), fmt, filename("deadlines", body))
    rows, next_cursor = page(report.rows, ORDERS[sort], after, limit, inst)
    return {**report.header(), "items": rows_with_names(rows, ledger), "next_cursor": next_cursor}


def _by_due_date(row: dict[str, Any]) -> str:
    return f"{row['due_date']}|{row['obligation_id']}"


def _by_start(row: dict[str, Any]) -> str:
    # Instants order as text once written in one offset.
    started = datetime.fromisoformat(row["started_at"]).astimezone(UTC)
    return f"{started.isoformat()}|{row['obligation_id']}"


ORDERS = {DeadlineOrder.DUE_DATE: _by_due_date, DeadlineOrder.STARTED_AT: _by_start}


@router.post("/holiday-schedules", **COMMAND)
def publish_holiday_schedule(
    body: HolidayScheduleIn,
    request: Request,
    principal: Annotated[Principal, Depends(require(Role.LEADING_GROUP, Role.OFFICE))],
) -> JSONResponse:
    """Publish a year's State Council schedule; deadlines counting into it become final."""
    return run_verb(
        request,
        principal,
        body,
        Ledger.publish_holiday_schedule,
        body.year,
        body.holidays,
        body.adjusted_workdays,
        body.source,
    )
