"""审计: a resource's history, a person's trail, anomalies — the API's forensic routes as
the signed-in principal, so each query is itself recorded, exactly as over ``/v1``.

Each query the page shows downloads as the API's own xlsx or CSV of that query
(``/audit/export.xlsx``), recorded on the ledger like the query itself.

A resource is typed by its code or its name, picked from the resources the principal may
see at the page's instant (the catalog as the API's resource routes fold it, drafts and
retired entries too); its id still finds it. A name two resources bear is refused at the
field: the official picks one by its code.

A person is picked from the person register (``GET /v1/persons``), by id: two officials of
one name are two entries, each with a trail of their own. A name typed instead finds the
records made before persons had ids."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from api.exports import ExportFormat
from api.pagination import MAX_LIMIT
from api.routes import forensics as api
from api.routes import persons as person_routes
from api.views import known_fields
from console.bridge import call, enforce
from console.exports import SPREADSHEETS, spreadsheet
from console.instants import PageInstant, page_instant
from console.labels import RESOURCE_STATUS_LABELS, event_label
from console.rendering import render
from console.resources import resource_named, visible_resources
from console.session import signed_in
from domain.errors import RuleViolation
from domain.principals import Principal
from domain.resources import Resource
from store.forensic_view import Page

router = APIRouter()
SignedIn = Annotated[Principal, Depends(signed_in)]
Shown = Annotated[PageInstant, Depends(page_instant)]
LIMIT = 500
QUERIES = {"history": "资源历史", "person": "人员轨迹", "anomalies": "异常"}


def asked(query: str, subject: str, name: str) -> tuple[str, str]:
    """The query and its subject as the URL names them; for a person, a name typed in
    (the records made before persons had ids) stands for the one picked."""
    query = query if query in QUERIES else "history"
    if query == "person" and name.strip():
        subject = name.strip()
    return query, subject


def run_query(
    request: Request,
    principal: Principal,
    shown: PageInstant,
    query: str,
    subject: str,
    fmt: ExportFormat = ExportFormat.json,
) -> Any:
    """The forensic route's page of items (``fmt``: its whole answer as that sheet), or None
    before anything was asked. The route records the query, whichever the format. A
    resource's history is asked by the id ``resolved`` found."""
    if not subject:
        return None
    inst = shown.instant
    # The screen and its downloads show the record as known at the page's instant, all of
    # it: the forensic tables are waited for if they lag behind the ledger.
    api.wait_for_record(request, inst.known_at)
    page = Page(0, LIMIT, inst.at, inst.known_at)
    raw = fmt is not ExportFormat.json
    if query == "history":
        return call(
            api.resource_history, request, principal, raw=raw, resource_id=UUID(subject),
            page=page, fmt=fmt,
        )
    if query == "person":
        return call(
            api.actor_trail, request, principal, raw=raw, person=subject.strip(), page=page,
            since=None, until=None, fmt=fmt,
        )
    try:
        kind = api.Anomaly(subject)  # type: ignore[call-arg]  # lookup by code
    except ValueError:
        raise RuleViolation(
            f"no anomaly is called {subject!r}", field="subject", zh="未知的异常类型"
        ) from None
    return call(api.anomalies, request, principal, raw=raw, page=page, kind=kind, fmt=fmt)


def registered_persons(
    request: Request, principal: Principal, shown: PageInstant
) -> list[dict[str, Any]]:
    """The person register at the page's instant, by department and name, to pick from."""
    listed = call(
        person_routes.list_persons,
        request,
        principal,
        inst=shown.instant,
        department=None,
        name=None,
        limit=MAX_LIMIT,
        cursor=None,
    )
    persons: list[dict[str, Any]] = listed["items"]
    return sorted(persons, key=lambda p: (p["department"], p["name"], p["id"]))


def resolved(query: str, subject: str, resources: list[Resource]) -> tuple[str, Resource | None]:
    """The subject as the forensic route asks it, and the resource it names (by id, code or
    a name one resource alone bears: ``resource_named``)."""
    typed = subject.strip()
    if query != "history" or not typed:
        return subject, None
    resource_id, named = resource_named(typed, resources, "subject")
    return str(resource_id), named


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request,
    principal: SignedIn,
    shown: Shown,
    query: str = "history",
    subject: str = "",
    name: str = "",
) -> HTMLResponse:
    # Asking is refused to those the forensic routes refuse, before anything else.
    enforce(api.resource_history, principal)
    query, subject = asked(query, subject, name)
    listed = query == "history"
    resources = visible_resources(request, principal, shown.instant) if listed else []
    result, chosen, errors = None, None, {}
    try:
        asking, chosen = resolved(query, subject, resources)
        result = run_query(request, principal, shown, query, asking)
    except RuleViolation as refused:
        if refused.field != "subject":
            raise
        errors = {"subject": refused.detail_zh}  # the page's own refusals, in Chinese
    if chosen is not None:  # the form and the downloads name it by its code
        subject = known_fields(chosen).code
    persons = registered_persons(request, principal, shown) if query == "person" else []
    return render(
        request,
        "audit.html",
        {
            "queries": QUERIES,
            "query": query,
            "subject": subject,
            "resources": resources,
            "chosen": chosen,
            "known": known_fields,
            "statuses": RESOURCE_STATUS_LABELS,
            "persons": persons,
            "result": result,
            "errors": errors,
            "anomalies": list(api.Anomaly),
            "shown": shown,
            "event_label": event_label,
            "spreadsheets": SPREADSHEETS,
            "export_path": "/audit/export",
            # The very query and instant shown (a page at "now" names the instant it was).
            "export_query": shown.query(query=query, subject=subject),
        },
        status_code=422 if errors else 200,
        principal=principal,
    )


@router.get("/audit/export.{fmt}")
def export(
    request: Request,
    principal: SignedIn,
    shown: Shown,
    fmt: str,
    query: str = "history",
    subject: str = "",
    name: str = "",
) -> Response:
    """The query the page shows, every item of it, as the API's xlsx or CSV; the forensic
    route records the query as it does for any reader."""
    enforce(api.resource_history, principal)
    chosen = spreadsheet(fmt)
    query, subject = asked(query, subject, name)
    if not subject:
        raise RuleViolation(
            "choose what to ask before downloading", field="subject", zh="请先选择查询对象，再导出"
        )
    listed = query == "history"
    resources = visible_resources(request, principal, shown.instant) if listed else []
    asking, _ = resolved(query, subject, resources)
    answer: Response = run_query(request, principal, shown, query, asking, chosen)
    return answer
