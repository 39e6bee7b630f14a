"""Findings 违规发现 at an instant, each with its history (Art. 39): a fold of finding events.

The finding itself is the domain's own fold (``event.mutate``); beside it the history
keeps every step as recorded, with who took it and both times, so a department can read
why its report was rejected and an overseer when the clock ran out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from domain.events import Actor, Frozen, LedgerEvent
from domain.findings import (
    CriticismCirculated,
    Finding,
    FindingEvent,
    FindingRecorded,
    FindingRectified,
    FindingWithdrawn,
    RectificationOrdered,
    RectificationReported,
    RectificationReviewed,
)
from projections.base import Meta, topics_of

STEP_NAMES: dict[type[LedgerEvent], tuple[str, str]] = {
    FindingRecorded: ("recorded", "记录违规发现"),
    RectificationOrdered: ("rectification_ordered", "通知整改"),
    RectificationReported: ("rectification_reported", "报告整改"),
    RectificationReviewed: ("rectification_reviewed", "审核整改"),
    FindingRectified: ("rectified", "整改完成（部门自行关闭，旧记录）"),
    CriticismCirculated: ("criticised", "通报批评"),
    FindingWithdrawn: ("withdrawn", "撤销"),
}
BASE_FIELDS = frozenset(
    {
        "originator_id",
        "originator_version",
        "timestamp",
        "occurred_at",
        "actor",
        "command_id",
        "department",
    }
)


class FindingStep(Frozen):
    step: str
    step_label: str
    version: int
    position: int
    occurred_at: datetime
    recorded_at: datetime
    actor: Actor
    details: dict[str, Any]


class FindingEntry(Frozen):
    finding: Finding
    history: tuple[FindingStep, ...] = ()


def step_of(event: LedgerEvent, meta: Meta) -> FindingStep:
    step, label = STEP_NAMES.get(type(event), (type(event).__name__, type(event).__name__))
    return FindingStep(
        step=step,
        step_label=label,
        version=event.originator_version,
        position=meta.position,
        occurred_at=event.occurred_at,
        recorded_at=meta.recorded_at,
        actor=event.actor,
        details=event.model_dump(mode="json", exclude=set(BASE_FIELDS)),
    )


def fold_finding(entry: FindingEntry | None, event: LedgerEvent, meta: Meta) -> FindingEntry:
    finding: Finding = event.mutate(entry.finding if entry else None)
    history = (*(entry.history if entry else ()), step_of(event, meta))
    return FindingEntry(finding=finding, history=history)


class FindingsRegister:
    """Every finding at the instant, by id."""

    state_type: Any = dict[str, FindingEntry]

    def __init__(self) -> None:
        self.name = "findings"
        self.version = "1"
        self.topics = topics_of(FindingEvent)

    def initial(self) -> dict[str, FindingEntry]:
        return {}

    def apply(
        self, state: dict[str, FindingEntry], event: LedgerEvent, meta: Meta
    ) -> dict[str, FindingEntry]:
        key = str(event.originator_id)
        state[key] = fold_finding(state.get(key), event, meta)
        return state


class OneFinding:
    """One finding from its own stream (``replays.asof.replay_object``)."""

    state_type: Any = FindingEntry | None

    def __init__(self, finding_id: UUID) -> None:
        self.object_id = finding_id
        self.name = f"finding:{finding_id}"
        self.version = "1"
        self.topics = topics_of(FindingEvent)

    def initial(self) -> FindingEntry | None:
        return None

    def apply(
        self, state: FindingEntry | None, event: LedgerEvent, meta: Meta
    ) -> FindingEntry | None:
        return fold_finding(state, event, meta)
