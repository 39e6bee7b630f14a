"""The HTTP API: one FastAPI app over one ledger application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from api import openapi, problems
from api.bulk_lines import MAX_BULK_BYTES
from api.commands import CommandRunner
from api.edge import EdgeGuard
from api.plain_commands import PlainCommandLane
from api.read_models import close_view, open_view, start_runner
from api.routes import (
    aggregations,
    catalog,
    data_use_batch,
    data_uses,
    deadlines,
    departments,
    evidence,
    external_sharing,
    findings,
    forensics,
    health,
    legal_instruments,
    lists,
    notices,
    obligations,
    persons,
    policies,
    resources,
    share_requests,
    supervision,
    systems,
    usage_reports,
    verification,
    vocabularies,
)
from api.routes import ledger as ledger_routes
from api.routes.data_use_batch import BATCH_PATH
from api.supervisor import Supervisor
from api.times import LocalJSONResponse
from console.app import install as install_console
from domain.ledger import Ledger

DESCRIPTION = """
吉林省文化和旅游厅政务数据共享合规账本 — an event-sourced ledger of government data sharing:
catalogs, requests and replies, data use, verification and supervision, each an immutable
event. Commands are POSTs with a bearer token; reports answer at any instant (`at`) as known
at any instant (`known_at`). Errors are RFC 9457 problem details.
"""


def create_app(
    ledger: Ledger, *, backend: str = "sqlite", run_projections: bool | None = None
) -> FastAPI:
    """The API over ``ledger``. ``run_projections`` keeps the forensic read model up to date
    inside this process (default: on SQLite, the embedded default; on PostgreSQL a separate
    ``ledger project`` process does it, so that several API workers can share one)."""
    env = dict(ledger.env)
    in_process = backend == "sqlite" if run_projections is None else run_projections

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            if not in_process:
                yield
                return
            with Supervisor("forensics", lambda: start_runner(env)) as projector:
                app.state.projector = projector
                yield
        finally:
            # The read model's own connections go with the app, not with the process.
            close_view(app.state.forensic_view)

    app = FastAPIOffline(
        title="Data-sharing compliance ledger",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        default_response_class=LocalJSONResponse,
    )
    app.state.ledger = ledger
    app.state.forensic_view = open_view(env)
    app.state.commands = CommandRunner(ledger)
    app.state.database_backend = backend
    app.state.projector = None  # the in-process projector's supervisor, once started
    problems.install(app)
    openapi.install(app)
    # The lane inside the guard: what it answers has passed the edge's limits.
    app.add_middleware(PlainCommandLane, commands=[data_uses.RECORD_DATA_USE])
    app.add_middleware(EdgeGuard, larger={BATCH_PATH: MAX_BULK_BYTES})
    for module in (
        health,
        departments,
        resources,
        catalog,
        deadlines,
        share_requests,
        data_uses,
        data_use_batch,
        forensics,
        ledger_routes,
        systems,
        aggregations,
        verification,
        usage_reports,
        supervision,
        notices,
        lists,
        obligations,
        vocabularies,
        evidence,
        policies,
        findings,
        persons,
        legal_instruments,
        external_sharing,
    ):
        app.include_router(module.router, responses=problems.ERROR_RESPONSES)
    install_console(app)  # the console's pages at /, beside the API at /v1
    return app
