"""Every kind of recorded fact has one 中文 name, declared in ``domain.event_labels``: the
evidence page, the audit trail and every other reader show facts by it."""

from __future__ import annotations

import importlib
import pkgutil
import re

import domain
from domain.event_labels import EVENT_LABELS, event_label
from domain.events import LedgerEvent


def recorded_event_kinds() -> set[str]:
    """Every LedgerEvent subclass the domain declares, but the bases that only group a
    stream's events (named ``...Event``, with subclasses of their own, never recorded)."""
    for module in pkgutil.walk_packages(domain.__path__, "domain."):
        importlib.import_module(module.name)
    kinds: set[str] = set()
    pending: list[type[LedgerEvent]] = [LedgerEvent]
    while pending:
        cls = pending.pop()
        subclasses = cls.__subclasses__()
        pending.extend(subclasses)
        grouping = cls.__name__.endswith("Event") and bool(subclasses)
        if cls is not LedgerEvent and not grouping:
            kinds.add(cls.__name__)
    return kinds


def test_every_kind_of_event_has_a_chinese_name() -> None:
    kinds = recorded_event_kinds()
    # The walk reaches the whole domain, not only what this module happened to import.
    assert {"RectificationReported", "RectificationReviewed", "ThirdPartyConsented"} <= kinds
    missing = sorted(kinds - EVENT_LABELS.keys())
    assert not missing, f"no 中文 name in domain/event_labels.py for {missing}"


def test_no_name_is_kept_for_an_event_that_no_longer_exists() -> None:
    assert not sorted(EVENT_LABELS.keys() - recorded_event_kinds())


def test_the_names_are_chinese_and_distinct() -> None:
    for kind, label in EVENT_LABELS.items():
        assert re.fullmatch(r"[\u4e00-\u9fff（），、]+", label), kind
    assert len(set(EVENT_LABELS.values())) == len(EVENT_LABELS)
    # Art. 39: the review of a rectification report reads as such, not as its class.
    assert event_label("RectificationReviewed") == "审核整改"
