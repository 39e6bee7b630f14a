"""部门工作台: a department's inbox, its catalog with the resource form, catalog submission
and data-use records — through the API's own routes, bodies and guards."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from api.auth import ledger_of, readable
from api.models import ResourceIn, SubmissionIn
from api.pagination import MAX_LIMIT
from api.routes import catalog as catalog_api
from api.routes import data_uses as data_use_api
from api.routes import legal_instruments as instrument_api
from api.routes import lists as list_api
from api.routes import obligations as obligation_api
from api.routes import persons as person_api
from api.routes import resources as resource_api
from api.runtime import recorder_of
from api.views import approved, catalog_entry, known_fields
from console.bridge import admits, call, enforce
from console.forms import FormRefused, attempt, entered, validated
from console.instants import PageInstant, page_instant
from console.labels import RESOURCE_FIELD_LABELS, RESOURCE_STATUS_LABELS
from console.rendering import render
from console.resources import resource_named
from console.session import check_csrf, signed_in
from domain.calendar import SHANGHAI
from domain.deadlines import ObligationKind
from domain.principals import Principal
from domain.resources import Resource
from domain.share_requests import ShareRequestStatus
from domain.vocabulary import (
    AcquisitionMethod,
    BasicDataKind,
    DataItemType,
    MediumType,
    OpenType,
    ResourceCategory,
    ResourceFormat,
    ResourceSource,
    ShareMethod,
    ShareType,
    UpdateCycle,
)
from projections.catalog import CatalogState
from projections.listings import SHARE_REQUESTS, VERIFICATION_REQUESTS, Kind
from replays.asof import Instant, replay_objects

router = APIRouter()
SignedIn = Annotated[Principal, Depends(signed_in)]
Shown = Annotated[PageInstant, Depends(page_instant)]
VOCABULARIES = {
    "category": ResourceCategory,
    "source": ResourceSource,
    "format": ResourceFormat,
    "item_type": DataItemType,
    "share_type": ShareType,
    "share_method": ShareMethod,
    "open_type": OpenType,
    "update_cycle": UpdateCycle,
    "basic_data_kind": BasicDataKind,
    "method": AcquisitionMethod,
    "medium": MediumType,
}
ITEM_ROWS = 3
# The kind of request awaiting each kind of reply the inbox lists (Art. 26, 29; Art. 31).
AWAITING: dict[str, Kind[Any]] = {
    ObligationKind.SHARE_REPLY.value: SHARE_REQUESTS,
    ObligationKind.VERIFICATION.value: VERIFICATION_REQUESTS,
}
# Up to this many catalog entries are offered as a list; beyond, the form takes a code or a
# name, offered as the official types (console/resources.py).
PICK_LIMIT = 300


def inbox(request: Request, principal: Principal, inst: Instant) -> list[dict[str, Any]]:
    """What the department must answer, soonest first (Art. 26, 29, 31): ``GET /v1/inbox``."""
    report = call(
        obligation_api.read_inbox,
        request,
        principal,
        inst=inst,
        department=None,
        limit=MAX_LIMIT,
        cursor=None,
    )
    items: list[dict[str, Any]] = report["items"]
    return items


def awaited(
    request: Request,
    principal: Principal,
    inst: Instant,
    state: CatalogState,
    items: list[dict[str, Any]],
) -> dict[str, dict[str, str]]:
    """What each inbox item is about, by its ``subject_id``: the resource asked for (its
    name, and its code beside it) and the department that asked, from the request
    awaiting the reply (Art. 26, 31) as ``GET /v1/share-requests/{id}`` or ``GET
    /v1/verification-requests/{id}`` reads it, under the same rule for who may read it.
    The inbox is what is still owed, so it is short whatever the ledger's size; its
    requests are folded from one read of their streams."""
    asked = [
        (item["subject_id"], AWAITING[item["kind"]])
        for item in {i["subject_id"]: i for i in items}.values()
        if item["kind"] in AWAITING
    ]
    ledger = ledger_of(request)
    recorder = recorder_of(ledger)
    upto = recorder.position_known_at(inst.known_at)
    folds = [kind.fold(UUID(subject)) for subject, kind in asked]
    replayed = replay_objects(recorder, ledger.mapper, folds, inst, upto)
    about: dict[str, dict[str, str]] = {}
    for (subject, kind), one in zip(asked, replayed, strict=True):
        awaiting = one.state
        if awaiting is None or not readable(principal, kind)(awaiting):
            continue
        resource = state.resources.get(awaiting.resource_id)
        fields = (
            known_fields(resource)
            if resource is not None and resource_api.may_see_resource(principal, resource)
            else None
        )
        code = getattr(awaiting, "resource_code", None) or (fields.code if fields else "")
        about[subject] = {
            "resource_name": fields.name if fields else "",
            "resource_code": code,
            "requester": awaiting.requester,
        }
    return about


def outbox(request: Request, principal: Principal, inst: Instant) -> list[dict[str, Any]]:
    """The requests the department made: ``GET /v1/share-requests?role=requester``."""
    report = call(
        list_api.list_share_requests,
        request,
        principal,
        inst=inst,
        department=principal.department,
        status=None,
        role=list_api.Side("requester"),
        limit=MAX_LIMIT,
        cursor=None,
    )
    items: list[dict[str, Any]] = report["items"]
    return items


def instruments(request: Request, principal: Principal, inst: Instant) -> list[dict[str, Any]]:
    """What a not-shared resource may cite (Art. 24(1)): the office's register of laws,
    regulations and central policies, ``GET /v1/legal-instruments``."""
    listed = call(
        instrument_api.list_legal_instruments,
        request,
        principal,
        inst=inst,
        limit=MAX_LIMIT,
        cursor=None,
    )
    items: list[dict[str, Any]] = listed["items"]
    return sorted(items, key=lambda i: (i["kind"], i["title"]))


def own_resources(principal: Principal, state: CatalogState) -> list[Resource]:
    """The department's entries, drafts included, as ``GET /v1/resources/{id}`` shows them."""
    return sorted(
        (
            r
            for r in state.resources.values()
            if r.department == principal.department and resource_api.may_see_resource(principal, r)
        ),
        key=lambda r: r.fields.code,
    )


