"""One object of the sharing chapter at an instant, shown as plain JSON with 中文 labels."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from pydantic import BaseModel

from api.auth import ledger_of
from domain.principals import Principal
from domain.vocabulary import Labeled, Role
from projections.sharing import OneObject
from replays.asof import Instant, Replayed, replay

# Who reads every department's receipts, requests and reports (DOMAIN.md, roles).
OVERSIGHT = frozenset({Role.ADMIN, Role.OFFICE, Role.INFO_CENTER, Role.LEADING_GROUP, Role.AUDITOR})


def object_at(request: Request, projection: OneObject, inst: Instant) -> tuple[Any, int]:
    """The object as the ledger knew it at the instant; a fold of one object is never saved."""
    ledger = ledger_of(request)
    recorder: Any = ledger.recorder
    replayed: Replayed[Any] = replay(recorder, ledger.mapper, projection, inst, every=0)
    return replayed.state, replayed.position


def may_see(principal: Principal, *departments: str) -> bool:
    return principal.role in OVERSIGHT or principal.department in departments


def labelled(state: BaseModel) -> dict[str, Any]:
    """The state as JSON, plus ``<field>_label`` for every coded value."""
    data = state.model_dump(mode="json")
    for name in type(state).model_fields:
        value = getattr(state, name)
        if isinstance(value, Labeled):
            data[f"{name}_label"] = value.label
    return data
