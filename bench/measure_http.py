"""(b) HTTP commands through ``ledger serve --workers 2``, against the bare library's
get-decide-save loop in-process.

The server runs as a subprocess on a loopback port over a throwaway copy of the cached
ledger (with more than one worker, ``ledger serve`` runs one ``ledger project`` beside
them for the forensic read model).
The command is the ledger's high-volume one, ``POST /v1/data-uses`` (Art. 36), each
citing a granted share request of the principal's own department. A pool of keep-alive
connections (bench/lean_client.py) drives it closed-loop at a few concurrency levels
(bounded in count and time), then open-loop at half the best throughput it reached, where
latency is measured from the moment each request was due, so a server that falls behind
is charged for the queue. The client runs in this process, on the same two cores as the
server (the machine has no third): it is kept to ~0.1 ms of CPU a request so that it
takes little from them (an httpx client took 2–3 ms, a third of the machine).

The baseline is the bare library doing the same kind of command in-process, in one
thread: get the grant (``repository.get``), decide the marks, save a new ``Use``
aggregate (bench/baseline.py), on a fresh database of the same backend. It runs before
and after the HTTP levels of each run; its rate is the mean of the two.

Bulk loads (``POST /v1/data-uses:batch``) take turns, request by request, with the bare
library deciding and saving as many uses in one ``save``, and with a raw append of the
very rows each request wrote (the ceiling, as in (a)).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import orjson
from eventsourcing.utils import get_topic

from api.bulk_lines import NDJSON
from api.read_models import caught_up_to, close_view, open_view
from api.runtime import open_ledger, recorder_of
from bench.baseline import Grant, Use, open_bare, record_use, use_fields
from bench.generate import token_for
from bench.lean_client import Pool
from bench.measure_append import Contender, CopyPostgres, RawSQLite
from bench.measure_reads import percentile
from bench.results import Bar, Row
from bench.stores import CachedLedger, copy_of, scratch
from domain.departments import Department, department_id
from domain.share_requests import ShareRequested
from domain.vocabulary import DepartmentKind, Role, ShareType

Tick = Callable[[str], None]


def _noop(what: str) -> None:
    return None


@dataclass
class Level:
    concurrency: int
    throughput: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    errors: int = 0
    cpu_ms: dict[str, float] = field(default_factory=dict)  # per command, the last run
    busy: float = float("nan")  # share of the machine's cores busy, the last run


@dataclass
class Plan:
    levels: tuple[int, ...] = (1, 8, 32)
    requests: int = 600  # per level and run, at most
    seconds: float = 15.0  # per level and run, at most
    open_seconds: float = 15.0
    bare_seconds: float = 5.0
    bulk_lines: int = 20_000  # per run
    bulk_per_request: int = 1_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- where the CPU goes (Linux /proc) ------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far (0 where /proc cannot say)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = values[3] + values[4]
    return float(sum(values) - idle), float(sum(values))


class CpuMeter:
    """CPU seconds by role over a stretch of load: the uvicorn workers, the projector, the
    supervisor, this (client) process; and how busy the machine's cores were."""

    def __init__(self, serve_pid: int) -> None:
        self.serve_pid = serve_pid

    def roles(self) -> dict[int, str]:
        found = {self.serve_pid: "uvicorn supervisor", os.getpid(): "client (this process)"}
        for child in _children(self.serve_pid):
            try:
                args = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "api project" in args:
                found[child] = "projector (ledger project)"
            elif "api worker" in args:
                found[child] = "uvicorn workers"
        return found

    def __enter__(self) -> CpuMeter:
        self.pids = self.roles()
        self.before = {pid: _cpu(pid) for pid in self.pids}
        self.machine_before = _machine_busy()
        return self

    def __exit__(self, *exc: object) -> None:
        self.spent: dict[str, float] = {}
        for pid, role in self.pids.items():
            self.spent[role] = self.spent.get(role, 0.0) + _cpu(pid) - self.before[pid]
        busy, total = _machine_busy()
        delta = total - self.machine_before[1]
        self.busy = (busy - self.machine_before[0]) / delta if delta else float("nan")


# -- what the clients send -------------------------------------------------------------------------


@dataclass(frozen=True)
class Sender:
    token: str
    person: str
    request_id: UUID
    resource_id: UUID
    purpose: str
    scope: str


