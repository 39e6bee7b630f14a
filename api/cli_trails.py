"""``ledger trail``: the forensic trails as sheets for a meeting (CSV with a BOM, or xlsx),
the same rows as ``GET /v1/forensics/…?format=csv|xlsx``. The read model is brought up to
the ledger's head first, and the query itself is recorded, as every read of audit data is."""

from __future__ import annotations

import getpass
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import orjson
import typer
from rich.console import Console

from api.cli_commands import run_command
from api.exports import ExportFormat, as_csv, as_xlsx, trail_sheet
from api.names import rows_with_names
from api.read_models import caught_up_to, open_view, start_runner
from api.routes.forensics import TRAIL_TITLES, Fetch, event_item, person_trail, use_item
from api.runtime import current_database, open_ledger, recorder_of, utc_now
from api.server import run_projections_here
from api.times import parse_instant, parse_instant_from
from domain.errors import RuleViolation
from domain.events import Actor
from domain.ledger import Ledger
from domain.vocabulary import Role
from store.forensic_view import ForensicView, Page, UseFilters

trail = typer.Typer(help="Forensic trails as CSV (UTF-8 with a BOM) or xlsx, for a meeting.")
console = Console(stderr=True)
PAGE = 1000
CATCH_UP_SECONDS = 600.0

# A trail's query, given the ledger and the tables it reads: a page of rows at a time.
Query = Callable[[Ledger, ForensicView], Fetch]
FormatOption = Annotated[ExportFormat, typer.Option("--format", help="csv, xlsx or json")]
OutOption = Annotated[Path | None, typer.Option("--out", help="Write to this file")]
AtOption = Annotated[str | None, typer.Option("--at", help="Occurred by (a date: its end)")]
KnownOption = Annotated[str | None, typer.Option("--known-at", help="Recorded by")]


@trail.command("history")
def history(
    resource_id: Annotated[UUID, typer.Option(help="The data resource")],
    output_format: FormatOption = ExportFormat.csv,
    out: OutOption = None,
    at: AtOption = None,
    known_at: KnownOption = None,
) -> None:
    """Every event touching a resource, in position order, with actor and both times."""
    _run(
        "resource_history",
        {"resource_id": resource_id},
        lambda _, view: lambda page: view.resource_history(resource_id, page),
        event_item,
        (output_format, out, at, known_at),
    )


@trail.command("actor")
def actor(
    person: Annotated[
        str,
        typer.Option(
            help="The person's id in the person register; or, for records made before "
            "persons had ids, the name the actor was recorded under"
        ),
    ],
    output_format: FormatOption = ExportFormat.csv,
    out: OutOption = None,
    at: AtOption = None,
    known_at: KnownOption = None,
) -> None:
    """Everything a person did, with times; two people of one name have separate trails."""
    _run(
        "actor_trail",
        {"person": person},
        lambda ledger, view: person_trail(ledger, view, person, None, None),
        event_item,
        (output_format, out, at, known_at),
    )