def granted_requests(request: Request, principal: Principal, inst: Instant) -> list[dict[str, Any]]:
    """What a use may rely on (Art. 36): the department's own granted requests,
    ``GET /v1/share-requests?department=&role=requester&status=granted``."""
    report = call(
        list_api.list_share_requests,
        request,
        principal,
        inst=inst,
        department=principal.department,
        status="granted",
        role=list_api.Side("requester"),
        limit=MAX_LIMIT,
        cursor=None,
    )
    items: list[dict[str, Any]] = report["items"]
    return items


def people(request: Request, principal: Principal, inst: Instant) -> list[dict[str, Any]]:
    """Who may be named as user or approver (Art. 36): the department's own persons in the
    register, ``GET /v1/persons?department=``, chosen by id (two people may share a name)."""
    report = call(
        person_api.list_persons,
        request,
        principal,
        inst=inst,
        department=principal.department,
        name=None,
        limit=MAX_LIMIT,
        cursor=None,
    )
    items: list[dict[str, Any]] = report["items"]
    return sorted(items, key=lambda p: (p["title"] != "处长", p["name"]))


def page(
    request: Request,
    principal: Principal,
    shown: PageInstant,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    form: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    enforce(resource_api.catalog_resource, principal)
    inst = shown.instant
    # One replay of the catalog serves both lists: the department's own entries (drafts
    # too) and the unified catalog's, each as the API's resource routes choose them.
    state, _ = resource_api.catalog_at(request, inst)
    in_catalog = state.in_catalog()
    # The catalog is offered as a list only when it is short enough to pick from.
    catalog = [catalog_entry(r) for r in in_catalog] if len(in_catalog) <= PICK_LIMIT else []
    sent = outbox(request, principal, inst)
    owed = inbox(request, principal, inst)
    return render(
        request,
        "workbench.html",
        {
            "inbox": owed,
            "awaited": awaited(request, principal, inst, state, owed),
            "outbox": sent,
            "resources": own_resources(principal, state),
            "catalog": catalog,
            "catalog_size": len(in_catalog),
            # Beyond the pick list, the catalog's codes are offered as the official types.
            "catalog_fields": [approved(r) for r in in_catalog] if not catalog else [],
            "instruments": instruments(request, principal, inst),
            "pick_limit": PICK_LIMIT,
            "people": people(request, principal, inst),
            # What a use may rely on (Art. 36) is among what the department asked for.
            "granted": [r for r in sent if r["status"] == ShareRequestStatus.GRANTED.value],
            "resource_names": {str(r.id): approved(r).name for r in in_catalog},
            "vocab": VOCABULARIES,
            "labels": RESOURCE_FIELD_LABELS,
            "statuses": RESOURCE_STATUS_LABELS,
            "item_rows": range(ITEM_ROWS),
            "errors": errors or {},
            "values": values or {},
            "form": form,
            "may_submit": admits(catalog_api.submit_catalog, principal),
            "may_use": admits(data_use_api.record_data_use, principal),
            "notice": request.query_params.get("done"),
            "shown": shown,
        },
        status_code=status_code,
        principal=principal,
    )


@router.get("/workbench", response_class=HTMLResponse)
def workbench(request: Request, principal: SignedIn, shown: Shown) -> HTMLResponse:
    return page(request, principal, shown)


def _text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    text = value.strip() if isinstance(value, str) else ""
    return text or None


def resource_body(form: FormData, department: str) -> dict[str, Any]:
    """The form as ``POST /v1/resources`` takes it (API.md's exact field names)."""
    items = [
        {"name": _text(form, f"item_name_{i}"), "type": _text(form, f"item_type_{i}")}
        for i in range(ITEM_ROWS)
        if _text(form, f"item_name_{i}")
    ]
    share_type = _text(form, "share_type")
    uses = [u.strip() for u in (_text(form, "uses") or "").replace("，", ",").split(",")]
    body: dict[str, Any] = {
        name: _text(form, name)
        for name in (
            "code",
            "name",
            "category",
            "source",
            "summary",
            "format",
            "share_type",
            "share_method",
            "open_type",
            "update_cycle",
            "usage_requirements",
            "basic_data_kind",
            "publication_date",
        )
    }
    body.update(
        department=department,
        data_items=items,
        classified=form.get("classified") == "on",
        share_conditions=None,
        legal_basis=None,
    )
    if share_type == ShareType.CONDITIONAL.value:
        body["share_conditions"] = {
            "scope": _text(form, "scope") or "",
            "content": _text(form, "content") or "",
            "uses": [u for u in uses if u],
        }
    # Art. 24(1): an instrument of the office's register, by id, and its article; the
    # ledger fills in its kind and title from the register.
    if share_type == ShareType.NOT_SHARED.value and (
        _text(form, "legal_instrument_id") or _text(form, "legal_article")
    ):
        body["legal_basis"] = {
            "instrument_id": _text(form, "legal_instrument_id"),
            "article": _text(form, "legal_article"),
        }
    return {key: value for key, value in body.items() if value is not None}


@router.post("/workbench/resources", response_class=HTMLResponse)
async def add_resource(request: Request, principal: SignedIn, shown: Shown) -> Response:
    form = await request.form()
    check_csrf(request, _text(form, "csrf_token"))
    try:
        body = validated(ResourceIn, resource_body(form, principal.department))
        attempt(lambda: call(resource_api.catalog_resource, request, principal, body=body))
    except FormRefused as refused:
        values = entered(form)
        return page(
            request,
            principal,
            shown,
            errors=refused.errors,
            values=values,
            form="resource",
            status_code=422,
        )
    return RedirectResponse("/workbench?done=resource#catalog", status_code=303)


@router.post("/workbench/submission", response_class=HTMLResponse)
async def submit(request: Request, principal: SignedIn, shown: Shown) -> Response:
    form = await request.form()
    check_csrf(request, _text(form, "csrf_token"))
    try:
        body = validated(SubmissionIn, {"resource_ids": form.getlist("resource_ids")})
        attempt(lambda: call(catalog_api.submit_catalog, request, principal, body=body))
    except FormRefused as refused:
        return page(
            request, principal, shown, errors=refused.errors, form="submission", status_code=422
        )
    return RedirectResponse("/workbench?done=submission#catalog", status_code=303)


def cataloged(request: Request, shown: PageInstant) -> list[Resource]:
    """The unified catalog at the page's instant (Art. 11): what a use may be of."""
    state, _ = resource_api.catalog_at(request, shown.instant)
    return state.in_catalog()


@router.post("/workbench/data-uses", response_class=HTMLResponse)
async def record_use(request: Request, principal: SignedIn, shown: Shown) -> Response:
    form = await request.form()
    check_csrf(request, _text(form, "csrf_token"))
    obtained = _text(form, "obtained_at")
    data: dict[str, Any] = {
        name: _text(form, name)
        for name in (
            "share_request_id",
            "resource_id",
            "purpose",
            "user_person_id",
            "approver_person_id",
            "data_content",
            "method",
            "medium",
        )
    }
    typed = data["resource_id"]
    if data["share_request_id"] and not typed:
        # The request names its resource: a use under it need not pick the resource again.
        granted = granted_requests(request, principal, shown.instant)
        chosen = next((r for r in granted if r["id"] == data["share_request_id"]), None)
        data["resource_id"] = chosen["resource_id"] if chosen else None
    if obtained:
        try:
            data["obtained_at"] = datetime.fromisoformat(obtained).replace(tzinfo=SHANGHAI)
        except ValueError:
            data["obtained_at"] = obtained
    data = {key: value for key, value in data.items() if value is not None}
    try:
        if typed:
            # Picked by its code (or name) from the unified catalog, as the form offers it.
            catalog = cataloged(request, shown)
            resource_id, _ = attempt(lambda: resource_named(typed, catalog, "resource_id"))
            data["resource_id"] = str(resource_id)
        body = validated(data_use_api.DataUseIn, data)
        attempt(lambda: call(data_use_api.record_data_use, request, principal, body=body))
    except FormRefused as refused:
        values = entered(form)
        return page(
            request,
            principal,
            shown,
            errors=refused.errors,
            values=values,
            form="use",
            status_code=422,
        )
    return RedirectResponse("/workbench?done=use#uses", status_code=303)
