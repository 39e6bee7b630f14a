"""监督总览: the department × V01–V11 grid at an instant, its trend, a ranking, and each
cell's evidence. Every figure is the API's ``GET /v1/supervision/violations``, called as
the signed-in principal, so a department sees its own row exactly as over the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import ledger_of
from api.exports import ExportFormat
from api.pagination import MAX_LIMIT
from api.routes import deadlines as deadlines_api
from api.routes import evidence as evidence_api
from api.routes import supervision as api
from api.runtime import recorder_of, utc_now
from console.bridge import call
from console.chart import trend_svg
from console.evidence import events_of, latest_checkpoint
from console.exports import SPREADSHEETS, spreadsheet
from console.instants import PageInstant, page_instant
from console.labels import event_label, rule_label
from console.rendering import render
from console.session import signed_in
from domain.calendar import SHANGHAI
from domain.deadlines import Status
from domain.findings import SHORT_LABELS, Category
from domain.principals import Principal
from domain.vocabulary import Role
from replays.asof import Instant

router = APIRouter()
SignedIn = Annotated[Principal, Depends(signed_in)]
Shown = Annotated[PageInstant, Depends(page_instant)]


def violations(request: Request, principal: Principal, inst: Instant) -> dict[str, Any]:
    report: dict[str, Any] = call(
        api.read_violations,
        request,
        principal,
        inst=inst,
        department=None,
        fmt=ExportFormat.json,
    )
    return report


@router.get("/supervision/export.{fmt}")
def export(request: Request, principal: SignedIn, shown: Shown, fmt: str) -> Response:
    """The grid at the page's instant as the API's xlsx or CSV (the same rows it shows)."""
    answer: Response = call(
        api.read_violations,
        request,
        principal,
        raw=True,
        inst=shown.instant,
        department=None,
        fmt=spreadsheet(fmt),
    )
    return answer


def breached_obligations(
    request: Request, principal: Principal, inst: Instant, department: str | None
) -> dict[str, dict[str, Any]]:
    """The department's breached obligations by id, from the API's deadline register."""
    report = call(
        deadlines_api.read_deadlines,
        request,
        principal,
        inst=inst,
        status=Status.BREACHED,
        kind=None,
        department=department,
        limit=MAX_LIMIT,
        cursor=None,
    )
    return {row["obligation_id"]: row for row in report["items"]}


def ledger_span(request: Request) -> tuple[datetime, datetime]:
    """From the first fact on the record to now: what the time bar's slider covers."""
    now = utc_now()
    first = request.app.state.forensic_view.earliest_occurred_at()
    return (first or now), now


@router.get("/supervision", response_class=HTMLResponse)
def overview(request: Request, principal: SignedIn, shown: Shown) -> HTMLResponse:
    report = violations(request, principal, shown.instant)
    rows = [_row(entry) for entry in report["departments"]]
    ranking = sorted(
        (row for row in rows if row["total_detected"] + row["total_found"]),
        key=lambda row: (-(row["total_detected"] + row["total_found"]), row["department"]),
    )
    start, end = ledger_span(request)
    return render(
        request,
        "supervision.html",
        {
            "report": report,
            "rows": rows,
            "ranking": ranking,
            "categories": [(c, SHORT_LABELS[c]) for c in Category],
            "shown": shown,
            "span_start": start,
            "span_end": end,
            "spreadsheets": SPREADSHEETS,
            "export_path": "/supervision/export",
            "export_query": shown.query(),
        },
        principal=principal,
    )


def _row(entry: dict[str, Any]) -> dict[str, Any]:
    counts = entry["counts"]
    return {
        "department": entry["department"],
        "cells": [(c.value, counts[c.value]) for c in Category],
        "total_detected": sum(cell["detected"] for cell in counts.values()),
        "total_found": sum(cell["found"] for cell in counts.values()),
    }


def trends(request: Request, principal: Principal, shown: PageInstant) -> list[dict[str, Any]]:
    """Per category, detected and found at each of the 12 month ends up to the instant: one
    request to ``GET /v1/supervision/trend``."""
    known = api.KnownAs.THEN if shown.known_then else api.KnownAs.NOW
    instant = Instant(at=shown.at, known_at=utc_now())
    trend: dict[str, Any] = call(
        api.read_trend, request, principal, inst=instant, months=12, known=known
    )
    series: dict[str, dict[str, list[int]]] = {
        c.value: {"detected": [], "found": []} for c in Category
    }
    labels = []
    for month in trend["months"]:
        labels.append(datetime.fromisoformat(month["at"]).astimezone(SHANGHAI).strftime("%Y-%m"))
        for category in month["categories"]:
            series[category["code"]]["detected"].append(category["detected"])
            series[category["code"]]["found"].append(category["found"])
    return [
        {
            "code": c.value,
            "label": c.label,
            "short": SHORT_LABELS[c],
            "svg": trend_svg(series[c.value]["detected"], series[c.value]["found"], labels),
        }
        for c in Category
    ]


@router.get("/supervision/trend", response_class=HTMLResponse)
def trend(request: Request, principal: SignedIn, shown: Shown) -> HTMLResponse:
    """The 12-month trend: twelve reports, so the overview fetches it after it has shown the
    grid (and links to it where no script runs)."""
    return render(
        request,
        "_trend.html" if request.query_params.get("fragment") else "trend.html",
        {"trends": trends(request, principal, shown), "shown": shown},
        principal=principal,
    )


@router.get("/supervision/evidence", response_class=HTMLResponse)
def evidence(
    request: Request, principal: SignedIn, shown: Shown, department: str, category: Category
) -> HTMLResponse:
    """One cell: the objects counted, and every event of each with its proof."""
    page = call(
        evidence_api.read_evidence,
        request,
        principal,
        department=department,
        category=category,
        inst=shown.instant,
        limit=MAX_LIMIT,
        cursor=None,
    )
    cell = {
        "detected": sum(1 for item in page["items"] if item["source"] == "detected"),
        "found": sum(
            1
            for item in page["items"]
            if item["source"] == "found" and item["status"] != "withdrawn"
        ),
    }
    ledger = ledger_of(request)
    recorder = recorder_of(ledger)
    checkpoint = latest_checkpoint(recorder)
    breached = breached_obligations(request, principal, shown.instant, department)
    objects = []
    for item in page["items"]:
        # A breach is counted by its obligation; what stands behind it is the subject's
        # own events (the request unanswered, the verification unanswered...).
        obligation = breached.get(item["subject_id"])
        subject = obligation["subject_id"] if obligation else item["subject_id"]
        objects.append(
            {
                "kind": "检出" if item["source"] == "detected" else "认定",
                "id": subject,
                "rule": rule_label(item["rule"] or item["status"] or ""),
                "since": item.get("since"),
                "obligation": obligation,
                "events": events_of(recorder, ledger.mapper, subject, checkpoint),
            }
        )
    return render(
        request,
        "evidence.html",
        {
            "department": department,
            "category": category,
            "cell": cell,
            "objects": objects,
            "checkpoint": checkpoint,
            "shown": shown,
            "event_label": event_label,
            "role_label": Role.labels(),
        },
        principal=principal,
    )
