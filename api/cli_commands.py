"""Commands from the ``ledger`` command line, through the same path as the HTTP routes'.

``CommandRunner`` decides, saves and answers a command as it does for a request (with an
``Idempotency-Key``, a retry records nothing); the command line acts as the admin, the
actor ``ledger init`` and ``ledger calendar publish`` record.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any
from uuid import UUID

import orjson
import typer
from rich.console import Console

from api.commands import CommandCall, CommandRunner
from api.runtime import CLI_ADMIN, open_ledger, utc_now
from domain.aggregate import Command, natural_id
from domain.errors import LedgerError
from domain.ledger import Decision, Ledger
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
    decide: Callable[[Command], Decision],
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """Run one command as ``POST path`` with ``body`` would; its answer, or exit 1 with the
    problem's detail."""
    call = CommandCall(
        principal=cli_principal(),
        method="POST",
        path=path,
        body=body,
        occurred_at=None,
        idempotency_key=idempotency_key,
    )
    try:
        response = CommandRunner(ledger).run(call, decide)
    except LedgerError as error:
        console.print(f"[red]{error.detail}[/red]")
        raise typer.Exit(1) from None
    answer: dict[str, Any] = orjson.loads(response.body)
    return answer


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
