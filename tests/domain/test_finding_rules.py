"""Findings and their review, decided in the domain with no I/O (Art. 39)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from domain.aggregate import Command
from domain.errors import Conflict, NotYourObject
from domain.events import Actor, LedgerEvent
from domain.findings import (
    Category,
    CriticismTooEarly,
    Finding,
    FindingRectified,
    FindingStatus,
    NoRectificationToReview,
    RectificationWithoutEvidence,
    RectifiedInTime,
    RejectionWithoutReason,
    ReviewDecision,
    accepts_rectification,
    record_finding,
)
from domain.vocabulary import Role

GROUP = Actor(person="张立新", department="BGS", role=Role.LEADING_GROUP)
ZYKF = Actor(person="孙悦", department="ZYKF", role=Role.DEPARTMENT)
NOW = datetime(2026, 1, 10, tzinfo=UTC)
DUE = date(2025, 6, 30)  # ends 2025-07-01T00:00+08:00


def cmd(actor: Actor, when: str) -> Command:
    return Command(
        actor=actor, occurred_at=datetime.fromisoformat(when), command_id=uuid4().hex, now=NOW
    )


def apply(finding: Finding, event: LedgerEvent) -> Finding:
    applied: Finding = event.mutate(finding)
    return applied


def ordered() -> Finding:
    recorded = record_finding(
        cmd(GROUP, "2025-06-05T10:00:00+08:00"),
        uuid4(),
        "ZYKF",
        Category.V06,
        ["12"],
        "逾期未答复",
    )
    finding: Finding = recorded.mutate(None)
    return apply(finding, finding.order_rectification(cmd(GROUP, "2025-06-06T10:00:00+08:00"), DUE))


def reported(finding: Finding, when: str = "2025-06-20T10:00:00+08:00") -> Finding:
    event = finding.report_rectification(cmd(ZYKF, when), ["吉文旅〔2025〕9号"], "已答复")
    return apply(finding, event)


def reviewed(finding: Finding, decision: ReviewDecision, when: str, reason: str = "") -> Finding:
    return apply(finding, finding.review_rectification(cmd(GROUP, when), decision, reason))


def test_a_rectification_report_cites_evidence__art39() -> None:
    finding = ordered()
    with pytest.raises(RectificationWithoutEvidence) as refused:
        finding.report_rectification(cmd(ZYKF, "2025-06-20T10:00:00+08:00"), [], "已整改")
    assert refused.value.field == "evidence"
    with pytest.raises(RectificationWithoutEvidence) as blank:
        finding.report_rectification(cmd(ZYKF, "2025-06-20T10:00:00+08:00"), ["ok", " "], "")
    assert blank.value.field == "evidence.1"


def test_only_the_department_reports_and_reported_is_not_rectified__art39() -> None:
    finding = ordered()
    with pytest.raises(NotYourObject):
        finding.report_rectification(cmd(GROUP, "2025-06-20T10:00:00+08:00"), ["x"], "")
    finding = reported(finding)
    assert finding.status is FindingStatus.RECTIFICATION_REPORTED
    assert finding.rectified_at is None
    with pytest.raises(Conflict):
        reported(finding, "2025-06-21T10:00:00+08:00")


def test_accepted_review_rectifies_and_criticism_is_then_refused__art39() -> None:
    finding = reviewed(reported(ordered()), ReviewDecision.ACCEPTED, "2025-06-25T10:00:00+08:00")
    assert finding.status is FindingStatus.RECTIFIED
    with pytest.raises(RectifiedInTime):
        finding.circulate_criticism(cmd(GROUP, "2025-07-03T10:00:00+08:00"), "通报")


def test_rejection_needs_a_reason_and_sends_the_finding_back_to_ordered__art39() -> None:
    finding = reported(ordered())
    with pytest.raises(RejectionWithoutReason) as refused:
        finding.review_rectification(
            cmd(GROUP, "2025-06-24T10:00:00+08:00"), ReviewDecision.REJECTED, "  "
        )
    assert refused.value.field == "reason"
    finding = reviewed(finding, ReviewDecision.REJECTED, "2025-06-24T10:00:00+08:00", "未答复")
    assert finding.status is FindingStatus.RECTIFICATION_ORDERED
    assert (finding.rejections, finding.last_rejection_reason) == (1, "未答复")
    assert finding.rectification_due == DUE  # the clock keeps running
    with pytest.raises(NoRectificationToReview):
        finding.review_rectification(
            cmd(GROUP, "2025-06-25T10:00:00+08:00"), ReviewDecision.ACCEPTED, ""
        )


def test_criticism_once_the_date_passed_without_an_accepted_rectification__art39() -> None:
    finding = reported(ordered())  # reported in time, still unreviewed when the date passes
    with pytest.raises(CriticismTooEarly):
        finding.circulate_criticism(cmd(GROUP, "2025-06-30T23:59:00+08:00"), "通报")
    criticised = apply(
        finding, finding.circulate_criticism(cmd(GROUP, "2025-07-01T00:00:00+08:00"), "通报")
    )
    # The pending report still awaits its review; accepting it later does not undo criticism.
    assert criticised.status is FindingStatus.RECTIFICATION_REPORTED
    late = reviewed(criticised, ReviewDecision.ACCEPTED, "2025-07-05T10:00:00+08:00")
    assert late.status is FindingStatus.RECTIFIED and late.criticised_at is not None


def test_a_rectification_accepted_late_does_not_block_criticism__art39() -> None:
    late = reviewed(reported(ordered()), ReviewDecision.ACCEPTED, "2025-07-02T10:00:00+08:00")
    criticised = apply(
        late, late.circulate_criticism(cmd(GROUP, "2025-07-03T10:00:00+08:00"), "逾期整改")
    )
    assert criticised.criticised_at is not None
    assert criticised.status is FindingStatus.RECTIFIED


def test_a_self_closed_finding_of_an_older_ledger_still_reads_as_rectified__art39() -> None:
    finding = ordered()
    old = FindingRectified(
        originator_id=finding.id,
        originator_version=finding.version + 1,
        timestamp=NOW,
        occurred_at=datetime(2025, 6, 20, 2, tzinfo=UTC),
        actor=ZYKF,
        command_id="old",
        department="ZYKF",
        evidence=(),
    )
    assert accepts_rectification(old)
    assert apply(finding, old).status is FindingStatus.RECTIFIED
