"""(h) The console's pages: the time from request to a whole rendered page, in process.

Each page is asked through the app (FastAPI's TestClient, no network) as a signed-in
principal of the generated ledger, at random business instants alternately as known then
and as known now. Only pages that read are asked (the audit page records every query, and
the cached ledger is not written to). The figures are absolute milliseconds on a shared
machine: compare them with the (d) report rows of the same run, which every page but the
ledger's stands on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import open_ledger, recorder_of
from bench.generate import OFFICE, token_for
from bench.measure_reads import percentile, random_instants, warm_saved_folds
from bench.results import Bar, Row
from bench.stores import CachedLedger
from console.session import SESSION_COOKIE
from domain.calendar import SHANGHAI
from domain.ledger import Ledger
from domain.vocabulary import Role
from projections.supervision import SupervisionProjection
from replays.asof import Instant, replay
from replays.reports import catalog_state, deadlines_report, supervision_report

Tick = Callable[[str], None]
BAR_MS = 300
# (page, who asks it, the report it stands on): the overseers' pages as the leading group, the
# workbench as a department. The report alone, at the same instant, is the row's baseline.
Report = Callable[[Ledger, Instant], Any] | None


def _supervision(ledger: Ledger, instant: Instant) -> Any:
    return supervision_report(
        recorder_of(ledger), ledger.mapper, instant, publications=ledger.publications()
    )


def _deadlines(ledger: Ledger, instant: Instant) -> Any:
    return deadlines_report(
        recorder_of(ledger), ledger.mapper, instant, publications=ledger.publications()
    )


def _catalog(ledger: Ledger, instant: Instant) -> Any:
    return catalog_state(recorder_of(ledger), ledger.mapper, instant)


PAGES: tuple[tuple[str, str, Report], ...] = (
    ("/supervision", "leading_group", _supervision),
    ("/supervision/trend", "leading_group", None),
    ("/deadlines", "leading_group", _deadlines),
    ("/findings", "leading_group", _supervision),
    ("/workbench", "department", _catalog),
    ("/ledger", "leading_group", None),
)


def _noop(what: str) -> None:
    return None


def department_token(ledger: Ledger, seed: int) -> str:
    """A department principal of the generated ledger: the first department that has one."""
    for code in sorted(_codes(ledger)):
        token = token_for(seed, code, Role.DEPARTMENT)
        if ledger.standing().principal(token) is not None:
            return token
    raise LookupError("the generated ledger has no department principal")


def _codes(ledger: Ledger) -> list[str]:
    now = datetime.now(UTC)
    projection = SupervisionProjection()
    replayed = replay(recorder_of(ledger), ledger.mapper, projection, Instant(now, now))
    return [facts.code for facts in replayed.state.departments.values()]


def measure_pages(
    cached: CachedLedger, runs: int, per_page: int, seed: int, tick: Tick = _noop
) -> list[Row]:
    ledger = open_ledger(cached.url)
    app = create_app(ledger, backend=cached.backend, run_projections=False)
    tokens = {
        "leading_group": token_for(cached.seed, OFFICE, Role.LEADING_GROUP),
        "department": department_token(ledger, cached.seed),
    }
    instants = random_instants(seed + 11, per_page)
    rows: dict[str, Row] = {}
    try:
        tick("warming saved folds")
        warm_saved_folds(ledger)
        with TestClient(app) as client:
            for run in range(runs):
                order = PAGES if run % 2 == 0 else tuple(reversed(PAGES))
                for path, who, report in order:
                    client.cookies.set(SESSION_COOKIE, tokens[who])
                    pages, reports = [], []
                    for n, at in enumerate(instants):
                        tick(f"console {path} (run {run + 1}/{runs}): {n}/{len(instants)}")
                        known = "then" if n % 2 else "now"
                        local = at.astimezone(SHANGHAI).replace(second=0, microsecond=0)
                        begun = time.perf_counter()
                        response = client.get(
                            path, params={"at": local.strftime("%Y-%m-%dT%H:%M"), "known": known}
                        )
                        pages.append((time.perf_counter() - begun) * 1000)
                        assert response.status_code == 200, (path, response.status_code)
                        if report is not None:
                            known_at = local if known == "then" else datetime.now(UTC)
                            begun = time.perf_counter()
                            report(ledger, Instant(local, known_at))
                            reports.append((time.perf_counter() - begun) * 1000)
                    for stat, q in (("p50", 50), ("p95", 95)):
                        row = rows.setdefault(f"{path}.{stat}", _row(cached, path, stat, report))
                        row.ours.append(percentile(pages, q))
                        if reports:
                            row.baseline.append(percentile(reports, q))
    finally:
        ledger.close()
    return [rows[f"{path}.{stat}"] for path, _, _ in PAGES for stat in ("p50", "p95")]


def _row(cached: CachedLedger, path: str, stat: str, report: Report) -> Row:
    return Row(
        key=f"h{path.replace('/', '.')}.{stat}",
        measurement=f"(h) console page {path}: {stat}",
        backend=cached.backend,
        unit="ms",
        baseline_name=f"*the {report.__name__} alone, same instants*" if report else "",
        higher_is_better=False,
        bar=Bar("max", BAR_MS) if stat == "p95" and cached.size == "1m" else None,
    )
