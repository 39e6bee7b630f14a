"""Yearly consistency checks 一致性检测 between information systems and the catalog (Art. 13).

Art. 13: the office checks, every year, the departments' information systems against the
catalog, "并及时向厅网信领导小组提出数据资源目录更新建议". The obligation is one check per
system per year (``projections.obligations.CONSISTENCY_CHECK``); a check names its system,
and one that found differences states the update recommendations made to the leading
group (更新建议).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.aggregate import AggregateState, Command
from domain.errors import RuleViolation
from domain.events import Frozen, LedgerEvent
from domain.systems import InformationSystem


class Difference(Frozen):
    """Something a system holds that the catalog does not say, or says otherwise."""

    description: str
    resource_id: UUID | None = None


class ConsistencyCheck(AggregateState):
    department: str  # the office that ran it
    system_id: UUID | None
    year: int
    differences: tuple[Difference, ...]
    system_department: str | None = None  # whose system it checked
    recommendations: tuple[str, ...] = ()


class ConsistencyCheckRecorded(LedgerEvent):
    """Version 2 names whose system was checked and the recommendations made; version 1
    had neither (its checks discharge no per-system obligation: whose system it was is not
    in the event)."""

    class_version = 2

    department: str
    system_id: UUID | None
    year: int
    differences: tuple[Difference, ...] = ()
    system_department: str | None = None
    recommendations: tuple[str, ...] = ()

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> dict[str, Any]:
        return {**state, "system_department": None, "recommendations": []}

    def create(self) -> ConsistencyCheck:
        return ConsistencyCheck(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            department=self.department,
            system_id=self.system_id,
            year=self.year,
            differences=self.differences,
            system_department=self.system_department,
            recommendations=self.recommendations,
        )


class RecommendationsMissing(RuleViolation):
    title = "Differences found call for update recommendations to the leading group (Art. 13)"


def record_consistency_check(
    cmd: Command,
    check_id: UUID,
    system: InformationSystem,
    year: int,
    differences: list[Difference],
    recommendations: list[str],
) -> ConsistencyCheckRecorded:
    if year > cmd.occurred_at.year:
        msg = f"a check for {year} cannot be recorded as done in {cmd.occurred_at.year}"
        raise RuleViolation(msg, field="year", article="13")
    kept = [text.strip() for text in recommendations if text.strip()]
    if differences and not kept:
        msg = (
            "the check found differences: state the catalog update recommendations made to "
            "the leading group (Art. 13: 提出数据资源目录更新建议)"
        )
        raise RecommendationsMissing(msg, field="recommendations", article="13")
    return cmd.event(
        ConsistencyCheckRecorded,
        check_id,
        1,
        department=cmd.actor.department,
        system_id=system.id,
        year=year,
        differences=tuple(differences),
        system_department=system.department,
        recommendations=tuple(kept),
    )
