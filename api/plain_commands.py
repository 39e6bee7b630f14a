"""The command sent most, answered as a plain ASGI route: ``POST /v1/data-uses``.

A platform records one use of shared data (Art. 36) for every call or download the sharing
system logs: nearly every event of its ledger, arriving by the thousand. Through FastAPI
each such request pays for dependency solving and two hops to the thread pool and back (one
for the principal, whose standing is read from the store, one for the endpoint): about a
third of a command's CPU on two cores.

FastAPI's route stays: it is the contract (OpenAPI), and it answers every request this lane
does not take. The lane takes only what the route would accept — a bearer token of a
principal its role check admits, a JSON body its model validates — and then does what the
route does, with the route's own check, model and verb, in one hop to a thread. Anything
else (no token, a body the model refuses, a media type that is not JSON) goes to the route
untouched, so that every refusal is worded in one place. A command the ledger refuses is
answered as the app's handler answers a ``LedgerError``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi.security.utils import get_authorization_scheme_param
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import RoleCheck, ledger_of, principal_of_token
from api.models import CommandBody
from api.problems import ledger_error_response, prefers_english
from api.routes.common import run_verb
from domain.aggregate import Command
from domain.errors import LedgerError
from domain.ledger import Ledger
from domain.verbs.base import Decision

# As many commands at once as the framework's thread pool runs (anyio's default): the
# commands waiting on one save are what group commit saves together.
THREADS = 40


@dataclass(frozen=True)
class PlainCommand:
    """A command route the lane answers: its path, and the route's own role check, body
    model and verb (the verb is given the validated body)."""

    path: str
    check: RoleCheck
    model: type[CommandBody]
    verb: Callable[[Ledger, Command, Any], Decision]


class PlainCommandLane:
    """ASGI middleware, inside the edge's guard (the body is already within its limit)."""

    def __init__(self, app: ASGIApp, commands: Sequence[PlainCommand]) -> None:
        self.app = app
        self.commands = {command.path: command for command in commands}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        command = (
            self.commands.get(scope["path"])
            if scope["type"] == "http" and scope["method"] == "POST"
            else None
        )
        if command is None:
            await self.app(scope, receive, send)
            return
        messages = await _whole_body(receive)
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        request = Request(scope)
        loop = asyncio.get_running_loop()
        response = await loop.run_in_executor(_pool(), answer, command, request, body)
        if response is None:  # not the route's happy case: the route answers it
            await self.app(scope, _replaying(messages, receive), send)
            return
        await response(scope, receive, send)


def answer(command: PlainCommand, request: Request, body: bytes) -> Response | None:
    """The route's answer to a request it accepts (on a thread: it reads and writes the
    store), or None for one the route should answer itself."""
    token = bearer_token(request.headers.get("authorization"))
    if token is None or not _is_json(request.headers.get("content-type")):
        return None
    try:
        value = command.model.model_validate(orjson.loads(body))
        principal = command.check.admit(principal_of_token(ledger_of(request), token))
    except (orjson.JSONDecodeError, ValidationError, LedgerError):
        return None
    try:
        return run_verb(request, principal, value, command.verb, value)
    except LedgerError as error:
        return ledger_error_response(error, prefers_english(request))


def bearer_token(authorization: str | None) -> str | None:
    """The token of ``Authorization: Bearer <token>``, read by the function the route's
    security scheme (``HTTPBearer``) reads it with."""
    scheme, token = get_authorization_scheme_param(authorization)
    return token if scheme.lower() == "bearer" and token else None


def _is_json(content_type: str | None) -> bool:
    # The route reads a body as JSON when it says so, or says nothing.
    return content_type is None or content_type.split(";")[0].strip().lower() == "application/json"


async def _whole_body(receive: Receive) -> list[Message]:
    messages = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


_lock = threading.Lock()
_threads: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    """One pool for every app of the process (tests make many): its threads start as the
    commands come, and stay for the next ones."""
    global _threads
    with _lock:
        if _threads is None:
            _threads = ThreadPoolExecutor(THREADS, thread_name_prefix="command")
        return _threads
