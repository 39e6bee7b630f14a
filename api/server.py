"""The ASGI entry point uvicorn workers import: one ledger per process, from the settings."""

from __future__ import annotations

import os

from fastapi import FastAPI

from api.app import create_app
from api.runtime import current_database, open_ledger, settle_heap


def run_projections_here() -> bool | None:
    """``LEDGER_PROJECTIONS``: ``inprocess`` runs the read-model projector in the API process,
    ``external`` leaves it to ``ledger project``; unset, the backend decides (SQLite: here)."""
    setting = os.environ.get("LEDGER_PROJECTIONS", "").strip().lower()
    return {"inprocess": True, "external": False}.get(setting)


def create() -> FastAPI:
    app = create_app(
        open_ledger(), backend=current_database().backend, run_projections=run_projections_here()
    )
    settle_heap()
    return app
