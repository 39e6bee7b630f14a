"""The bare eventsourcing library doing the ledger's work, for the baselines.

"Bare" is the stock library: ``Application`` with its default mapper and JSON transcoder,
the stock ``eventsourcing.sqlite`` / ``eventsourcing.postgres`` application recorder (no
Merkle tree, no ledger entries, no pydantic), and aggregates written the library's way
(``@event`` on ``__init__``). Its events carry the same fields as the ledger's, so the
stored payloads are the same size give or take the library's type tags (it wraps each
datetime and UUID in ``{"_type_": …, "_data_": …}``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Mapper

from store.settings import parse_database_url


class Grant(Aggregate):
    """What a data use relies on: a share request, granted."""

    @event("Granted")
    def __init__(
        self, requester: str, provider: str, resource_id: UUID, purpose: str, scope: str
    ) -> None:
        self.requester = requester
        self.provider = provider
        self.resource_id = resource_id
        self.purpose = purpose
        self.scope = scope


class Use(Aggregate):
    """One use of shared data (the ledger's ``DataUseRecorded``, field for field)."""

    @event("Recorded")
    def __init__(
        self,
        occurred_at: datetime,
        actor: dict[str, str],
        command_id: str,
        share_request_id: UUID,
        arrangement_id: UUID | None,
        resource_id: UUID,
        purpose: str,
        user_person: str,
        approver: str,
        data_content: str,
        obtained_at: datetime,
        method: str,
        medium: str,
        recipient: str | None,
        department: str,
        provider: str,
        marks: list[str],
    ) -> None:
        self.share_request_id = share_request_id
        self.department = department
        self.marks = marks


class BareApplication(Application[UUID]):
    name = "bare"


def bare_env(url: str) -> dict[str, str]:
    """The stock library's persistence for the database ``url`` (no mapper or transcoder
    topics: the library's defaults)."""
    database = parse_database_url(url)
    env = dict(database.env)
    env["PERSISTENCE_MODULE"] = (
        "eventsourcing.sqlite" if database.backend == "sqlite" else "eventsourcing.postgres"
    )
    return env


def open_bare(url: str) -> BareApplication:
    return BareApplication(env=bare_env(url))


def use_fields(
    grant_id: UUID, grant: Grant | None, department: str, person: str, now: datetime, **extra: Any
) -> dict[str, Any]:
    """The fields of one use, as the HTTP benchmark's command sends them."""
    return {
        "occurred_at": now,
        "actor": {"person": person, "department": department, "role": "department"},
        "command_id": uuid4().hex,
        "share_request_id": grant_id,
        "arrangement_id": None,
        "resource_id": grant.resource_id if grant else uuid4(),
        "purpose": grant.purpose if grant else "行业监管",
        "user_person": person,
        "approver": person,
        "data_content": extra.get("data_content", "名称、等级"),
        "obtained_at": now,
        "method": "api",
        "medium": "network",
        "recipient": None,
        "department": department,
        "provider": grant.provider if grant else "CS01",
        "marks": [],
    }


def record_use(
    app: BareApplication, grant_id: UUID, department: str, person: str, now: datetime
) -> UUID:
    """The bare library's get-decide-save: read the grant, decide the marks, save the use."""
    grant: Grant = app.repository.get(grant_id)
    fields = use_fields(grant_id, grant, department, person, now)
    if grant.requester != department:
        fields["marks"] = ["no_grant"]
    use = Use(**fields)
    app.save(use)
    return use.id


# -- reading the ledger's log the library's way ------------------------------------------------


def library_mapper() -> Mapper[UUID]:
    """The library's default mapper and JSON transcoder (with its UUID, Decimal and datetime
    transcodings), as a bare ``Application`` constructs them."""
    app = BareApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    return app.mapper
