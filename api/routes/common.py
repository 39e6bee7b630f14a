"""What every route shares: running a command, reading at an instant."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, ClassVar

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from api.auth import ledger_of
from api.commands import CommandCall, CommandRunner
from api.models import CommandBody
from api.runtime import utc_now
from domain.aggregate import Command
from domain.errors import LedgerError
from domain.ledger import Decision
from domain.principals import Principal
from replays.asof import Instant


def read_wait_seconds() -> float:
    """``LEDGER_READ_WAIT_SECONDS``: how long a read waits for ``min_position`` before a 503."""
    return float(os.environ.get("LEDGER_READ_WAIT_SECONDS", "5"))


def run_command(
    request: Request,
    principal: Principal,
    body: CommandBody,
    decide: Callable[[Command], Decision],
) -> JSONResponse:
    call = CommandCall(
        principal=principal,
        method=request.method,
        path=request.url.path,
        body=body.model_dump(mode="json", exclude_unset=True),
        occurred_at=body.occurred_at,
        idempotency_key=request.headers.get("idempotency-key"),
    )
    runner: CommandRunner = request.app.state.commands
    return runner.run(call, decide)


class NotYetRecorded(LedgerError):
    status = 503
    title = "Not yet caught up"
    headers: ClassVar[dict[str, str]] = {"Retry-After": "1"}


def instant(
    request: Request,
    at: Annotated[
        AwareDatetime | None, Query(description="Business instant (default: now)")
    ] = None,
    known_at: Annotated[
        AwareDatetime | None,
        Query(description="Record instant (default: now); known_at=at replays what was known then"),
    ] = None,
    min_position: Annotated[
        int | None, Query(ge=0, description="Wait (bounded) until this position is readable")
    ] = None,
) -> Instant:
    now = utc_now()
    if min_position is not None:
        wait_for_position(request, min_position)
    return Instant(at=at or now, known_at=known_at or now)


def wait_for_position(request: Request, position: int) -> None:
    recorder = ledger_of(request).recorder
    wait_until(
        lambda: recorder.head().position >= position,  # type: ignore[attr-defined]
        read_wait_seconds(),
    )


def wait_until(reached: Callable[[], bool], seconds: float) -> None:
    """Wait, bounded, for a read model to reach a position; then a 503 with Retry-After."""
    deadline = time.monotonic() + seconds
    while not reached():
        if time.monotonic() > deadline:
            msg = "the position asked for is not readable yet; retry shortly"
            raise NotYetRecorded(msg, field="min_position")
        time.sleep(0.05)


AtInstant = Annotated[Instant, Depends(instant)]


def report_fields(inst: Instant, position: int) -> dict[str, object]:
    return {"at": _iso(inst.at), "known_at": _iso(inst.known_at), "position": position}


def _iso(value: datetime) -> str:
    return value.isoformat()