@trail.command("uses")
def uses(
    resource_id: Annotated[UUID | None, typer.Option(help="Uses of this resource")] = None,
    department: Annotated[str | None, typer.Option(help="Uses by this department")] = None,
    person: Annotated[str | None, typer.Option(help="Who used, or who approved")] = None,
    person_id: Annotated[
        UUID | None, typer.Option(help="Who used, or who approved, by registered id")
    ] = None,
    since: Annotated[str | None, typer.Option("--from", help="Obtained from")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Obtained until")] = None,
    output_format: FormatOption = ExportFormat.csv,
    out: OutOption = None,
    at: AtOption = None,
    known_at: KnownOption = None,
) -> None:
    """Art. 36 records: purpose, user, approver, content, when and how obtained, medium."""
    filters = UseFilters(
        resource_id,
        department,
        person,
        _instant(since, "--from", parse_instant_from) if since else None,
        _instant(until, "--to", parse_instant) if until else None,
        person_id=person_id,
    )
    parameters = {
        "resource_id": resource_id,
        "department": department,
        "person": person,
        "person_id": person_id,
    }
    _run(
        "data_use_trail",
        {**parameters, "from": since, "to": until},
        lambda _, view: lambda page: view.data_uses(filters, page),
        use_item,
        (output_format, out, at, known_at),
    )


def _instant(text: str | None, what: str, parse: Callable[[Any], Any] = parse_instant) -> Any:
    if text is None:
        return utc_now()
    try:
        return parse(text)
    except ValueError as error:
        raise typer.BadParameter(f"{what}: {error}") from None


def _run(
    query: str,
    parameters: dict[str, Any],
    fetch: Query,
    shape: Callable[[dict[str, Any]], dict[str, Any]],
    options: tuple[ExportFormat, Path | None, str | None, str | None],
) -> None:
    output_format, out, at, known_at = options
    if output_format is ExportFormat.xlsx and out is None:
        raise typer.BadParameter("xlsx is a binary file: give --out FILE.xlsx", param_hint="--out")
    page = Page(0, PAGE, _instant(at, "--at"), _instant(known_at, "--known-at"))
    ledger = open_ledger()
    view = open_view(ledger.env)
    try:
        fetch_page = fetch(ledger, view)
    except RuleViolation as refused:  # a person id the register does not hold
        raise typer.BadParameter(str(refused), param_hint=f"--{refused.field}") from None
    _catch_up(ledger, view)
    items = [shape(row) for row in _all(page, fetch_page)]
    _audit(ledger, query, parameters, len(items))
    body = {
        "at": page.at.isoformat(),
        "known_at": page.known_at.isoformat(),
        "position": caught_up_to(view),
        "items": rows_with_names(items, ledger),
    }
    if output_format is ExportFormat.json:
        data = orjson.dumps(body, option=orjson.OPT_INDENT_2) + b"\n"
    else:
        sheet = trail_sheet(TRAIL_TITLES[query], body)
        data = as_xlsx(sheet) if output_format is ExportFormat.xlsx else as_csv(sheet)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    out.write_bytes(data)
    console.print(f"wrote {len(items)} rows to {out}")


def _catch_up(ledger: Ledger, view: ForensicView) -> None:
    """Bring the forensic tables up to the ledger's head: where a ``ledger project`` keeps
    them (``LEDGER_PROJECTIONS=external``, the default on PostgreSQL), wait for it; else
    project here, as the embedded API does, so that exactly one projector writes them."""
    head = recorder_of(ledger).head().position
    if caught_up_to(view) >= head:
        return
    here = run_projections_here()
    if here is None:
        here = current_database().backend == "sqlite"
    if not here:
        _wait(view, head)
        return
    with start_runner(ledger.env):
        _wait(view, head)


def _wait(view: ForensicView, head: int) -> None:
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while caught_up_to(view) < head:
        if time.monotonic() > deadline:
            console.print("[red]the forensic read model did not reach the head in time[/red]")
            raise typer.Exit(1)
        time.sleep(0.1)


def _all(page: Page, fetch: Fetch) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while True:
        batch = fetch(page)
        rows.extend(batch)
        if len(batch) < page.limit:
            return rows
        page = Page(batch[-1]["position"], page.limit, page.at, page.known_at)


def _audit(ledger: Ledger, query: str, parameters: dict[str, Any], count: int) -> None:
    """Reads of audit data are audited, from the command line as over HTTP."""
    who = Actor(person=getpass.getuser(), department="ADMIN", role=Role.ADMIN)
    clean = {key: str(value) for key, value in parameters.items() if value is not None}
    run_command(
        ledger,
        "",  # a read's record, never retried: no request stands for it
        {},
        lambda cmd: ledger.record_forensic_query(cmd, query, clean, count),
        actor=who,
    )
