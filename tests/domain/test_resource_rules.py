"""Catalog rules decided in the domain, with no I/O (Art. 10, 23-24)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from pydantic import ValidationError

from domain.aggregate import Command
from domain.errors import (
    BasicDataMustBeUnconditional,
    ConditionalWithoutConditions,
    InternalRuleIsNoLegalBasis,
    InvalidResourceCode,
    NotSharedWithoutLegalBasis,
    NotYourObject,
    OccurredBeforeSubject,
    OccurredInFuture,
    ResourceRetired,
    RuleViolation,
)
from domain.events import Actor
from domain.legal_instruments import legal_instrument_id
from domain.resources import ResourceFields, ShareTypeChanged, catalog_resource
from domain.vocabulary import Role
from tests.support.portal import resource_body

NOW = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)


def command(department: str = "ZYKF", occurred_at: datetime = NOW) -> Command:
    actor = Actor(person="孙悦", department=department, role=Role.DEPARTMENT)
    return Command(actor=actor, occurred_at=occurred_at, command_id="k", now=NOW)


def fields(**overrides: Any) -> ResourceFields:
    return ResourceFields.model_validate(resource_body("ZYKF", **overrides))


def cataloged(**overrides: Any) -> Any:
    events = catalog_resource(command(), uuid4(), fields(**overrides))
    return events[0].mutate(None)


def test_not_shared_without_legal_basis_is_refused__art24_1() -> None:
    # Art. 24(1): not-shared data must rest on a law, regulation or central policy.
    with pytest.raises(NotSharedWithoutLegalBasis) as refused:
        catalog_resource(command(), uuid4(), fields(share_type="not_shared", share_conditions=None))
    assert refused.value.field == "legal_basis"


def test_internal_rule_cannot_justify_not_sharing__art24_1() -> None:
    basis = {"kind": "internal_rule", "title": "本处数据管理办法"}
    with pytest.raises(InternalRuleIsNoLegalBasis) as refused:
        catalog_resource(command(), uuid4(), fields(share_type="not_shared", legal_basis=basis))
    assert refused.value.field == "legal_basis.kind"


def test_a_typed_title_is_no_legal_basis_without_the_register__art24_1() -> None:
    # Art. 24(1): "本局内部管理办法" typed as a law is the department's own word, not a basis.
    basis = {"kind": "law", "title": "本局内部管理办法"}
    with pytest.raises(NotSharedWithoutLegalBasis) as refused:
        catalog_resource(command(), uuid4(), fields(share_type="not_shared", legal_basis=basis))
    assert refused.value.field == "legal_basis.instrument_id"
    cited = {"instrument_id": legal_instrument_id("中华人民共和国网络安全法")}
    with pytest.raises(NotSharedWithoutLegalBasis) as no_article:
        catalog_resource(command(), uuid4(), fields(share_type="not_shared", legal_basis=cited))
    assert no_article.value.field == "legal_basis.article"


def test_an_instrument_of_the_register_justifies_not_sharing__art24_1() -> None:
    basis = {
        "instrument_id": legal_instrument_id("中华人民共和国网络安全法"),
        "article": "第二十一条",
    }
    events = catalog_resource(
        command(), uuid4(), fields(share_type="not_shared", legal_basis=basis)
    )
    assert events[0].fields.legal_basis.article == "第二十一条"


@pytest.mark.parametrize(
    ("conditions", "field"),
    [
        (None, "share_conditions"),
        ({"scope": "", "content": "名称", "uses": ["监管"]}, "share_conditions.scope"),
        ({"scope": "全部", "content": " ", "uses": ["监管"]}, "share_conditions.content"),
        ({"scope": "全部", "content": "名称", "uses": []}, "share_conditions.uses"),
    ],
)
def test_conditional_needs_scope_content_and_uses__art24_3(
    conditions: dict[str, Any] | None, field: str
) -> None:
    with pytest.raises(ConditionalWithoutConditions) as refused:
        catalog_resource(command(), uuid4(), fields(share_conditions=conditions))
    assert refused.value.field == field


def test_basic_data_must_be_unconditional__art24_2() -> None:
    with pytest.raises(BasicDataMustBeUnconditional) as refused:
        catalog_resource(command(), uuid4(), fields(basic_data_kind="statistics"))
    assert refused.value.field == "share_type"


def test_classified_basic_data_may_stay_conditional__art24_2() -> None:
    # Art. 24(2) speaks of basic data "经脱密处理": classified data is not bound by it.
    events = catalog_resource(
        command(), uuid4(), fields(basic_data_kind="statistics", classified=True)
    )
    assert events[0].fields.classified


def test_basic_data_shared_unconditionally_is_accepted__art24_2() -> None:
    events = catalog_resource(
        command(),
        uuid4(),
        fields(basic_data_kind="statistics", share_type="unconditional", share_conditions=None),
    )
    assert events[0].fields.share_type.value == "unconditional"


def test_code_class_digit_must_match_category__guide() -> None:
    with pytest.raises(InvalidResourceCode) as refused:
        catalog_resource(command(), uuid4(), fields(code="1/0100001"))
    assert refused.value.field == "code"


@pytest.mark.parametrize("code", ["3-10300200001", "4/1", "3/", "abc"])
def test_malformed_code_is_refused__guide(code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        fields(code=code)
    assert refused.value.errors()[0]["loc"] == ("code",)


@pytest.mark.parametrize(
    "missing",
    [
        "category",
        "name",
        "department",
        "source",
        "summary",
        "format",
        "share_type",
        "share_method",
        "open_type",
        "update_cycle",
        "usage_requirements",
        "data_items",
    ],
)
def test_every_art10_field_is_required__art10(missing: str) -> None:
    body = resource_body("ZYKF")
    del body[missing]
    with pytest.raises(ValidationError) as refused:
        ResourceFields.model_validate(body)
    assert refused.value.errors()[0]["loc"][0] == missing


def test_only_the_owning_department_catalogs__art11() -> None:
    with pytest.raises(NotYourObject):
        catalog_resource(command(department="SCGL"), uuid4(), fields())


def test_amending_the_share_type_is_a_share_type_change__art23() -> None:
    resource = cataloged()
    event = resource.amend(command(), {"share_type": "unconditional", "share_conditions": None})
    assert isinstance(event, ShareTypeChanged)
    assert event.mutate(resource).fields.share_type.value == "unconditional"


def test_amendment_keeps_the_share_rules__art24_3() -> None:
    resource = cataloged()
    with pytest.raises(ConditionalWithoutConditions):
        resource.amend(command(), {"share_conditions": None})


def test_amendment_that_changes_nothing_is_refused() -> None:
    resource = cataloged()
    with pytest.raises(RuleViolation) as refused:
        resource.amend(command(), {"name": resource.fields.name})
    assert refused.value.field == "body"


def test_retired_resource_cannot_be_amended() -> None:
    resource = cataloged()
    retired = resource.retire(command(), "职能调整，不再采集").mutate(resource)
    with pytest.raises(ResourceRetired):
        retired.amend(command(), {"name": "新名称"})


def test_occurred_at_in_the_future_is_refused() -> None:
    # API.md: beyond five minutes of clock skew, a future business time is refused.
    with pytest.raises(OccurredInFuture) as refused:
        command(occurred_at=NOW + timedelta(minutes=6))
    assert refused.value.field == "occurred_at"
    assert command(occurred_at=NOW + timedelta(minutes=4)).occurred_at > NOW


def test_an_event_cannot_predate_its_object() -> None:
    resource = cataloged()
    with pytest.raises(OccurredBeforeSubject):
        resource.retire(command(occurred_at=NOW - timedelta(days=1)), "撤销")
