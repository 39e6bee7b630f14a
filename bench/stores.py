"""Where the benchmark's ledgers live: the cache of generated ledgers, and scratch databases.

A generated ledger is kept, named by size and seed, so a rerun measures without
regenerating (``--regenerate`` rebuilds it, ``--clean`` removes every cached one):

- SQLite: ``<cache>/<size>-s<seed>.db``, generated through the verbs (bench/generate.py);
- PostgreSQL: database ``ledger_bench_<size>_s<seed>``: the SQLite ledger exported and
  imported with ``store/transfer.py`` (positions, recorded_at and leaf hashes kept, every
  line re-verified), so both backends hold the same bytes under the same root.

Each has its forensic read model caught up. It is complete once
``<cache>/<size>-s<seed>.<backend>.json`` says so, which also keeps what the preparation
measured (generation rate, import rate, the projection runner's catch-up rate). ``<cache>`` is
``LEDGER_BENCH_CACHE``, default ``bench/.cache``; PostgreSQL is the server of
``LEDGER_BENCH_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import psycopg

from api.read_models import caught_up_to, close_view, open_view, start_runner
from api.runtime import open_ledger
from bench.generate import SIZES, generate
from store.forensic_view import TABLES, TRACKING_TABLE
from store.register_table import REGISTER_TABLES
from store.transfer import export_ledger, import_ledger
from store.tree import LedgerTree

# The read models' tables: a cached ledger whose tables are of another layout is rebuilt.
READ_MODEL_LAYOUT = 2  # 2: the register's rows beside the forensic tables
# The read models' tables, as the store lays them out.
READ_MODEL_TABLES = (*TABLES, *REGISTER_TABLES)
CACHE = Path(os.environ.get("LEDGER_BENCH_CACHE") or Path(__file__).parent / ".cache")
SERVER_URL = (
    os.environ.get("LEDGER_BENCH_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
)
PREFIX = "ledger_bench"
# The bench's own applications keep few connections: the server is shared.
POOL = "pool_size=2&max_overflow=2"

Progress = Callable[[str, int, int], None]
"""Told (what, done, total) as a long step advances."""


def _quiet(what: str, done: int, total: int) -> None:
    return None


# -- PostgreSQL --------------------------------------------------------------------------------


def pg_url(dbname: str, query: str = POOL) -> str:
    parsed = urlparse(SERVER_URL)
    return urlunparse(parsed._replace(path=f"/{dbname}", query=query))


@contextmanager
def admin() -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        yield conn


def postgres_available() -> bool:
    try:
        with admin() as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def database_exists(name: str) -> bool:
    with admin() as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


def create_database(name: str, template: str | None = None) -> None:
    with admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if template:
            # PostgreSQL copies a template only when no one is connected to it: the pools a
            # finished projection runner of this harness left idle there are closed first.
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (template,),
            )
        suffix = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{suffix}')


def drop_database(name: str) -> None:
    with admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def autovacuum() -> str:
    with admin() as conn:
        row = conn.execute("SHOW autovacuum").fetchone()
    return str(row[0]) if row else "?"


def postgres_version() -> str:
    with admin() as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


# -- scratch databases -------------------------------------------------------------------------


@contextmanager
def scratch(backend: str, label: str) -> Iterator[str]:
    """A new, empty database for one measurement, removed afterwards; yields its URL."""
    if backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix=f"bench-{label}-", dir=CACHE))
        try:
            yield f"sqlite:///{folder / 'scratch.db'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    name = f"{PREFIX}_tmp_{label}_{uuid.uuid4().hex[:8]}"
    create_database(name)
    try:
        yield pg_url(name)
    finally:
        drop_database(name)


@contextmanager
def copy_of(ledger: CachedLedger, label: str) -> Iterator[str]:
    """A throwaway copy of a cached ledger (commands write into it); yields its URL."""
    if ledger.backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix=f"bench-{label}-", dir=CACHE))
        try:
            target = folder / "copy.db"
            _sqlite_copy(ledger.path, target)
            yield f"sqlite:///{target}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    name = f"{PREFIX}_tmp_{label}_{uuid.uuid4().hex[:8]}"
    create_database(name, template=ledger.dbname)
    try:
        yield pg_url(name, query="")
    finally:
        drop_database(name)


def _sqlite_copy(source: Path, target: Path) -> None:
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


# -- the cache -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CachedLedger:
    backend: str
    size: str
    seed: int
    url: str
    meta: dict[str, Any]

    @property
    def path(self) -> Path:
        return Path(self.url.removeprefix("sqlite:///"))

    @property
    def dbname(self) -> str:
        return urlparse(self.url).path.lstrip("/")

    @property
    def events(self) -> int:
        return int(self.meta["events"])


def _stem(size: str, seed: int) -> str:
    return f"{size}-s{seed}"


def _meta_path(backend: str, size: str, seed: int) -> Path:
    return CACHE / f"{_stem(size, seed)}.{backend}.json"


def _read_meta(backend: str, size: str, seed: int) -> dict[str, Any] | None:
    path = _meta_path(backend, size, seed)
    if not path.exists():
        return None
    meta: dict[str, Any] = json.loads(path.read_text())
    return meta


def _write_meta(backend: str, size: str, seed: int, meta: dict[str, Any]) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    _meta_path(backend, size, seed).write_text(json.dumps(meta, indent=2, ensure_ascii=False))


def _url(backend: str, size: str, seed: int) -> str:
    if backend == "sqlite":
        return f"sqlite:///{CACHE / _stem(size, seed)}.db"
    return pg_url(f"{PREFIX}_{size}_s{seed}")


def prepare(
    backend: str, size: str, seed: int, *, regenerate: bool = False, progress: Progress = _quiet
) -> CachedLedger:
    """The cached ledger for ``backend``, generated (or imported) first if need be."""
    CACHE.mkdir(parents=True, exist_ok=True)
    if regenerate:
        forget(backend, size, seed)
    meta = _read_meta(backend, size, seed)
    url = _url(backend, size, seed)
    if meta is not None and backend == "postgresql" and not database_exists(urlparse(url).path[1:]):
        meta = None
    if meta is None:
        if backend == "sqlite":
            meta = _generate_sqlite(url, size, seed, progress)
        else:
            source = prepare("sqlite", size, seed, progress=progress)
            meta = _import_postgres(source, url, progress)
        meta["forensics"] = catch_up_forensics(url, meta["events"], progress)
        _write_meta(backend, size, seed, meta)
    elif (meta.get("forensics") or {}).get("layout") != READ_MODEL_LAYOUT:
        rebuild_read_models(url)
        meta["forensics"] = catch_up_forensics(url, meta["events"], progress)
        meta.pop("analyzed", None)
        _write_meta(backend, size, seed, meta)
    # Tables of an older layout are brought up to it once here, not by each server started.
    opened = open_ledger(url)
    close_view(open_view(dict(opened.env)))
    opened.close()
    if backend == "postgresql" and not meta.get("analyzed"):
        progress("ANALYZE (this server runs no autovacuum)", 0, 1)
        analyze(urlparse(url).path[1:])
        meta["analyzed"] = True
        _write_meta(backend, size, seed, meta)
    return CachedLedger(backend, size, seed, url, meta)


def analyze(dbname: str) -> None:
    """Table statistics, as autovacuum would gather them after a bulk load: without them the
    planner guesses (the shared server this harness was written on runs no autovacuum)."""
    with psycopg.connect(pg_url(dbname, ""), autocommit=True) as conn:
        conn.execute("ANALYZE")


def forget(backend: str, size: str, seed: int) -> None:
    url = _url(backend, size, seed)
    _meta_path(backend, size, seed).unlink(missing_ok=True)
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.removeprefix('sqlite:///')}{suffix}").unlink(missing_ok=True)
    elif postgres_available():
        drop_database(urlparse(url).path[1:])


def clean() -> list[str]:
    """Remove every cached ledger (files and PostgreSQL databases); returns what went."""
    gone = []
    if CACHE.exists():
        for path in sorted(CACHE.iterdir()):
            gone.append(str(path))
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink()
    if postgres_available():
        with admin() as conn:
            names = [
                row[0]
                for row in conn.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{PREFIX}_%",)
                )
            ]
        for name in names:
            drop_database(name)
            gone.append(f"postgresql database {name}")
    return gone


def _generate_sqlite(url: str, size: str, seed: int, progress: Progress) -> dict[str, Any]:
    path = Path(url.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    ledger = open_ledger(url)
    total, done = SIZES[size].events, 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if done % 1000 < n or done == total:
            progress(f"generating {size} (seed {seed})", done, total)

    try:
        report = generate(ledger, SIZES[size], seed, advance)
        head = LedgerTree(ledger.recorder).head()  # type: ignore[arg-type]
    finally:
        ledger.close()
    return {
        "size": size,
        "seed": seed,
        "events": report.events,
        "root": head.root_hash.hex(),
        "generation": {
            "seconds": round(report.seconds, 1),
            "events_per_second": round(report.events / report.seconds),
            "data_use_verb_per_second": round(report.verb_uses_per_second),
            "data_use_direct_per_second": round(report.direct_uses_per_second),
            "other_commands_per_second": round(report.commands_per_second),
            "commands": report.counts,
        },
    }


def _import_postgres(source: CachedLedger, url: str, progress: Progress) -> dict[str, Any]:
    dbname = urlparse(url).path[1:]
    create_database(dbname)
    export = CACHE / f"{_stem(source.size, source.seed)}.jsonl"
    total = source.events
    sqlite = open_ledger(source.url)
    try:
        with export.open("wb") as out:
            done = 0

            def exported(n: int) -> None:
                nonlocal done
                done += n
                progress("exporting for PostgreSQL", done, total)

            export_ledger(sqlite.recorder, out, progress=exported)  # type: ignore[arg-type]
    finally:
        sqlite.close()
    ledger = open_ledger(url)
    try:
        started = time.perf_counter()
        with export.open("rb") as lines:
            done = 0

            def imported(n: int) -> None:
                nonlocal done
                done += n
                progress("importing into PostgreSQL", done, total)

            summary = import_ledger(ledger.recorder, lines, progress=imported)  # type: ignore[arg-type]
        seconds = time.perf_counter() - started
    finally:
        ledger.close()
        export.unlink(missing_ok=True)
    if summary.root_hash.hex() != source.meta["root"]:
        msg = "the PostgreSQL import does not have the SQLite ledger's root"
        raise RuntimeError(msg)
    meta = {k: v for k, v in source.meta.items() if k not in ("bare", "forensics")}
    meta["import"] = {"seconds": round(seconds, 1), "events_per_second": round(total / seconds)}
    return meta


def catch_up_forensics(url: str, total: int, progress: Progress = _quiet) -> dict[str, Any]:
    """Fill the read models (api/read_models.py: the forensic tables and the register's
    rows) with every event, by the product's own projection runner; its rate is reported."""
    ledger = open_ledger(url)
    env = dict(ledger.env)
    head = ledger.recorder.max_notification_id() or 0
    view = open_view(env)
    start_position = caught_up_to(view)
    started = time.perf_counter()
    with start_runner(env) as runner:
        while (position := caught_up_to(view)) < head:
            if runner.is_interrupted.is_set():
                runner.run_forever(timeout=0)  # re-raises the runner's error
            progress("read models: the projection runner", position, head)
            time.sleep(0.25)
    seconds = time.perf_counter() - started
    by_runner = caught_up_to(view) - start_position
    # Every connection closed: a PostgreSQL database copied as a template must have none.
    close_view(view)
    ledger.close()
    return {
        "runner_events": by_runner,
        "runner_events_per_second": round(by_runner / seconds) if by_runner else None,
        "layout": READ_MODEL_LAYOUT,
    }


def rebuild_read_models(url: str) -> None:
    """Drop the read models of a cached ledger made before their layout changed (the next
    ``catch_up_forensics`` fills them again from the first event). Through the ledger's own
    connection: opening the view first would have the library migrate its tracking table."""
    ledger = open_ledger(url)
    datastore = ledger.recorder.datastore  # type: ignore[attr-defined]
    schema = getattr(datastore, "schema", None)
    prefix = f'"{schema}".' if schema else ""
    # The library names SQLite's tracking table itself; PostgreSQL's, after the projection.
    tracking = "tracking" if schema is None else TRACKING_TABLE
    with datastore.transaction(commit=True) as cursor:
        for table in READ_MODEL_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {prefix}{table}")
        cursor.execute(f"DROP TABLE IF EXISTS {prefix}{tracking}")
    ledger.close()
