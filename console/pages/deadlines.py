"""期限: the deadline register at the page's instant (``GET /v1/deadlines`` as the signed-in
principal): open, due soon (临期), breached; per department; countdown in working days."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from api.auth import OVERSIGHT
from api.pagination import MAX_LIMIT
from api.routes import deadlines as api
from api.routes import lists as list_api
from console.bridge import call
from console.instants import PageInstant, page_instant
from console.rendering import render
from console.session import signed_in
from domain.deadlines import ObligationKind, Status
from domain.principals import Principal

router = APIRouter()
SignedIn = Annotated[Principal, Depends(signed_in)]
Shown = Annotated[PageInstant, Depends(page_instant)]
VIEWS = {"open": "未到期", "soon": "临期", "breached": "已逾期", "met": "已履行"}


def departments(request: Request, principal: Principal, shown: PageInstant) -> list[dict[str, Any]]:
    """The departments an overseer may filter by, by name (``GET /v1/departments``); a
    department sees its own obligations only, as the API decides, and gets no choice."""
    if principal.role not in OVERSIGHT:
        return []
    listed = call(
        list_api.list_departments, request, principal, inst=shown.instant, status=None,
        limit=MAX_LIMIT, cursor=None,
    )
    items: list[dict[str, Any]] = listed["items"]
    return sorted(items, key=lambda d: d["code"])


@router.get("/deadlines", response_class=HTMLResponse)
def register(
    request: Request,
    principal: SignedIn,
    shown: Shown,
    view: str = "open",
    within: Annotated[int, Query(ge=1, le=60)] = 5,
    department: str | None = None,
    kind: str | None = None,
) -> HTMLResponse:
    view = view if view in VIEWS else "open"
    # The filter form sends an empty kind for 全部; an unknown one is no filter either.
    chosen = next((k for k in ObligationKind if k.value == kind), None)
    soon = view == "soon"
    report = call(
        api.read_deadlines,
        request,
        principal,
        inst=shown.instant,
        status=None if soon else Status(view),
        kind=chosen,
        department=department or None,
        due_within=within if soon else None,
        sort=api.DeadlineOrder.DUE_DATE,
        limit=MAX_LIMIT,
        cursor=None,
    )
    # The register counts the working days left itself (negative once overdue).
    rows: list[dict[str, Any]] = report["items"]
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
            "departments": departments(request, principal, shown),
            "kind": chosen,
            "kinds": list(ObligationKind),
            "shown": shown,
            "more": report.get("next_cursor") is not None,
        },
        principal=principal,
    )
