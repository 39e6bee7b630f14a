"""`ledger serve --workers N` deals the portals' connections among its workers, and starts
a worker again when it dies (api/workers.py). Art. 36 records arrive over many keep-alive
connections at once; a server that put them all on one worker would answer them with one
core while the other idled."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.api.test_bulk_load_survives_kill import free_port

ROOT = Path(__file__).resolve().parents[2]
CONNECTIONS = 24  # all on one of two workers by chance: 1 in 2**23


def workers_of(serve: subprocess.Popen[bytes]) -> list[int]:
    # Children of every thread: a worker started again is started by the keeper's thread.
    children: list[str] = []
    for task in Path(f"/proc/{serve.pid}/task").iterdir():
        try:
            children += (task / "children").read_text().split()
        except OSError:  # a thread that ended meanwhile
            continue
    found = []
    for child in children:
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"api worker" in command:
            found.append(int(child))
    return found


ESTABLISHED, LISTEN = "01", "0A"  # TCP states as /proc/net/tcp writes them


def sockets_on(pid: int, port: int, state: str = ESTABLISHED) -> int:
    """How many TCP sockets on local ``port`` in ``state`` process ``pid`` holds (/proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        found = re.fullmatch(r"socket:\[(\d+)\]", target)
        if found:
            inodes.add(found.group(1))
    count = 0
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        if local_port == port and fields[3] == state and fields[9] in inodes:
            count += 1
    return count


def wait_for(condition: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@contextmanager
def serve(
    tmp_path: Path, workers: int, *options: str
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """``ledger serve --workers N`` with ``options``; what it prints goes to serve.log."""
    port = free_port()
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}",
        "LEDGER_SIGNING_KEY": str(tmp_path / "ledger.key"),
    }
    env.pop("LEDGER_PROJECTIONS", None)
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "api", "serve", "--workers", str(workers)),
            *("--port", str(port), *options),
        ],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def answers() -> bool:
        assert process.poll() is None, "serve exited"
        try:
            return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code < 500
        except httpx.HTTPError:
            return False

    try:
        wait_for(answers, 120)
        # A worker answers once it listens; the others may still be loading the app. All of
        # them, in one look: a worker started again meanwhile is not yet among them.
        wait_for(lambda: listening(process, port) == workers)
        yield process, port
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        log.close()


def listening(serve: subprocess.Popen[bytes], port: int) -> int:
    """How many workers there are, or 0 while any of them does not listen yet."""
    pids = workers_of(serve)
    return len(pids) if all(sockets_on(pid, port, LISTEN) for pid in pids) else 0


def open_connections(port: int, count: int) -> list[socket.socket]:
    """``count`` keep-alive connections opened together, each answered once."""
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
    for sock in sockets:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n")
    for sock in sockets:
        assert sock.recv(65536).startswith(b"HTTP/1.1 ")
    return sockets


def test_connections_opened_together_are_dealt_to_every_worker(tmp_path: Path) -> None:
    with serve(tmp_path, 2) as (process, port):
        sockets = open_connections(port, CONNECTIONS)
        try:
            held = [sockets_on(pid, port) for pid in workers_of(process)]
        finally:
            for sock in sockets:
                sock.close()
    assert sum(held) == CONNECTIONS
    assert all(count > 0 for count in held), held


def test_a_killed_worker_is_started_again_and_the_port_keeps_answering(tmp_path: Path) -> None:
    with serve(tmp_path, 2) as (process, port):
        victim, survivor = workers_of(process)
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: victim not in workers_of(process) and listening(process, port) == 2)
        assert survivor in workers_of(process)
        for sock in open_connections(port, 4):
            sock.close()


def test_a_port_another_program_holds_stops_serve_at_once(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **os.environ,
            "LEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}",
            "LEDGER_SIGNING_KEY": str(tmp_path / "ledger.key"),
            "PYTHONPATH": str(ROOT),
        }
        run = subprocess.run(
            [sys.executable, "-m", "api", "serve", "--workers", "2", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            timeout=120,
        )
    assert run.returncode != 0
    assert b"Address already in use" in run.stderr


def test_requests_are_printed_only_when_asked(tmp_path: Path) -> None:
    # A line per request is the operator's choice (--access-log): every command is on the
    # ledger's own record, and the sharing system sends one for every use of data (Art. 36).
    for options, printed in (((), False), (("--access-log",), True)):
        folder = tmp_path / ("with" if printed else "without")
        folder.mkdir()
        with serve(folder, 2, *options) as (_, port):
            for _ in range(4):
                assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200
        assert ("GET /health" in (folder / "serve.log").read_text()) is printed
