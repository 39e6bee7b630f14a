"""Information-system rules decided in the domain, with no I/O (Art. 2, 19-20)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.aggregate import Command
from domain.errors import (
    ClassifiedSystemNotConnected,
    NotANewSystem,
    NotYourObject,
    ProjectNotApproved,
    SystemResourcesNotCataloged,
    SystemResourcesNotInCatalog,
)
from domain.events import Actor
from domain.resources import Resource, ResourceFields, catalog_resource
from domain.systems import InformationSystem, register_system
from domain.vocabulary import Role, SystemStatus
from tests.support.portal import resource_body

NOW = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
ZYKF = Actor(person="孙悦", department="ZYKF", role=Role.DEPARTMENT)
OFFICE = Actor(person="李静", department="BGS", role=Role.OFFICE)
CENTER = Actor(person="周敏", department="XXZX", role=Role.INFO_CENTER)


def cmd(actor: Actor = ZYKF) -> Command:
    return Command(actor=actor, occurred_at=NOW, command_id=uuid4().hex, now=NOW)


def system(status: SystemStatus = SystemStatus.NEW, classified: bool = False) -> InformationSystem:
    state: InformationSystem = register_system(
        cmd(), uuid4(), "景区管理系统", status, classified
    ).mutate(None)
    return state


def resource(system_id: UUID | None, department: str = "ZYKF", **overrides: Any) -> Resource:
    actor = Actor(person="x", department=department, role=Role.DEPARTMENT)
    fields = ResourceFields.model_validate(
        resource_body(department, system_id=system_id, **overrides)
    )
    command = Command(actor=actor, occurred_at=NOW, command_id="k", now=NOW)
    state: Resource = catalog_resource(command, uuid4(), fields)[0].mutate(None)
    return state


def in_catalog(state: Resource) -> Resource:
    joined = state.join_catalog(cmd(OFFICE), uuid4(), None)
    result: Resource = joined.mutate(state)
    return result


def test_approval_needs_a_cataloged_resource_of_the_owner__art20() -> None:
    new = system()
    with pytest.raises(SystemResourcesNotCataloged) as refused:
        new.approve_project(cmd(OFFICE), [resource(new.id, department="SCGL"), resource(None)])
    assert (refused.value.field, refused.value.article) == ("system_id", "20")
    mine = resource(new.id)
    assert new.approve_project(cmd(OFFICE), [mine]).resource_ids == (mine.id,)


def test_existing_systems_need_no_project_approval__art20() -> None:
    with pytest.raises(NotANewSystem):
        system(SystemStatus.EXISTING).approve_project(cmd(OFFICE), [])


def test_trial_operation_comes_after_approval_with_every_resource_in_catalog__art20() -> None:
    new = system()
    joined, draft = in_catalog(resource(new.id)), resource(new.id)
    with pytest.raises(ProjectNotApproved):
        new.start_trial_operation(cmd(), [joined])
    approved = new.approve_project(cmd(OFFICE), [joined]).mutate(new)
    with pytest.raises(SystemResourcesNotInCatalog) as refused:
        approved.start_trial_operation(cmd(), [joined, draft])
    assert draft.fields.code in refused.value.detail
    assert approved.start_trial_operation(cmd(), [joined]).resource_ids == (joined.id,)
    with pytest.raises(NotYourObject):
        approved.start_trial_operation(
            cmd(Actor(person="高远", department="SCGL", role=Role.DEPARTMENT)), [joined]
        )


def test_classified_systems_stay_off_the_sharing_system__art2() -> None:
    with pytest.raises(ClassifiedSystemNotConnected):
        system(classified=True).connect(cmd(CENTER))
    plain = system()
    assert plain.connect(cmd(CENTER)).mutate(plain).connected
