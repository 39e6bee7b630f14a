"""``ledger replay`` and ``ledger calendar``: reports at any instant, and publishing a year."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress as Bar
from rich.table import Table

from api.cli_commands import run_command
from api.exports import (
    ExportFormat,
    Sheet,
    as_csv,
    as_xlsx,
    catalog_sheet,
    deadlines_sheet,
    supervision_sheet,
)
from api.names import rows_with_names
from api.routes.supervision import named_supervision
from api.runtime import open_ledger, recorder_of, utc_now
from api.times import in_shanghai, localise, parse_instant
from api.views import catalog_entry
from domain.calendar import (
    HolidaySchedule,
    InvalidScheduleError,
    parse_schedule_file,
    schedule_from_mapping,
)
from domain.findings import SHORT_LABELS, Category
from domain.ledger import Ledger
from replays.asof import Instant, Progress
from replays.reports import Report, catalog_state, deadlines_report

console = Console(stderr=True)
calendar = typer.Typer(help="The working-day calendar: publish a year's holiday schedule.")

# Wide enough for any report's table when the output is not a terminal.
PIPED_WIDTH = 1000

# Long replays get a progress bar; short ones finish before it would be worth drawing.
PROGRESS_THRESHOLD = 20_000


class ReportName(str, Enum):
    catalog = "catalog"
    deadlines = "deadlines"
    supervision = "supervision"


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def _instant(text: str | None, what: str) -> datetime:
    """As the API reads ``at``: a date is the end of that day in Asia/Shanghai."""
    if text is None:
        return utc_now()
    try:
        value: datetime = parse_instant(text)
    except ValueError as error:
        raise typer.BadParameter(f"{what}: {error}") from None
    return value


def replay_command(
    report: Annotated[ReportName, typer.Option(help="Which report")],
    at: Annotated[str | None, typer.Option(help="Business instant (default now)")] = None,
    known_at: Annotated[
        str | None, typer.Option(help="As the ledger knew it at this instant (default now)")
    ] = None,
    output_format: Annotated[
        Format,
        typer.Option("--format", help="table, json, csv (中文 headers, UTF-8 with a BOM) or xlsx"),
    ] = Format.table,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file (needed for xlsx)")
    ] = None,
) -> None:
    """A report as it stood at an instant, as known at another."""
    if output_format is Format.xlsx and out is None:
        raise typer.BadParameter("xlsx is a binary file: give --out FILE.xlsx", param_hint="--out")
    instant = Instant(at=_instant(at, "--at"), known_at=_instant(known_at, "--known-at"))
    ledger = open_ledger()
    with _progress_bar(recorder_of(ledger).head().position) as progress:
        result = _build(report, ledger, instant, progress)
    result = replace(result, rows=localise(rows_with_names(result.rows, ledger)))
    if output_format in (Format.csv, Format.xlsx):
        sheet = _sheet(report, result)
        fmt = ExportFormat(output_format.value)
        data = as_xlsx(sheet) if fmt is ExportFormat.xlsx else as_csv(sheet)
        if out is not None:
            out.write_bytes(data)
            console.print(f"wrote {out}")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        return
    _write(result, output_format, report.value, TABLE_COLUMNS.get(report))


def _sheet(report: ReportName, result: Report) -> Sheet:
    """The same sheet as ``GET …?format=csv|xlsx`` gives."""
    if isinstance(result, SupervisionGrid):
        return supervision_sheet(result.full)
    body = {**result.header(), "items": result.rows}
    return catalog_sheet(body) if report is ReportName.catalog else deadlines_sheet(body)


def _catalog(ledger: Ledger, instant: Instant, progress: Progress) -> Report:
    state, position = catalog_state(recorder_of(ledger), ledger.mapper, instant, progress)
    return Report(instant, position, [catalog_entry(r) for r in state.in_catalog()])


def _deadlines(ledger: Ledger, instant: Instant, progress: Progress) -> Report:
    return deadlines_report(
        recorder_of(ledger),
        ledger.mapper,
        instant,
        progress=progress,
        publications=ledger.publications(),
        holidays=ledger.holiday_publications(),
    )


def _supervision(ledger: Ledger, instant: Instant, progress: Progress) -> Report:
    """The department × V01–V11 grid ("detected/found"); json carries the counts (the ids
    behind a cell are a page of their own: GET /v1/supervision/violations/{d}/{c}/evidence)."""
    report, full = named_supervision(ledger, instant, progress=progress)
    return SupervisionGrid(
        instant, report.position, report.grid(), report.policies, full=localise(full)
    )


REPORTS = {
    ReportName.catalog: _catalog,
    ReportName.deadlines: _deadlines,
    ReportName.supervision: _supervision,
}

# What fits a terminal; json and csv carry every column.
# Column headers with their 中文 labels where a code alone says little.
HEADERS = {c.value: f"{c.value}\n{SHORT_LABELS[c]}" for c in Category} | {"total": "合计"}

TABLE_COLUMNS = {
    ReportName.catalog: [
        "code",
        "name",
        "department",
        "department_name",
        "share_type_label",
        "update_cycle_label",
    ],
    ReportName.deadlines: [
        "kind_label",
        "department",
        "department_name",
        "subject_id",
        "started_at",
        "due_date",
        "provisional",
        "status",
        "discharged_at",
    ],
}


def _build(report: ReportName, ledger: Ledger, instant: Instant, progress: Progress) -> Report:
    return REPORTS[report](ledger, instant, progress)


class _progress_bar:
    """A rich progress bar over positions, drawn only for long replays."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar: Bar | None = (
            Bar(console=console, transient=True) if total > PROGRESS_THRESHOLD else None
        )

    def __enter__(self) -> Progress:
        if self.bar is None:
            return None
        self.bar.start()
        task = self.bar.add_task("replaying", total=self.total)
        bar = self.bar
        return lambda done, total: bar.update(task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@dataclass(frozen=True)
class SupervisionGrid(Report):
    """The grid for table and csv; the full report (ids included) for json."""

    full: dict[str, Any] = field(default_factory=dict)


def _write(
    report: Report, output_format: Format, title: str, table_columns: list[str] | None
) -> None:
    if output_format is Format.json and isinstance(report, SupervisionGrid):
        json.dump(report.full, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    if output_format is Format.json:
        json.dump(
            {**report.header(), "items": report.rows}, sys.stdout, ensure_ascii=False, indent=2
        )
        sys.stdout.write("\n")
        return
    columns = _columns(report.rows)
    if output_format is Format.table and table_columns:
        columns = table_columns
    inst = report.instant
    table = Table(
        title=f"{title} at {in_shanghai(inst.at).isoformat()} "
        f"(known at {in_shanghai(inst.known_at).isoformat()}, position {report.position})"
    )
    for column in columns:
        table.add_column(HEADERS.get(column, column))
    for row in report.rows:
        table.add_row(*(_cell(row.get(column)) for column in columns))
    _stdout().print(table)


def _stdout() -> Console:
    """A terminal's own width; piped into a file or a mail, as wide as the table needs,
    where rich would otherwise cut every table to 80 columns."""
    terminal = Console()
    return terminal if terminal.is_terminal else Console(width=PIPED_WIDTH)


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    return columns


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@calendar.command("publish")
def publish(
    year: Annotated[int, typer.Option(help="The year the schedule is for")],
    file: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="The schedule file")],
    source: Annotated[str, typer.Option(help="Where it comes from, e.g. the notice's title")] = "",
    idempotency_key: Annotated[
        str | None, typer.Option(help="Run once: a retry with this key records nothing")
    ] = None,
) -> None:
    """Publish a year's holiday schedule (lines `holiday D`, `holiday A..B`, `workday D`), as
    POST /v1/holiday-schedules does."""
    text = file.read_text(encoding="utf-8")
    try:
        schedule = json_or_text_schedule(text, year)
    except InvalidScheduleError as error:
        console.print(f"[red]{file}: {error}[/red]")
        raise typer.Exit(1) from None
    ledger = open_ledger()
    holidays, workdays = sorted(schedule.holidays), sorted(schedule.adjusted_workdays)
    said = source or schedule.source
    # The body the route takes: a retry with the same key and schedule answers as the first.
    body = {
        "year": schedule.year,
        "holidays": [day.isoformat() for day in holidays],
        "adjusted_workdays": [day.isoformat() for day in workdays],
        "source": said,
    }
    answer = run_command(
        ledger,
        "/v1/holiday-schedules",
        body,
        lambda cmd: ledger.publish_holiday_schedule(cmd, schedule.year, holidays, workdays, said),
        idempotency_key,
    )
    console.print(
        f"published the {year} schedule: {len(schedule.holidays)} holidays, "
        f"{len(schedule.adjusted_workdays)} adjusted working days, at position {answer['position']}"
    )


def json_or_text_schedule(text: str, year: int) -> HolidaySchedule:
    """A schedule file: JSON like the API's body, or the line format of ``domain.calendar``."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise InvalidScheduleError(f"not valid JSON: {error}") from None
        return schedule_from_mapping(data, year)
    return parse_schedule_file(text, year)
