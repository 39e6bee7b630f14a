"""A bulk load survives ``kill -9`` of the server (Art. 36 records are never lost once
acknowledged), on SQLite and PostgreSQL: a real uvicorn takes batches of data uses, is
killed mid-load, restarts, and every line it acknowledged is there; resending every batch,
the interrupted one too, records nothing twice."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
from eventsourcing.utils import get_topic
from fastapi.testclient import TestClient

from domain.data_uses import DataUseRecorded
from domain.ledger import Ledger
from tests.api.test_data_use_batch import staffed_grant
from tests.api.test_data_uses_api import use_body

ROOT = Path(__file__).resolve().parents[2]
LINES = 100


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(url: str, folder: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": url,
        "LEDGER_SIGNING_KEY": str(folder / "ledger.key"),
        "LEDGER_PROJECTIONS": "inprocess",
    }
    command = [sys.executable, "-m", "uvicorn", "api.server:create", "--factory"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--log-level", "warning"], cwd=ROOT, env=env
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        assert process.poll() is None, "the server exited"
        try:
            httpx.get(f"{base}/health", timeout=2)
            break
        except httpx.HTTPError:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
    try:
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def batch(resource_id: str, request_id: str, number: int) -> bytes:
    lines = [
        {
            **use_body(resource_id, request_id, data_content=f"名称 {number}-{n}"),
            "idempotency_key": f"log-{number}-{n}",
        }
        for n in range(LINES)
    ]
    return b"".join(orjson.dumps(line) + b"\n" for line in lines)


def send(base: str, token: str, body: bytes) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"}
    response = httpx.post(f"{base}/v1/data-uses:batch", content=body, headers=headers, timeout=120)
    response.raise_for_status()
    return [orjson.loads(line) for line in response.text.splitlines()]


def test_no_acknowledged_line_is_lost_to_kill_9(
    database_url: str, ledger: Ledger, client: TestClient, tmp_path: Path
) -> None:
    portal, resource_id, request_id = staffed_grant(client, ledger)
    token = portal.tokens["高远"]
    acknowledged: dict[str, str] = {}  # idempotency key → use id, once its batch answered
    sent: list[int] = []
    with server(database_url, tmp_path) as (base, process):

        def load() -> None:
            number = 0
            while True:
                sent.append(number)
                try:
                    answered = send(base, token, batch(resource_id, request_id, number))
                except httpx.HTTPError:
                    return  # the server is gone: this batch was never acknowledged
                for line in answered:
                    assert line["status"] == 201, line
                    acknowledged[f"log-{number}-{line['line'] - 1}"] = line["id"]
                number += 1

        loader = threading.Thread(target=load)
        loader.start()
        while len(acknowledged) < 3 * LINES:
            assert loader.is_alive()
            time.sleep(0.01)
        time.sleep(0.05)  # into the next batch's save
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        loader.join(timeout=120)
    assert len(acknowledged) >= 3 * LINES
    with server(database_url, tmp_path) as (base, _):
        headers = {"Authorization": f"Bearer {token}"}
        for use_id in acknowledged.values():
            assert httpx.get(f"{base}/v1/data-uses/{use_id}", headers=headers).status_code == 200
        for number in sent:  # the interrupted batch too: a retry records nothing twice
            for line in send(base, token, batch(resource_id, request_id, number)):
                key = f"log-{number}-{line['line'] - 1}"
                assert line["status"] in (200, 201), line
                if key in acknowledged:
                    assert (line["status"], line["id"]) == (200, acknowledged[key])
    topic = get_topic(DataUseRecorded)
    recorded = ledger.recorder.select_notifications(1, 1_000_000, topics=[topic])
    assert len(recorded) == len(sent) * LINES
