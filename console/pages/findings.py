"""发现与整改: the leading group records a finding with evidence picked from what the ledger
detected, orders rectification, criticises after the due date, withdraws; a department
reports its rectification. Which findings one sees is the supervision report's rule (a
department its own); every action is the API's own route behind its own guard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from api.auth import ledger_of, may_see
from api.routes import findings as findings_api
from api.routes import notices as notices_api
from api.routes import supervision as api
from api.runtime import recorder_of
from console.bridge import admits, call
from console.forms import FormRefused, attempt, entered, validated
from console.instants import PageInstant, page_instant
from console.labels import STANDING_LABELS, rule_label
from console.pages.supervision import breached_obligations
from console.rendering import render
from console.session import check_csrf, signed_in
from domain.findings import SHORT_LABELS, Category, Finding, FindingStatus, ReviewDecision
from domain.principals import Principal
from replays.reports import supervision_report

router = APIRouter()
SignedIn = Annotated[Principal, Depends(signed_in)]
Shown = Annotated[PageInstant, Depends(page_instant)]

# action → (route, its body model, the form fields the body takes)
ACTIONS: dict[str, tuple[Callable[..., Any], type[BaseModel], tuple[str, ...]]] = {
    "rectification-order": (api.order_rectification, api.RectificationOrderIn, ("due_date",)),
    "rectification": (api.rectify, api.RectificationIn, ("evidence",)),
    "criticism": (api.circulate_criticism, api.NoteIn, ("note",)),
    "withdrawal": (api.withdraw_finding, api.WithdrawalIn, ("reason",)),
    "rectification-review": (
        findings_api.review_rectification, findings_api.ReviewIn, ("decision", "reason"),
    ),
}
# Which actions a finding's standing invites; the ledger still decides each (Art. 39).
OFFERED = {
    "recorded": ("rectification-order", "withdrawal"),
    "rectification_ordered": ("rectification", "withdrawal"),
    "overdue": ("rectification", "criticism", "withdrawal"),
    "criticised": ("rectification", "withdrawal"),
}
ACTION_ZH = {
    "rectification-order": "通知整改",
    "rectification": "报告整改",
    "rectification-review": "审核整改",
    "criticism": "通报批评",
    "withdrawal": "撤销",
}


def offered(standing: str, finding: Finding) -> list[str]:
    """The actions a finding invites: by where it stands at the page's instant, and the
    review while a rectification report awaits the leading group (Art. 39)."""
    actions = list(OFFERED.get(standing, ()))
    if finding.status is FindingStatus.RECTIFICATION_REPORTED and standing != "withdrawn":
        actions.insert(0, "rectification-review")
    return actions


def standing_zh(standing: str, finding: Finding) -> str:
    if finding.status is FindingStatus.RECTIFICATION_REPORTED and standing in OFFERED:
        return FindingStatus.RECTIFICATION_REPORTED.label
    return STANDING_LABELS.get(standing, standing)


def cells_seen(
    request: Request, principal: Principal, shown: PageInstant
) -> list[tuple[str, Category, list[dict[str, Any]]]]:
    """What every cell the principal may see counts: the supervision report's own evidence
    rows (the page behind each cell), the departments chosen by the API's ``may_see``."""
    ledger = ledger_of(request)
    report = supervision_report(
        recorder_of(ledger), ledger.mapper, shown.instant, publications=ledger.publications()
    )
    return [
        (code, category, report.evidence(code, category))
        for code in report.departments
        if may_see(principal, code)
        for category in Category
    ]


def findings_seen(
    request: Request, cells: list[tuple[str, Category, list[dict[str, Any]]]]
) -> list[dict[str, Any]]:
    ledger = ledger_of(request)
    found = []
    for code, category, rows in cells:
        for row in rows:
            if row["source"] != "found":
                continue
            finding = ledger.get(UUID(row["subject_id"]), Finding)
            found.append(
                {
                    "id": row["subject_id"],
                    "department": code,
                    "category": category,
                    "short": SHORT_LABELS[category],
                    "status": row["status"],
                    "status_zh": standing_zh(row["status"], finding),
                    "actions": offered(row["status"], finding),
                    "finding": finding,
                }
            )
    return found


