"""Recording who reads the forensic record."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from domain.aggregate import Command
from domain.audit import record_forensic_query
from domain.verbs.base import Decision, LedgerBase


class AuditVerbs(LedgerBase):
    def record_forensic_query(
        self, cmd: Command, query: str, parameters: dict[str, Any], result_count: int | None
    ) -> Decision:
        event = record_forensic_query(cmd, uuid4(), query, parameters, result_count)
        return Decision(event.originator_id, [event])
