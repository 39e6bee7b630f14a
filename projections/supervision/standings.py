"""Where each of the leading group's findings stands at an instant (Art. 39)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.calendar import due_end_of
from domain.findings import Category
from projections.supervision.facts import FindingFacts, SupervisionState


@dataclass
class FindingStanding:
    finding_id: str
    department: str
    category: Category
    status: str  # recorded, rectification_ordered, rectified, overdue, criticised, withdrawn


def findings_at(state: SupervisionState, at: datetime) -> list[FindingStanding]:
    standings = []
    for finding_id, facts in state.findings.items():
        standings.append(
            FindingStanding(finding_id, facts.department, facts.category, _standing(facts, at))
        )
    return standings


def _standing(facts: FindingFacts, at: datetime) -> str:
    if facts.withdrawn_at is not None:
        return "withdrawn"
    if facts.rectified_at is not None:
        return "rectified"
    if facts.criticised_at is not None:
        return "criticised"
    if facts.ordered_due is not None:
        return "overdue" if due_end_of(facts.ordered_due) <= at else "rectification_ordered"
    return "recorded"
