"""What the Merkle tree costs on append: our recorders against the library's own.

The same pre-encoded events are appended through (a) the library's stock SQLite or
PostgreSQL application recorder and (b) ours, which also writes each event's ledger
entry and the tree nodes it completes in the same transaction. Runs alternate
between the two in slices of ten transactions (and which goes first), each into a
fresh database, so drift in the machine's load affects both alike. Two modes: one
event per transaction (a command), and batches of 100 (a bulk load).

    python -m bench.append_tree                      # small: both backends
    python -m bench.append_tree --events 5000 --rounds 7 --backend postgresql

PostgreSQL comes from LEDGER_BENCH_POSTGRES_URL, else LEDGER_TEST_POSTGRES_URL, else
the local server's ``ledger_test`` database; each run gets a schema, dropped after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import orjson
import psycopg
from eventsourcing.persistence import ApplicationRecorder, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

from store.postgres import LedgerPostgresRecorder
from store.sqlite import LedgerSQLiteRecorder
from store.sqlite_connections import caching_statements

POSTGRES_URL = (
    os.environ.get("LEDGER_BENCH_POSTGRES_URL")
    or os.environ.get("LEDGER_TEST_POSTGRES_URL")
    or "postgresql://postgres@127.0.0.1:5432/ledger_test"
)
MODES = {"single": 1, "batch": 100}
SLICE = 10  # transactions per slice: the two recorders take turns at this grain
RECORDERS: dict[str, dict[str, type[Any]]] = {
    "sqlite": {"library": SQLiteApplicationRecorder, "ledger": LedgerSQLiteRecorder},
    "postgresql": {"library": PostgresApplicationRecorder, "ledger": LedgerPostgresRecorder},
}


@dataclass(frozen=True)
class Result:
    backend: str
    mode: str
    events: int
    library: list[float]  # events per second, one per round
    ledger: list[float]

    @property
    def ratio(self) -> float:
        """The ledger's median throughput as a share of the library's."""
        return statistics.median(self.ledger) / statistics.median(self.library)


def sample_events(count: int) -> list[StoredEvent]:
    """Events shaped like the ledger's: short streams, orjson states of a few hundred bytes."""
    events = []
    for n in range(count):
        if n % 4 == 0:
            originator = uuid.uuid4()
        state = orjson.dumps(
            {
                "timestamp": "2025-06-01T08:30:15.123456+00:00",
                "occurred_at": "2025-06-01T08:30:00+08:00",
                "actor": {"person": "孙悦", "department": "ZYKF", "role": "department"},
                "command_id": f"bench-{n}",
                "resource_id": str(originator),
                "purpose": "行业监管统计分析，按季度汇总景区接待数据" * 2,
            }
        )
        events.append(StoredEvent(originator, n % 4 + 1, "domain.data_uses:DataUsed", state))
    return events


@contextmanager
def fresh_recorder(backend: str, variant: str, folder: Path) -> Iterator[ApplicationRecorder]:
    cls = RECORDERS[backend][variant]
    if backend == "sqlite":
        sqlite = SQLiteDatastore(str(folder / f"{uuid.uuid4().hex}.db"))
        if variant == "ledger":  # as the ledger's Factory makes it; the library's stays stock
            caching_statements(sqlite)
        try:
            recorder = cls(sqlite)
            recorder.create_table()
            yield recorder
        finally:
            sqlite.close()
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = urlparse(POSTGRES_URL)
    datastore = PostgresDatastore(
        dbname=url.path.lstrip("/"),
        host=url.hostname or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password or "",
        schema=schema,
    )
    try:
        recorder = cls(datastore)
        recorder.create_table()
        yield recorder
    finally:
        datastore.close()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def measure(
    backend: str, mode: str, events: Sequence[StoredEvent], rounds: int, folder: Path
) -> Result:
    """Each round appends the events to a fresh database per recorder, in slices that
    alternate between the two recorders (and which goes first), so that a burst of load
    on the machine falls on both alike."""
    size = MODES[mode]
    batches = [events[i : i + size] for i in range(0, len(events), size)]
    slices = [batches[i : i + SLICE] for i in range(1, len(batches), SLICE)]
    rates: dict[str, list[float]] = {"library": [], "ledger": []}
    for _ in range(rounds):
        with (
            fresh_recorder(backend, "library", folder) as library,
            fresh_recorder(backend, "ledger", folder) as ledger,
        ):
            recorders = {"library": library, "ledger": ledger}
            spent = dict.fromkeys(recorders, 0.0)
            for recorder in recorders.values():
                recorder.insert_events(batches[0])  # warm: connection, statements, tree cache
            for number, batches_slice in enumerate(slices):
                order = ["library", "ledger"] if number % 2 == 0 else ["ledger", "library"]
                for variant in order:
                    started = time.perf_counter()
                    for batch in batches_slice:
                        recorders[variant].insert_events(batch)
                    spent[variant] += time.perf_counter() - started
        appended = len(events) - len(batches[0])
        for variant, seconds in spent.items():
            rates[variant].append(appended / seconds)
    return Result(backend, mode, len(events), rates["library"], rates["ledger"])


def spread(rates: list[float]) -> str:
    return f"{statistics.median(rates):,.0f} ({min(rates):,.0f}–{max(rates):,.0f})"


def report(results: Sequence[Result], out: Callable[[str], None] = print) -> None:
    out(
        "| backend | mode | events | library events/s, median (min–max) | ledger events/s | ratio |"
    )
    out("|---|---|---|---|---|---|")
    for r in results:
        out(
            f"| {r.backend} | {r.mode} | {r.events:,} | {spread(r.library)} | {spread(r.ledger)} "
            f"| {r.ratio:.2f} |"
        )


def main(argv: Sequence[str] | None = None) -> list[Result]:
    parser = argparse.ArgumentParser(prog="python -m bench.append_tree", description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--events", type=int, default=1000, help="events per run (single mode)")
    parser.add_argument("--batch-events", type=int, default=10_000, help="events per run (batch)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each recorder")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-append-") as folder:
        for backend in backends:
            for mode in MODES:
                count = args.events if mode == "single" else args.batch_events
                results.append(
                    measure(backend, mode, sample_events(count), args.rounds, Path(folder))
                )
    report(results)
    return results


if __name__ == "__main__":
    main()
