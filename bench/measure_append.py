"""(a) Append: data-use records through the ledger application, against the bare library, and
raw COPY (PostgreSQL) or raw INSERT (SQLite, which has no COPY) of the same bytes.

Each run appends to fresh databases, one per contender, in slices of ten transactions
that take turns (and change who goes first), so a burst of load on the machine falls on
all alike. Two grains: one event per transaction (a command) and 100 (a bulk load).
Also here: the Merkle tree's own overhead at the recorder, from bench/append_tree.py.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import psycopg

from api.runtime import open_ledger
from bench import append_tree
from bench.baseline import Use, open_bare, use_fields
from bench.results import Bar, Row
from bench.stores import scratch
from domain.aggregate import Command
from domain.data_uses import DataUseFields, DataUseRecorded
from domain.events import Actor
from domain.vocabulary import Role

MODES = {"one event per transaction": 1, "100 events per transaction": 100}
SLICE = 10  # transactions per turn

Tick = Callable[[str], None]


def _noop(what: str) -> None:
    return None


def ledger_events(count: int) -> list[DataUseRecorded]:
    """Data uses as ``record_data_use`` decides them (each a stream of its own)."""
    now = datetime(2025, 6, 3, 10, 30, tzinfo=UTC)
    actor = Actor(person="孙悦", department="CS03", role=Role.DEPARTMENT)
    events = []
    for n in range(count):
        cmd = Command(
            actor=actor, occurred_at=now, command_id=uuid4().hex, now=now + timedelta(seconds=n)
        )
        use = DataUseFields(
            share_request_id=uuid4(),
            resource_id=uuid4(),
            purpose="行业监管",
            user_person="孙悦",
            approver="刘洪涛",
            data_content="名称、等级、详细地址",
            obtained_at=now,
            method="api",
            medium="network",
        )
        events.append(
            cmd.event(
                DataUseRecorded,
                uuid4(),
                1,
                department="CS03",
                provider="CS07",
                marks=(),
                **use.model_dump(),
            )
        )
    return events


def bare_events(ours: Sequence[DataUseRecorded]) -> list[Any]:
    """The same uses as the bare library's ``Use`` aggregates would record them."""
    events: list[Any] = []
    for event in ours:
        fields = use_fields(event.share_request_id, None, "CS03", "孙悦", event.occurred_at)  # type: ignore[arg-type]
        fields.update(
            resource_id=event.resource_id,
            purpose=event.purpose,
            approver=event.approver,
            data_content=event.data_content,
            provider="CS07",
            command_id=event.command_id,
        )
        events.extend(Use(**fields).collect_events())
    return events


