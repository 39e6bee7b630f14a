"""Reading the ledger: (c) full rebuild, (d) a report at an instant, (e) forensic queries,
(f) ``ledger verify``. All read a cached ledger and write nothing to it but saved folds.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

from api.read_models import open_view
from api.runtime import open_ledger
from bench.baseline import library_mapper
from bench.results import Bar, Row
from bench.stores import CachedLedger
from domain.ledger import Ledger
from projections.catalog import CatalogProjection
from projections.obligations import deadline_register
from projections.supervision import SupervisionProjection
from replays.asof import PAGE, Instant, replay
from replays.reports import deadlines_report, supervision_report
from store.entries import LEAF_PREFIX, encode_canonical, instant_field
from store.fold_snapshots import FoldSnapshots
from store.forensic_view import Page, UseFilters
from store.verify import verify_ledger

FAR = datetime(2100, 1, 1, tzinfo=UTC)
FIRST_DAY = datetime(2023, 1, 3, tzinfo=UTC)
LAST_DAY = datetime(2025, 12, 31, tzinfo=UTC)

Tick = Callable[[str], None]


def _noop(what: str) -> None:
    return None


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


# -- (c) full rebuild ------------------------------------------------------------------------------


def stock_recorder(ledger: Ledger) -> ApplicationRecorder:
    """The library's own application recorder over the ledger's event table: the notification
    log exactly as the bare library reads it."""
    recorder: Any = ledger.recorder
    if isinstance(recorder, PostgresApplicationRecorder):
        return PostgresApplicationRecorder(
            recorder.datastore, events_table_name=recorder.events_table_name
        )
    return SQLiteApplicationRecorder(recorder.datastore, recorder.events_table_name)


def bare_read_and_decode(recorder: ApplicationRecorder) -> tuple[int, float]:
    """The whole log through ``select_notifications`` and the library's default mapper."""
    mapper = library_mapper()
    decode = mapper.to_domain_event
    started = time.perf_counter()
    after, count = 0, 0
    while notifications := recorder.select_notifications(
        start=after, limit=PAGE, inclusive_of_start=False
    ):
        for notification in notifications:
            decode(notification)
        count += len(notifications)
        after = notifications[-1].id
    return count, time.perf_counter() - started


def rebuild_projection(ledger: Ledger, projection: Any) -> tuple[int, float]:
    """A full rebuild: the fold over the whole log, from the first event, no saved folds."""
    started = time.perf_counter()
    replayed: Any = replay(
        ledger.recorder,  # type: ignore[arg-type]
        ledger.mapper,
        projection,
        Instant(FAR, FAR),
        every=0,
    )
    return replayed.position, time.perf_counter() - started


def measure_rebuild(cached: CachedLedger, runs: int, tick: Tick = _noop) -> list[Row]:
    ledger = open_ledger(cached.url)
    stock = stock_recorder(ledger)
    projections = {
        "catalog": CatalogProjection,
        "deadlines": deadline_register,
        "supervision": SupervisionProjection,
    }
    rows = {
        name: Row(
            key=f"c.rebuild.{name}",
            measurement=f"(c) full rebuild: {name} projection",
            backend=cached.backend,
            unit="events/s",
            baseline_name="bare library: select_notifications + default mapper decode",
            bar=Bar("ratio", 1.0),
        )
        for name in projections
    }
    try:
        for run in range(runs):
            # The bare read once per run, first or last in turn, next to the three folds.
            names = list(projections)
            order = ["bare", *names] if run % 2 == 0 else [*reversed(names), "bare"]
            bare_rate = 0.0
            ours: dict[str, float] = {}
            for who in order:
                tick(f"rebuild: {who} (run {run + 1}/{runs})")
                if who == "bare":
                    events, seconds = bare_read_and_decode(stock)
                    bare_rate = events / seconds
                else:
                    events, seconds = rebuild_projection(ledger, projections[who]())
                    ours[who] = events / seconds
            for name in names:
                rows[name].ours.append(ours[name])
                rows[name].baseline.append(bare_rate)
    finally:
        ledger.close()
    return list(rows.values())


# -- (d) a report at an instant ---------------------------------------------------------------