def senders(url: str, seed: int, limit: int = 400) -> list[Sender]:
    """Granted (unconditional) requests, each with the token of its requesting department."""
    ledger = open_ledger(url)
    found: list[Sender] = []
    try:
        after = 0
        topic = get_topic(ShareRequested)
        while len(found) < limit:
            notes = ledger.recorder.select_notifications(
                start=after, limit=500, topics=[topic], inclusive_of_start=False
            )
            if not notes:
                break
            for note in notes:
                event = ledger.mapper.to_domain_event(note)
                assert isinstance(event, ShareRequested)
                if event.share_type is not ShareType.UNCONDITIONAL:
                    continue
                dept = ledger.get(department_id(event.requester), Department)
                role = Role.EXTERNAL if dept.kind is DepartmentKind.EXTERNAL else Role.DEPARTMENT
                found.append(
                    Sender(
                        token_for(seed, event.requester, role),
                        event.actor.person,
                        event.originator_id,
                        event.resource_id,
                        event.purpose,
                        event.scope.split("、")[0],
                    )
                )
            after = notes[-1].id
    finally:
        ledger.close()
    return found


def body(sender: Sender) -> dict[str, Any]:
    return {
        "share_request_id": str(sender.request_id),
        "resource_id": str(sender.resource_id),
        "purpose": sender.purpose,
        "user_person": sender.person,
        "approver": sender.person,
        "data_content": sender.scope,
        "obtained_at": (datetime.now(UTC) - timedelta(seconds=1)).isoformat(),
        "method": "api",
        "medium": "network",
    }


# -- the server ----------------------------------------------------------------------


@contextmanager
def server(url: str, workers: int = 2) -> Iterator[tuple[str, int]]:
    """``ledger serve --workers N`` (2 by default, which starts one ``ledger project`` beside
    its workers to keep the forensic read model; with 1 the projector runs in the server's
    process); yields the base URL and the server's process id."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    root = str(Path(__file__).resolve().parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        "LEDGER_DATABASE_URL": url,
        "LEDGER_SIGNING_KEY": str(folder / "ledger.key"),
    }
    log = (folder / "serve.log").open("wb")
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "api", "serve", "--workers", str(workers), "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=folder,
        )
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if processes[0].poll() is not None:
                raise RuntimeError(
                    f"ledger serve exited: {(folder / 'serve.log').read_text()[-2000:]}"
                )
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("ledger serve did not answer /health within 120 s")
            time.sleep(0.3)
        yield base, processes[0].pid
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


# -- load ----------------------------------------------------------------------------


async def _record_use(pool: Pool, sender: Sender) -> bool:
    """One ``POST /v1/data-uses`` as ``sender``; whether it was recorded (201)."""
    answer = await pool.post(
        "/v1/data-uses",
        orjson.dumps(body(sender)),
        {"Authorization": f"Bearer {sender.token}", "Content-Type": "application/json"},
    )
    return answer.status == 201


async def _closed_loop(
    base: str, senders: list[Sender], concurrency: int, count: int, seconds: float
) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    sent = 0
    async with Pool(base, concurrency) as pool:
        started = time.perf_counter()
        deadline = started + seconds

        async def worker() -> None:
            nonlocal sent, errors
            while sent < count and time.perf_counter() < deadline:
                sender = senders[sent % len(senders)]
                sent += 1
                begun = time.perf_counter()
                if await _record_use(pool, sender):
                    latencies.append((time.perf_counter() - begun) * 1000)
                else:
                    errors += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return latencies, errors, elapsed


async def _open_loop(
    base: str, senders: list[Sender], rate: float, seconds: float
) -> tuple[list[float], int]:
    """Requests due at a steady ``rate``; each latency counts from when it was due."""
    latencies: list[float] = []
    errors = 0
    async with Pool(base, 64) as pool:
        start = time.perf_counter() + 0.05
        total = max(1, int(rate * seconds))

        async def one(n: int) -> None:
            nonlocal errors
            due = start + n / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            if await _record_use(pool, senders[n % len(senders)]):
                latencies.append((time.perf_counter() - due) * 1000)
            else:
                errors += 1

        await asyncio.gather(*(one(n) for n in range(total)))
    return latencies, errors


def bare_loop(app: Any, grants: list[tuple[UUID, str]], seconds: float) -> float:
    """Commands per second of the bare library's get-decide-save, one thread."""
    count = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        grant_id, department = grants[count % len(grants)]
        record_use(app, grant_id, department, "孙悦", datetime.now(UTC))
        count += 1
    return count / (time.perf_counter() - started)


def bulk_body(sender: Sender, count: int) -> bytes:
    """``count`` uses as NDJSON, each with its own idempotency key."""
    return b"".join(
        orjson.dumps({**body(sender), "idempotency_key": uuid4().hex}) + b"\n"
        for _ in range(count)
    )


