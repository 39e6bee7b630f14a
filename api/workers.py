"""`ledger serve --workers N`: N uvicorn processes, each listening on a socket of its own.

uvicorn's own supervisor binds one socket and lets every worker accept from it: the
worker whose event loop wakes first accepts every connection waiting, so a portal that
opens its keep-alive connections together puts all of them on one worker, which then
works alone on one core while the other idles (seen with 8 connections: all 8 on one
worker in two runs of three, at half the throughput). Here each worker binds the address
itself with ``SO_REUSEPORT``, and the kernel deals each new connection to one of the
listening sockets. A worker that dies is started again, as the projector is.
"""

from __future__ import annotations

import signal
import socket
import sys
import threading

import uvicorn

from api.supervisor import KeptProcess


def shared_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port) with ``SO_REUSEPORT``: other such sockets of the
    same user may bind the same address, and connections are dealt among those listening."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def run_worker(host: str, port: int, access_log: bool = False) -> None:
    """One worker: the API on a socket of its own (in a process started by ``serve``)."""
    config = uvicorn.Config(
        "api.server:create", factory=True, host=host, port=port, access_log=access_log
    )
    uvicorn.Server(config).run(sockets=[shared_port_socket(host, port)])


def serve_workers(host: str, port: int, workers: int, access_log: bool = False) -> None:
    """Start ``workers`` worker processes on (host, port) and keep them until SIGTERM or
    SIGINT. The address is held (bound, not listening, so it is dealt no connection) while
    they run: a port another program holds fails here, at once, not in every worker."""
    try:
        held = shared_port_socket(host, port)
    except OSError as error:
        msg = f"无法监听 {host}:{port}（cannot listen on {host}:{port}: {error.strerror}）"
        raise SystemExit(msg) from None
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    command = [sys.executable, "-m", "api", "worker", "--host", host, "--port", str(port)]
    command += ["--access-log"] if access_log else []
    kept = [KeptProcess(command, name=f"API worker {n + 1}") for n in range(workers)]
    try:
        for process in kept:
            process.start()
        stop.wait()
    finally:
        for process in kept:
            process.stop()
        held.close()
