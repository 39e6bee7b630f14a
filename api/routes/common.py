"""What every route shares: running a command, reading at an instant."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, ClassVar, Concatenate, Final, ParamSpec, TypedDict, TypeVar

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.auth import ledger_of
from api.commands import CommandCall, CommandRunner, if_match_version
from api.limits import MAX_INTEGER, MIN_POSITION_MARGIN
from api.models import CommandBody, CommandResponse, EmptyCommand
from api.runtime import recorder_of, utc_now
from api.times import InstantParam
from domain.aggregate import AggregateState, Command
from domain.errors import LedgerError, NotFound, RuleViolation
from domain.ledger import Decision, Ledger
from domain.principals import Principal
from projections.sharing import OneObject
from replays.asof import Instant, replay_object

P = ParamSpec("P")
T = TypeVar("T", bound=AggregateState)


def read_wait_seconds() -> float:
    """``LEDGER_READ_WAIT_SECONDS``: how long a read waits for ``min_position`` before a 503."""
    return float(os.environ.get("LEDGER_READ_WAIT_SECONDS", "5"))


# -- commands -------------------------------------------------------------------------------


class CommandRoute(TypedDict):
    status_code: int
    response_model: type[BaseModel]


COMMAND: Final[CommandRoute] = {"status_code": 201, "response_model": CommandResponse}
"""What every command route declares: ``@router.post(path, **COMMAND)``."""

IfMatch = Annotated[int | None, Depends(if_match_version)]
"""The version named by ``If-Match``, for a command on one object (412 when stale)."""


def run_verb(
    request: Request,
    principal: Principal,
    body: CommandBody | None,
    verb: Callable[Concatenate[Ledger, Command, P], Decision],
    *args: P.args,
    **kwargs: P.kwargs,
) -> JSONResponse:
    """Run one of the ledger's verbs, e.g. ``Ledger.negotiate``, as the principal: the command
    comes first, then ``args``. A command without a body is one with nothing but defaults."""
    ledger = ledger_of(request)
    body = body or EmptyCommand()
    call = CommandCall(
        principal=principal,
        method=request.method,
        path=request.url.path,
        body=body.model_dump(mode="json", exclude_unset=True),
        occurred_at=body.occurred_at,
        idempotency_key=request.headers.get("idempotency-key"),
    )
    runner: CommandRunner = request.app.state.commands
    return runner.run(call, lambda cmd: verb(ledger, cmd, *args, **kwargs))


# -- reads at an instant ----------------------------------------------------------------------


class NotYetRecorded(LedgerError):
    status = 503
    title = "Not yet caught up"
    title_zh = "读取模型尚未更新到该位置"
    headers: ClassVar[dict[str, str]] = {"Retry-After": "1"}


def instant(
    request: Request,
    at: Annotated[
        InstantParam | None,
        Query(description="业务时点：日期（该日 24 时，北京时间）或带时区偏移的日期时间；默认现在"),
    ] = None,
    known_at: Annotated[
        InstantParam | None,
        Query(description="账本记录时点（默认现在）；known_at=at 重现当时账本所知"),
    ] = None,
    min_position: Annotated[
        int | None,
        Query(
            ge=0,
            le=MAX_INTEGER,
            description="Wait (bounded) until this position is readable; at most the head "
            f"plus {MIN_POSITION_MARGIN}",
        ),
    ] = None,
) -> Instant:
    now = utc_now()
    if min_position is not None:
        wait_for_position(request, min_position)
    return Instant(at=at or now, known_at=known_at or now)


def wait_for_position(request: Request, position: int) -> None:
    recorder = recorder_of(ledger_of(request))
    head = recorder.head().position
    refuse_beyond_head(position, head)
    if head < position:
        wait_until(lambda: recorder.head().position >= position, read_wait_seconds())


def refuse_beyond_head(position: int, head: int) -> None:
    """A ``min_position`` far past the head names a write no one was acknowledged: 422 at
    once, instead of holding a thread for the whole wait (api/limits.py)."""
    if position > head + MIN_POSITION_MARGIN:
        msg = (
            f"min_position 超出账本当前位置 {head} 过多 (at most the head {head} plus "
            f"{MIN_POSITION_MARGIN})"
        )
        raise RuleViolation(msg, field="min_position")


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


def object_at(request: Request, projection: OneObject[T], inst: Instant) -> tuple[T | None, int]:
    """One object as the ledger knew it at the instant, folded from its own stream."""
    ledger = ledger_of(request)
    replayed = replay_object(recorder_of(ledger), ledger.mapper, projection, inst)
    return replayed.state, replayed.position


def visible_object(
    request: Request,
    inst: Instant,
    projection: OneObject[T],
    what: str,
    shown: Callable[[T], bool] | None = None,
) -> tuple[T, int]:
    """The object at the instant and the position read, or 404: it did not exist then, or
    ``shown`` keeps it from this reader (another's object is not found, not forbidden)."""
    state, position = object_at(request, projection, inst)
    if state is None or (shown is not None and not shown(state)):
        raise NotFound(f"no {what} with id {projection.object_id} at {inst.at.isoformat()}")
    return state, position
