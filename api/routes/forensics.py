"""Forensic queries: who did what with which data, when, as the ledger knew it.

Every query is itself recorded (reads of audit data are audited). Results page by
cursor, or stream as NDJSON when the caller accepts ``application/x-ndjson``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response, StreamingResponse

from api.auth import actor_of, ledger_of, require
from api.commands import CommandRunner
from api.exports import Export, ExportFormat, filename, render, trail_sheet
from api.limits import MAX_INTEGER
from api.names import rows_with_names
from api.pagination import decode_cursor, encode_cursor
from api.read_models import ForensicView, caught_up_to
from api.responses import TrailOut
from api.routes.common import read_wait_seconds, refuse_beyond_head, wait_until
from api.runtime import recorder_of, utc_now
from api.times import InstantFromParam, InstantParam, dumps_local
from domain.calendar import WorkingDayCalendar, shanghai_date
from domain.commands import Caller
from domain.errors import RuleViolation
from domain.event_labels import event_label
from domain.ledger import Ledger
from domain.principals import Principal
from domain.rules import ANOMALIES
from domain.rules.forensics import LATE_ENTRY_THRESHOLD
from domain.rules.sharing import says_no_reason
from domain.vocabulary import Anomaly, Role
from replays.asof import Instant
from store.forensic_view import USE_ID_COLUMNS, Page, PersonKey, UseFilters
from store.records import LedgerRecorder, Record

router = APIRouter(prefix="/v1", tags=["forensics"])
Investigator = Annotated[Principal, Depends(require(Role.AUDITOR, Role.LEADING_GROUP))]
NDJSON = "application/x-ndjson"
MAX_LIMIT = 1000
FEED_PAGE = 1000

Fetch = Callable[[Page], list[dict[str, Any]]]
# Shapes a row into an item, or None where a check the SQL cannot make leaves it out.
Shape = Callable[[dict[str, Any]], dict[str, Any] | None]


def view_of(request: Request) -> ForensicView:
    view: ForensicView = request.app.state.forensic_view
    return view


def wait_for_record(request: Request, known_at: datetime) -> None:
    """Wait (bounded, then a 503) until the forensic tables hold every event recorded by
    ``known_at``: a page that shows the record as known then shows all of it."""
    view = view_of(request)
    known = recorder_of(ledger_of(request)).position_known_at(known_at)
    wait_until(lambda: caught_up_to(view) >= known, read_wait_seconds())


def forensic_page(
    request: Request,
    at: Annotated[
        InstantParam | None, Query(description="发生时点：日期或带时区偏移的日期时间；默认现在")
    ] = None,
    known_at: Annotated[
        InstantParam | None, Query(description="记录时点：日期或带时区偏移的日期时间；默认现在")
    ] = None,
    min_position: Annotated[int | None, Query(ge=0, le=MAX_INTEGER)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    cursor: str | None = None,
) -> Page:
    if min_position is not None:
        view = view_of(request)
        refuse_beyond_head(min_position, recorder_of(ledger_of(request)).head().position)
        wait_until(lambda: caught_up_to(view) >= min_position, read_wait_seconds())
    if cursor is not None:
        inst, after = decode_cursor(cursor)
        if not (after.isascii() and after.isdigit() and int(after) <= MAX_INTEGER):
            raise RuleViolation("the cursor is not one this ledger gave out", field="cursor")
        return Page(int(after), limit, inst.at, inst.known_at)
    now = utc_now()
    return Page(0, limit, at or now, known_at or now)


ForensicPage = Annotated[Page, Depends(forensic_page)]


def answer(
    request: Request,
    principal: Principal,
    query: str,
    parameters: dict[str, Any],
    page: Page,
    fetch: Fetch,
    shape: Shape,
    fmt: ExportFormat = ExportFormat.json,
) -> Response:
    """Record who asked, then answer a page of JSON, the whole result as NDJSON, or the
    whole result as one sheet (``fmt``)."""
    if fmt is not ExportFormat.json:
        return _export(request, principal, query, parameters, page, fetch, shape, fmt)
    streaming = NDJSON in request.headers.get("accept", "")
    rows = [] if streaming else fetch(page)
    items = [item for item in map(shape, rows) if item is not None]
    _audit(request, principal, query, parameters, None if streaming else len(items))
    if streaming:
        return StreamingResponse(_stream(page, fetch, shape), media_type=NDJSON)
    next_cursor = None
    if len(rows) == page.limit:
        next_cursor = encode_cursor(Instant(page.at, page.known_at), str(rows[-1]["position"]))
    body = {
        "at": page.at.isoformat(),
        "known_at": page.known_at.isoformat(),
        "position": caught_up_to(view_of(request)),
        "items": rows_with_names(items, ledger_of(request)),
        "next_cursor": next_cursor,
    }
    return Response(dumps_local(body), media_type="application/json")


def _export(
    request: Request,
    principal: Principal,
    query: str,
    parameters: dict[str, Any],
    page: Page,
    fetch: Fetch,
    shape: Shape,
    fmt: ExportFormat,
) -> Response:
    """The whole trail as one sheet for a meeting (CSV with a BOM, or xlsx)."""
    items = [orjson.loads(line) for line in _stream(page, fetch, shape)]
    _audit(request, principal, query, parameters, len(items))
    body = {
        "at": page.at.isoformat(),
        "known_at": page.known_at.isoformat(),
        "position": caught_up_to(view_of(request)),
        "items": rows_with_names(items, ledger_of(request)),
    }
    title = TRAIL_TITLES.get(query, query)
    return render(trail_sheet(title, body), fmt, filename(query.replace("_", "-"), body))


TRAIL_TITLES = {
    "resource_history": "数据资源全部事件",
    "actor_trail": "人员操作记录",
    "data_use_trail": "数据使用记录",
    "anomalies": "异常情况",
}


def _stream(page: Page, fetch: Fetch, shape: Shape) -> Iterator[bytes]:
    while True:
        rows = fetch(page)
        for item in map(shape, rows):
            if item is not None:
                yield dumps_local(item) + b"\n"
        if len(rows) < page.limit:
            return
        page = Page(rows[-1]["position"], page.limit, page.at, page.known_at)


def _audit(
    request: Request,
    principal: Principal,
    query: str,
    parameters: dict[str, Any],
    count: int | None,
) -> None:
    ledger = ledger_of(request)
    clean = {key: str(value) for key, value in parameters.items() if value is not None}
    runner: CommandRunner = request.app.state.commands
    runner.service.handle(
        Caller(actor_of(principal)),
        lambda cmd: ledger.record_forensic_query(cmd, query, clean, count),
    )


def event_item(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "position": row["position"],
        "event_type": row["event_type"],
        "event_type_label": event_label(row["event_type"]),
        "object_id": str(UUID(row["originator_id"])),
        "object_version": row["originator_version"],
        "occurred_at": row["occurred_at"],
        "recorded_at": row["recorded_at"],
        "actor": {
            "person": row["actor_person"],
            "department": row["actor_department"],
            "role": row["actor_role"],
        },
        "command_id": row["command_id"],
        "details": orjson.loads(row["payload"]) if row["payload"] else {},
    }


@router.get(
    "/forensics/resources/{resource_id}/history",
    response_model=TrailOut,
)
def resource_history(
    resource_id: UUID,
    request: Request,
    principal: Investigator,
    page: ForensicPage,
    fmt: Export = ExportFormat.json,
) -> Response:
    """Every event touching the resource, in position order, with actor and both times."""
    view = view_of(request)
    return answer(
        request,
        principal,
        "resource_history",
        {"resource_id": resource_id},
        page,
        lambda p: view.resource_history(resource_id, p),
        event_item,
        fmt,
    )


def person_trail(
    ledger: Ledger, view: ForensicView, person: str, since: datetime | None, until: datetime | None
) -> Fetch:
    """A person's trail: by the id of the person register, or, for records made before
    persons had ids, by the name the actor was recorded under (every namesake's together)."""
    try:
        person_id = UUID(person.strip())
    except ValueError:
        return lambda page: view.actor_trail(person, page, since, until)
    registered = ledger.named_person(person_id, "person")
    assert registered is not None  # an id was named
    key = PersonKey(person_id, registered.name, registered.department)
    return lambda page: view.person_trail(key, page, since, until)


@router.get(
    "/forensics/actors/{person}",
    response_model=TrailOut,
    description=(
        "某人员的全部操作记录。`person` 为人员名册中的人员编号（UUID）：其本人所为之事"
        "（操作人按姓名及所在部门记录），以及以其编号记为使用人员或批准人员的数据使用"
        "（第三十六条）；不同部门的同名者各有其轨迹。"
        "`person` 亦可为姓名，用于人员尚无编号时的旧记录：按记录中的操作人姓名查找，"
        "同名者的记录合在一起。\n\n"
        "Everything a person did. `person` is the id of the person register (a UUID): what "
        "they did as the actor (actors are recorded by name within their department), and "
        "the uses naming them by id as user or approver (Art. 36); two people of the same "
        "name in different departments have separate trails. A name is accepted "
        "for old records made before persons had ids: it finds the events whose actor was "
        "recorded under that name, namesakes together. An id the register does not hold "
        "is refused (422, naming `person`)."
    ),
)
def actor_trail(
    person: Annotated[str, Path(description="人员编号（UUID），或旧记录中的姓名 (id, or name)")],
    request: Request,
    principal: Investigator,
    page: ForensicPage,
    since: Annotated[
        InstantFromParam | None, Query(alias="from", description="时间起（日期为该日 0 时）")
    ] = None,
    until: Annotated[
        InstantParam | None, Query(alias="to", description="时间止（日期为该日 24 时）")
    ] = None,
    fmt: Export = ExportFormat.json,
) -> Response:
    fetch = person_trail(ledger_of(request), view_of(request), person, since, until)
    return answer(
        request,
        principal,
        "actor_trail",
        {"person": person, "from": since, "to": until},
        page,
        fetch,
        event_item,
        fmt,
    )


def use_item(row: dict[str, Any]) -> dict[str, Any]:
    item = {key: row[key] for key in USE_FIELDS}
    for key in USE_ID_COLUMNS:
        item[key] = str(UUID(row[key])) if row[key] else None
    item["marks"] = row["marks"].split(",") if row["marks"] else []
    return item


USE_FIELDS = (
    "position",
    "use_id",
    "resource_id",
    "share_request_id",
    "arrangement_id",
    "department",
    "provider",
    "purpose",
    "user_person",
    "approver",
    "user_person_id",
    "approver_person_id",
    "data_content",
    "obtained_at",
    "method",
    "medium",
    "recipient",
    "marks",
    "occurred_at",
    "recorded_at",
)


@router.get("/forensics/data-uses", response_model=TrailOut)
def data_use_trail(
    request: Request,
    principal: Investigator,
    page: ForensicPage,
    resource_id: UUID | None = None,
    department: str | None = None,
    person: Annotated[
        str | None, Query(description="使用或批准人员的姓名 (who used, or approved, by name)")
    ] = None,
    person_id: Annotated[
        UUID | None, Query(description="使用或批准人员的编号 (who used, or approved, by id)")
    ] = None,
    since: Annotated[
        InstantFromParam | None, Query(alias="from", description="获取时间起（日期为该日 0 时）")
    ] = None,
    until: Annotated[
        InstantParam | None, Query(alias="to", description="获取时间止（日期为该日 24 时）")
    ] = None,
    fmt: Export = ExportFormat.json,
) -> Response:
    """Art. 36 records: purpose, user, approver, content, when and how obtained, medium."""
    view = view_of(request)
    filters = UseFilters(resource_id, department, person, since, until, person_id=person_id)
    parameters = {
        "resource_id": resource_id,
        "department": department,
        "person": person,
        "person_id": person_id,
        "from": since,
        "to": until,
    }
    return answer(
        request,
        principal,
        "data_use_trail",
        parameters,
        page,
        lambda p: view.data_uses(filters, p),
        use_item,
        fmt,
    )


# The anomalies found among data uses, by the marks each rule names.
USE_MARKS = {
    rule.anomaly: tuple(mark.value for mark in rule.marks) for rule in ANOMALIES if rule.marks
}


def late_entry_working_days(request: Request, page: Page) -> tuple[int, int | None]:
    """Recorded more than this many working days after it occurred, an entry is late: the
    policy in force at the page's instant as the ledger knew it then, and the position of
    its publication (None for the default)."""
    ledger = ledger_of(request)
    upto = recorder_of(ledger).position_known_at(page.known_at)
    policies = ledger.policies_in_force(page.at, upto)
    applied = [p for p in policies.applied if p.name == LATE_ENTRY_THRESHOLD.name]
    return policies.working_days(LATE_ENTRY_THRESHOLD), applied[0].position if applied else None


@router.get("/forensics/anomalies", response_model=TrailOut)
def anomalies(
    request: Request,
    principal: Investigator,
    page: ForensicPage,
    kind: Anomaly,
    fmt: Export = ExportFormat.json,
) -> Response:
    view = view_of(request)
    parameters = {"kind": kind.value}
    if kind in USE_MARKS:
        filters = UseFilters(marks=USE_MARKS[kind])
        return answer(
            request,
            principal,
            "anomalies",
            parameters,
            page,
            lambda p: view.data_uses(filters, p),
            lambda row: {**use_item(row), "anomaly": kind.value},
            fmt,
        )
    if kind is Anomaly.LATE_ENTRY:
        days, policy_position = late_entry_working_days(request, page)
        calendar = ledger_of(request).calendar()
        return answer(
            request,
            principal,
            "anomalies",
            {**parameters, "working_days": days, "policy_position": policy_position},
            page,
            # More than N working days late needs more than N whole days first (the index).
            lambda p: view.lagging(days * 86_400, p),
            _late(calendar, days),
            fmt,
        )
    return answer(
        request,
        principal,
        "anomalies",
        parameters,
        page,
        lambda p: view.events_of_type(["ShareRequestRefused"], p),
        _without_reason,
        fmt,
    )


def _late(calendar: WorkingDayCalendar, days: int) -> Shape:
    def shape(row: dict[str, Any]) -> dict[str, Any] | None:
        occurred = shanghai_date(datetime.fromisoformat(row["occurred_at"]))
        recorded = shanghai_date(datetime.fromisoformat(row["recorded_at"]))
        late_by = calendar.working_days_between(occurred, recorded)
        if late_by <= days:
            return None
        return {**event_item(row), "anomaly": "late_entry", "working_days_late": late_by}

    return shape


def _without_reason(row: dict[str, Any]) -> dict[str, Any] | None:
    item = event_item(row)
    if not says_no_reason(str(item["details"].get("reason", ""))):
        return None
    return {**item, "anomaly": "refusal_without_reason"}


Auditor = Annotated[Principal, Depends(require(Role.AUDITOR))]


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"description": "事件流（每行一个 JSON）", "content": {NDJSON: {}}}},
)
def event_feed(
    request: Request,
    principal: Auditor,
    after: Annotated[
        int, Query(ge=0, le=MAX_INTEGER, description="Events after this position")
    ] = 0,
    limit: Annotated[
        int | None, Query(ge=1, le=MAX_INTEGER, description="At most this many")
    ] = None,
) -> StreamingResponse:
    """The raw feed: every event after a position, in order, one JSON object per line."""
    _audit(request, principal, "event_feed", {"after": after, "limit": limit}, None)
    recorder = recorder_of(ledger_of(request))
    return StreamingResponse(_feed(recorder, after, limit), media_type=NDJSON)


def _feed(recorder: LedgerRecorder, after: int, limit: int | None) -> Iterator[bytes]:
    sent = 0
    while limit is None or sent < limit:
        size = FEED_PAGE if limit is None else min(FEED_PAGE, limit - sent)
        records = recorder.select_records(after=after, limit=size)
        for record in records:
            yield orjson.dumps(feed_item(record)) + b"\n"
        sent += len(records)
        if len(records) < size:
            return
        after = records[-1].position


def feed_item(record: Record) -> dict[str, Any]:
    event = record.event
    return {
        "position": record.position,
        "recorded_at": record.recorded_at.isoformat(),
        "object_id": str(event.originator_id),
        "object_version": event.originator_version,
        "topic": event.topic,
        "state": orjson.loads(event.state),
    }
