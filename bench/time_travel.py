"""Time travel as an auditor meets it: reports at random instants through ``ledger serve``.

    python -m bench.time_travel                                  # 100k and 1m, both backends
    python -m bench.time_travel --sizes 20k,100k --backend sqlite --instants 30

For each backend and size, a throwaway copy of the cached bench ledger is served in the
shipped configuration — SQLite: ``ledger serve`` (one worker, the projector in process);
PostgreSQL: ``ledger serve --workers 2``, which runs ``ledger project`` beside its workers —
and a leading-group client asks, over a real socket, at the same random business instants
(``known_at`` = the instant itself, and now):

- the supervision counts (``GET /v1/supervision/violations``),
- the deadline register's first page (``GET /v1/deadlines``),
- the catalog (``GET /v1/catalog``);

and, signed in to the console as a browser is (the session cookie), its pages at the same
instants: the leading group's 监督总览, 期限, 发现与整改, 审计 (a resource's history) and 账本,
and a department's 部门工作台.

It reports p50 and p95 per report, mode and size; the growth of p95 from the smallest size
to the largest, measured in the same run; a 12-month trend of the supervision counts as the
console asks it (``GET /v1/supervision/trend``: twelve month ends in one request, as known
now) against the p50 of one report as known now; and the read models' projector's
catch-up rate, filling a copy's read models again from the first event, against the bare
library reading and decoding the same log in this run. The results go to
bench/RESULTS-time-travel.md (``--output``).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from api.runtime import open_ledger, recorder_of
from bench import stores
from bench.generate import OFFICE, SIZES, token_for
from bench.measure_console import department_token
from bench.measure_http import server
from bench.measure_reads import (
    LAST_DAY,
    bare_read_and_decode,
    percentile,
    random_instants,
    stock_recorder,
)
from console.session import SESSION_COOKIE
from domain.calendar import SHANGHAI
from domain.vocabulary import Role
from replays.asof import Instant
from replays.reports import catalog_state

REPORTS = {
    "supervision": "/v1/supervision/violations",
    "deadlines": "/v1/deadlines",
    "catalog": "/v1/catalog",
}
MODES = ("at", "now")
# The console's pages, each as the role that works on it; 审计 asks one resource's history.
PAGES = {
    "/supervision": "leading_group",
    "/deadlines": "leading_group",
    "/findings": "leading_group",
    "/audit": "leading_group",
    "/workbench": "department",
    "/ledger": "leading_group",
}
PAGE_BAR_MS = 300
TREND_MONTHS = 12
HERE = Path(__file__).parent


@dataclass
class Series:
    """The latencies (ms) of one report in one mode on one ledger."""

    report: str
    mode: str
    size: str
    backend: str
    latencies: list[float] = field(default_factory=list)

    def stat(self, q: float) -> float:
        return percentile(self.latencies, q)


@dataclass
class Measured:
    backend: str
    size: str
    events: int
    series: list[Series]
    trend_ms: list[float]
    catch_up: dict[str, Any]
    pages: list[Series] = field(default_factory=list)


def ask(client: httpx.Client, path: str, params: dict[str, str]) -> float:
    """One GET, timed to its last byte (ms); anything but a 200 stops the run."""
    begun = time.perf_counter()
    response = client.get(path, params=params)
    elapsed = (time.perf_counter() - begun) * 1000
    if response.status_code != 200:
        raise RuntimeError(
            f"{path} {params} answered {response.status_code}: {response.text[:300]}"
        )
    return elapsed


def measure_one(backend: str, size: str, seed: int, instants: int) -> Measured:
    cached = stores.prepare(backend, size, seed)
    token = token_for(seed, OFFICE, Role.LEADING_GROUP)
    cookies = _page_cookies(cached.url, seed, token)
    audited = _a_resource(cached.url)
    moments = random_instants(seed, instants)
    series = {(r, m): Series(r, m, size, backend) for r in REPORTS for m in MODES}
    pages = {p: Series(p, "then/now", size, backend) for p in PAGES}
    trend_ms: list[float] = []
    with (
        stores.copy_of(cached, f"tt-{size}") as url,
        server(url, workers=_workers(backend)) as (
            base,
            _pid,
        ),
    ):
        headers = {"Authorization": f"Bearer {token}"}
        with (
            httpx.Client(base_url=base, headers=headers, timeout=300) as client,
            httpx.Client(base_url=base, timeout=300) as browser,
        ):
            for path in REPORTS.values():  # warm-up: the first request may fold and save
                ask(client, path, {"at": LAST_DAY.isoformat()})
            for n, at in enumerate(moments):
                now = datetime.now(UTC)
                for mode in MODES if n % 2 == 0 else tuple(reversed(MODES)):
                    known_at = at if mode == "at" else now
                    params = {"at": at.isoformat(), "known_at": known_at.isoformat()}
                    for name, path in REPORTS.items():
                        series[(name, mode)].latencies.append(ask(client, path, params))
            for n, at in enumerate(moments):
                # A page names its instant as the time bar does: a local minute, then or now.
                local = at.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
                params = {"at": local, "known": "then" if n % 2 else "now"}
                for path, who in PAGES.items():
                    browser.cookies.set(SESSION_COOKIE, cookies[who])
                    asked = {**params, "query": "history", "subject": audited}
                    pages[path].latencies.append(
                        ask(browser, path, asked if path == "/audit" else params)
                    )
            trend = {"at": LAST_DAY.isoformat(), "months": str(TREND_MONTHS), "known": "now"}
            # Warmed as each report is: the first trend folds month ends no report asked for
            # (2-3× the next ones at 1M events); a console moving its time bar meets the rest.
            ask(client, "/v1/supervision/trend", trend)
            for _ in range(3):
                trend_ms.append(ask(client, "/v1/supervision/trend", trend))
    # The projector's catch-up, in this run: the read models of a copy dropped and filled
    # again from the first event by the product's runner, beside the bare library reading
    # and decoding the same log.
    # The bare read runs on the same copy, twice, the faster pass kept: the projector reads
    # a log the machine has just read, and so does its baseline (a first pass over a cold
    # file measured the disk: 13,600 events/s one run, 69,800 the one before).
    with stores.copy_of(cached, f"cu-{size}") as url:
        ledger = open_ledger(url)
        try:
            recorder = stock_recorder(ledger)
            read, seconds = min(
                (bare_read_and_decode(recorder) for _ in range(2)), key=lambda r: r[1]
            )
        finally:
            ledger.close()
        stores.rebuild_read_models(url)
        forensics = stores.catch_up_forensics(url, cached.events)
    catch_up = {
        "projector_events_per_second": forensics.get("runner_events_per_second"),
        "bare_read_and_decode_per_second": round(read / seconds) if seconds else None,
    }
    measured = Measured(backend, size, cached.events, list(series.values()), trend_ms, catch_up)
    measured.pages = list(pages.values())
    return measured


def _page_cookies(url: str, seed: int, leading_group: str) -> dict[str, str]:
    """The console's session cookie of each role that asks a page (the cookie holds the
    token, as signing in sets it)."""
    ledger = open_ledger(url)
    try:
        return {"leading_group": leading_group, "department": department_token(ledger, seed)}
    finally:
        ledger.close()


def _a_resource(url: str) -> str:
    """The resource whose history 审计 asks: the catalog's first entry as it stands."""
    ledger = open_ledger(url)
    try:
        now = datetime.now(UTC)
        state, _ = catalog_state(recorder_of(ledger), ledger.mapper, Instant(now, now))
        return str(state.in_catalog()[0].id)
    finally:
        ledger.close()


