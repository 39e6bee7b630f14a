"""The ASGI entry point uvicorn workers import: one ledger per process, from the settings."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from api.runtime import current_database, open_ledger


def create() -> FastAPI:
    return create_app(open_ledger(), backend=current_database().backend)
