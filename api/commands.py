"""Running a command: idempotency, If-Match, the response every command shares.

A command with an ``Idempotency-Key`` saves a receipt with its events, in one
transaction; a retry with the same key and body gets the first response (200)
and records nothing; another body under that key is a 422; a retry while the
first is still running in this process is a 409.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID, uuid4

import orjson
from fastapi import Header
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from api.auth import actor_of
from api.limits import MAX_INTEGER
from api.runtime import recorder_of, utc_now
from api.times import LocalJSONResponse
from domain.aggregate import Command
from domain.errors import CommandInFlight, Conflict, IdempotencyKeyReused, NotFound, RuleViolation
from domain.ledger import Decision, Ledger
from domain.principals import Principal
from domain.receipts import CommandReceipt, receipt_id, record_receipt

# What a receipt never keeps: a secret shown once must not be shown again.
SECRET_FIELDS = frozenset({"token"})
MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class CommandCall:
    principal: Principal
    method: str
    path: str
    body: dict[str, Any]
    occurred_at: datetime | None
    idempotency_key: str | None

    def fingerprint(self) -> str:
        canonical = orjson.dumps(
            [self.method, self.path, jsonable_encoder(self.body)], option=orjson.OPT_SORT_KEYS
        )
        return hashlib.sha256(canonical).hexdigest()


def if_match_version(
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
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._in_flight: set[UUID] = set()
        self._lock = threading.Lock()

    def run(self, call: CommandCall, decide: Callable[[Command], Decision]) -> JSONResponse:
        now = utc_now()
        key = call.idempotency_key
        if key is not None and not 0 < len(key) <= MAX_KEY_LENGTH:
            msg = f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters"
            raise RuleViolation(msg, field="Idempotency-Key")
        cmd = Command(
            actor=actor_of(call.principal),
            occurred_at=call.occurred_at or now,
            command_id=key or uuid4().hex,
            now=now,
        )
        if key is None:
            return self._execute(cmd, decide, receipt=None)
        rid = receipt_id(call.principal.id, key)
        replay = self._replay(rid, call)
        if replay is not None:
            return replay
        with self._lock:
            if rid in self._in_flight:
                raise CommandInFlight(
                    "a command with this Idempotency-Key is still running; retry later"
                )
            self._in_flight.add(rid)
        try:
            return self._execute(cmd, decide, receipt=(call, key))
        except Conflict:
            # Another process saved the same key first: answer as it did.
            replay = self._replay(rid, call)
            if replay is not None:
                return replay
            raise
        finally:
            with self._lock:
                self._in_flight.discard(rid)

    def _execute(
        self,
        cmd: Command,
        decide: Callable[[Command], Decision],
        receipt: tuple[CommandCall, str] | None,
    ) -> JSONResponse:
        decision = decide(cmd)
        body = jsonable_encoder(
            {"id": decision.subject_id, "version": decision.subject_version, **decision.extra}
        )
        events = list(decision.events)
        if receipt is not None:
            call, key = receipt
            kept = {k: v for k, v in body.items() if k not in SECRET_FIELDS}
            events.append(record_receipt(cmd, call.principal.id, key, call.fingerprint(), kept))
        recordings = self.ledger.record(events)
        # The command's own last event, not the receipt recorded after it: with or without
        # an Idempotency-Key, min_position=<it> reads everything the command did.
        position = recordings[len(decision.events) - 1].notification.id
        return self._respond(201, body, position)

    def _replay(self, rid: UUID, call: CommandCall) -> JSONResponse | None:
        try:
            receipt = self.ledger.get(rid, CommandReceipt)
        except NotFound:
            return None
        if receipt.fingerprint != call.fingerprint():
            msg = "this Idempotency-Key was used for a different request; use a new key"
            raise IdempotencyKeyReused(msg, field="Idempotency-Key")
        receipt_position = recorder_of(self.ledger).position_of(rid, 1)
        assert receipt_position is not None  # the receipt was just read: it is recorded
        # The receipt is recorded right after the command's events, in the same append
        # (under the store's insert lock, so positions are consecutive): the position the
        # first answer gave is the one before it.
        return self._respond(200, dict(receipt.response), receipt_position - 1)

    def _respond(self, status: int, body: dict[str, Any], position: int) -> JSONResponse:
        recorded_at = recorder_of(self.ledger).recorded_at_of(position)
        body = {**body, "position": position, "recorded_at": recorded_at.isoformat()}
        version = body.get("version")
        headers = {"ETag": f'"{version}"'} if version else None
        return LocalJSONResponse(body, status_code=status, headers=headers)
