"""The ``ledger`` command: set up, serve, and administer the ledger."""

from __future__ import annotations

import os
import secrets
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from api import cli_commands, cli_import, cli_integrity, cli_reports, cli_rules, cli_trails
from api.demo import is_loaded, load_demo
from api.read_models import open_view, start_runner
from api.runtime import StoreUnreachable, open_ledger, settle_heap
from api.supervisor import KeptProcess, Supervisor
from api.workers import run_worker, serve_workers
from domain.ledger import Ledger
from domain.principals import new_token
from domain.vocabulary import Role
from store import pg_roles
from store.fold_snapshots import FoldSnapshots
from store.settings import app_database_url, database_url, psycopg_conninfo

app = typer.Typer(
    help="吉林省文化和旅游厅政务数据共享合规账本 — the data-sharing compliance ledger."
)
principals = typer.Typer(help="Who may act on the ledger.")
app.add_typer(principals, name="principals")
app.add_typer(cli_reports.calendar, name="calendar")
app.add_typer(cli_commands.policy, name="policy")
principals.command("revoke")(cli_commands.revoke)
app.add_typer(cli_trails.trail, name="trail")
app.command("replay")(cli_reports.replay_command)
app.command("rules")(cli_rules.rules_command)
app.command("import-uses")(cli_import.import_uses)
cli_integrity.register(app)
console = Console()


def _initialise(ledger: Ledger) -> str | None:
    """Create the admin principal once; its token (new, or LEDGER_ADMIN_TOKEN) is returned."""
    cli_integrity.ensure_key(ledger)
    if ledger.is_initialised():
        return None
    token = os.environ.get("LEDGER_ADMIN_TOKEN") or new_token()
    # Not a request of the API: no route stands for it, and it refuses a second run itself.
    cli_commands.run_command(ledger, "", {}, lambda cmd: ledger.initialise(cmd, token))
    return token


@app.command()
def init(
    roles: Annotated[
        bool,
        typer.Option(
            help="PostgreSQL: hand the tables to an owner role and create the application's "
            "least-privilege login (run as a role that may create roles)"
        ),
    ] = True,
    owner_role: Annotated[str, typer.Option(help="PostgreSQL: the tables' owner")] = "ledger_owner",
    app_role: Annotated[
        str, typer.Option(help="PostgreSQL: the application's login")
    ] = "ledger_app",
) -> None:
    """Create the store (idempotent) and the admin principal; print its token once."""
    ledger = open_ledger()
    token = _initialise(ledger)
    console.print(f"ledger store ready at {database_url()}")
    if roles and ledger.env.get("PERSISTENCE_MODULE", "").startswith("store.postgres"):
        _provision_roles(ledger, owner_role, app_role)
    if token is None:
        console.print("already initialised: the admin token was printed when it was created")
    elif os.environ.get("LEDGER_ADMIN_TOKEN"):
        console.print("admin principal created with the token in LEDGER_ADMIN_TOKEN")
    else:
        console.print("admin token (shown once, keep it safe):")
        print(token)


def _provision_roles(ledger: Ledger, owner: str, app_role: str) -> None:
    """The owner and application roles (store/pg_roles.py); the application's URL, once."""
    env = dict(ledger.env)
    recorder = ledger.recorder
    FoldSnapshots(recorder).ensure_table()
    open_view(env).datastore.close()  # the read model's tables exist before they are handed over
    ledger.close()
    password = os.environ.get("LEDGER_APP_PASSWORD")
    generated = password is None
    password = password or secrets.token_urlsafe(24)
    provisioned = pg_roles.provision(
        psycopg_conninfo(env),
        schema=env.get("POSTGRES_SCHEMA") or "public",
        events_table=recorder.events_table_name,  # type: ignore[attr-defined]
        owner=owner,
        app=app_role,
        app_password=password,
    )
    console.print(
        f"tables owned by {provisioned.owner} (no login); {provisioned.app} may SELECT and "
        f"INSERT on {', '.join(provisioned.append_only)} and use the read models"
    )
    url = app_database_url(database_url(), app_role, password)
    if generated:
        console.print("the application's LEDGER_DATABASE_URL (shown once, keep it safe):")
        print(url)
    else:
        console.print("the application's LEDGER_DATABASE_URL uses LEDGER_APP_PASSWORD:")
        print(app_database_url(database_url(), app_role, "<LEDGER_APP_PASSWORD>"))


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


# Off by default: what a request did is on the ledger's own record, and a line for every
# data use the sharing system sends costs a fourteenth of a worker's CPU at platform rates.
ACCESS_LOG_HELP = "Print a line for every HTTP request (off: the ledger records every command)"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes")] = 1,
    demo_data: Annotated[
        bool, typer.Option("--demo", help="Load the demo data set first if the store is empty")
    ] = False,
    access_log: Annotated[bool, typer.Option("--access-log", help=ACCESS_LOG_HELP)] = False,
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
        if workers > 1:
            serve_workers(host, port, workers, access_log)
        else:
            uvicorn.run(
                "api.server:create", factory=True, host=host, port=port, access_log=access_log
            )


@app.command(hidden=True)
def worker(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    access_log: Annotated[bool, typer.Option("--access-log")] = False,
) -> None:
    """One of `serve --workers N`'s processes (`serve` starts them)."""
    run_worker(host, port, access_log)


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
    keeper = KeptProcess([sys.executable, "-m", "api", "project"], "the projector")
    keeper.start()
    try:
        yield
    finally:
        keeper.stop()


@principals.command("add")
def add_principal(
    name: Annotated[str, typer.Option(help="The person's name as it will appear on the record")],
    department: Annotated[str, typer.Option(help="Department code, e.g. ZYKF")],
    role: Annotated[Role, typer.Option(help="What the person may do")],
) -> None:
    """Register a principal and print its new token (once)."""
    ledger = open_ledger()
    token = new_token()
    cli_commands.run_command(
        ledger,
        "/v1/principals",
        {"name": name, "department": department, "role": role.value},
        lambda cmd: ledger.register_principal(cmd, token, name, department, role),
    )
    print(token)


def main() -> None:
    try:
        app()
    except StoreUnreachable as error:
        console.print(f"[red]{error}[/red]")
        sys.exit(1)


@app.command()
def project() -> None:
    """Keep the forensic read model up to date, until stopped (run it beside `serve`)."""
    ledger = open_ledger()
    env = dict(ledger.env)
    ledger.close()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    # A lost connection or a failed batch stops the runner; the supervisor starts another,
    # with backoff, resuming from the tracking position written with the rows.
    settle_heap()
    with Supervisor("forensics", lambda: start_runner(env)):
        console.print(f"projecting {database_url()} into the forensic read model")
        stop.wait()
