"""``ledger import-uses FILE.ndjson``: a department's access log recorded as data uses (Art. 36).

The file holds what ``POST /v1/data-uses:batch`` takes, one use a line, each with its own
``idempotency_key``; it is read and recorded in chunks, with a progress bar, each chunk
exactly as the HTTP route records a batch (api/bulk_uses.py). The results go one a line to
``--results`` (or nowhere), and the refused lines are counted at the end. Run it again after
an interruption: the lines already recorded answer 200 and are not recorded twice.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.auth import in_role, principal_of_token
from api.bulk_lines import NDJSON, read_lines
from api.bulk_uses import DataUseLine, record_lines
from api.commands import command_service
from api.runtime import open_ledger, settle_heap
from api.times import dumps_local
from domain.errors import LedgerError
from domain.vocabulary import Role

console = Console(stderr=True)
CHUNK_LINES = 2_000


def import_uses(
    file: Annotated[Path, typer.Argument(help="NDJSON, one data use a line", exists=True)],
    token: Annotated[
        str | None,
        typer.Option(help="The using department's token (default: LEDGER_TOKEN)"),
    ] = None,
    results: Annotated[
        Path | None, typer.Option(help="Write one result a line (NDJSON) to this file")
    ] = None,
    chunk: Annotated[int, typer.Option(min=1, max=10_000, help="Lines a transaction batch")] = (
        CHUNK_LINES
    ),
) -> None:
    """Record a file of data uses as the department holding the token (Art. 36)."""
    ledger = open_ledger()
    try:
        try:
            principal = in_role(
                principal_of_token(ledger, token or os.environ.get("LEDGER_TOKEN", "")),
                Role.DEPARTMENT,
                Role.EXTERNAL,
            )
        except LedgerError as error:
            console.print(f"[red]{error.detail_zh}\n{error.detail}[/red]")
            raise typer.Exit(1) from None
        service = command_service(ledger)
        settle_heap()  # an access log is thousands of lines: a long run, as a server's
        counts = {"recorded": 0, "replayed": 0, "refused": 0}
        total = sum(1 for _ in file.open("rb"))
        out = results.open("wb") if results is not None else None
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        try:
            with Progress(*columns, console=console) as bar, file.open("rb") as source:
                task = bar.add_task("记录数据使用 recording uses", total=total)
                offset = 0
                while block := [line for _, line in zip(range(chunk), source, strict=False)]:
                    lines = read_lines(b"".join(block), NDJSON, DataUseLine)
                    for result in record_lines(ledger, service, principal, lines):
                        result["line"] += offset
                        status = result["status"]
                        kind = (
                            "recorded"
                            if status == 201
                            else "replayed"
                            if status == 200
                            else "refused"
                        )
                        counts[kind] += 1
                        if out is not None:
                            out.write(dumps_local(result) + b"\n")
                    offset += len(block)
                    bar.advance(task, len(block))
        finally:
            if out is not None:
                out.close()
    finally:
        ledger.close()
    console.print(
        f"已记录 {counts['recorded']} 条，此前已记录 {counts['replayed']} 条，"
        f"拒绝 {counts['refused']} 条 (recorded {counts['recorded']}, "
        f"already recorded {counts['replayed']}, refused {counts['refused']})"
    )
    if counts["refused"]:
        raise typer.Exit(2)