class Contender:
    """One way of appending; ``append`` takes one transaction's worth."""

    name: str

    def append(self, batch: Sequence[Any]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class Ours(Contender):
    name = "ours"

    def __init__(self, url: str) -> None:
        self.ledger = open_ledger(url)

    def append(self, batch: Sequence[Any]) -> None:
        self.ledger.record(list(batch))

    def close(self) -> None:
        self.ledger.close()


class Bare(Contender):
    name = "bare"

    def __init__(self, url: str) -> None:
        self.app = open_bare(url)

    def append(self, batch: Sequence[Any]) -> None:
        self.app.save(*batch)

    def close(self) -> None:
        self.app.close()


class RawSQLite(Contender):
    name = "raw"

    def __init__(self, url: str) -> None:
        self.conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")  # as the library's SQLite datastore
        self.conn.execute(
            "CREATE TABLE plain "
            "(originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB)"
        )

    def append(self, batch: Sequence[Any]) -> None:
        self.conn.execute("BEGIN")
        self.conn.executemany("INSERT INTO plain VALUES (?,?,?,?)", batch)
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


class CopyPostgres(Contender):
    name = "raw"

    def __init__(self, url: str) -> None:
        self.conn = psycopg.connect(url.split("?")[0])
        self.conn.execute(
            "CREATE TABLE plain (id bigserial PRIMARY KEY, originator_id uuid, "
            "originator_version bigint, topic text, state bytea)"
        )
        self.conn.commit()

    def append(self, batch: Sequence[Any]) -> None:
        with (
            self.conn.cursor() as cur,
            cur.copy(
                "COPY plain (originator_id, originator_version, topic, state) FROM STDIN"
            ) as copy,
        ):
            for row in batch:
                copy.write_row(row)
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()


def measure_append(
    backend: str, runs: int, single: int, batch: int, tick: Tick = _noop
) -> list[Row]:
    rows: list[Row] = []
    for mode, grain in MODES.items():
        count = single if grain == 1 else batch
        versus_bare = Row(
            key=f"a.append.{grain}",
            measurement=f"(a) append through the ledger application, {mode}",
            backend=backend,
            unit="events/s",
            baseline_name="bare library Application.save, stock recorder",
            bar=Bar("ratio", 0.8),
        )
        versus_raw = Row(
            key=f"a.ceiling.{grain}",
            measurement=f"(a) append, {mode}: against the ceiling",
            backend=backend,
            unit="events/s",
            baseline_name="raw psycopg COPY of the same bytes"
            if backend == "postgresql"
            else "raw sqlite3 executemany INSERT of the same bytes (SQLite has no COPY)",
        )
        for run in range(runs):
            tick(f"append {mode} (run {run + 1}/{runs})")
            rates = _one_run(backend, grain, count, run)
            versus_bare.ours.append(rates["ours"])
            versus_bare.baseline.append(rates["bare"])
            versus_raw.ours.append(rates["ours"])
            versus_raw.baseline.append(rates["raw"])
        rows += [versus_bare, versus_raw]
    return rows


def _one_run(backend: str, grain: int, count: int, run: int) -> dict[str, float]:
    ours_events = ledger_events(count + grain)
    ours_batches = [ours_events[i : i + grain] for i in range(0, len(ours_events), grain)]
    bare = bare_events(ours_events)
    bare_batches = [bare[i : i + grain] for i in range(0, len(bare), grain)]
    with (
        scratch(backend, "append-ours") as ours_url,
        scratch(backend, "append-bare") as bare_url,
        scratch(backend, "append-raw") as raw_url,
    ):
        contenders: list[Contender] = [Ours(ours_url), Bare(bare_url)]
        mapper = contenders[0].ledger.mapper  # type: ignore[attr-defined]
        stored = [mapper.to_stored_event(e) for e in ours_events]
        raw_rows = [
            (
                e.originator_id if backend == "postgresql" else e.originator_id.hex,
                e.originator_version,
                e.topic,
                e.state,
            )
            for e in stored
        ]
        raw_batches = [raw_rows[i : i + grain] for i in range(0, len(raw_rows), grain)]
        contenders.append(CopyPostgres(raw_url) if backend == "postgresql" else RawSQLite(raw_url))
        work = {"ours": ours_batches, "bare": bare_batches, "raw": raw_batches}
        spent = dict.fromkeys(work, 0.0)
        try:
            for contender in contenders:  # warm: connections, statements, the tree's cache
                contender.append(work[contender.name][0])
            slices = range(1, len(ours_batches), SLICE)
            for number, first in enumerate(slices):
                order = contenders if (number + run) % 2 == 0 else list(reversed(contenders))
                for contender in order:
                    batches = work[contender.name][first : first + SLICE]
                    started = time.perf_counter()
                    for one in batches:
                        contender.append(one)
                    spent[contender.name] += time.perf_counter() - started
        finally:
            for contender in contenders:
                contender.close()
    return {name: count / seconds for name, seconds in spent.items()}


def measure_tree_overhead(
    backend: str, runs: int, single: int, batch: int, tick: Tick = _noop
) -> list[Row]:
    """bench/append_tree.py's measurement (the ledger recorder against the library's, the same
    pre-encoded events): what the Merkle tree costs on its own, without the application."""
    rows = []
    with (
        scratch(backend, "tree") as url,
        tempfile.TemporaryDirectory(prefix="bench-tree-") as folder,
    ):
        if backend == "postgresql":
            append_tree.POSTGRES_URL = url.split("?")[0]
        for mode, count in (("single", single), ("batch", batch)):
            tick(f"tree overhead, {mode}")
            result = append_tree.measure(
                backend, mode, append_tree.sample_events(count), runs, Path(folder)
            )
            grain = append_tree.MODES[mode]
            rows.append(
                Row(
                    key=f"a.tree.{grain}",
                    measurement=f"(a) Merkle tree overhead, {grain} per transaction",
                    backend=backend,
                    unit="events/s",
                    ours=result.ledger,
                    baseline=result.library,
                    baseline_name="library's stock recorder, same pre-encoded events",
                )
            )
    return rows