def page(
    request: Request,
    principal: Principal,
    shown: PageInstant,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    cells = cells_seen(request, principal, shown)
    found = findings_seen(request, cells)
    # Evidence is what is on the record: a breach's obligation stands for its subject.
    breached = breached_obligations(request, principal, shown.instant, None)
    detected = [
        {
            "department": code,
            "category": category.value,
            "rule": rule_label(row["rule"]),
            "id": breached[sid]["subject_id"] if (sid := row["subject_id"]) in breached else sid,
        }
        for code, category, rows in cells
        for row in rows
        if row["source"] == "detected"
    ]
    return render(
        request,
        "findings.html",
        {
            "found": found,
            "detected": detected,
            "departments": sorted({code for code, _, _ in cells}),
            "categories": [(c, SHORT_LABELS[c]) for c in Category],
            "may_record": admits(api.record_finding, principal),
            "may": {name: admits(route, principal) for name, (route, _, _) in ACTIONS.items()},
            "action_zh": ACTION_ZH,
            "decisions": list(ReviewDecision),
            "errors": errors or {},
            "values": values or {},
            "shown": shown,
        },
        status_code=status_code,
        principal=principal,
    )


@router.get("/findings", response_class=HTMLResponse)
def findings(request: Request, principal: SignedIn, shown: Shown) -> HTMLResponse:
    return page(request, principal, shown)


@router.post("/findings", response_class=HTMLResponse)
async def record(request: Request, principal: SignedIn, shown: Shown) -> Response:
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token") or ""))
    data = {
        "department": form.get("department") or None,
        "category": form.get("category") or None,
        "evidence": [e for e in form.getlist("evidence") if isinstance(e, str) and e]
        + _lines(str(form.get("evidence_more") or "")),
        "description": form.get("description") or None,
    }
    if form.get("occurred_at"):
        data["occurred_at"] = f"{form.get('occurred_at')}T12:00:00+08:00"
    try:
        body = validated(api.FindingIn, {k: v for k, v in data.items() if v is not None})
        attempt(lambda: call(api.record_finding, request, principal, body=body))
    except FormRefused as refused:
        return page(request, principal, shown, errors=refused.errors, values=entered(form),
                    status_code=422)
    return RedirectResponse("/findings?done=1", status_code=303)


@router.get("/findings/{finding_id}/notice.{fmt}")
def notice(request: Request, principal: SignedIn, finding_id: UUID, fmt: str) -> Response:
    """The 通报 of a criticism (Art. 39) as the API renders it, .docx or .pdf, to download."""
    chosen = notices_api.NoticeFormat(fmt) if fmt in ("docx", "pdf") else None
    response: Response = call(
        notices_api.read_notice, request, principal, raw=True, finding_id=finding_id,
        format=chosen or notices_api.NoticeFormat.docx,
    )
    return response


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


@router.post("/findings/{finding_id}/{action}", response_class=HTMLResponse)
async def act(
    request: Request, principal: SignedIn, shown: Shown, finding_id: UUID, action: str
) -> Response:
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token") or ""))
    if action not in ACTIONS:
        return RedirectResponse("/findings", status_code=303)
    route, model, fields = ACTIONS[action]
    data: dict[str, Any] = {}
    for name in fields:
        value = str(form.get(name) or "").strip()
        if value:
            data[name] = _lines(value) if name == "evidence" else value
    try:
        body = validated(model, data)
        attempt(
            lambda: call(
                route, request, principal, body=body, finding_id=finding_id, version=None
            )
        )
    except FormRefused as refused:
        # Keyed by the action too: two forms of one finding may both ask for a reason.
        errors = {
            f"{finding_id}.{action}.{key}": value for key, value in refused.errors.items()
        }
        # What was chosen stays chosen, as on the other forms.
        values = {f"{finding_id}.{action}.{key}": value for key, value in entered(form).items()}
        return page(request, principal, shown, errors=errors, values=values, status_code=422)
    return RedirectResponse(f"/findings?done=1#f-{finding_id}", status_code=303)
