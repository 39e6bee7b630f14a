"""The process's ledger: one application object per database URL, and the clock."""

from __future__ import annotations

import gc
from collections.abc import Collection
from datetime import UTC, datetime
from functools import cache
from typing import TypeVar, cast
from uuid import UUID

import psycopg
from eventsourcing import persistence

from domain.aggregate import AggregateState, Command
from domain.events import Actor, LedgerEvent
from domain.ledger import Ledger
from domain.vocabulary import Role
from store.records import TreeRecorder
from store.settings import (
    Database,
    application_env,
    database_url,
    parse_database_url,
    psycopg_conninfo,
)

S = TypeVar("S", bound=AggregateState)

# Container allocations between two collections of the youngest generation (CPython's
# default is 700): a bulk load allocates tens of thousands that all live to its end.
YOUNG_COLLECTION_EVERY = 20_000


def settle_heap() -> None:
    """Once a long-running process (a server worker, the projector, an import) has loaded:
    what it loaded (modules, models, schemas, a few hundred thousand objects that live as
    long as the process) is set apart from the cyclic collector, which otherwise walks all of it
    again in every full collection, and the youngest generation is collected less often.
    Without this a bulk load spent about a third of its time in the collector."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, middle, old)


def utc_now() -> datetime:
    return datetime.now(UTC)


class StoreUnreachable(RuntimeError):
    """The ledger's database does not answer: the message names where it was looked for."""


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _postgres_reason(env: dict[str, str]) -> str | None:
    """Why the server does not answer, as libpq says it (refused, unknown host, password)."""
    try:
        with psycopg.connect(psycopg_conninfo(env)):
            return None
    except psycopg.Error as error:
        return _first_line(error)


def open_ledger(url: str | None = None) -> Ledger:
    """A new ledger application on the database (creating its tables if need be)."""
    database = parse_database_url(url or database_url())
    try:
        return Ledger(env=application_env(database))
    except (persistence.OperationalError, persistence.InterfaceError, psycopg.Error) as error:
        where, reason = database.display, _first_line(error)
        if database.backend == "postgresql":
            env = database.env
            where = f"{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']}"
            reason = _postgres_reason(env) or reason
        msg = f"cannot open the ledger's database at {where}: {reason}"
        raise StoreUnreachable(msg) from None


def recorder_of(ledger: Ledger) -> TreeRecorder:
    """The ledger's recorder with the reads store/ adds to the library's.

    The library types ``Application.recorder`` as its own ``ApplicationRecorder``; the
    recorders ``application_env`` selects (store/sqlite.py, store/postgres.py) are ours and
    implement ``TreeRecorder``. Domain code may not import store/, so the one cast is here.
    """
    return cast(TreeRecorder, ledger.recorder)


def objects_now(ledger: Ledger, object_ids: Collection[UUID], kind: type[S]) -> dict[UUID, S]:
    """Many objects of ``kind`` as they stand, folded from one read of all their events (a
    page that shows hundreds reads them at once, not one query each); an id that is not
    of that kind is left out."""
    states: dict[UUID, object] = {}
    for record in recorder_of(ledger).select_objects_records(object_ids):
        event = ledger.mapper.to_domain_event(record.event)
        if isinstance(event, LedgerEvent):
            states[event.originator_id] = event.mutate(states.get(event.originator_id))
    return {object_id: state for object_id, state in states.items() if isinstance(state, kind)}


@cache
def current_database() -> Database:
    return parse_database_url(database_url())


# Who acts when the ledger is administered from its own command line.
CLI_ADMIN = Actor(person="admin", department="ADMIN", role=Role.ADMIN)


def admin_command(actor: Actor = CLI_ADMIN) -> Command:
    now = utc_now()
    return Command(actor=actor, occurred_at=now, command_id=f"cli-{now.isoformat()}", now=now)
