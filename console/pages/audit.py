"""审计: a resource's history, a person's trail, anomalies — the API's forensic routes as
the signed-in principal, so each query is itself recorded, exactly as over ``/v1``."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from api.routes import forensics as api
from console.bridge import call, enforce
from console.instants import PageInstant, page_instant
from console.labels import event_label
from console.rendering import render
from console.session import signed_in
from domain.errors import RuleViolation
from domain.principals import Principal
from store.forensic_view import Page

router = APIRouter()
SignedIn = Annotated[Principal, Depends(signed_in)]
Shown = Annotated[PageInstant, Depends(page_instant)]
LIMIT = 500
QUERIES = {"history": "资源历史", "person": "人员轨迹", "anomalies": "异常"}


def run_query(
    request: Request, principal: Principal, shown: PageInstant, query: str, subject: str
) -> dict[str, Any] | None:
    """The forensic route's page of items, or None before anything was asked."""
    if not subject:
        return None
    inst = shown.instant
    page = Page(0, LIMIT, inst.at, inst.known_at)
    if query == "history":
        try:
            resource_id = UUID(subject.strip())
        except ValueError:
            raise RuleViolation("资源标识应为 UUID", field="subject") from None
        return call(api.resource_history, request, principal, resource_id=resource_id, page=page)
    if query == "person":
        return call(
            api.actor_trail, request, principal, person=subject.strip(), page=page,
            since=None, until=None,
        )
    try:
        kind = api.Anomaly(subject)  # type: ignore[call-arg]  # lookup by code
    except ValueError:
        raise RuleViolation("未知的异常类型", field="subject") from None
    return call(api.anomalies, request, principal, page=page, kind=kind)


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request, principal: SignedIn, shown: Shown, query: str = "history", subject: str = ""
) -> HTMLResponse:
    query = query if query in QUERIES else "history"
    # Asking is refused to those the forensic routes refuse, before anything else.
    enforce(api.resource_history, principal)
    result = run_query(request, principal, shown, query, subject)
    return render(
        request,
        "audit.html",
        {
            "queries": QUERIES,
            "query": query,
            "subject": subject,
            "result": result,
            "anomalies": list(api.Anomaly),
            "shown": shown,
            "event_label": event_label,
        },
        principal=principal,
    )


@router.get("/audit/export.csv")
def export_csv(
    request: Request, principal: SignedIn, shown: Shown, query: str = "history", subject: str = ""
) -> Response:
    """The same items as a spreadsheet opens them: UTF-8 with a BOM, one row per item."""
    result = run_query(request, principal, shown, query, subject) or {"items": []}
    items = [_flat(item) for item in result["items"]]
    columns = sorted({key for item in items for key in item})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(items)
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-{query}.csv"'},
    )


def _flat(item: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in item.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        elif isinstance(value, list):
            flat[prefix + key] = ";".join(map(str, value))
        else:
            flat[prefix + key] = value
    return flat
