"""监督总览: the department × V01–V11 grid at an instant, its trend, a ranking, and each
cell's evidence. Every figure is the API's ``GET /v1/supervision/violations``, called as
the signed-in principal, so a department sees its own row exactly as over the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api.auth import ledger_of
from api.routes import supervision as api
from api.runtime import recorder_of, utc_now
from console.bridge import call
from console.chart import trend_svg
from console.evidence import events_of, latest_checkpoint
from console.instants import PageInstant, month_ends, page_instant
from console.labels import event_label
from console.rendering import render
from console.session import signed_in
from domain.errors import NotFound
from domain.findings import SHORT_LABELS, Category
from domain.principals import Principal
from replays.asof import Instant

router = APIRouter()
SignedIn = Annotated[Principal, Depends(signed_in)]
Shown = Annotated[PageInstant, Depends(page_instant)]


def violations(request: Request, principal: Principal, inst: Instant) -> dict[str, Any]:
    report: dict[str, Any] = call(
        api.read_violations, request, principal, inst=inst, department=None
    )
    return report


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
            "trends": trends(request, principal, shown),
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
    """Per category, detected and found at each of the 12 month ends up to the instant."""
    ends = month_ends(shown.at)
    series: dict[str, dict[str, list[int]]] = {
        c.value: {"detected": [], "found": []} for c in Category
    }
    now = utc_now()
    for end in ends:
        inst = Instant(at=end, known_at=end if shown.known_then else now)
        for category in violations(request, principal, inst)["categories"]:
            series[category["code"]]["detected"].append(category["detected"])
            series[category["code"]]["found"].append(category["found"])
    labels = [end.strftime("%Y-%m") for end in ends]
    return [
        {
            "code": c.value,
            "label": c.label,
            "short": SHORT_LABELS[c],
            "svg": trend_svg(series[c.value]["detected"], series[c.value]["found"], labels),
        }
        for c in Category
    ]


@router.get("/supervision/evidence", response_class=HTMLResponse)
def evidence(
    request: Request, principal: SignedIn, shown: Shown, department: str, category: Category
) -> HTMLResponse:
    """One cell: the objects counted, and every event of each with its proof."""
    report = violations(request, principal, shown.instant)
    entry = next((d for d in report["departments"] if d["department"] == department), None)
    if entry is None:
        raise NotFound(f"no department {department} in the report at this instant")
    cell = entry["counts"][category.value]
    ledger = ledger_of(request)
    recorder = recorder_of(ledger)
    checkpoint = latest_checkpoint(recorder)
    objects = [
        {
            "kind": "检出",
            "id": item["id"],
            "rule": item["rule"],
            "since": item["since"],
            "events": events_of(recorder, ledger.mapper, item["id"], checkpoint),
        }
        for item in cell["detected_items"]
    ] + [
        {
            "kind": "认定",
            "id": item["id"],
            "rule": item["status"],
            "since": None,
            "events": events_of(recorder, ledger.mapper, item["id"], checkpoint),
        }
        for item in cell["found_items"]
    ]
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
        },
        principal=principal,
    )
