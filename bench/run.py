"""The benchmark harness: does the ledger keep up, and where does it not?

    python -m bench                      # the full run: 1M events, both backends, 3 runs
    python -m bench --quick              # a small run: 20k events, both backends, 2 runs
    python -m bench --backend sqlite --size 100k --runs 5 --seed 11
    python -m bench --only a,f           # some of the measurements (a)-(f)
    python -m bench --clean              # remove the cached ledgers (files and databases)

It generates (once, then cached) a synthetic ledger deterministic from the seed
(bench/generate.py), then measures on SQLite and PostgreSQL, each next to a baseline
measured in the same run and interleaved with it:

(a) append through the ledger application vs the bare eventsourcing library, and the
    raw COPY (INSERT on SQLite) ceiling; the Merkle tree's own overhead (append_tree.py);
(b) HTTP commands through ``ledger serve --workers 2`` vs the bare library's in-process
    get-decide-save loop;
(c) full rebuild of the catalog, deadline and supervision projections vs the bare library
    reading and decoding the same notification log;
(d) a report at an instant (supervision, deadlines), 100 random instants, known_at=now and
    known_at=at, with saved folds warmed first;
(e) forensic queries (resource history, data-use trail);
(f) ``ledger verify`` vs hashing the same leaf bytes in a tight loop;
(h) the console's pages rendered in process, as a signed-in principal (measure_console.py).

A full run rewrites bench/RESULTS.md; ``--quick`` writes bench/RESULTS-quick.md (so a
smoke run never replaces a full run's figures). Timings are never asserted anywhere.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from bench import measure_append, measure_console, measure_http, measure_reads, stores
from bench.diagnoses import DIAGNOSES, METHOD, NOTES
from bench.generate import SIZES
from bench.results import RESULTS, Row, label, machine, number, spread, table, versions

BACKENDS = ("sqlite", "postgresql")
MEASUREMENTS = ("a", "b", "c", "d", "e", "f", "h")


@dataclass(frozen=True)
class Plan:
    """How much of everything a run does."""

    size: str
    runs: int
    append_single: int
    append_batch: int
    http: measure_http.Plan
    instants: int
    report_budget: float  # seconds per series of instants (report × known_at mode × run)
    forensic_queries: int


FULL = Plan("1m", 3, 1000, 20_000, measure_http.Plan(), 100, 30.0, 100)
QUICK = Plan(
    "20k",
    2,
    300,
    3000,
    measure_http.Plan(
        levels=(1, 8),
        requests=200,
        seconds=5,
        open_seconds=5,
        bare_seconds=2,
        bulk_lines=3000,
        bulk_per_request=500,
    ),
    30,
    10.0,
    30,
)
TINY = Plan(
    "tiny",
    1,
    40,
    400,
    measure_http.Plan(
        levels=(2,),
        requests=30,
        seconds=3,
        open_seconds=1.5,
        bare_seconds=0.5,
        bulk_lines=200,
        bulk_per_request=100,
    ),
    4,
    3.0,
    4,
)


@dataclass
class Report:
    command: str
    started: datetime
    plan: Plan
    seed: int
    backends: list[str]
    rows: list[Row] = field(default_factory=list)
    ledgers: dict[str, dict[str, Any]] = field(default_factory=dict)
    details: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0
    postgres: str | None = None
    skipped: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "started": self.started.isoformat(),
            "seconds": self.seconds,
            "plan": asdict(self.plan),
            "postgres": self.postgres,
            "seed": self.seed,
            "backends": self.backends,
            "rows": [row.as_json() for row in self.rows],
            "ledgers": self.ledgers,
            "details": self.details,
            "skipped": self.skipped,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        plan = dict(data["plan"])
        plan["http"] = measure_http.Plan(
            **{**plan["http"], "levels": tuple(plan["http"]["levels"])}
        )
        report = cls(
            command=data["command"],
            started=datetime.fromisoformat(data["started"]),
            plan=Plan(**plan),
            seed=data["seed"],
            backends=data["backends"],
            rows=[Row.from_json(row) for row in data["rows"]],
            ledgers=data["ledgers"],
            details=data["details"],
            seconds=data["seconds"],
            postgres=data.get("postgres"),
            skipped=data.get("skipped", []),
        )
        return report


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="a small run (20k events, 2 runs)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--size", choices=list(SIZES), help="the generated ledger (default 1m; --quick: 20k)"
    )
    parser.add_argument("--runs", type=int, help="runs of each measurement (default 3; --quick: 2)")
    parser.add_argument("--seed", type=int, default=7, help="the generator's seed (default 7)")
    parser.add_argument(
        "--only", default=",".join(MEASUREMENTS), help="measurements to run, e.g. a,c,f"
    )
    parser.add_argument("--regenerate", action="store_true", help="rebuild the cached ledger first")
    parser.add_argument("--output", type=Path, help="where to write the results (markdown)")
    parser.add_argument("--clean", action="store_true", help="remove the cached ledgers and exit")
    parser.add_argument(
        "--rewrite",
        type=Path,
        metavar="JSON",
        help="rewrite the results from a run's JSON (bench/.cache/last-run.json), no measuring",
    )
    parser.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)  # the smoke test's
    return parser.parse_args(argv)


def plan_of(args: argparse.Namespace) -> Plan:
    base = TINY if args.tiny else QUICK if args.quick else FULL
    size = args.size or base.size
    runs = args.runs or base.runs
    return Plan(
        size,
        runs,
        base.append_single,
        base.append_batch,
        base.http,
        base.instants,
        base.report_budget,
        base.forensic_queries,
    )


def main(argv: Sequence[str] | None = None, console: Console | None = None) -> Report | None:
    args = parse(argv)
    console = console or Console(stderr=True)
    if args.clean:
        for gone in stores.clean():
            console.print(f"removed {gone}")
        return None
    if args.rewrite:
        report = Report.from_json(json.loads(args.rewrite.read_text()))
        output = args.output or RESULTS
        output.write_text(markdown(report, output))
        console.print(f"rewrote {output} from {args.rewrite}")
        return report
    plan = plan_of(args)
    only = {m.strip() for m in args.only.split(",") if m.strip()}
    backends = list(BACKENDS) if args.backend == "both" else [args.backend]
    command = "python -m bench" + (
        ""
        if argv is None and len(sys.argv) <= 1
        else " " + shlex.join(list(argv) if argv is not None else sys.argv[1:])
    )
    report = Report(command, datetime.now(UTC), plan, args.seed, [])
    if "postgresql" in backends and not stores.postgres_available():
        console.print(
            f"[yellow]no PostgreSQL at {stores.SERVER_URL}: measuring SQLite only[/yellow]"
        )
        report.skipped.append("postgresql (no server)")
        backends.remove("postgresql")
    report.backends = backends
    if "postgresql" in backends:
        report.postgres = f"{stores.postgres_version()} (autovacuum {stores.autovacuum()})"
    started = time.perf_counter()
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        for backend in backends:
            run_backend(backend, plan, args, only, report, progress)
    report.seconds = time.perf_counter() - started
    output = args.output or (
        Path(__file__).parent
        / ("RESULTS.md" if not (args.quick or args.tiny) else "RESULTS-quick.md")
    )
    # The figures first: a run's results are kept even if writing them up fails.
    stores.CACHE.mkdir(parents=True, exist_ok=True)
    (stores.CACHE / "last-run.json").write_text(
        json.dumps(report.as_json(), indent=2, ensure_ascii=False, default=str)
    )
    output.write_text(markdown(report, output))
    console.print(f"wrote {output} ({report.seconds / 60:.1f} min)")
    return report


def run_backend(
    backend: str,
    plan: Plan,
    args: argparse.Namespace,
    only: set[str],
    report: Report,
    progress: Progress,
) -> None:
    task = progress.add_task(f"{backend}: preparing the {plan.size} ledger", total=None)

    def prepared(what: str, done: int, total: int) -> None:
        progress.update(task, description=f"{backend}: {what}", completed=done, total=total)

    cached = stores.prepare(
        backend, plan.size, args.seed, regenerate=args.regenerate, progress=prepared
    )
    report.ledgers[backend] = cached.meta
    steps: list[tuple[str, str, Callable[[Callable[[str], None]], None]]] = []

    def add_rows(rows: list[Row]) -> None:
        report.rows.extend(rows)

    if "a" in only:
        steps.append(
            (
                "a",
                "append",
                lambda tick: add_rows(
                    measure_append.measure_append(
                        backend, plan.runs, plan.append_single, plan.append_batch, tick
                    )
                    + measure_append.measure_tree_overhead(
                        backend, plan.runs, plan.append_single, plan.append_batch, tick
                    )
                ),
            )
        )
    if "b" in only:

        def http(tick: Callable[[str], None]) -> None:
            rows, detail = measure_http.measure_http(cached, plan.runs, plan.http, tick)
            add_rows(rows)
            report.details.setdefault(backend, {})["http"] = detail

        steps.append(("b", "HTTP", http))
    if "c" in only:
        steps.append(
            (
                "c",
                "rebuild",
                lambda tick: add_rows(measure_reads.measure_rebuild(cached, plan.runs, tick)),
            )
        )
    if "d" in only:

        def reports(tick: Callable[[str], None]) -> None:
            rows, detail = measure_reads.measure_reports(
                cached, plan.runs, plan.instants, plan.report_budget, args.seed, tick
            )
            add_rows(rows)
            report.details.setdefault(backend, {})["reports"] = detail

        steps.append(("d", "reports", reports))
    if "e" in only:
        steps.append(
            (
                "e",
                "forensics",
                lambda tick: add_rows(
                    measure_reads.measure_forensics(
                        cached, plan.runs, plan.forensic_queries, args.seed, tick
                    )
                ),
            )
        )
    if "f" in only:
        steps.append(
            (
                "f",
                "verify",
                lambda tick: add_rows(measure_reads.measure_verify(cached, plan.runs, tick)),
            )
        )
    if "h" in only:
        steps.append(
            (
                "h",
                "console",
                lambda tick: add_rows(
                    measure_console.measure_pages(
                        # a fifth as many instants per page as (d) asks its reports
                        cached,
                        plan.runs,
                        max(plan.instants // 5, 4),
                        args.seed,
                        tick,
                    )
                ),
            )
        )
    progress.update(task, description=f"{backend}: measuring", completed=0, total=len(steps))
    for number_, (letter, name, step) in enumerate(steps):
        started = time.perf_counter()

        def tick(what: str, letter: str = letter) -> None:
            progress.update(task, description=f"{backend} ({letter}): {what}")

        step(tick)
        report.details.setdefault(backend, {}).setdefault("seconds", {})[name] = round(
            time.perf_counter() - started, 1
        )
        progress.update(task, completed=number_ + 1)
    progress.update(task, description=f"{backend}: done")


# -- RESULTS.md ----------------------------------------------------------------------------------


def preserved_sections(output: Path) -> list[str]:
    """Sections of the existing file that other tools write (the tree overhead section of
    bench/append_tree.py's author), kept as they are."""
    if not output.exists():
        return []
    keep: list[list[str]] = []
    current: list[str] | None = None
    for line in output.read_text().splitlines():
        if line.startswith("## "):
            current = [] if line.startswith("## Merkle tree overhead") else None
            if current is not None:
                keep.append(current)
        if current is not None:
            current.append(line)
    return ["\n".join(section).rstrip() for section in keep]


def markdown(report: Report, output: Path) -> str:
    plan = report.plan
    lines = [
        "# Benchmark results",
        "",
        "Does the ledger keep up, and where does it not? Written by `python -m bench`;",
        "every figure is the median over runs with (min–max), and every ratio is ours over a",
        "baseline measured in the same run, interleaved with it (the machine is shared and",
        "noisy: the ratio is the figure, absolute numbers are context). A ratio above 1 means",
        "the ledger does better than the baseline.",
        "",
        f"- Command: `{report.command}`, {report.started:%Y-%m-%d %H:%M} UTC, "
        f"{report.seconds / 60:.0f} min ({plan.runs} runs, "
        f"{SIZES[plan.size].events:,}-event ledger, seed {report.seed}).",
        "- Machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()) + ".",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in versions(report.postgres).items()) + ".",
    ]
    if report.skipped:
        lines.append(f"- Skipped: {', '.join(report.skipped)}.")
    lines += ["", "## Results", "", *table(report.rows), ""]
    lines += missed_section(report)
    lines += ["## Noticed beside the bars", "", NOTES.strip(), ""]
    lines += ledger_section(report)
    lines += detail_section(report)
    lines += ["## How each figure is measured", "", METHOD.strip(), ""]
    for section in preserved_sections(output):
        lines += [section, ""]
    return "\n".join(lines).rstrip() + "\n"


def missed_section(report: Report) -> list[str]:
    """Each bar missed, by how much; then, once per cause, why and the fix proposed."""
    missed = [row for row in report.rows if row.met is False]
    lines = ["## Where a bar is missed", ""]
    if not missed:
        return [*lines, "Every bar is met in this run.", ""]
    causes: dict[str, list[Row]] = {}
    for row in missed:
        causes.setdefault(_diagnosis_key(row), []).append(row)
    for key, rows in causes.items():
        for row in rows:
            lines.append(f"- **{label(row)}, {row.backend}**: {_shortfall(row)}.")
        why = DIAGNOSES.get(key)
        if why:
            lines += ["", why.strip()]
        lines.append("")
    return lines


def _shortfall(row: Row) -> str:
    assert row.bar is not None
    if row.bar.kind == "ratio":
        assert row.ratio is not None
        short = (1 - row.ratio / row.bar.value) * 100
        return f"{row.ratio:.2f}× against a bar of {row.bar.value:g}×: {short:.0f}% short"
    assert row.median is not None
    over = row.median / row.bar.value
    return (
        f"{number(row.median)} {row.unit} against a bar of {row.bar.value:g} {row.unit}: "
        f"{over:.1f}× over"
    )


def _diagnosis_key(row: Row) -> str:
    parts = row.key.split(".")
    if row.key.startswith("d."):
        return f"d.{parts[2]}"  # by known_at mode
    if row.key.startswith("c."):
        return row.key
    return ".".join(parts[:2])


def ledger_section(report: Report) -> list[str]:
    lines = ["## The generated ledger", ""]
    for backend, meta in report.ledgers.items():
        generation = meta.get("generation", {})
        lines.append(
            f"- **{backend}**: {meta['events']:,} events, Merkle root `{meta['root'][:16]}…` "
            f"(the same seed gives the same root on both backends)."
        )
        if backend == "sqlite" and generation:
            commands = generation.get("commands", {})
            top = ", ".join(
                f"{k} {v:,}" for k, v in sorted(commands.items(), key=lambda kv: -kv[1])[:8]
            )
            lines.append(
                f"  Generated through the verbs in {generation['seconds']:.0f} s "
                f"({generation['events_per_second']:,} events/s, batched): data uses "
                f"{generation['data_use_direct_per_second']:,}/s decided by `record_data_use` with "
                f"the objects kept, {generation['data_use_verb_per_second']:,}/s through the verb "
                "itself, other "
                f"commands {generation['other_commands_per_second']:,}/s. Commands: {top}, …"
            )
        if "import" in meta:
            lines.append(
                "  Imported from the SQLite ledger's export at "
                f"{meta['import']['events_per_second']:,} events/s "
                "(`store/transfer.py`, every line re-verified)."
            )
        forensics = meta.get("forensics", {})
        if forensics.get("runner_events_per_second"):
            lines.append(
                f"  Forensic read model: the library's ProjectionRunner caught up at "
                f"{forensics['runner_events_per_second']:,} events/s over its first "
                f"{forensics['runner_events']:,} events (one transaction per event); the rest was "
                "written in batches of 2,000 by the harness (the view's own row functions and "
                "statements)."
            )
    lines.append("")
    return lines


def detail_section(report: Report) -> list[str]:
    lines = ["## Details", ""]
    for backend, detail in report.details.items():
        http = detail.get("http")
        if http:
            lines += [
                f"HTTP on {backend}, closed loop per concurrency level ({http['clients']} "
                "granted requests cited in turn; errors are non-201 answers; CPU by process from "
                "/proc, the database server's own not counted):",
                "",
                "| concurrency | commands/s | p50 ms | p99 ms | errors "
                "| CPU ms per command (last run) | cores busy |",
                "|---|---|---|---|---|---|---|",
            ]
            for level in http["levels"]:
                cpu = ", ".join(
                    f"{k} {v:.1f}" for k, v in level.get("cpu_ms_per_command", {}).items()
                )
                lines.append(
                    f"| {level['concurrency']} | {spread(level['throughput'])} "
                    f"| {spread(level['p50_ms'])} | {spread(level['p99_ms'])} | {level['errors']} "
                    f"| {cpu} | {level.get('cores_busy', '')} |"
                )
            lines += ["", f"Open-loop errors: {http['open_loop_errors']}.", ""]
        reports = detail.get("reports")
        if reports:
            answered = ", ".join(f"{k} {v}" for k, v in reports["instants_answered"].items())
            lines += [
                f"Reports on {backend}: saved folds warmed first in "
                + ", ".join(f"{k} {v} s" for k, v in reports["warm_up_seconds"].items())
                + f"; instants answered per run of {reports['instants_asked']} asked "
                f"(a series stops at its time budget): {answered}.",
                "",
            ]
        seconds = detail.get("seconds")
        if seconds:
            lines += [
                f"Time spent on {backend}: "
                + ", ".join(f"{k} {v} s" for k, v in seconds.items())
                + ".",
                "",
            ]
    return lines
