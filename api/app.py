"""The HTTP API: one FastAPI app over one ledger application."""

from __future__ import annotations

from fastapi import FastAPI

from api import problems
from api.commands import CommandRunner
from api.routes import catalog, deadlines, departments, health, resources
from domain.ledger import Ledger

DESCRIPTION = """
吉林省文化和旅游厅政务数据共享合规账本 — an event-sourced ledger of government data sharing:
catalogs, requests and replies, data use, verification and supervision, each an immutable
event. Commands are POSTs with a bearer token; reports answer at any instant (`at`) as known
at any instant (`known_at`). Errors are RFC 9457 problem details.
"""


def create_app(ledger: Ledger, *, backend: str = "sqlite") -> FastAPI:
    app = FastAPI(title="Data-sharing compliance ledger", version="0.1.0", description=DESCRIPTION)
    app.state.ledger = ledger
    app.state.commands = CommandRunner(ledger)
    app.state.database_backend = backend
    problems.install(app)
    for module in (health, departments, resources, catalog, deadlines):
        app.include_router(module.router)
    return app
