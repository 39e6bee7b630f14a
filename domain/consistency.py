"""Yearly consistency checks 一致性检测 between information systems and the catalog (Art. 13)."""

from __future__ import annotations

from uuid import UUID

from domain.aggregate import AggregateState, Command
from domain.errors import RuleViolation
from domain.events import Frozen, LedgerEvent


class Difference(Frozen):
    """Something a system holds that the catalog does not say, or says otherwise."""

    description: str
    resource_id: UUID | None = None


class ConsistencyCheck(AggregateState):
    department: str  # the office that ran it
    system_id: UUID | None
    year: int
    differences: tuple[Difference, ...]


class ConsistencyCheckRecorded(LedgerEvent):
    department: str
    system_id: UUID | None
    year: int
    differences: tuple[Difference, ...] = ()

    def create(self) -> ConsistencyCheck:
        return ConsistencyCheck(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            department=self.department,
            system_id=self.system_id,
            year=self.year,
            differences=self.differences,
        )


def record_consistency_check(
    cmd: Command,
    check_id: UUID,
    system_id: UUID | None,
    year: int,
    differences: list[Difference],
) -> ConsistencyCheckRecorded:
    if year > cmd.occurred_at.year:
        msg = f"a check for {year} cannot be recorded as done in {cmd.occurred_at.year}"
        raise RuleViolation(msg, field="year", article="13")
    return cmd.event(
        ConsistencyCheckRecorded,
        check_id,
        1,
        department=cmd.actor.department,
        system_id=system_id,
        year=year,
        differences=tuple(differences),
    )
