"""Liveness, which database this ledger is on, and how far each read model lags.

``/health`` answers 503 when a read model's projector is down or lags past a bound, so a
load balancer or a monitor notices a read model gone stale, which a read without
``min_position`` would not (it answers from what the model holds).
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.auth import ledger_of
from api.read_models import ForensicView, caught_up_to
from api.runtime import recorder_of
from api.supervisor import Supervisor

router = APIRouter(tags=["health"])


def max_lag() -> int:
    """``LEDGER_HEALTH_MAX_LAG``: events a read model may be behind before /health is 503."""
    return int(os.environ.get("LEDGER_HEALTH_MAX_LAG", "10000"))


def stall_seconds() -> float:
    """``LEDGER_HEALTH_STALL_SECONDS``: behind and not moving this long, a projector is down
    (how /health tells when a separate ``ledger project`` has stopped)."""
    return float(os.environ.get("LEDGER_HEALTH_STALL_SECONDS", "30"))


class ReadModelHealth(BaseModel):
    name: str = Field(
        description="读模型名称 (the read model), e.g. forensics", examples=["forensics"]
    )
    position: int = Field(description="读模型已包含的最后位置 (the last position it includes)")
    lag: int = Field(description="落后账本的事件数 (events the ledger has that it has not)")
    projector: str = Field(
        description="投影进程所在：本进程 inprocess，或独立的 ledger project (external)",
        examples=["inprocess"],
    )
    running: bool | None = Field(
        description="本进程的投影是否在运行；独立进程时为 null (unknown here)"
    )
    restarts: int | None = Field(description="本进程投影重启次数 (restarts so far)")
    last_error: str | None = Field(description="最近一次使投影停止的错误 (what last stopped it)")
    last_error_at: datetime | None = Field(description="该错误的时间 (when)")
    ok: bool = Field(description="是否正常：在运行且落后不超过上限 (running and not lagging)")


class HealthOut(BaseModel):
    status: str = Field(description="ok，或 degraded（此时为 503）", examples=["ok"])
    database: str = Field(description="数据库类型 sqlite 或 postgresql", examples=["sqlite"])
    position: int = Field(description="账本当前位置 (the ledger's head)")
    max_lag: int = Field(description="允许的最大落后事件数 (LEDGER_HEALTH_MAX_LAG)")
    read_models: list[ReadModelHealth] = Field(description="各读模型的状态 (each read model)")


@router.get(
    "/health",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "一个读模型的投影停止或落后过多"}},
)
def health(request: Request) -> Any:
    head = recorder_of(ledger_of(request)).head().position
    forensics = _forensics(request, head)
    degraded = not forensics.ok
    body = HealthOut(
        status="degraded" if degraded else "ok",
        database=request.app.state.database_backend,
        position=head,
        max_lag=max_lag(),
        read_models=[forensics],
    )
    if degraded:
        return JSONResponse(body.model_dump(mode="json"), status_code=503)
    return body


def _forensics(request: Request, head: int) -> ReadModelHealth:
    view: ForensicView = request.app.state.forensic_view
    position = caught_up_to(view)
    lag = max(0, head - position)
    projector: Supervisor | None = request.app.state.projector
    if projector is not None:
        state = projector.state()
        running: bool | None = state.running
        ok = state.running and lag <= max_lag()
        restarts, error, error_at = state.restarts, state.last_error, state.last_error_at
    else:
        running, restarts, error, error_at = None, None, None, None
        ok = lag <= max_lag() and not _stalled(request, position, lag)
    return ReadModelHealth(
        name="forensics",
        position=position,
        lag=lag,
        projector="inprocess" if projector is not None else "external",
        running=running,
        restarts=restarts,
        last_error=error,
        last_error_at=error_at,
        ok=ok,
    )


def _stalled(request: Request, position: int, lag: int) -> bool:
    """Behind, and the position has not moved for ``stall_seconds()``: no one projects."""
    now = time.monotonic()
    seen: tuple[int, float] | None = getattr(request.app.state, "forensics_seen", None)
    if lag == 0 or seen is None or seen[0] != position:
        request.app.state.forensics_seen = (position, now)
        return False
    return now - seen[1] > stall_seconds()
