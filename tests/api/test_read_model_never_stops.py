"""The forensic read model never stops on an event the ledger accepted, on SQLite and
PostgreSQL: every kind of event, filled with the nastiest strings the edge lets through
(and NUL, which older ledgers accepted), is projected, and the model catches up.

Art. 36: the trail of every use is under supervision; one event the projector cannot hold
must not leave every later one out of it.
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
import time
import types
import typing
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError

import domain
from api.limits import MAX_TEXT_CHARS, control_character_at
from api.read_models import caught_up_to
from domain.events import LedgerEvent
from domain.ledger import Ledger

NASTY = [
    "'; DROP TABLE forensic_events; --",
    'quote " backslash \\ percent % underscore _ question ?',
    "tab\there\nnewline\r\ncarriage",
    "\u202e右到左覆盖\u200f\u200b\ufeff\u2028\u2029",
    "𠀀𪚥🙂👩‍👩‍👧 astral and joined",
    "e\u0301\u0308\u0489 combining",
    "\ufffd\uffff\ufffe non-characters",
    "吉" * MAX_TEXT_CHARS,
]
OLD_LEDGER = ["nul\u0000person", "\u0001\u001f\u007f older controls"]


def test_the_nasty_strings_pass_the_edge() -> None:
    # They are what a portal may send: only OLD_LEDGER's are refused there now.
    assert all(control_character_at(text) is None for text in NASTY)
    assert all(control_character_at(text) is not None for text in OLD_LEDGER)


def event_classes() -> list[type[LedgerEvent]]:
    for module in pkgutil.walk_packages(domain.__path__, "domain."):
        importlib.import_module(module.name)
    found: list[type[LedgerEvent]] = []
    todo = list(LedgerEvent.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls not in found:
            found.append(cls)
    return sorted(found, key=lambda cls: cls.__qualname__)


def filled(annotation: Any, text: str) -> Any:
    """A value of ``annotation`` with ``text`` in every string."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return filled(args[0], text)
    if origin in (typing.Union, types.UnionType):
        return filled(next(a for a in args if a is not type(None)), text)
    if origin is typing.Literal:
        return args[0]
    if origin in (tuple, list, set, frozenset):
        return origin([filled(args[0], text)]) if args else origin()
    if origin is dict:
        return {filled(args[0], text): filled(args[1], text)}
    if isinstance(annotation, type):
        if issubclass(annotation, enum.Enum):
            return next(iter(annotation))
        if issubclass(annotation, BaseModel):
            return model_data(annotation, text)
        if annotation is bool:
            return True
        if issubclass(annotation, int | float):
            return annotation(1)
        if annotation is datetime:
            return datetime.now(UTC)
        if annotation is date:
            return datetime.now(UTC).date()
        if annotation is UUID:
            return uuid4()
        if annotation is str:
            return text
    return text


def model_data(model: type[BaseModel], text: str) -> dict[str, Any]:
    hints = typing.get_type_hints(model, include_extras=True)
    return {name: filled(hints[name], text) for name in model.model_fields}


def instances(cls: type[LedgerEvent], texts: list[str]) -> list[LedgerEvent]:
    """The event filled with each text; a text a field's own rule refuses (a code's shape,
    a hash's) is replaced there by a plain one, the rest stays nasty."""
    made = []
    for text in texts:
        data = model_data(cls, text)
        data.update(
            originator_id=uuid4(),
            originator_version=1,
            timestamp=datetime.now(UTC),
            occurred_at=datetime.now(UTC),
            actor={"person": text, "department": text, "role": "department"},
            command_id=text,
        )
        try:
            made.append(cls.model_validate(data))
        except ValidationError as error:
            for problem in error.errors():
                place = data
                for part in problem["loc"][:-1]:
                    place = place[part]
                place[problem["loc"][-1]] = filled(type(place[problem["loc"][-1]]), "ABC123")
            try:
                made.append(cls.model_validate(data))
            except ValidationError:
                continue
    return made


def wait_until_caught_up(client: TestClient, ledger: Ledger, seconds: float = 90) -> int:
    view = client.app.state.forensic_view  # type: ignore[attr-defined]
    head: int = ledger.recorder.head().position  # type: ignore[attr-defined]
    deadline = time.monotonic() + seconds
    while caught_up_to(view) < head:
        assert time.monotonic() < deadline, f"read model stuck at {caught_up_to(view)} < {head}"
        time.sleep(0.1)
    return head


@pytest.mark.parametrize("texts", [NASTY, OLD_LEDGER], ids=["valid", "older-ledgers"])
def test_every_event_kind_with_nasty_strings_is_projected(
    live_client: TestClient, ledger: Ledger, texts: list[str]
) -> None:
    classes = event_classes()
    events = [event for cls in classes for event in instances(cls, texts)]
    kinds = {type(event) for event in events}
    assert len(kinds) >= 0.9 * len(classes), sorted(set(classes) - kinds, key=str)
    for event in events:
        ledger.record([event])
    head = wait_until_caught_up(live_client, ledger)
    health = live_client.get("/health")
    assert health.status_code == 200, health.text
    assert health.json()["read_models"][0]["position"] == head
    assert live_client.app.state.projector.state().last_error is None  # type: ignore[attr-defined]
