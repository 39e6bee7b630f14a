"""Liveness, and which database this ledger is on."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.auth import ledger_of
from api.responses import HealthOut
from api.runtime import recorder_of

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut)
def health(request: Request) -> dict[str, Any]:
    head = recorder_of(ledger_of(request)).head()
    return {
        "status": "ok",
        "database": request.app.state.database_backend,
        "position": head.position,
    }
