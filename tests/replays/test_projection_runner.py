"""The forensic read model is kept exactly once: a runner that dies midway resumes where it
stopped, with no event applied twice and none skipped (on SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any
from uuid import uuid4

import orjson
import pytest
from eventsourcing.persistence import Tracking

from api.read_models import ForensicRunner, caught_up_to, open_view, start_runner
from api.runtime import admin_command
from domain.departments import register_department
from domain.ledger import Ledger
from domain.vocabulary import DepartmentKind
from projections.forensics import ForensicProjection
from store.forensic_view import PROJECTION_NAME, TABLES


def record_departments(ledger: Ledger, count: int, pause: float = 0) -> int:
    for _ in range(count):
        time.sleep(pause)
        code = "D" + uuid4().hex[:8].upper()
        ledger.record(
            [register_department(admin_command(), code, "测试处", DepartmentKind.DIVISION)]
        )
    return ledger.recorder.head().position  # type: ignore[attr-defined, no-any-return]


def projected_positions(env: dict[str, str]) -> list[int]:
    view = open_view(env)
    with view.datastore.transaction(commit=False) as cursor:
        cursor.execute(view._sql("SELECT position FROM {t}forensic_events ORDER BY position"))
        return [
            row[0] if not isinstance(row, dict) else row["position"] for row in cursor.fetchall()
        ]


def wait_for(condition: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


class CrashingProjection(ForensicProjection):
    """Dies on its 150th event: after its first batch of 100 was written, while the next
    events are held."""

    name = ForensicProjection.name
    processed = 0

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:  # type: ignore[override]
        CrashingProjection.processed += 1
        if CrashingProjection.processed == 150:
            raise RuntimeError("power cut")
        super().process_event(domain_event, tracking)


def test_runner_that_crashes_midway_resumes_exactly_once(ledger: Ledger) -> None:
    env = dict(ledger.env)
    last = record_departments(ledger, 170)
    CrashingProjection.processed = 0
    runner = ForensicRunner(env, projection_class=CrashingProjection)
    with pytest.raises(RuntimeError, match="power cut"), runner:
        runner.run_forever(timeout=30)
    # Written: the 149 events processed, in batches (the last one held until the runner
    # stopped); nothing of the 150th. A prefix of the log, each once.
    assert projected_positions(env) == list(range(1, 150))
    with start_runner(env) as live:
        live.wait(last, timeout=30)
    positions = projected_positions(env)
    assert positions == sorted(set(positions)) == list(range(1, last + 1))


def test_projector_process_killed_midway_resumes_exactly_once(
    ledger: Ledger, database_url: str
) -> None:
    # Art. 36: every use's record appears once. The projector is killed while commands
    # go on arriving (a catch-up writes all it has read in one batch, so the log must still
    # be growing for a kill to land midway).
    env = dict(ledger.env)
    first_wave = record_departments(ledger, 300)
    command = [sys.executable, "-m", "api", "project"]
    child_env = {**os.environ, "LEDGER_DATABASE_URL": database_url}
    first = subprocess.Popen(
        command, env=child_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    stop = threading.Event()

    def arriving() -> None:
        while not stop.is_set():
            record_departments(ledger, 1, pause=0.005)

    recording = threading.Thread(target=arriving)
    recording.start()
    view = open_view(env)
    try:
        wait_for(lambda: caught_up_to(view) > first_wave)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        at_kill = ledger.recorder.head().position  # type: ignore[attr-defined]
    finally:
        stop.set()
        recording.join(60)
    last = ledger.recorder.head().position  # type: ignore[attr-defined]
    stopped_at = caught_up_to(view)  # what the killed projector had written
    assert stopped_at < at_kill, "the projector had written everything before it was killed"
    second = subprocess.Popen(
        command, env=child_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for(lambda: caught_up_to(view) >= last)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=10)
    positions = projected_positions(env)
    assert positions == list(range(1, last + 1))


def test_the_view_is_the_one_the_store_factory_names_and_tracks_under_the_projection(
    ledger: Ledger,
) -> None:
    """The backend's factory chooses the forensic tables' class, and the recorder offers the
    same tables to replays: what the projector writes is what replays read."""
    env = dict(ledger.env)
    view = open_view(env)
    index = ledger.recorder.forensic_index()  # type: ignore[attr-defined]
    assert type(view) is type(index) is type(ledger.recorder).forensic_view_class  # type: ignore[attr-defined]
    assert ForensicProjection.name == PROJECTION_NAME
    last = record_departments(ledger, 3)
    with start_runner(env) as live:
        live.wait(last, timeout=30)
    assert index.reach(Ledger.name, last + 10) == caught_up_to(view) == last


def test_tables_laid_out_before_uses_named_persons_get_the_ids_from_the_events(
    ledger: Ledger,
) -> None:
    """Art. 36: a read model made before persons had ids is brought up to the layout, and
    the uses it already held carry the ids their events named."""
    env = dict(ledger.env)
    view = open_view(env)
    user, approver = uuid4(), uuid4()
    payload = orjson.dumps({"user_person_id": str(user), "approver_person_id": str(approver)})
    earlier = TABLES["forensic_data_uses"].split(", user_person_id")[0]
    with view.datastore.transaction(commit=True) as cursor:
        for statement, params in (
            ("DROP TABLE {t}forensic_data_uses", []),
            (f"CREATE TABLE {{t}}forensic_data_uses ({earlier})", []),
            (
                "INSERT INTO {t}forensic_events (position, recorded_at, occurred_at, "
                "lag_seconds, originator_id, event_type, payload) VALUES (?, ?, ?, 0, ?, ?, ?)",
                [1, "t", "t", uuid4().hex, "DataUseRecorded", payload.decode()],
            ),
            (
                "INSERT INTO {t}forensic_data_uses (position, use_id, resource_id, department, "
                "provider, user_person, approver, purpose, data_content, obtained_at, method, "
                "medium, marks, recorded_at, occurred_at) "
                "VALUES (?, ?, ?, 'SCGL', 'ZYKF', '何佳', '林国栋', '统计', '名称', "
                "'t', 'api', 'network', '', 't', 't')",
                [1, uuid4().hex, uuid4().hex],
            ),
        ):
            cursor.execute(view._sql(statement), params)
    upgraded = open_view(env)
    columns = "user_person_id, approver_person_id"
    rows = upgraded._rows(f"SELECT {columns} FROM {{t}}forensic_data_uses", [])
    assert rows == [{"user_person_id": user.hex, "approver_person_id": approver.hex}]