def random_instants(seed: int, count: int) -> list[datetime]:
    rng = random.Random(seed * 31 + 5)
    span = (LAST_DAY - FIRST_DAY).total_seconds()
    return [FIRST_DAY + timedelta(seconds=rng.random() * span) for _ in range(count)]


REPORTS: dict[str, Callable[..., Any]] = {
    "supervision": supervision_report,
    "deadlines": deadlines_report,
}


def warm_saved_folds(ledger: Ledger) -> dict[str, float]:
    """Drop the saved folds of both reports and replay each once at now, which saves a fold
    every ``LEDGER_REPLAY_SNAPSHOT_EVERY`` (10,000) events; returns the seconds it took."""
    snapshots = FoldSnapshots(ledger.recorder)
    now = datetime.now(UTC)
    seconds = {}
    for name, projection in (
        ("supervision", SupervisionProjection()),
        ("deadlines", deadline_register()),
    ):
        snapshots.clear(f"{projection.name}@{projection.version}")
        started = time.perf_counter()
        replay(ledger.recorder, ledger.mapper, projection, Instant(now, now), snapshots=snapshots)  # type: ignore[arg-type, misc]
        seconds[name] = time.perf_counter() - started
    return seconds


def measure_reports(
    cached: CachedLedger,
    runs: int,
    instants: int,
    budget: float,
    seed: int,
    tick: Tick = _noop,
) -> tuple[list[Row], dict[str, Any]]:
    """100 random business instants, each asked ``known_at=now`` and ``known_at=at``; a
    series stops early when it has spent ``budget`` seconds (the count asked is kept)."""
    ledger = open_ledger(cached.url)
    rows: dict[tuple[str, str, str], Row] = {}
    asked: dict[str, list[int]] = {}
    try:
        tick("warming saved folds")
        warm = warm_saved_folds(ledger)
        everyone = random_instants(seed, instants)
        for run in range(runs):
            # Each run starts at another place in the instants, so that series cut short by
            # their budget still ask every instant over the runs.
            start = run * len(everyone) // runs
            moments = everyone[start:] + everyone[:start]
            for mode in ("now", "at") if run % 2 == 0 else ("at", "now"):
                for name, report in REPORTS.items():
                    latencies: list[float] = []
                    started = time.perf_counter()
                    for at in moments:
                        known_at = datetime.now(UTC) if mode == "now" else at
                        tick(
                            f"{name} report, known_at={mode} (run {run + 1}/{runs}): "
                            f"{len(latencies)}/{len(moments)}"
                        )
                        begun = time.perf_counter()
                        report(
                            ledger.recorder,
                            ledger.mapper,
                            Instant(at, known_at),
                            publications=ledger.publications(),
                        )
                        latencies.append((time.perf_counter() - begun) * 1000)
                        if time.perf_counter() - started > budget and len(latencies) >= 5:
                            break
                    asked.setdefault(f"{name}/{mode}", []).append(len(latencies))
                    for stat, value in (("p50", 50), ("p95", 95)):
                        key = (name, mode, stat)
                        if key not in rows:
                            rows[key] = Row(
                                key=f"d.{name}.{mode}.{stat}",
                                measurement=f"(d) {name} report, known_at={mode}: {stat}",
                                backend=cached.backend,
                                unit="ms",
                                higher_is_better=False,
                                bar=Bar("max", 200)
                                if stat == "p95" and cached.size == "1m"
                                else None,
                            )
                        rows[key].ours.append(percentile(latencies, value))
    finally:
        ledger.close()
    detail = {
        "warm_up_seconds": {k: round(v, 1) for k, v in warm.items()},
        "instants_answered": {k: v for k, v in asked.items()},
        "instants_asked": instants,
    }
    ordered = sorted(rows.values(), key=lambda r: (r.key.split(".")[2], r.key))
    return ordered, detail


# -- (e) forensic queries -------------------------------------------------------------------------


