"""A wrong database address fails within seconds, naming the host and port it tried."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_wrong_postgres_port_names_host_and_port_without_a_traceback() -> None:
    port = free_port()
    env = {**os.environ, "LEDGER_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{port}/x"}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "api", "init"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert f"127.0.0.1:{port}" in output.replace("\n", "") and "Traceback" not in output
    assert time.monotonic() - started < 25
