"""Commands from the ``ledger`` command line, through the same path as the HTTP routes'.

The command service (domain/commands.py) decides, saves and answers a command as it does
for a request (with an idempotency key, a retry records nothing); the command line acts as
the admin, the actor ``ledger init`` and ``ledger calendar publish`` record.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import typer
from rich.console import Console

from api.commands import caller_of, command_service
from api.runtime import CLI_ADMIN, open_ledger, utc_now
from domain.aggregate import natural_id
from domain.commands import Decide
from domain.errors import LedgerError
from domain.events import Actor
from domain.ledger import Ledger
from domain.principals import Principal

policy = typer.Typer(help="Policies where the measures set no number: publish a value.")
console = Console()


def cli_principal() -> Principal:
    """Who the command line acts as: the admin, with no token (it signs in by being here)."""
    return Principal(
        id=natural_id("principal", "command-line"),
        version=1,
        created_at=utc_now(),
        name=CLI_ADMIN.person,
        department=CLI_ADMIN.department,
        role=CLI_ADMIN.role,
        token_hash="",
    )


def run_command(
    ledger: Ledger,
    path: str,
    body: dict[str, Any],
    decide: Decide,
    idempotency_key: str | None = None,
    actor: Actor = CLI_ADMIN,
) -> dict[str, Any]:
    """Run one command as ``POST path`` with ``body`` would (as ``actor``, by default the
    admin); its answer with its position, or exit 1 with the problem's detail in Chinese
    and English."""
    caller = caller_of(cli_principal(), "POST", path, body, idempotency_key, actor)
    try:
        outcome = command_service(ledger).handle(caller, decide)
    except LedgerError as error:
        console.print(f"[red]{error.detail_zh}\n{error.detail}[/red]")
        raise typer.Exit(1) from None
    return {**outcome.body, "position": outcome.position}


def policy_value(text: str) -> int | str:
    """A number of working days, or a period's code."""
    stripped = text.strip()
    return int(stripped) if stripped.isdigit() else stripped


@policy.command("publish")
def publish(
    name: Annotated[str, typer.Option(help="The policy, e.g. first_catalog_grace")],
    value: Annotated[str, typer.Option(help="Working days, or monthly/quarterly/...")],
    effective_from: Annotated[
        str, typer.Option(help="The day it takes effect from (YYYY-MM-DD), back-dated if need be")
    ],
    idempotency_key: Annotated[
        str | None, typer.Option(help="Run once: a retry with this key records nothing")
    ] = None,
) -> None:
    """Publish a policy's value from a date on (as POST /v1/policies does)."""
    try:
        day = date.fromisoformat(effective_from)
    except ValueError:
        console.print(f"[red]--effective-from: {effective_from!r} is not a date[/red]")
        raise typer.Exit(1) from None
    parsed = policy_value(value)
    ledger = open_ledger()
    body = {"name": name, "value": parsed, "effective_from": day.isoformat()}
    answer = run_command(
        ledger,
        "/v1/policies",
        body,
        lambda cmd: ledger.publish_policy(cmd, name, parsed, day),
        idempotency_key,
    )
    console.print(
        f"published {name} = {answer['value']} from {answer['effective_from']} "
        f"at position {answer['position']}"
    )


def revoke(
    principal_id: Annotated[str, typer.Option("--id", help="The principal's id")],
    reason: Annotated[str, typer.Option(help="Why its token stops working")],
) -> None:
    """Revoke a principal: its token answers 401 at once (as POST
    /v1/principals/{id}/revocation does)."""
    try:
        subject = UUID(principal_id)
    except ValueError:
        console.print(f"[red]--id: {principal_id!r} is not a principal's id[/red]")
        raise typer.Exit(1) from None
    ledger = open_ledger()
    answer = run_command(
        ledger,
        f"/v1/principals/{subject}/revocation",
        {"reason": reason},
        lambda cmd: ledger.revoke_principal(cmd, subject, reason),
    )
    console.print(f"revoked principal {subject} at position {answer['position']}")