def measure_forensics(
    cached: CachedLedger, runs: int, queries: int, seed: int, tick: Tick = _noop
) -> list[Row]:
    """Resource histories and data-use trails (first page of 100, as known now) for random
    resources, departments and people, through the forensic view (api/read_models.py)."""
    ledger = open_ledger(cached.url)
    view = open_view(dict(ledger.env))
    rng = random.Random(seed * 17 + 3)
    try:
        resources = [
            UUID(row["originator_id"])
            for row in view._rows(
                "SELECT originator_id FROM {t}forensic_events WHERE event_type = ? "
                "ORDER BY position",
                ["ResourceCataloged"],
            )
        ]
        people = [
            row["user_person"]
            for row in view._rows(
                "SELECT user_person FROM {t}forensic_data_uses WHERE position IN "
                "(SELECT MIN(position) FROM {t}forensic_data_uses GROUP BY user_person)",
                [],
            )
        ]
        departments = sorted(
            {
                row["department"]
                for row in view._rows("SELECT DISTINCT department FROM {t}forensic_data_uses", [])
            }
        )
        histories = [rng.choice(resources) for _ in range(queries)]
        trails: list[UseFilters] = []
        for n in range(queries):
            kind = n % 3
            if kind == 0:
                trails.append(UseFilters(resource_id=rng.choice(resources)))
            elif kind == 1:
                trails.append(UseFilters(department=rng.choice(departments)))
            else:
                trails.append(UseFilters(person=rng.choice(people)))
        rows: dict[str, Row] = {}
        for run in range(runs):
            for what in ("history", "trail") if run % 2 == 0 else ("trail", "history"):
                latencies = []
                for n in range(queries):
                    tick(f"forensic {what} (run {run + 1}/{runs}): {n}/{queries}")
                    now = datetime.now(UTC)
                    page = Page(0, 100, now, now)
                    begun = time.perf_counter()
                    if what == "history":
                        view.resource_history(histories[n], page)
                    else:
                        view.data_uses(trails[n], page)
                    latencies.append((time.perf_counter() - begun) * 1000)
                for stat, value in (("p50", 50), ("p95", 95)):
                    label = (
                        "resource history"
                        if what == "history"
                        else "data-use trail (by resource, department or person)"
                    )
                    row = rows.setdefault(
                        f"{what}.{stat}",
                        Row(
                            key=f"e.{what}.{stat}",
                            measurement=f"(e) forensic {label}, first page of 100: {stat}",
                            backend=cached.backend,
                            unit="ms",
                            higher_is_better=False,
                        ),
                    )
                    row.ours.append(percentile(latencies, value))
    finally:
        view.datastore.close()
        ledger.close()
    return [rows[k] for k in ("history.p50", "history.p95", "trail.p50", "trail.p95")]


# -- (f) verify ------------------------------------------------------------------------------------


def canonical_leaves(ledger: Ledger) -> list[bytes]:
    """Every event's leaf input (0x00 ‖ canonical bytes) as ``ledger verify`` hashes it."""
    recorder: Any = ledger.recorder
    leaves, after = [], 0
    while rows := recorder.scan_ledger(after, 5000):
        for position, originator, version, topic, state, _, recorded, _, _ in rows:
            canonical = encode_canonical(
                position, originator, version, topic, bytes(state), instant_field(recorded)
            )
            leaves.append(LEAF_PREFIX + canonical)
        after = rows[-1][0]
    return leaves


def hash_loop(leaves: list[bytes]) -> float:
    started = time.perf_counter()
    for leaf in leaves:
        sha256(leaf).digest()
    return time.perf_counter() - started


def measure_verify(cached: CachedLedger, runs: int, tick: Tick = _noop) -> list[Row]:
    ledger = open_ledger(cached.url)
    row = Row(
        key="f.verify",
        measurement="(f) `ledger verify` (store/verify.py)",
        backend=cached.backend,
        unit="events/s",
        baseline_name="sha256 of the same leaf bytes, tight loop",
        bar=Bar("ratio", 0.5),
    )
    try:
        tick("verify: reading the leaf bytes for the hashing loop")
        leaves = canonical_leaves(ledger)
        for run in range(runs):
            for who in ("ours", "loop") if run % 2 == 0 else ("loop", "ours"):
                tick(f"verify: {who} (run {run + 1}/{runs})")
                if who == "ours":
                    started = time.perf_counter()
                    result = verify_ledger(ledger.recorder)  # type: ignore[arg-type]
                    seconds = time.perf_counter() - started
                    if not result.ok:
                        raise RuntimeError(f"the cached ledger does not verify: {result.reason}")
                    row.ours.append(result.checked / seconds)
                else:
                    row.baseline.append(len(leaves) / hash_loop(leaves))
    finally:
        ledger.close()
    return [row]


def median_or_nan(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
