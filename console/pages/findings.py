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
from api.routes import deadlines as deadlines_api
from api.routes import findings as findings_api
from api.routes import notices as notices_api
from api.routes import supervision as api
from api.runtime import objects_now, recorder_of
from console.bridge import admits, call
from console.forms import FormRefused, attempt, entered, validated
from console.instants import PageInstant, page_instant
from console.labels import STANDING_LABELS, rule_label
from console.rendering import render
from console.session import check_csrf, signed_in
from domain.deadlines import Status
from domain.findings import SHORT_LABELS, Category, Finding, FindingStatus, ReviewDecision
from domain.principals import Principal
from projections.supervision import BREACH_CATEGORY
from projections.supervision.detectors import BREACH_CODE
from replays.reports import SupervisionReport, supervision_report

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
        findings_api.review_rectification,
        findings_api.ReviewIn,
        ("decision", "reason"),
    ),
}
# Which actions a finding's standing invites; the ledger still decides each (Art. 39).
OFFERED = {
    "recorded": ("rectification-order", "withdrawal"),
    "rectification_ordered": ("rectification", "withdrawal"),
    "overdue": ("rectification", "criticism", "withdrawal"),
    "criticised": ("rectification", "withdrawal"),
}
# How many detected objects a new finding is offered to cite; any other is typed in.
EVIDENCE_OFFERED = 50
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


def overseen(request: Request, shown: PageInstant) -> SupervisionReport:
    """The supervision grid's report at the page's instant: every finding where it stands,
    and what the ledger detected by itself; the register's breaches come counted, not
    listed (they are read a page at a time from the register, ``offered_evidence``)."""
    ledger = ledger_of(request)
    return supervision_report(
        recorder_of(ledger),
        ledger.mapper,
        shown.instant,
        publications=ledger.publications(),
        counts_only=True,
        listed=True,
    )


def findings_seen(
    request: Request, principal: Principal, report: SupervisionReport
) -> list[dict[str, Any]]:
    """The findings the principal may see (a department its own), by department, category
    and id, each with where it stands and the actions that standing invites."""
    seen = [f for f in report.findings if may_see(principal, f.department)]
    findings = objects_now(ledger_of(request), [UUID(f.finding_id) for f in seen], Finding)
    found = []
    for standing in sorted(seen, key=lambda f: (f.department, f.category, f.finding_id)):
        finding = findings[UUID(standing.finding_id)]
        found.append(
            {
                "id": standing.finding_id,
                "department": standing.department,
                "category": standing.category,
                "short": SHORT_LABELS[standing.category],
                "status": standing.status,
                "status_zh": standing_zh(standing.status, finding),
                "actions": offered(standing.status, finding),
                "finding": finding,
            }
        )
    return found


def offered_evidence(
    request: Request, principal: Principal, shown: PageInstant, report: SupervisionReport
) -> list[dict[str, Any]]:
    """What a new finding may cite, picked from what the ledger detected (at most
    ``EVIDENCE_OFFERED``, by department and category): the detections, and the breached
    obligations from the register's first page, each by the object behind it (a breach's
    obligation stands for its subject: the request or verification left unanswered)."""
    # Breaches come from the register's page below, by their subjects; a report that folded
    # the log (no rows yet) lists them too, by their obligations, and those are left out.
    breaches = set(BREACH_CODE.values())
    # (department, category, rule, object): labelled once cut to what is offered.
    detected = [
        (d.department, d.category.value, d.rule, d.subject_id)
        for d in report.detections
        if d.rule not in breaches and may_see(principal, d.department)
    ]
    breached = call(
        deadlines_api.read_deadlines,
        request,
        principal,
        inst=shown.instant,
        status=Status.BREACHED,
        kind=None,
        department=None,
        limit=EVIDENCE_OFFERED,
        cursor=None,
    )["items"]
    kinds = {kind.value: kind for kind in BREACH_CATEGORY}
    detected += [
        (row["department"], BREACH_CATEGORY[kind].value, BREACH_CODE[kind], row["subject_id"])
        for row in breached
        if (kind := kinds.get(row["kind"])) is not None
    ]
    detected.sort(key=lambda d: (d[0], d[1]))
    return [
        {"department": department, "category": category, "rule": rule_label(rule), "id": subject}
        for department, category, rule, subject in detected[:EVIDENCE_OFFERED]
    ]


def page(
    request: Request,
    principal: Principal,
    shown: PageInstant,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    report = overseen(request, shown)
    return render(
        request,
        "findings.html",
        {
            "found": findings_seen(request, principal, report),
            "detected": offered_evidence(request, principal, shown, report),
            "departments": [code for code in report.departments if may_see(principal, code)],
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
        return page(
            request, principal, shown, errors=refused.errors, values=entered(form), status_code=422
        )
    return RedirectResponse("/findings?done=1", status_code=303)


@router.get("/findings/{finding_id}/notice.{fmt}")
def notice(request: Request, principal: SignedIn, finding_id: UUID, fmt: str) -> Response:
    """The 通报 of a criticism (Art. 39) as the API renders it, .docx or .pdf, to download."""
    chosen = notices_api.NoticeFormat(fmt) if fmt in ("docx", "pdf") else None
    response: Response = call(
        notices_api.read_notice,
        request,
        principal,
        raw=True,
        finding_id=finding_id,
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
            lambda: call(route, request, principal, body=body, finding_id=finding_id, version=None)
        )
    except FormRefused as refused:
        # Keyed by the action too: two forms of one finding may both ask for a reason.
        errors = {f"{finding_id}.{action}.{key}": value for key, value in refused.errors.items()}
        # What was chosen stays chosen, as on the other forms.
        values = {f"{finding_id}.{action}.{key}": value for key, value in entered(form).items()}
        return page(request, principal, shown, errors=errors, values=values, status_code=422)
    return RedirectResponse(f"/findings?done=1#f-{finding_id}", status_code=303)