def bulk_request(client: httpx.Client, sender: Sender, text: bytes) -> None:
    """One ``POST /v1/data-uses:batch`` as ``sender``, every line recorded."""
    response = client.post(
        "/v1/data-uses:batch",
        content=text,
        headers={"Authorization": f"Bearer {sender.token}", "Content-Type": NDJSON},
    )
    response.raise_for_status()
    if b'"status":4' in response.content or b'"status":5' in response.content:
        raise RuntimeError(f"a bulk line was refused: {response.content[:500]!r}")


def bare_save(app: Any, grants: list[tuple[UUID, str]], start: int, count: int) -> None:
    """The bare library deciding ``count`` uses as ``bare_loop`` does, saved in one ``save``."""
    uses = []
    for n in range(count):
        grant_id, department = grants[(start + n) % len(grants)]
        grant: Grant = app.repository.get(grant_id)
        now = datetime.now(UTC)
        uses.append(Use(**use_fields(grant_id, grant, department, "孙悦", now)))
    app.save(*uses)


@dataclass
class BulkRates:
    ours: float  # uses/s through POST /v1/data-uses:batch
    bare: float  # uses/s of the bare library, per_request uses a save
    raw: float  # uses/s of a raw append of the rows each request wrote, one transaction each


def bulk_load(
    base: str,
    url: str,
    pool: list[Sender],
    bare: Any,
    grants: list[tuple[UUID, str]],
    raw: Contender,
    lines: int,
    per_request: int,
) -> BulkRates:
    """``lines`` uses through ``POST /v1/data-uses:batch``, ``per_request`` a request, from
    one department after another; after each request, the bare library saves as many of
    its own (the baseline), then the rows that request wrote (read back from the store,
    outside the timing) go into a plain table in one raw append (the ceiling): the three
    take turns request by request, so a burst of load on the machine falls on all alike.

    The baseline's turn begins once the forensic read model has caught up with the request
    (not timed: the projector is a process of its own, and under a steady load its work
    overlaps the next request), so that neither runs beside the other's background work."""
    spent = {"ours": 0.0, "bare": 0.0, "raw": 0.0}
    reader = open_ledger(url)
    recorder = recorder_of(reader)
    view = open_view(dict(reader.env))
    after = recorder.head().position
    postgres = not url.startswith("sqlite")
    done = 0
    try:
        with httpx.Client(base_url=base, timeout=300) as client:
            while done < lines:
                sender = pool[(done // per_request) % len(pool)]
                count = min(per_request, lines - done)
                text = bulk_body(sender, count)
                started = time.perf_counter()
                bulk_request(client, sender, text)
                spent["ours"] += time.perf_counter() - started
                started = time.perf_counter()
                bare_save(bare, grants, done, count)
                spent["bare"] += time.perf_counter() - started
                written = recorder.select_rows(after=after, limit=10 * count)
                after = written[-1][0]
                _wait_for_read_model(view, after)
                rows = [
                    (
                        originator_id if postgres else str(originator_id),
                        version,
                        topic,
                        bytes(state),
                    )
                    for _, originator_id, version, topic, state, _ in written
                ]
                started = time.perf_counter()
                raw.append(rows)
                spent["raw"] += time.perf_counter() - started
                done += count
    finally:
        close_view(view)
        reader.close()
    return BulkRates(**{name: done / seconds for name, seconds in spent.items()})


def _wait_for_read_model(view: Any, position: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while caught_up_to(view) < position:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the forensic read model did not reach {position} in {seconds} s")
        time.sleep(0.005)


def measure_http(
    cached: CachedLedger, runs: int, plan: Plan, tick: Tick = _noop
) -> tuple[list[Row], dict[str, Any]]:
    throughput = Row(
        key="b.throughput",
        measurement="(b) HTTP `POST /v1/data-uses`, `ledger serve --workers 2`: best throughput "
        f"of concurrency {'/'.join(map(str, plan.levels))}",
        backend=cached.backend,
        unit="commands/s",
        baseline_name="bare library get-decide-save loop, in-process, one thread",
        bar=Bar("ratio", 0.5),
    )
    p99 = Row(
        key="b.p99",
        measurement="(b) HTTP p99 latency, open loop at half the best throughput",
        backend=cached.backend,
        unit="ms",
        higher_is_better=False,
        bar=Bar("max", 50),
    )
    p50 = Row(
        key="b.p50",
        measurement="(b) HTTP p50 latency, open loop at half the best throughput",
        backend=cached.backend,
        unit="ms",
        higher_is_better=False,
    )
    bulk = Row(
        key="b.bulk",
        measurement=f"(b) HTTP `POST /v1/data-uses:batch`, {plan.bulk_per_request} uses a "
        "request, `ledger serve --workers 2`",
        backend=cached.backend,
        unit="uses/s",
        baseline_name=f"bare library deciding each use, {plan.bulk_per_request} saved a `save`",
        bar=Bar("ratio", 0.8),
    )
    bulk_ceiling = Row(
        key="b.bulk_ceiling",
        measurement=f"(b) HTTP `POST /v1/data-uses:batch`, {plan.bulk_per_request} uses a "
        "request: against the ceiling",
        backend=cached.backend,
        unit="uses/s",
        baseline_name=(
            "raw psycopg COPY of the rows each request wrote, one COPY a request"
            if cached.backend == "postgresql"
            else "raw sqlite3 executemany INSERT of the rows each request wrote, "
            "one transaction a request (SQLite has no COPY)"
        ),
    )
    levels = {c: Level(c) for c in plan.levels}
    open_errors = 0
    with (
        scratch(cached.backend, "http-bare") as bare_url,
        scratch(cached.backend, "http-raw") as raw_url,
        copy_of(cached, "http") as url,
    ):
        tick("HTTP: reading granted requests for the clients")
        pool = senders(url, cached.seed)
        if not pool:
            raise RuntimeError("the cached ledger has no granted request to cite")
        bare = open_bare(bare_url)
        raw = CopyPostgres(raw_url) if cached.backend == "postgresql" else RawSQLite(raw_url)
        grants = []
        for sender in pool[:100]:
            grant = Grant(
                requester="CS03",
                provider="CS07",
                resource_id=sender.resource_id,
                purpose=sender.purpose,
                scope=sender.scope,
            )
            bare.save(grant)
            grants.append((grant.id, "CS03"))
        try:
            tick("HTTP: starting ledger serve --workers 2")
            with server(url) as (base, serve_pid):
                asyncio.run(_closed_loop(base, pool, 4, 60, 20))  # warm both workers
                for run in range(runs):
                    tick(f"HTTP: bare loop (run {run + 1}/{runs})")
                    before = bare_loop(bare, grants, plan.bare_seconds)
                    best = 0.0
                    for concurrency in plan.levels:
                        tick(f"HTTP: concurrency {concurrency} (run {run + 1}/{runs})")
                        with CpuMeter(serve_pid) as meter:
                            latencies, errors, elapsed = asyncio.run(
                                _closed_loop(base, pool, concurrency, plan.requests, plan.seconds)
                            )
                        level = levels[concurrency]
                        if latencies:
                            level.cpu_ms = {
                                role: 1000 * seconds / len(latencies)
                                for role, seconds in meter.spent.items()
                            }
                            level.busy = meter.busy
                        rate = len(latencies) / elapsed
                        level.throughput.append(rate)
                        level.p50.append(percentile(latencies, 50))
                        level.p99.append(percentile(latencies, 99))
                        level.errors += errors
                        best = max(best, rate)
                    tick(f"HTTP: open loop at {best / 2:.0f}/s (run {run + 1}/{runs})")
                    latencies, errors = asyncio.run(
                        _open_loop(base, pool, best / 2, plan.open_seconds)
                    )
                    open_errors += errors
                    p50.ours.append(percentile(latencies, 50))
                    p99.ours.append(percentile(latencies, 99))
                    tick(f"HTTP: bare loop again (run {run + 1}/{runs})")
                    after = bare_loop(bare, grants, plan.bare_seconds)
                    throughput.ours.append(best)
                    throughput.baseline.append((before + after) / 2)
                    tick(f"HTTP: bulk uses (run {run + 1}/{runs})")
                    rates = bulk_load(
                        base, url, pool, bare, grants, raw, plan.bulk_lines, plan.bulk_per_request
                    )
                    bulk.ours.append(rates.ours)
                    bulk.baseline.append(rates.bare)
                    bulk_ceiling.ours.append(rates.ours)
                    bulk_ceiling.baseline.append(rates.raw)
        finally:
            bare.close()
            raw.close()
    detail = {
        "levels": [
            {
                "concurrency": level.concurrency,
                "throughput": level.throughput,
                "p50_ms": level.p50,
                "p99_ms": level.p99,
                "errors": level.errors,
                "cpu_ms_per_command": {k: round(v, 2) for k, v in level.cpu_ms.items()},
                "cores_busy": round(level.busy, 2),
            }
            for level in levels.values()
        ],
        "open_loop_errors": open_errors,
        "clients": len(pool),
    }
    return [throughput, p50, p99, bulk, bulk_ceiling], detail
