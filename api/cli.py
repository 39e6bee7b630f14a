"""The ``ledger`` command: set up, serve, and administer the ledger."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from api import cli_integrity, cli_reports, cli_rules
from api.demo import is_loaded, load_demo
from api.read_models import start_runner
from api.runtime import admin_command, open_ledger
from domain.errors import LedgerError
from domain.ledger import Ledger
from domain.principals import new_token
from domain.vocabulary import Role
from store.settings import database_url

app = typer.Typer(
    help="吉林省文化和旅游厅政务数据共享合规账本 — the data-sharing compliance ledger."
)
principals = typer.Typer(help="Who may act on the ledger.")
app.add_typer(principals, name="principals")
app.add_typer(cli_reports.calendar, name="calendar")
app.command("replay")(cli_reports.replay_command)
app.command("rules")(cli_rules.rules_command)
cli_integrity.register(app)
console = Console()


def _initialise(ledger: Ledger) -> str | None:
    """Create the admin principal once; its token (new, or LEDGER_ADMIN_TOKEN) is returned."""
    cli_integrity.ensure_key(ledger)
    if ledger.is_initialised():
        return None
    token = os.environ.get("LEDGER_ADMIN_TOKEN") or new_token()
    ledger.record(ledger.initialise(admin_command(), token).events)
    return token


@app.command()
def init() -> None:
    """Create the store (idempotent) and the admin principal; print its token once."""
    ledger = open_ledger()
    token = _initialise(ledger)
    console.print(f"ledger store ready at {database_url()}")
    if token is None:
        console.print("already initialised: the admin token was printed when it was created")
    elif os.environ.get("LEDGER_ADMIN_TOKEN"):
        console.print("admin principal created with the token in LEDGER_ADMIN_TOKEN")
    else:
        console.print("admin token (shown once, keep it safe):")
        print(token)


@app.command()
def demo() -> None:
    """Load the demo data set (departments, people, catalog) into an initialised store."""
    ledger = open_ledger()
    _print_init(_initialise(ledger))
    if is_loaded(ledger):
        console.print("the demo data set is already loaded")
        return
    _print_tokens(load_demo(ledger))


def _print_init(token: str | None) -> None:
    if token is not None:
        console.print("admin token (shown once, keep it safe):")
        print(token)


def _print_tokens(tokens: dict[str, str]) -> None:
    console.print("demo principals (tokens shown once):")
    for who, token in tokens.items():
        print(f"  {token}  {who}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes")] = 1,
    demo_data: Annotated[
        bool, typer.Option("--demo", help="Load the demo data set first if the store is empty")
    ] = False,
) -> None:
    """Run the HTTP API (docs at /docs)."""
    ledger = open_ledger()
    _print_init(_initialise(ledger))
    if demo_data and not is_loaded(ledger):
        _print_tokens(load_demo(ledger))
    ledger.close()
    console.print(
        f"serving on http://{host}:{port} (console: sign in there with a token; "
        f"API docs: http://{host}:{port}/docs), store {database_url()}"
    )
    with _one_projector(workers):
        uvicorn.run("api.server:create", factory=True, host=host, port=port, workers=workers)


@contextmanager
def _one_projector(workers: int) -> Iterator[None]:
    """Exactly one process keeps the read model: the API's own when it is one process, else a
    `ledger project` beside the workers. LEDGER_PROJECTIONS=external leaves it to the operator."""
    if os.environ.get("LEDGER_PROJECTIONS"):
        yield
        return
    if workers == 1:
        os.environ["LEDGER_PROJECTIONS"] = "inprocess"
        yield
        return
    os.environ["LEDGER_PROJECTIONS"] = "external"
    projector = subprocess.Popen([sys.executable, "-m", "api", "project"])
    try:
        yield
    finally:
        projector.terminate()
        projector.wait(timeout=30)


@principals.command("add")
def add_principal(
    name: Annotated[str, typer.Option(help="The person's name as it will appear on the record")],
    department: Annotated[str, typer.Option(help="Department code, e.g. ZYKF")],
    role: Annotated[Role, typer.Option(help="What the person may do")],
) -> None:
    """Register a principal and print its new token (once)."""
    ledger = open_ledger()
    token = new_token()
    try:
        ledger.record(
            ledger.register_principal(admin_command(), token, name, department, role).events
        )
    except LedgerError as error:
        console.print(f"[red]{error.detail}[/red]")
        raise typer.Exit(1) from None
    print(token)


def main() -> None:
    app()


@app.command()
def project() -> None:
    """Keep the forensic read model up to date, until stopped (run it beside `serve`)."""
    ledger = open_ledger()
    env = dict(ledger.env)
    ledger.close()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with start_runner(env) as runner:
        console.print(f"projecting {database_url()} into the forensic read model")
        while not stop.wait(0.5):
            if runner.is_interrupted.is_set():
                runner.run_forever(timeout=0)  # re-raises the runner's error
                break
