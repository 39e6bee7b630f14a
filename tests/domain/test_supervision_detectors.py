"""Each detector of supervision, as a pure fold: events built in memory, no store, no HTTP.

Every test folds a short history through ``SupervisionProjection`` and asks
``detections_at`` (or ``findings_at``) at instants before and after the rule bites; the
periods are those declared in domain/rules (working days of the 2025 State Council
schedule, shipped with the calendar).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from domain.aggregate import Command
from domain.aggregation import AggregationRejected
from domain.catalog import CatalogApproved, CatalogSubmitted, CatalogUpdateApplied
from domain.consistency import ConsistencyCheckRecorded, Difference
from domain.data_uses import DataUseRecorded, ThirdPartyConsented
from domain.departments import (
    DepartmentDissolvedEvent,
    DepartmentRegistered,
    ResponsiblePersonsDesignated,
    department_id,
)
from domain.events import Actor, LedgerEvent
from domain.findings import Category, FindingRecorded, FindingRectified, RectificationOrdered
from domain.resources import DuplicateCollection, JoinedCatalog, ResourceCataloged, ResourceFields
from domain.share_requests import ShareRequestApproved, ShareRequested
from domain.systems import (
    SystemConnected,
    SystemRegistered,
    SystemRetiredEvent,
    TrialOperationStarted,
)
from domain.triggers import FunctionsChanged
from domain.usage_reports import UsageReported
from domain.verification import VerificationRequested
from domain.vocabulary import (
    AcquisitionMethod,
    DataUseMark,
    DepartmentKind,
    MediumType,
    Role,
    ShareChannel,
    ShareType,
    SystemStatus,
    UpdateCycle,
)
from projections.base import Meta
from projections.supervision import (
    Detection,
    SupervisionFacts,
    SupervisionProjection,
    SupervisionState,
    detections_at,
    findings_at,
)
from tests.support.portal import resource_body

ZYKF = Actor(person="孙悦", department="ZYKF", role=Role.DEPARTMENT)
SCGL = Actor(person="王磊", department="SCGL", role=Role.DEPARTMENT)
OFFICE = Actor(person="李静", department="BGS", role=Role.OFFICE)
CENTER = Actor(person="周敏", department="XXZX", role=Role.INFO_CENTER)
GROUP = Actor(person="赵刚", department="LDXZ", role=Role.LEADING_GROUP)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


class History:
    """Events of one short story, in the order the ledger would record them."""

    def __init__(self) -> None:
        self.events: list[LedgerEvent] = []
        self.versions: dict[UUID, int] = {}

    def add(self, cls: type[Any], actor: Actor, when: str, oid: UUID, **fields: Any) -> UUID:
        instant = at(when)
        version = self.versions.get(oid, 0) + 1
        self.versions[oid] = version
        cmd = Command(actor=actor, occurred_at=instant, command_id=uuid4().hex, now=instant)
        self.events.append(cmd.event(cls, oid, version, **fields))
        return oid

    def department(self, code: str, when: str, *, responsible: bool = True) -> UUID:
        oid = self.add(
            DepartmentRegistered,
            OFFICE,
            when,
            department_id(code),
            code=code,
            name=f"{code}处",
            kind=DepartmentKind.DIVISION,
        )
        if responsible:
            self.add(
                ResponsiblePersonsDesignated,
                OFFICE,
                when,
                oid,
                responsible_person="负责人",
                data_staff=("数据员",),
            )
        return oid

    def approved_catalog(self, code: str, when: str) -> None:
        actor = Actor(person="x", department=code, role=Role.DEPARTMENT)
        submission = self.add(CatalogSubmitted, actor, when, uuid4(), department=code, resources=())
        self.add(CatalogApproved, OFFICE, when, submission)

    def resource(self, code: str, when: str, **overrides: Any) -> UUID:
        actor = Actor(person="x", department=code, role=Role.DEPARTMENT)
        duplicates = overrides.pop("_duplicates", ())
        fields = ResourceFields.model_validate(resource_body(code, **overrides))
        return self.add(
            ResourceCataloged, actor, when, uuid4(), fields=fields, duplicates=duplicates
        )

    def system(self, code: str, when: str, status: SystemStatus) -> UUID:
        actor = Actor(person="x", department=code, role=Role.DEPARTMENT)
        return self.add(
            SystemRegistered,
            actor,
            when,
            uuid4(),
            department=code,
            name="景区管理系统",
            status=status,
            classified=False,
        )

    def fold(self) -> tuple[SupervisionProjection, SupervisionState]:
        projection = SupervisionProjection()
        state = projection.initial()
        for position, event in enumerate(self.events, 1):
            state = projection.apply(state, event, Meta(position, datetime.now(UTC)))
        return projection, state

    def detected(self, when: str, category: Category | None = None) -> list[Detection]:
        projection, state = self.fold()
        found = detections_at(projection, state, at(when))
        return [d for d in found if category is None or d.category is category]


def rules(found: list[Detection]) -> list[str]:
    return [d.rule for d in found]


# -- V01 -----------------------------------------------------------------------------------


def test_no_approved_catalog_after_twenty_working_days__art11() -> None:
    # Art. 11 (first_catalog_grace, 20 working days): registered Tue 3 June 2025, the 20th
    # working day after is Tue 1 July.
    story = History()
    story.department("ZYKF", "2025-06-03T09:00:00+08:00")
    assert story.detected("2025-07-01T00:00:00+08:00", Category.V01) == []
    [late] = story.detected("2025-07-02T00:00:00+08:00", Category.V01)
    assert (late.rule, late.subject_id) == ("no_approved_catalog", str(department_id("ZYKF")))
    story.approved_catalog("ZYKF", "2025-06-20T09:00:00+08:00")
    assert story.detected("2025-07-02T00:00:00+08:00", Category.V01) == []


def test_a_catalog_update_overdue_after_seven_working_days__art12() -> None:
    story = History()
    story.department("ZYKF", "2025-03-03T09:00:00+08:00")
    story.approved_catalog("ZYKF", "2025-03-04T09:00:00+08:00")
    change = story.add(
        FunctionsChanged,
        OFFICE,
        "2025-04-01T09:00:00+08:00",
        uuid4(),
        department="ZYKF",
        description="新增演出市场监管职能",
    )
    # Tue 1 April + 7 working days (Qingming 4–6 April off) = Fri 11 April.
    assert story.detected("2025-04-11T12:00:00+08:00", Category.V01) == []
    [late] = story.detected("2025-04-12T00:00:00+08:00", Category.V01)
    assert (late.rule, late.department) == ("catalog_update_overdue", "ZYKF")
    story.add(
        CatalogUpdateApplied,
        ZYKF,
        "2025-04-10T09:00:00+08:00",
        uuid4(),
        department="ZYKF",
        reason="职能变更",
        trigger_id=change,
    )
    assert story.detected("2025-04-12T00:00:00+08:00", Category.V01) == []


def test_differences_a_check_found_not_fixed_within_seven_working_days__art13() -> None:
    story = History()
    story.department("ZYKF", "2025-03-03T09:00:00+08:00")
    story.approved_catalog("ZYKF", "2025-03-04T09:00:00+08:00")
    system = story.system("ZYKF", "2025-03-03T09:00:00+08:00", SystemStatus.EXISTING)
    story.add(SystemConnected, CENTER, "2025-03-04T09:00:00+08:00", system)
    check = story.add(
        ConsistencyCheckRecorded,
        OFFICE,
        "2025-05-06T09:00:00+08:00",
        uuid4(),
        department="BGS",
        system_id=system,
        year=2025,
        differences=(Difference(description="系统有目录外的数据表"),),
    )
    # Art. 13, 21: the differences count under V04 as they are recorded ...
    [found] = story.detected("2025-05-06T10:00:00+08:00", Category.V04)
    assert (found.rule, found.subject_id) == ("consistency_differences", str(check))
    # ... and, not answered by an update application in 7 working days (Art. 12), under V01.
    assert story.detected("2025-05-15T12:00:00+08:00", Category.V01) == []
    [late] = story.detected("2025-05-16T00:00:00+08:00", Category.V01)
    assert (late.rule, late.subject_id) == ("differences_not_fixed", str(check))
    story.add(
        CatalogUpdateApplied,
        ZYKF,
        "2025-05-07T09:00:00+08:00",
        uuid4(),
        department="ZYKF",
        reason="一致性检测差异",
        trigger_id=None,
    )
    assert story.detected("2025-05-16T00:00:00+08:00", Category.V01) == []


# -- V02 -----------------------------------------------------------------------------------


def test_an_existing_system_not_connected_after_twenty_working_days__art19() -> None:
    story = History()
    story.department("ZYKF", "2025-03-03T09:00:00+08:00")
    system = story.system("ZYKF", "2025-03-03T09:00:00+08:00", SystemStatus.EXISTING)
    # Mon 3 March + 20 working days (system_connection_grace) = Mon 31 March.
    assert story.detected("2025-03-31T12:00:00+08:00", Category.V02) == []
    [late] = story.detected("2025-04-01T00:00:00+08:00", Category.V02)
    assert (late.rule, late.subject_id) == ("not_connected", str(system))
    story.add(SystemRetiredEvent, ZYKF, "2025-03-20T09:00:00+08:00", system, reason="停用")
    assert story.detected("2025-04-01T00:00:00+08:00", Category.V02) == []


def test_a_new_system_in_trial_operation_without_connection__art20() -> None:
    story = History()
    story.department("ZYKF", "2025-03-03T09:00:00+08:00")
    system = story.system("ZYKF", "2025-03-03T09:00:00+08:00", SystemStatus.NEW)
    assert story.detected("2025-06-01T00:00:00+08:00", Category.V02) == []
    story.add(TrialOperationStarted, ZYKF, "2025-04-01T09:00:00+08:00", system, resource_ids=())
    [found] = story.detected("2025-04-01T10:00:00+08:00", Category.V02)
    assert (found.rule, found.since) == ("trial_without_connection", at("2025-04-01T09:00+08:00"))
    story.add(SystemConnected, CENTER, "2025-04-02T09:00:00+08:00", system)
    assert story.detected("2025-04-03T00:00:00+08:00", Category.V02) == []


# -- V03, V04 ------------------------------------------------------------------------------


def test_aggregation_overdue_three_working_days_after_its_period__art19() -> None:
    story = History()
    story.department("ZYKF", "2025-03-03T09:00:00+08:00")
    resource = story.resource("ZYKF", "2025-03-03T09:00:00+08:00", update_cycle="monthly")
    story.add(
        JoinedCatalog,
        OFFICE,
        "2025-03-10T09:00:00+08:00",
        resource,
        submission_id=uuid4(),
        department="ZYKF",
        update_cycle=UpdateCycle.MONTHLY,
        classified=False,
    )
    # March's clock starts as it ends (1 April); aggregation_grace, 3 working days after
    # that day: 2, 3 and (Qingming 4–6 April off) 7 April.
    assert story.detected("2025-04-07T12:00:00+08:00", Category.V03) == []
    [late] = story.detected("2025-04-08T00:00:00+08:00", Category.V03)
    assert (late.rule, late.since) == ("aggregation_overdue", at("2025-04-08T00:00+08:00"))


def test_basic_data_not_shared_unconditionally__art24_2() -> None:
    story = History()
    story.department("ZYKF", "2025-03-03T09:00:00+08:00")
    basic = story.resource(
        "ZYKF",
        "2025-03-03T09:00:00+08:00",
        basic_data_kind="statistics",
        update_cycle="irregular",
    )
    assert story.detected("2025-06-01T00:00:00+08:00", Category.V03) == []  # not yet in catalog
    story.add(
        JoinedCatalog,
        OFFICE,
        "2025-03-10T09:00:00+08:00",
        basic,
        submission_id=uuid4(),
        department="ZYKF",
        update_cycle=UpdateCycle.IRREGULAR,
        classified=False,
    )
    [found] = story.detected("2025-06-01T00:00:00+08:00", Category.V03)
    assert (found.rule, found.subject_id) == ("basic_data_not_unconditional", str(basic))


def test_aggregated_data_rejected_counts_at_once__art39_4() -> None:
    story = History()
    story.department("ZYKF", "2025-03-03T09:00:00+08:00")
    receipt = story.add(
        AggregationRejected,
        CENTER,
        "2025-04-02T09:00:00+08:00",
        uuid4(),
        reason="字段缺失，无法使用",
        department="ZYKF",
        resource_id=uuid4(),
    )
    assert story.detected("2025-04-02T08:00:00+08:00", Category.V04) == []
    [found] = story.detected("2025-04-02T10:00:00+08:00", Category.V04)
    assert (found.rule, found.subject_id) == ("aggregation_rejected", str(receipt))


# -- V05 -----------------------------------------------------------------------------------


def test_a_data_item_with_another_unique_source_is_duplicate_collection__art15() -> None:
    story = History()
    story.department("ZYKF", "2025-03-03T09:00:00+08:00")
    duplicate = DuplicateCollection(
        data_item="景区名称", unique_source_resource_id=uuid4(), unique_source_department="SCGL"
    )
    resource = story.resource("ZYKF", "2025-03-05T09:00:00+08:00", _duplicates=(duplicate,))
    story.resource("ZYKF", "2025-03-05T09:00:00+08:00")
    [found] = story.detected("2025-03-06T00:00:00+08:00", Category.V05)
    assert (found.rule, found.subject_id) == ("duplicate_collection", str(resource))


# -- V06, V07 ------------------------------------------------------------------------------


def _requested(story: History, share_type: ShareType) -> UUID:
    return story.add(
        ShareRequested,
        SCGL,
        "2025-05-06T09:00:00+08:00",
        uuid4(),
        resource_id=uuid4(),
        resource_code="3/10300200001",
        provider="ZYKF",
        requester="SCGL",
        requester_role=Role.DEPARTMENT,
        purpose="行业监管",
        scope="按景区逐条",
        channel=ShareChannel.DEPARTMENT,
        share_type=share_type,
    )


def test_a_conditional_request_not_answered_in_ten_working_days__art26() -> None:
    story = History()
    story.department("ZYKF", "2025-05-06T09:00:00+08:00")
    story.approved_catalog("ZYKF", "2025-05-06T09:00:00+08:00")
    _requested(story, ShareType.UNCONDITIONAL)  # Art. 25: granted at once, nothing owed
    request = _requested(story, ShareType.CONDITIONAL)
    # Tue 6 May + 10 working days = Tue 20 May.
    assert story.detected("2025-05-20T12:00:00+08:00", Category.V06) == []
    [late] = story.detected("2025-05-21T00:00:00+08:00", Category.V06)
    assert (late.rule, late.department) == ("share_reply_overdue", "ZYKF")
    story.add(
        ShareRequestApproved,
        ZYKF,
        "2025-05-16T09:00:00+08:00",
        request,
        granted_scope="按景区逐条",
        granted_uses=("行业监管",),
        expires_at=None,
        note=None,
    )
    assert story.detected("2025-05-21T00:00:00+08:00", Category.V06) == []


def test_a_verification_not_answered_in_ten_working_days__art31() -> None:
    story = History()
    story.department("ZYKF", "2025-05-06T09:00:00+08:00")
    story.add(
        VerificationRequested,
        SCGL,
        "2025-05-06T09:00:00+08:00",
        uuid4(),
        resource_id=uuid4(),
        requester="SCGL",
        provider="ZYKF",
        description="景区等级与实际不符",
    )
    assert story.detected("2025-05-20T12:00:00+08:00", Category.V07) == []
    [late] = story.detected("2025-05-21T00:00:00+08:00", Category.V07)
    assert (late.rule, late.department) == ("verification_overdue", "ZYKF")


# -- V09 -----------------------------------------------------------------------------------


def _use(story: History, when: str, marks: tuple[DataUseMark, ...]) -> UUID:
    return story.add(
        DataUseRecorded,
        SCGL,
        when,
        uuid4(),
        share_request_id=None,
        arrangement_id=None,
        resource_id=uuid4(),
        purpose="行业监管",
        user_person="王磊",
        approver="张处长",
        data_content="名称、等级",
        obtained_at=at(when),
        method=AcquisitionMethod.API,
        medium=MediumType.NETWORK,
        recipient=None,
        department="SCGL",
        provider="ZYKF",
        marks=marks,
    )


def test_a_use_without_grant_or_after_expiry_counts_under_v09__art32_36() -> None:
    story = History()
    _use(story, "2025-05-06T09:00:00+08:00", ())
    marked = _use(
        story,
        "2025-05-07T09:00:00+08:00",
        (DataUseMark.NO_GRANT, DataUseMark.THIRD_PARTY_WITHOUT_CONSENT),
    )
    # Art. 36: a self-approval alone is shown, not counted.
    _use(story, "2025-05-07T10:00:00+08:00", (DataUseMark.SELF_APPROVED,))
    [found] = story.detected("2025-05-08T00:00:00+08:00", Category.V09)
    assert (found.rule, found.subject_id, found.department) == (
        "no_grant+third_party_without_consent",
        str(marked),
        "SCGL",
    )


def test_the_fold_counts_what_it_detects_as_detections_open_and_close__art32_39() -> None:
    # Art. 39: the grid counts every use still marked at T; Art. 32: a consent ends what a
    # use's provision to a third party counted (what else it broke still counts). The
    # grid reads the fold's own count by cell, which must equal, at each instant, the
    # detections the fold lists then.
    story = History()
    both = (DataUseMark.NO_GRANT, DataUseMark.THIRD_PARTY_WITHOUT_CONSENT)
    marked = _use(story, "2025-05-07T09:00:00+08:00", both)
    third = _use(story, "2025-05-07T10:00:00+08:00", (DataUseMark.THIRD_PARTY_WITHOUT_CONSENT,))
    for use in (marked, third):
        story.add(
            ThirdPartyConsented,
            ZYKF,
            "2025-05-09T09:00:00+08:00",
            use,
            department="SCGL",
            provider="ZYKF",
            recipient="长白山旅游公司",
            reason="已书面同意",
        )
    expected = {"2025-05-06T00:00:00+08:00": 0, "2025-05-08T00:00:00+08:00": 2}
    expected["2025-05-10T00:00:00+08:00"] = 1  # the first use still lacks a grant
    for when, n in expected.items():
        projection = SupervisionFacts()
        state = projection.initial()
        for position, event in enumerate(story.events, 1):
            if event.occurred_at <= at(when):  # a fold for T holds what occurred by T
                state = projection.apply(state, event, Meta(position, datetime.now(UTC)))
        listed = Counter(
            (d.department, d.category)
            for d in detections_at(projection, state, at(when), register=[])
        )
        assert state.counted_cells() == {key: k for key, k in listed.items() if k}
        assert listed[("SCGL", Category.V09)] == n


# -- V10, V11 ------------------------------------------------------------------------------


def test_a_quarterly_usage_report_missing_ten_working_days_after_the_quarter__art33() -> None:
    story = History()
    story.department("ZYKF", "2025-01-02T09:00:00+08:00")
    story.approved_catalog("ZYKF", "2025-01-03T09:00:00+08:00")
    # Q1 ends 31 March; usage_report_grace 10 working days (Qingming 4–6 April) = 15 April.
    assert story.detected("2025-04-15T12:00:00+08:00", Category.V10) == []
    [late] = story.detected("2025-04-16T00:00:00+08:00", Category.V10)
    assert (late.rule, late.department) == ("usage_report_overdue", "ZYKF")
    story.add(
        UsageReported,
        ZYKF,
        "2025-04-08T09:00:00+08:00",
        uuid4(),
        department="ZYKF",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 3, 31),
        summary="一季度开发应用情况",
    )
    assert story.detected("2025-04-16T00:00:00+08:00", Category.V10) == []


def test_a_department_without_a_responsible_person__art38() -> None:
    story = History()
    story.department("ZYKF", "2025-03-03T09:00:00+08:00", responsible=False)
    story.department("SCGL", "2025-03-03T09:00:00+08:00")
    [found] = story.detected("2025-03-03T10:00:00+08:00", Category.V11)
    assert (found.rule, found.department) == ("no_responsible_person", "ZYKF")
    # A dissolved department owes nothing any more.
    story.add(
        DepartmentDissolvedEvent,
        OFFICE,
        "2025-03-04T09:00:00+08:00",
        department_id("ZYKF"),
        reason="机构改革",
    )
    assert story.detected("2025-03-05T00:00:00+08:00", Category.V11) == []


# -- findings (Art. 39) --------------------------------------------------------------------


def test_a_finding_ordered_to_be_rectified_is_overdue_after_its_date__art39() -> None:
    story = History()
    finding = story.add(
        FindingRecorded,
        GROUP,
        "2025-05-06T09:00:00+08:00",
        uuid4(),
        department="ZYKF",
        category=Category.V06,
        evidence=("share_reply_overdue",),
        description="共享申请逾期未答复",
    )
    story.add(
        RectificationOrdered,
        GROUP,
        "2025-05-07T09:00:00+08:00",
        finding,
        department="ZYKF",
        due_date=date(2025, 5, 30),
    )
    _, state = story.fold()
    assert [s.status for s in findings_at(state, at("2025-05-30T23:00:00+08:00"))] == [
        "rectification_ordered"
    ]
    assert [s.status for s in findings_at(state, at("2025-05-31T00:00:00+08:00"))] == ["overdue"]
    story.add(
        FindingRectified,
        ZYKF,
        "2025-05-29T09:00:00+08:00",
        finding,
        department="ZYKF",
        evidence=("整改报告",),
    )
    _, state = story.fold()
    assert [s.status for s in findings_at(state, at("2025-06-01T00:00:00+08:00"))] == ["rectified"]
