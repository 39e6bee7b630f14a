"""Catalog entries (Art. 10, 23-24) and the unified catalog (Art. 11)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from api.auth import Authenticated, ledger_of, may_see, require
from api.exports import Export, ExportFormat, catalog_sheet, filename, render
from api.models import ReasonIn, ResourceAmendmentIn, ResourceIn
from api.names import rows_with_names
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, page, resolve
from api.responses import CatalogOut, ResourceOut
from api.routes.common import (
    COMMAND,
    AtInstant,
    IfMatch,
    report_fields,
    run_verb,
    visible_object,
)
from api.runtime import recorder_of
from api.views import approved, catalog_entry, resource_view
from domain.ledger import Ledger
from domain.principals import Principal
from domain.resources import Resource
from domain.vocabulary import Role, ShareType
from projections.catalog import CatalogState, OneResource
from replays.asof import Instant
from replays.reports import catalog_state

router = APIRouter(prefix="/v1", tags=["catalog"])
Department = Annotated[Principal, Depends(require(Role.DEPARTMENT))]


def catalog_at(request: Request, inst: Instant) -> tuple[CatalogState, int]:
    ledger = ledger_of(request)
    return catalog_state(recorder_of(ledger), ledger.mapper, inst)


def may_see_resource(principal: Principal, resource: Resource) -> bool:
    """Approved entries are shared with all; a draft only with its department and overseers."""
    return resource.approved_fields is not None or may_see(principal, resource.department)


@router.post("/resources", **COMMAND)
def catalog_resource(body: ResourceIn, request: Request, principal: Department) -> JSONResponse:
    return run_verb(request, principal, body, Ledger.catalog_resource, body.fields())


@router.post("/resources/{resource_id}/amendments", **COMMAND)
def amend_resource(
    resource_id: UUID,
    body: ResourceAmendmentIn,
    request: Request,
    principal: Department,
    version: IfMatch,
) -> JSONResponse:
    return run_verb(
        request, principal, body, Ledger.amend_resource, resource_id, body.payload(), version
    )


@router.post("/resources/{resource_id}/retirement", **COMMAND)
def retire_resource(
    resource_id: UUID, body: ReasonIn, request: Request, principal: Department, version: IfMatch
) -> JSONResponse:
    return run_verb(
        request, principal, body, Ledger.retire_resource, resource_id, body.reason, version
    )


@router.get("/resources/{resource_id}", response_model=ResourceOut)
def read_resource(
    resource_id: UUID, request: Request, principal: Authenticated, inst: AtInstant
) -> dict[str, Any]:
    resource, position = visible_object(
        request,
        inst,
        OneResource(resource_id),
        "resource",
        lambda found: may_see_resource(principal, found),
    )
    return {**report_fields(inst, position), **resource_view(resource)}


@router.get("/catalog", response_model=CatalogOut)
def read_catalog(
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    department: str | None = None,
    share_type: ShareType | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: str | None = None,
    fmt: Export = ExportFormat.json,
) -> Any:
    """The unified catalog: approved resources only, as approved (Art. 11); as CSV or xlsx,
    every entry at once."""
    inst, after = resolve(inst, cursor)
    state, position = catalog_at(request, inst)
    entries = [
        r
        for r in state.in_catalog()
        if (department is None or r.department == department)
        and (share_type is None or approved(r).share_type is share_type)
    ]
    if fmt is not ExportFormat.json:
        rows = rows_with_names([catalog_entry(r) for r in entries], ledger_of(request))
        rows.sort(key=lambda row: str(row["code"]))
        body = {**report_fields(inst, position), "items": rows}
        return render(catalog_sheet(body), fmt, filename("catalog", body))
    chunk, next_cursor = page(entries, lambda r: approved(r).code, after, limit, inst)
    return {
        **report_fields(inst, position),
        "items": rows_with_names([catalog_entry(r) for r in chunk], ledger_of(request)),
        "next_cursor": next_cursor,
    }
