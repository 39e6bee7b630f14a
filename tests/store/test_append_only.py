"""V08: the event, entry (and tree) and checkpoint tables refuse UPDATE, DELETE and
TRUNCATE; on PostgreSQL by ALWAYS triggers (even for replicas and superusers) and revoked
privileges."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from api.runtime import open_ledger
from store.checkpoints import sign_checkpoint
from store.records import TreeRecorder
from store.sqlite import EarlierLayout
from store.verify import verify_ledger
from tests.conftest import POSTGRES_URL, require_postgres
from tests.store.conftest import Superuser, append, recorder_of

TABLES = ["events", "entries", "checkpoints"]
REFUSED = (sqlite3.IntegrityError, psycopg.errors.RaiseException)


@pytest.fixture
def filled(recorder: TreeRecorder, signing_key: Path) -> None:
    append(recorder, 5, per_insert=2)
    sign_checkpoint(recorder)


@pytest.mark.usefixtures("filled")
@pytest.mark.parametrize("table", TABLES)
def test_rows_cannot_be_updated(superuser: Superuser, table: str) -> None:
    column = {"events": "topic", "entries": "nodes", "checkpoints": "note"}
    with pytest.raises(REFUSED, match="append-only"):
        superuser.attempt(f"UPDATE {{{table}}} SET {column[table]} = {column[table]}")


@pytest.mark.usefixtures("filled")
@pytest.mark.parametrize("table", TABLES)
def test_rows_cannot_be_deleted(superuser: Superuser, table: str) -> None:
    with pytest.raises(REFUSED, match="append-only"):
        superuser.attempt(f"DELETE FROM {{{table}}}")


@pytest.mark.usefixtures("filled")
@pytest.mark.parametrize("table", TABLES)
def test_truncate_is_refused_even_to_a_replica_session(superuser: Superuser, table: str) -> None:
    """SQLite has no TRUNCATE: its DELETE triggers cover DELETE without WHERE (tested above)."""
    if not superuser.postgres:
        return
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        superuser.attempt(f"TRUNCATE {{{table}}} CASCADE")
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        superuser.attempt(f"DELETE FROM {{{table}}}", replica=True)


@pytest.fixture
def application_role() -> Iterator[tuple[str, str]]:
    """A login role that is not a superuser, owning a schema of its own: (url, role)."""
    require_postgres()
    role = f"ledger_app_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute(f'CREATE SCHEMA "{role}" AUTHORIZATION "{role}"')
    base = POSTGRES_URL.split("://", 1)[1].split("@", 1)[-1]
    try:
        yield f"postgresql://{role}@{base}?schema={role}", role
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{role}" CASCADE')
            conn.execute(f'DROP ROLE "{role}"')


def test_the_application_role_holds_no_update_delete_or_truncate_privilege(
    application_role: tuple[str, str],
) -> None:
    url, role = application_role
    ledger = open_ledger(url)
    try:
        recorder = recorder_of(ledger)
        append(recorder, 7, per_insert=3)  # the insert lock needs no such privilege
        events = recorder.events_table_name  # type: ignore[attr-defined]
        with psycopg.connect(url.split("?")[0]) as conn:
            for table in (events, "ledger_entries", "ledger_checkpoints"):
                for privilege in ("UPDATE", "DELETE", "TRUNCATE"):
                    held = conn.execute(
                        "SELECT has_table_privilege(%s, %s, %s)",
                        (role, f'"{role}"."{table}"', privilege),
                    ).fetchone()
                    assert held == (False,), (table, privilege)
                assert conn.execute(
                    "SELECT has_table_privilege(%s, %s, 'INSERT')", (role, f'"{role}"."{table}"')
                ).fetchone() == (True,)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f'DELETE FROM "{role}"."{events}"')
        assert verify_ledger(recorder).ok
    finally:
        ledger.close()


def test_a_file_in_the_earlier_layout_is_refused_with_the_way_to_carry_it_over(
    tmp_path: Path,
) -> None:
    """The store is never rewritten in place (V08): an old file is exported and imported."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE ledger_entries (position INTEGER PRIMARY KEY)")
    with pytest.raises(EarlierLayout, match=r"ledger export.*ledger import"):
        open_ledger(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:  # and nothing was added to it
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert names == {"ledger_entries"}
