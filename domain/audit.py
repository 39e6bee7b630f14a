"""Reads of audit data are audited: every forensic query is itself a fact on the record."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.aggregate import AggregateState, Command
from domain.events import LedgerEvent


class ForensicQuery(AggregateState):
    query: str
    parameters: dict[str, Any]
    result_count: int | None  # None: streamed, counted by the reader


class ForensicQueryMade(LedgerEvent):
    """Who asked what of the forensic record, and how much it answered."""

    query: str
    parameters: dict[str, Any]
    result_count: int | None  # None: streamed, counted by the reader

    def create(self) -> ForensicQuery:
        return ForensicQuery(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            query=self.query,
            parameters=self.parameters,
            result_count=self.result_count,
        )


def record_forensic_query(
    cmd: Command,
    query_id: UUID,
    query: str,
    parameters: dict[str, Any],
    result_count: int | None,
) -> ForensicQueryMade:
    return cmd.event(
        ForensicQueryMade,
        query_id,
        1,
        query=query,
        parameters=parameters,
        result_count=result_count,
    )
