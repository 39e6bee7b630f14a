"""Sharing rules decided in the domain, with no I/O (Art. 25-29, 32, 36)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.aggregate import Command
from domain.arrangements import ArrangementStatus, TimeSensitiveArrangement
from domain.data_uses import (
    DataUseFields,
    marks_under_arrangement,
    marks_under_request,
    record_data_use,
)
from domain.departments import Department, register_department
from domain.errors import (
    CoordinationIsBinding,
    EscalationBeforeNegotiation,
    NotAPartyToRequest,
    NotEscalated,
    NotInDispute,
    NotTheEscalatingParty,
    NotYourObject,
    OccurredBeforeSubject,
    OwnResource,
    RefusalWithoutReason,
    RequesterKindMismatch,
    RequestNotAwaitingReply,
    ResourceNotInCatalog,
    WrongChannel,
)
from domain.events import Actor
from domain.legal_instruments import legal_instrument_id
from domain.resources import Resource, ResourceFields, catalog_resource
from domain.share_requests import Reply, ShareRequest, request_share
from domain.vocabulary import (
    AcquisitionMethod,
    CoordinationDecision,
    DataUseMark,
    DepartmentKind,
    MediumType,
    ReplyDecision,
    Role,
    ShareChannel,
    ShareRequestStatus,
)
from tests.support.portal import resource_body

ASKED = datetime(2025, 9, 26, 2, 0, tzinfo=UTC)  # Friday 10:00 in Beijing
LATER = datetime(2025, 10, 9, 7, 0, tzinfo=UTC)
NOW = datetime(2026, 1, 10, tzinfo=UTC)
LAW = {"instrument_id": legal_instrument_id("中华人民共和国个人信息保护法"), "article": "第十三条"}

PROVIDER = Actor(person="孙悦", department="ZYKF", role=Role.DEPARTMENT)
REQUESTER = Actor(person="高远", department="SCGL", role=Role.DEPARTMENT)
BYSTANDER = Actor(person="吴昊", department="CYFZ", role=Role.DEPARTMENT)
EXTERNAL = Actor(person="王卫", department="SGAT", role=Role.EXTERNAL)
LEADING_GROUP = Actor(person="张立新", department="BGS", role=Role.LEADING_GROUP)


def command(actor: Actor, occurred_at: datetime = LATER) -> Command:
    return Command(actor=actor, occurred_at=occurred_at, command_id=uuid4().hex, now=NOW)


def department(code: str, kind: DepartmentKind = DepartmentKind.DIVISION) -> Department:
    return register_department(command(PROVIDER), code, "某部门", kind).create()


def resource(in_catalog: bool = True, **overrides: Any) -> Resource:
    fields = ResourceFields.model_validate(resource_body("ZYKF", **overrides))
    state = catalog_resource(command(PROVIDER, ASKED), uuid4(), fields)[0].create()
    if not in_catalog:
        return state
    return state.apply(state.join_catalog(command(PROVIDER, ASKED), uuid4(), None))  # type: ignore[no-any-return]


def asked(
    actor: Actor = REQUESTER, target: Resource | None = None, **overrides: Any
) -> ShareRequest:
    requester = department(
        actor.department,
        DepartmentKind.EXTERNAL if actor.role is Role.EXTERNAL else DepartmentKind.DIVISION,
    )
    channel = ShareChannel.PROVINCIAL if actor.role is Role.EXTERNAL else ShareChannel.DEPARTMENT
    event = request_share(
        command(actor, ASKED),
        uuid4(),
        target or resource(**overrides),
        requester,
        "行业监管",
        "名称、等级、地址",
        channel,
    )
    return event.create()


def then(state: ShareRequest, event: Any) -> ShareRequest:
    return event.mutate(state)  # type: ignore[no-any-return]


NOT_SHARED = {"share_type": "not_shared", "share_conditions": None, "legal_basis": LAW}


def disputed(actor: Actor = REQUESTER) -> ShareRequest:
    state = asked(actor, **NOT_SHARED)
    return then(state, state.negotiate(command(actor), "协商未果"))


# -- requesting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"share_type": "unconditional", "share_conditions": None}, ShareRequestStatus.GRANTED),
        ({}, ShareRequestStatus.PENDING),
        (NOT_SHARED, ShareRequestStatus.NOT_SHARED),
    ],
)
def test_share_type_decides_the_requests_first_status__art25_27(
    overrides: dict[str, Any], status: ShareRequestStatus
) -> None:
    state = asked(**overrides)
    assert state.status is status
    assert (state.granted_at is not None) == (status is ShareRequestStatus.GRANTED)


def test_draft_resource_cannot_be_requested__art11() -> None:
    with pytest.raises(ResourceNotInCatalog) as refused:
        asked(target=resource(in_catalog=False))
    assert refused.value.field == "resource_id"


def test_own_resource_cannot_be_requested() -> None:
    with pytest.raises(OwnResource):
        asked(PROVIDER)


def test_channels_follow_the_requester__art18_29_30() -> None:
    target = resource()
    with pytest.raises(WrongChannel) as refused:
        request_share(
            command(EXTERNAL, ASKED),
            uuid4(),
            target,
            department("SGAT", DepartmentKind.EXTERNAL),
            "监管",
            "名称",
            ShareChannel.DEPARTMENT,
        )
    assert refused.value.field == "channel"
    assert asked(EXTERNAL, target).channel is ShareChannel.PROVINCIAL


def test_external_role_needs_an_external_department__art29() -> None:
    with pytest.raises(RequesterKindMismatch):
        request_share(
            command(EXTERNAL, ASKED),
            uuid4(),
            resource(),
            department("SGAT"),  # registered as a division
            "监管",
            "名称",
            ShareChannel.PROVINCIAL,
        )


# -- replies ------------------------------------------------------------------------------


def test_refusal_must_state_its_reason__art26() -> None:
    state = asked()
    for reason in (None, "", "   "):
        with pytest.raises(RefusalWithoutReason) as refused:
            state.reply(command(PROVIDER), Reply(decision=ReplyDecision.REFUSE, reason=reason))
        assert refused.value.field == "reason" and refused.value.article == "26"


def test_only_the_provider_replies_and_only_once__art26() -> None:
    state = asked()
    approve = Reply(decision=ReplyDecision.APPROVE)
    with pytest.raises(NotYourObject):
        state.reply(command(REQUESTER), approve)
    approved = then(state, state.reply(command(PROVIDER), approve))
    assert approved.granted_uses == ("行业监管",) and approved.granted_scope == "名称、等级、地址"
    with pytest.raises(RequestNotAwaitingReply):
        approved.reply(command(PROVIDER), approve)


def test_facts_about_a_request_follow_each_other_in_business_time() -> None:
    state = asked()
    replied = then(state, state.refuse(command(PROVIDER, LATER), "涉密"))
    with pytest.raises(OccurredBeforeSubject):
        replied.negotiate(command(REQUESTER, ASKED), "早于答复的协商")


# -- disputes -----------------------------------------------------------------------------


def test_pending_request_is_not_yet_in_dispute__art27() -> None:
    with pytest.raises(NotInDispute):
        asked().negotiate(command(REQUESTER), "催办")


def test_negotiation_is_between_the_two_parties__art27() -> None:
    with pytest.raises(NotAPartyToRequest):
        asked(**NOT_SHARED).negotiate(command(BYSTANDER), "旁观")


def test_escalation_follows_failed_negotiation__art27() -> None:
    with pytest.raises(EscalationBeforeNegotiation):
        asked(**NOT_SHARED).escalate(command(REQUESTER), "确需使用")


def test_requester_escalates_but_provider_does_for_external_requesters__art27_29() -> None:
    internal = disputed(REQUESTER)
    with pytest.raises(NotTheEscalatingParty) as refused:
        internal.escalate(command(PROVIDER), "报协调")
    assert refused.value.article == "27"
    assert then(internal, internal.escalate(command(REQUESTER), "报协调")).escalated_by == "SCGL"
    external = disputed(EXTERNAL)
    with pytest.raises(NotTheEscalatingParty) as refused:
        external.escalate(command(EXTERNAL), "报协调")
    assert refused.value.article == "29"
    assert then(external, external.escalate(command(PROVIDER), "报协调")).escalated_by == "ZYKF"


def test_coordination_decides_escalated_requests_once_and_binds__art27() -> None:
    state = disputed()
    with pytest.raises(NotEscalated):
        state.decide_coordination(command(LEADING_GROUP), CoordinationDecision.SHARE, "共享")
    state = then(state, state.escalate(command(REQUESTER), "报协调"))
    shared = then(
        state,
        state.decide_coordination(command(LEADING_GROUP), CoordinationDecision.SHARE, "共享"),
    )
    assert shared.status is ShareRequestStatus.GRANTED
    assert (shared.granted_scope, shared.granted_uses) == ("名称、等级、地址", ("行业监管",))
    with pytest.raises(CoordinationIsBinding):
        shared.decide_coordination(command(LEADING_GROUP), CoordinationDecision.NOT_SHARE, "改")
    with pytest.raises(CoordinationIsBinding):
        shared.negotiate(command(PROVIDER), "再议")


# -- data-use marks -------------------------------------------------------------------------


def use(resource_id: UUID, **overrides: Any) -> DataUseFields:
    fields: dict[str, Any] = {
        "resource_id": resource_id,
        "purpose": "行业监管",
        "user_person": "何佳",
        "approver": "林国栋",
        "data_content": "名称、等级",
        "obtained_at": datetime(2025, 10, 10, 1, 30, tzinfo=UTC),
        "method": AcquisitionMethod.API,
        "medium": MediumType.NETWORK,
        **overrides,
    }
    return DataUseFields.model_validate(fields)


def granted(target: Resource | None = None, **reply: Any) -> ShareRequest:
    state = asked(target=target)
    answer = Reply(decision=ReplyDecision.APPROVE, **reply)
    return then(state, state.reply(command(PROVIDER, datetime(2025, 9, 29, tzinfo=UTC)), answer))


def test_use_within_the_grant_has_no_marks__art36() -> None:
    state = granted(granted_uses=("行业监管",))
    assert marks_under_request(use(state.resource_id), "SCGL", state) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"purpose": "招商宣传"}, [DataUseMark.PURPOSE_NOT_GRANTED]),
        ({"data_content": "名称、联系电话"}, [DataUseMark.SCOPE_NOT_GRANTED]),
        (
            {"obtained_at": datetime(2026, 1, 1, tzinfo=UTC)},
            [DataUseMark.AFTER_EXPIRY],
        ),
        (
            {"purpose": "其他", "obtained_at": datetime(2026, 1, 1, tzinfo=UTC)},
            [DataUseMark.AFTER_EXPIRY, DataUseMark.PURPOSE_NOT_GRANTED],
        ),
    ],
)
def test_use_breaking_the_grant_is_marked__art26_32(
    overrides: dict[str, Any], expected: list[DataUseMark]
) -> None:
    state = granted(expires_at=datetime(2025, 12, 31, 16, 0, tzinfo=UTC))
    assert marks_under_request(use(state.resource_id, **overrides), "SCGL", state) == expected


def test_use_without_a_grant_in_force_is_marked_no_grant__art26() -> None:
    pending = asked()
    assert marks_under_request(use(pending.resource_id), "SCGL", pending) == [DataUseMark.NO_GRANT]
    assert marks_under_request(use(pending.resource_id), "SCGL", None) == [DataUseMark.NO_GRANT]
    state = granted()
    assert marks_under_request(use(state.resource_id), "CYFZ", state) == [DataUseMark.NO_GRANT]
    assert marks_under_request(use(uuid4()), "SCGL", state) == [DataUseMark.RESOURCE_MISMATCH]


def test_unconditional_request_binds_the_purpose_it_stated__art25_32() -> None:
    state = asked(share_type="unconditional", share_conditions=None)
    any_content = use(state.resource_id, purpose="行业监管（季度）", data_content="全部信息项")
    assert marks_under_request(any_content, "SCGL", state) == []
    other_purpose = use(state.resource_id, purpose="假日市场分析")
    assert marks_under_request(other_purpose, "SCGL", state) == [DataUseMark.PURPOSE_NOT_GRANTED]


def test_third_party_recipient_is_marked_until_consented__art32() -> None:
    target = resource()
    grant = granted(target)
    fields = use(target.id, recipient="某旅行社", share_request_id=grant.id)
    event = record_data_use(command(REQUESTER, NOW), uuid4(), fields, target, grant, None)
    assert event.marks == (DataUseMark.THIRD_PARTY_WITHOUT_CONSENT,)
    assert event.department == "SCGL" and event.provider == "ZYKF"


def test_arrangement_in_force_covers_its_window_purpose_scope_and_method__art28() -> None:
    target = resource()
    arrangement = TimeSensitiveArrangement(
        id=uuid4(),
        version=2,
        created_at=ASKED,
        resource_id=target.id,
        provider="ZYKF",
        requester="SCGL",
        counterparty="SCGL",
        purpose="行业监管",
        scope="名称、等级、地址",
        method=AcquisitionMethod.API,
        valid_from=datetime(2025, 9, 30, tzinfo=UTC),
        valid_to=datetime(2025, 10, 8, tzinfo=UTC),
        recorded_by="ZYKF",
        status=ArrangementStatus.IN_FORCE,
    )

    def at(day: int, **overrides: Any) -> DataUseFields:
        return use(target.id, obtained_at=datetime(2025, 10, day, tzinfo=UTC), **overrides)

    assert marks_under_arrangement(at(3), "SCGL", arrangement) == []
    assert marks_under_arrangement(at(8), "SCGL", arrangement) == [DataUseMark.AFTER_EXPIRY]
    assert marks_under_arrangement(at(3), "CYFZ", arrangement) == [DataUseMark.NO_GRANT]
    assert marks_under_arrangement(at(3), "SCGL", None) == [DataUseMark.NO_GRANT]
    assert marks_under_arrangement(at(3, purpose="对外发布"), "SCGL", arrangement) == [
        DataUseMark.PURPOSE_NOT_GRANTED
    ]
    assert marks_under_arrangement(at(3, data_content="联系电话"), "SCGL", arrangement) == [
        DataUseMark.SCOPE_NOT_GRANTED
    ]
    assert marks_under_arrangement(at(3, method=AcquisitionMethod.FILE), "SCGL", arrangement) == [
        DataUseMark.METHOD_NOT_AGREED
    ]
    for status in (
        ArrangementStatus.PROPOSED,
        ArrangementStatus.REFUSED,
        ArrangementStatus.UNILATERAL,
    ):
        unaccepted = arrangement.model_copy(update={"status": status})
        assert marks_under_arrangement(at(3), "SCGL", unaccepted) == [DataUseMark.NO_GRANT]
