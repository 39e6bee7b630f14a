"""Verification, multi-source conflicts and unique sources in the domain, with no I/O (Art. 31)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest

from domain.aggregate import Command
from domain.errors import (
    CorrectionWithoutDetails,
    DataItemNotHeld,
    TooFewConflictingSources,
    VerificationOfOwnData,
)
from domain.events import Actor
from domain.resources import (
    Resource,
    ResourceFields,
    UniqueSourceDesignated,
    catalog_resource,
    data_item_key,
)
from domain.source_conflicts import (
    UniqueSourceChanged,
    UniqueSourceSet,
    record_source_conflict,
    unique_source_id,
)
from domain.verification import request_verification
from domain.vocabulary import Role, VerificationOutcome
from tests.support.portal import resource_body

NOW = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
OFFICE = Actor(person="李静", department="BGS", role=Role.OFFICE)


def cmd(department: str = "SCGL", role: Role = Role.DEPARTMENT) -> Command:
    actor = Actor(person="x", department=department, role=role)
    return Command(actor=actor, occurred_at=NOW, command_id=uuid4().hex, now=NOW)


def resource(department: str = "ZYKF", **overrides: Any) -> Resource:
    fields = ResourceFields.model_validate(resource_body(department, **overrides))
    state: Resource = catalog_resource(cmd(department), uuid4(), fields)[0].mutate(None)
    joined: Resource = state.join_catalog(cmd("BGS", Role.OFFICE), uuid4(), None).mutate(state)
    return joined


def test_a_department_does_not_ask_itself_to_verify__art31() -> None:
    with pytest.raises(VerificationOfOwnData):
        request_verification(cmd("ZYKF"), uuid4(), resource("ZYKF"), "有误")
    asked = request_verification(cmd("SCGL"), uuid4(), resource("ZYKF"), "有误")
    assert (asked.requester, asked.provider) == ("SCGL", "ZYKF")


def test_a_correction_says_what_changed_a_confirmation_need_not__art31() -> None:
    request = request_verification(cmd("SCGL"), uuid4(), resource("ZYKF"), "有误").mutate(None)
    with pytest.raises(CorrectionWithoutDetails):
        request.answer(cmd("ZYKF"), VerificationOutcome.CORRECTED, "  ")
    confirmed = request.answer(cmd("ZYKF"), VerificationOutcome.CONFIRMED, "")
    assert confirmed.mutate(request).status == "confirmed"


def test_data_items_are_one_item_whatever_the_spacing() -> None:
    assert data_item_key(" 景区  名称 ") == data_item_key("景区 名称")
    assert unique_source_id("Scenic Name") == unique_source_id(" scenic  name")


def test_a_conflict_names_two_resources_holding_the_item__art31() -> None:
    ours, theirs = resource("ZYKF"), resource("SCGL")
    with pytest.raises(TooFewConflictingSources):
        record_source_conflict(cmd("BGS", Role.OFFICE), uuid4(), "景区名称", [ours, ours])
    with pytest.raises(DataItemNotHeld) as missing:
        record_source_conflict(cmd("BGS", Role.OFFICE), uuid4(), "票价", [ours, theirs])
    assert missing.value.field == "resource_ids.0"
    recorded = record_source_conflict(
        cmd("BGS", Role.OFFICE), uuid4(), " 景区名称 ", [ours, theirs]
    )
    assert (recorded.data_item, recorded.departments) == ("景区名称", ("ZYKF", "SCGL"))


def test_resolution_marks_the_resource_and_sets_or_moves_the_lookup__art31() -> None:
    ours, theirs = resource("ZYKF"), resource("SCGL")
    office = cmd("BGS", Role.OFFICE)
    first = record_source_conflict(office, uuid4(), "景区名称", [ours, theirs]).mutate(None)
    resolved, designated, lookup = first.resolve(office, ours, None)
    assert resolved.mutate(first).unique_source_resource_id == ours.id
    assert isinstance(designated, UniqueSourceDesignated)
    assert designated.originator_id == ours.id
    assert designated.mutate(ours).unique_source_of == ("景区名称",)
    assert isinstance(lookup, UniqueSourceSet)
    assert lookup.originator_id == unique_source_id("景区名称")
    current = lookup.mutate(None)
    second = record_source_conflict(office, uuid4(), "景区名称", [ours, theirs]).mutate(None)
    *_, moved = second.resolve(office, theirs, current)
    assert isinstance(moved, UniqueSourceChanged)
    assert moved.mutate(current).department == "SCGL"
