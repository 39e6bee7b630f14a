"""账本: the tree head, the signed checkpoints (each note downloadable), verification on
demand, and the export — each the API's own ``/v1/ledger`` route as the signed-in principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from api.routes import forensics
from api.routes import ledger as api
from console.bridge import admits, call
from console.rendering import render
from console.session import CSRF_FIELD, check_csrf, signed_in
from domain.errors import NotFound
from domain.principals import Principal

router = APIRouter()
SignedIn = Annotated[Principal, Depends(signed_in)]


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, principal: SignedIn, verify: bool = False) -> HTMLResponse:
    head = call(api.head, request, principal)
    checkpoints = call(api.checkpoints, request, principal, limit=1000, cursor=None)
    verification = call(api.verify, request, principal) if verify else None
    return render(
        request,
        "ledger.html",
        {
            "head": head,
            "checkpoints": list(reversed(checkpoints["items"])),
            "verification": verification,
            "may_sign": admits(api.create_checkpoint, principal),
            "may_export": admits(forensics.event_feed, principal),
        },
        principal=principal,
    )


@router.post("/ledger/checkpoints")
def sign(
    request: Request, principal: SignedIn, csrf_token: Annotated[str, Form(alias=CSRF_FIELD)]
) -> Response:
    check_csrf(request, csrf_token)
    call(api.create_checkpoint, request, principal)
    return RedirectResponse("/ledger", status_code=303)


@router.get("/ledger/checkpoints/{size}.note", response_class=PlainTextResponse)
def download_note(request: Request, principal: SignedIn, size: int) -> PlainTextResponse:
    """The signed note as a file an auditor keeps outside the ledger."""
    checkpoints = call(api.checkpoints, request, principal, limit=1000, cursor=None)
    for checkpoint in checkpoints["items"]:
        if checkpoint["tree_size"] == size:
            return PlainTextResponse(
                checkpoint["note"],
                headers={"Content-Disposition": f'attachment; filename="checkpoint-{size}.note"'},
            )
    raise NotFound(f"no checkpoint of size {size}")


@router.get("/ledger/export.ndjson")
def export(request: Request, principal: SignedIn) -> Response:
    """Every event in order (the auditor's ``GET /v1/events``), as a download."""
    response: Response = call(
        forensics.event_feed, request, principal, raw=True, after=0, limit=None
    )
    response.headers["Content-Disposition"] = 'attachment; filename="ledger-events.ndjson"'
    return response