def _workers(backend: str) -> int:
    return 1 if backend == "sqlite" else 2


def render(measured: list[Measured], command: str, started: datetime) -> str:
    lines = [
        "# Time travel through HTTP",
        "",
        f"`{command}` — started {started:%Y-%m-%d %H:%M} UTC. Latencies in ms, to the last byte,",
        "through `ledger serve` on a real socket (SQLite: one worker, projector in process;",
        "PostgreSQL: `--workers 2` with `ledger project`). The client shares the two cores.",
        "",
        "| backend | events | report | known_at | p50 | p95 |",
        "|---|---:|---|---|---:|---:|",
    ]
    for m in measured:
        for s in m.series:
            lines.append(
                f"| {m.backend} | {m.events:,} | {s.report} | {s.mode} "
                f"| {s.stat(50):,.1f} | {s.stat(95):,.1f} |"
            )
    lines += ["", f"## The console's pages (bar: p95 ≤ {PAGE_BAR_MS} ms at 1,000,000 events)", ""]
    lines += ["| backend | events | page | p50 | p95 |", "|---|---:|---|---:|---:|"]
    for m in measured:
        for s in m.pages:
            lines.append(
                f"| {m.backend} | {m.events:,} | {s.report} | {s.stat(50):,.1f} "
                f"| {s.stat(95):,.1f} |"
            )
    lines += ["", "## Growth of p95 with the ledger (largest size ÷ smallest, same run)", ""]
    lines += ["| backend | report | known_at | growth |", "|---|---|---|---:|"]
    for backend in sorted({m.backend for m in measured}):
        runs = sorted((m for m in measured if m.backend == backend), key=lambda m: m.events)
        if len(runs) < 2:
            continue
        small, large = runs[0], runs[-1]
        for s_small, s_large in zip(small.series, large.series, strict=True):
            growth = s_large.stat(95) / s_small.stat(95) if s_small.stat(95) else float("nan")
            lines.append(f"| {backend} | {s_small.report} | {s_small.mode} | {growth:.2f}× |")
    lines += ["", f"## A {TREND_MONTHS}-month trend (median of 3) against one report (p50)", ""]
    lines += [
        "| backend | events | trend ms | one report ms | ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    for m in measured:
        # The trend asks as known now, so it is set against one report known now (p50).
        one = next(s for s in m.series if (s.report, s.mode) == ("supervision", "now")).stat(50)
        trend = percentile(m.trend_ms, 50)
        lines.append(
            f"| {m.backend} | {m.events:,} | {trend:,.0f} | {one:,.0f} | {trend / one:.1f}× |"
        )
    lines += ["", "## Forensic projector catch-up against the bare library's read-and-decode", ""]
    lines += ["| backend | events | projector ev/s | bare read ev/s | ratio |"]
    lines += ["|---|---:|---:|---:|---:|"]
    for m in measured:
        ours = m.catch_up["projector_events_per_second"]
        bare = m.catch_up["bare_read_and_decode_per_second"]
        ratio = f"{ours / bare:.3f}×" if ours and bare else "—"
        lines.append(f"| {m.backend} | {m.events:,} | {ours or '—'} | {bare or '—'} | {ratio} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.time_travel", description=__doc__)
    parser.add_argument("--sizes", default="100k,1m", help="ledger sizes, smallest first")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--instants", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS-time-travel.md")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",")]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; choose from {list(SIZES)}")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    started = datetime.now(UTC)
    command = ("python -m bench.time_travel " + " ".join(argv or [])).strip()
    measured: list[Measured] = []
    for backend in backends:
        for size in sizes:
            measured.append(measure_one(backend, size, args.seed, args.instants))
            # Written after each ledger: a long run that stops keeps what it measured.
            args.output.write_text(render(measured, command, started), encoding="utf-8")
            raw = args.output.with_suffix(".json")
            raw.write_text(json.dumps([m.__dict__ for m in measured], default=lambda o: o.__dict__))
    print(args.output.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
