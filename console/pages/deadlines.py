"""期限: the deadline register at the page's instant (``GET /v1/deadlines`` as the signed-in
principal): open, due soon (临期), breached; per department; countdown in working days."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import OVERSIGHT
from api.exports import ExportFormat
from api.pagination import MAX_LIMIT
from api.routes import deadlines as api
from api.routes import lists as list_api
from console.bridge import call
from console.exports import SPREADSHEETS, spreadsheet
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


@dataclass(frozen=True)
class Filter:
    """What the register page shows, from its URL: its tab, the days of 临期, a department,
    a kind; the spreadsheet export reads the same."""

    view: str
    within: int
    department: str | None
    kind: ObligationKind | None

    def query(self, shown: PageInstant) -> str:
        params = {"view": self.view, "within": str(self.within)}
        if self.department:
            params["department"] = self.department
        if self.kind:
            params["kind"] = self.kind.value
        keep = shown.query()
        return urlencode(params) + (f"&{keep}" if keep else "")


def page_filter(
    view: str = "open",
    within: Annotated[int, Query(ge=1, le=60)] = 5,
    department: str | None = None,
    kind: str | None = None,
) -> Filter:
    # The filter form sends an empty kind for 全部; an unknown one is no filter either.
    chosen = next((k for k in ObligationKind if k.value == kind), None)
    return Filter(view if view in VIEWS else "open", within, department or None, chosen)


Filtered = Annotated[Filter, Depends(page_filter)]


def deadlines(
    request: Request, principal: Principal, shown: PageInstant, chosen: Filter,
    fmt: ExportFormat = ExportFormat.json,
) -> Any:
    """``GET /v1/deadlines`` as the principal, filtered as the page is."""
    soon = chosen.view == "soon"
    return call(
        api.read_deadlines,
        request,
        principal,
        raw=fmt is not ExportFormat.json,
        inst=shown.instant,
        status=None if soon else Status(chosen.view),
        kind=chosen.kind,
        department=chosen.department,
        due_within=chosen.within if soon else None,
        sort=api.DeadlineOrder.DUE_DATE,
        limit=MAX_LIMIT,
        cursor=None,
        fmt=fmt,
    )


@router.get("/deadlines", response_class=HTMLResponse)
def register(
    request: Request, principal: SignedIn, shown: Shown, chosen: Filtered
) -> HTMLResponse:
    report = deadlines(request, principal, shown, chosen)
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
            "view": chosen.view,
            "within": chosen.within,
            "department": chosen.department or "",
            "departments": departments(request, principal, shown),
            "kind": chosen.kind,
            "kinds": list(ObligationKind),
            "shown": shown,
            "more": report.get("next_cursor") is not None,
            "spreadsheets": SPREADSHEETS,
            "export_path": "/deadlines/export",
            "export_query": chosen.query(shown),
        },
        principal=principal,
    )


@router.get("/deadlines/export.{fmt}")
def export(
    request: Request, principal: SignedIn, shown: Shown, chosen: Filtered, fmt: str
) -> Response:
    """The register as the page filters it, every row, as the API's xlsx or CSV."""
    answer: Response = deadlines(request, principal, shown, chosen, spreadsheet(fmt))
    return answer
