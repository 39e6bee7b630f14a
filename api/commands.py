"""A command over HTTP: its headers (Idempotency-Key, If-Match) and its response.

What a command does, idempotency included, is domain/commands.py's: a retry with the same
key and body gets the first response (200) and records nothing; another body under that
key is a 422; a retry while the first is still running in this process is a 409. Here a
request becomes a ``Caller`` (who, and the request's fingerprint), and the outcome a
response with its position, the time it was recorded and its ETag.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import orjson
from fastapi import Header
from fastapi.responses import JSONResponse

from api.answers import answer_of, json_values
from api.auth import actor_of
from api.limits import MAX_INTEGER
from api.runtime import recorder_of
from api.times import LocalJSONResponse
from domain.commands import Caller, CommandService, Decide, Idempotency, Outcome
from domain.errors import RuleViolation
from domain.events import Actor
from domain.ledger import Ledger
from domain.principals import Principal


@dataclass(frozen=True)
class CommandCall:
    principal: Principal
    method: str
    path: str
    body: dict[str, Any]
    occurred_at: datetime | None
    idempotency_key: str | None

    def caller(self) -> Caller:
        return caller_of(self.principal, self.method, self.path, self.body, self.idempotency_key)


def caller_of(
    principal: Principal,
    method: str,
    path: str,
    body: dict[str, Any],
    key: str | None,
    actor: Actor | None = None,
) -> Caller:
    """The principal asking ``method path`` with ``body``, as the command service knows it
    (acting as ``actor``, by default its own): the command line's commands are fingerprinted
    as the request they stand for, so a retry is recognised as over HTTP."""
    if key is None:
        return Caller(actor or actor_of(principal))
    canonical = orjson.dumps([method, path, json_values(body)], option=orjson.OPT_SORT_KEYS)
    fingerprint = hashlib.sha256(canonical).hexdigest()
    return Caller(actor or actor_of(principal), Idempotency(principal.id, key, fingerprint))


def command_service(ledger: Ledger) -> CommandService:
    """The ledger's command service, answering as the API does."""
    return CommandService(ledger, recorder_of(ledger), answer_of)


async def if_match_version(  # reads only a header: on the event loop (api/auth.require)
    value: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The version of the object you read, e.g. "3"; 412 when it is stale',
        ),
    ] = None,
) -> int | None:
    """``If-Match: "3"`` (or W/"3", or 3) → 3; a dependency of every command on one object."""
    if value is None or value.strip() == "*":
        return None
    text = value.strip().removeprefix("W/").strip('"')
    if not (text.isascii() and text.isdigit() and int(text) <= MAX_INTEGER):
        raise RuleViolation('If-Match takes an object version, e.g. "3"', field="If-Match")
    return int(text)


class CommandRunner:
    """Runs a request's command through the service; answers with its HTTP response."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.service = command_service(ledger)

    def run(self, call: CommandCall, decide: Decide) -> JSONResponse:
        outcome = self.service.handle(call.caller(), decide, call.occurred_at)
        return self.respond(outcome)

    def respond(self, outcome: Outcome) -> JSONResponse:
        recorded_at = recorder_of(self.ledger).recorded_at_of(outcome.position)
        body = {
            **outcome.body,
            "position": outcome.position,
            "recorded_at": recorded_at.isoformat(),
        }
        version = body.get("version")
        headers = {"ETag": f'"{version}"'} if version else None
        return LocalJSONResponse(body, status_code=outcome.status, headers=headers)
