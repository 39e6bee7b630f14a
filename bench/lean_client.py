"""A lean HTTP/1.1 client for the load tests: keep-alive connections over asyncio streams,
requests written as bytes, answers read by their Content-Length.

The machine has two cores, and the server needs both: a client that spends 2–3 ms of CPU
on each request (httpx does, with its pools, models and header objects) takes a third of
the machine from the server it measures. This one spends a few tens of microseconds, so
what the load test reports is the server's rate, not the client's. It speaks only what
``ledger serve`` answers: HTTP/1.1 with a Content-Length, no chunking, no redirects.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


class Connection:
    """One keep-alive connection; one request at a time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Length: {len(body)}\r\n"
            f"{head}\r\n".encode()
            + body
        )
        raw = await self.reader.readuntil(b"\r\n\r\n")
        status_line, _, header_block = raw.partition(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        length = 0
        for line in header_block.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
                break
        return Answer(status, await self.reader.readexactly(length) if length else b"")

    async def close(self) -> None:
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except OSError:
            pass


class Pool:
    """Up to ``size`` connections to one server, each taken by one request at a time."""

    def __init__(self, base: str, size: int) -> None:
        host_port = base.removeprefix("http://").rstrip("/")
        host, _, port = host_port.partition(":")
        self.host, self.port = host, int(port or 80)
        self.size = size
        self.idle: asyncio.Queue[Connection] | None = None
        self.opened: list[Connection] = []

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        if self.idle is None:
            self.idle = asyncio.Queue()
        if self.idle.empty() and len(self.opened) < self.size:
            connection = await Connection.open(self.host, self.port)
            self.opened.append(connection)
        else:
            connection = await self.idle.get()
        try:
            answer = await connection.post(path, body, headers)
        except BaseException:
            self.opened.remove(connection)  # its stream is mid-answer: never reuse it
            await connection.close()
            raise
        self.idle.put_nowait(connection)
        return answer

    async def __aenter__(self) -> Pool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for connection in self.opened:
            await connection.close()
