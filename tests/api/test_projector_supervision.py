"""The forensic read model's projector is supervised, on SQLite and PostgreSQL: whatever
stops it (a lost connection, a batch that cannot be written), another starts after a
backoff and resumes from the tracking position; ``/health`` says so meanwhile (503).

Art. 36: every use of shared data is under supervision; a read model silently stale would
let investigators read an incomplete trail as complete.
"""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.read_models import caught_up_to
from api.runtime import open_ledger
from api.supervisor import KeptProcess, backoff
from domain.ledger import Ledger
from tests.conftest import POSTGRES_URL, require_postgres
from tests.support.portal import Portal


def wait_for(condition: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def caught_up(client: TestClient) -> bool:
    answer = client.get("/health")
    body = answer.json()
    return answer.status_code == 200 and body["read_models"][0]["lag"] == 0


def add_departments(portal: Portal, count: int) -> None:
    for _ in range(count):
        portal.department("D" + uuid.uuid4().hex[:8].upper())


def test_backoff_doubles_up_to_its_ceiling() -> None:
    assert [backoff(n, 0.5, 4) for n in range(1, 6)] == [0.5, 1, 2, 4, 4]


def test_health_reports_the_read_models_lag(live_client: TestClient, ledger: Ledger) -> None:
    portal = Portal(live_client, ledger)
    add_departments(portal, 3)
    wait_for(lambda: caught_up(live_client))
    body = live_client.get("/health").json()
    [forensics] = body["read_models"]
    assert forensics["name"] == "forensics" and forensics["projector"] == "inprocess"
    assert forensics["running"] is True and forensics["position"] == body["position"]
    assert body["status"] == "ok"


def test_a_projector_that_fails_is_restarted_and_resumes(
    live_client: TestClient, ledger: Ledger
) -> None:
    portal = Portal(live_client, ledger)
    add_departments(portal, 2)
    wait_for(lambda: caught_up(live_client))
    view = live_client.app.state.forensic_view  # type: ignore[attr-defined]
    # Take the read model's table away: every batch fails, the runner stops, and its
    # supervisor keeps starting new ones.
    with view.datastore.transaction(commit=True) as cursor:
        cursor.execute(view._sql("ALTER TABLE {t}forensic_events RENAME TO forensic_away"))
    add_departments(portal, 3)
    wait_for(lambda: live_client.app.state.projector.state().last_error is not None)  # type: ignore[attr-defined]
    degraded = live_client.get("/health")
    assert degraded.status_code == 503
    [forensics] = degraded.json()["read_models"]
    assert forensics["lag"] > 0 and forensics["last_error"]
    # Put it back: the next runner resumes from the tracking position, exactly once.
    prefix = view.prefix
    with view.datastore.transaction(commit=True) as cursor:
        cursor.execute(f"ALTER TABLE {prefix}forensic_away RENAME TO forensic_events")
    wait_for(lambda: caught_up(live_client), 60)
    assert live_client.get("/health").json()["read_models"][0]["restarts"] >= 1
    with view.datastore.transaction(commit=False) as cursor:
        cursor.execute(view._sql("SELECT position FROM {t}forensic_events ORDER BY position"))
        positions = [r[0] if not isinstance(r, dict) else r["position"] for r in cursor.fetchall()]
    head = ledger.recorder.head().position  # type: ignore[attr-defined]
    assert positions == sorted(set(positions)) and positions[-1] == head == caught_up_to(view)


def test_an_external_projector_that_stops_turns_health_503(
    client: TestClient, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No projector in this process and none outside: behind and not moving is down.
    monkeypatch.setenv("LEDGER_HEALTH_STALL_SECONDS", "0.2")
    add_departments(Portal(client, ledger), 1)
    first = client.get("/health")
    assert first.json()["read_models"][0]["projector"] == "external"
    time.sleep(0.4)
    answer = client.get("/health")
    assert answer.status_code == 503
    assert answer.json()["status"] == "degraded"


@pytest.fixture
def own_database() -> Iterator[str]:
    """A PostgreSQL database of this test's own, so that killing its connections kills
    nobody else's."""
    require_postgres()
    name = f"ledger_kill_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(POSTGRES_URL)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}", query="pool_size=2&max_overflow=4"))
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_dropped_postgres_connection_does_not_stop_the_projector(own_database: str) -> None:
    ledger = open_ledger(own_database)
    try:
        app = create_app(ledger, backend="postgresql", run_projections=True)
        with TestClient(app, raise_server_exceptions=False) as client:
            portal = Portal(client, ledger)
            add_departments(portal, 2)
            wait_for(lambda: caught_up(client))
            name = urlsplit(own_database).path.lstrip("/")
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                killed = conn.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [name],
                ).fetchone()
            assert killed is not None and killed[0] > 0
            # Requests may meet a dead pooled connection: a problem, never a text 500.
            for _ in range(5):
                answer = client.get("/health")
                assert answer.headers["content-type"].startswith(
                    ("application/json", "application/problem+json")
                )
            wait_for(lambda: _writes(portal), 60)
            wait_for(lambda: caught_up(client), 60)
    finally:
        ledger.close()


def _writes(portal: Portal) -> bool:
    try:
        add_departments(portal, 1)
    except AssertionError:
        return False
    return True


def test_serve_with_workers_restarts_a_dead_ledger_project(tmp_path: Path) -> None:
    # `serve --workers N` keeps one `ledger project` beside the workers: when it dies (a
    # crash, an OOM kill), another is started, with backoff, until serve stops.
    starts = tmp_path / "starts"
    script = f"open({str(starts)!r}, 'a').write('x'); raise SystemExit(3)"
    keeper = KeptProcess([sys.executable, "-c", script], "the projector", poll_seconds=0.05)
    keeper.start()
    try:
        wait_for(lambda: starts.exists() and len(starts.read_text()) >= 3, 20)
    finally:
        keeper.stop()
    assert keeper.restarts >= 2
    count = len(starts.read_text())
    time.sleep(0.5)
    assert len(starts.read_text()) == count  # stopped: no more restarts
