"""期限: the deadline register at the page's instant (``GET /v1/deadlines`` as the signed-in
principal): open, due soon (临期), breached; per department; countdown in working days."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from api.auth import ledger_of
from api.pagination import MAX_LIMIT
from api.routes import deadlines as api
from console.bridge import call
from console.instants import PageInstant, page_instant
from console.rendering import render
from console.session import signed_in
from domain.calendar import WorkingDayCalendar, shanghai_date
from domain.deadlines import ObligationKind, Status
from domain.principals import Principal

router = APIRouter()
SignedIn = Annotated[Principal, Depends(signed_in)]
Shown = Annotated[PageInstant, Depends(page_instant)]
VIEWS = {"open": "未到期", "soon": "临期", "breached": "已逾期", "met": "已履行"}


def countdown(calendar: WorkingDayCalendar, today: date, due: date) -> int:
    """Working days left until the due date (negative: working days overdue)."""
    if due >= today:
        return calendar.working_days_between(today, due)
    return -calendar.working_days_between(due, today)


@router.get("/deadlines", response_class=HTMLResponse)
def register(
    request: Request,
    principal: SignedIn,
    shown: Shown,
    view: str = "open",
    within: Annotated[int, Query(ge=1, le=60)] = 5,
    department: str | None = None,
    kind: ObligationKind | None = None,
) -> HTMLResponse:
    view = view if view in VIEWS else "open"
    status = Status({"soon": "open"}.get(view, view))
    report = call(
        api.read_deadlines,
        request,
        principal,
        inst=shown.instant,
        status=status,
        kind=kind,
        department=department or None,
        limit=MAX_LIMIT,
        cursor=None,
    )
    calendar = ledger_of(request).calendar()
    today = shanghai_date(shown.at)
    rows: list[dict[str, Any]] = []
    for item in report["items"]:
        left = countdown(calendar, today, date.fromisoformat(item["due_date"]))
        if view == "soon" and left > within:
            continue
        rows.append({**item, "countdown": left})
    rows.sort(key=lambda row: (row["due_date"], row["department"]))
    by_department: dict[str, int] = {}
    for row in rows:
        by_department[row["department"]] = by_department.get(row["department"], 0) + 1
    return render(
        request,
        "deadlines.html",
        {
            "report": report,
            "rows": rows,
            "by_department": sorted(by_department.items(), key=lambda kv: -kv[1]),
            "views": VIEWS,
            "view": view,
            "within": within,
            "department": department or "",
            "kind": kind,
            "kinds": list(ObligationKind),
            "shown": shown,
            "more": report.get("next_cursor") is not None,
        },
        principal=principal,
    )
