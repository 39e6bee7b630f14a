"""Findings 违规发现 of the leading group, and their rectification (Art. 39).

The leading group records a violation by a department in one of the eleven
categories, with evidence from the ledger, and orders rectification by a date (通知整改).
The department reports its rectification with evidence (整改报告); the leading group
reviews the report: accepted, the finding is rectified; rejected with a reason, the
order stands and its date keeps running. Art. 39 criticises whoever "未在规定时限内完成
整改": once the date has passed without a rectification *accepted by then*, the group may
circulate criticism (通报批评), even if one is accepted later. A finding can be withdrawn
with a reason, and is never deleted.

A ledger written before rectification was reviewed holds ``FindingRectified``: the
department closing the finding itself. It still reads as rectified, as it was decided.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Self
from uuid import UUID

from domain.aggregate import AggregateState, Command
from domain.calendar import due_end_of, shanghai_date
from domain.errors import Conflict, RuleViolation
from domain.events import LedgerEvent
from domain.vocabulary import Labeled


class Category(Labeled):
    """The eleven kinds of violation of Art. 39."""

    V01 = ("V01", "未按要求编制和更新维护数据资源目录")
    V02 = ("V02", "未按要求将政务信息系统接入厅共享系统")
    V03 = ("V03", "未按要求及时、无条件汇聚非涉密数据资源")
    V04 = ("V04", "提供的数据资源与实际掌握不一致或不符合规范、无法使用")
    V05 = ("V05", "重复采集或随意扩大采集范围")
    V06 = ("V06", "未按要求受理、答复、复核共享需求申请")
    V07 = ("V07", "对不一致或明显错误的数据不及时校核修正")
    V08 = ("V08", "伪造、篡改数据资源")
    V09 = ("V09", "对共享数据管理失控，致滥用、非授权使用、扩散、泄漏")
    V10 = ("V10", "未按要求开展数据资源开发应用")
    V11 = ("V11", "其他违反本办法的行为")


# For column headers, where the full wording of Art. 39 does not fit.
SHORT_LABELS = {
    Category.V01: "目录编制更新",
    Category.V02: "系统接入",
    Category.V03: "数据汇聚",
    Category.V04: "数据不一致",
    Category.V05: "重复采集",
    Category.V06: "申请答复",
    Category.V07: "数据校核",
    Category.V08: "伪造篡改",
    Category.V09: "管理失控",
    Category.V10: "开发应用",
    Category.V11: "其他",
}


class FindingStatus(Labeled):
    RECORDED = ("recorded", "已发现")
    RECTIFICATION_ORDERED = ("rectification_ordered", "已通知整改")
    RECTIFICATION_REPORTED = ("rectification_reported", "已报告整改，待审核")
    RECTIFIED = ("rectified", "已整改")
    CRITICISED = ("criticised", "已通报批评")
    WITHDRAWN = ("withdrawn", "已撤销")


class ReviewDecision(Labeled):
    """The leading group's review of a reported rectification (Art. 39)."""

    ACCEPTED = ("accepted", "整改通过")
    REJECTED = ("rejected", "整改不通过")


class FindingAlreadyClosed(Conflict):
    title = "Finding rectified or withdrawn"


class CriticismTooEarly(Conflict):
    title = "Criticism only after the rectification date has passed (Art. 39)"


class RectifiedInTime(Conflict):
    title = "Rectification was accepted within the time limit (Art. 39)"


class RectificationWithoutEvidence(RuleViolation):
    title = "A rectification report cites its evidence (Art. 39)"


class NoRectificationToReview(Conflict):
    title = "No reported rectification awaits review (Art. 39)"


class RejectionWithoutReason(RuleViolation):
    title = "A rejected rectification states its reason (Art. 39)"


class Finding(AggregateState):
    department: str
    category: Category
    evidence: tuple[str, ...]
    description: str
    status: FindingStatus = FindingStatus.RECORDED
    rectification_due: date | None = None
    rectified_at: datetime | None = None  # when the rectification was accepted
    rectification_evidence: tuple[str, ...] = ()
    rectification_description: str | None = None
    reported_at: datetime | None = None  # the report awaiting review, if any
    rejections: int = 0
    last_rejection_reason: str | None = None
    criticised_at: datetime | None = None
    withdrawn_at: datetime | None = None
    withdrawal_reason: str | None = None

    def check_open(self) -> None:
        if self.status in (FindingStatus.RECTIFIED, FindingStatus.WITHDRAWN):
            msg = f"the finding is {self.status.value}; nothing more can be done with it"
            raise FindingAlreadyClosed(msg)

    def order_rectification(self, cmd: Command, due_date: date) -> RectificationOrdered:
        """Art. 39: 通知整改 — the department is told to rectify by a date."""
        self.check_open()
        if self.status is not FindingStatus.RECORDED:
            raise Conflict(f"rectification was already ordered (due {self.rectification_due})")
        if due_date <= shanghai_date(cmd.occurred_at):
            msg = f"the rectification date {due_date} must be after the order's date"
            raise RuleViolation(msg, field="due_date", article="39")
        return cmd.next_event(
            RectificationOrdered, self, department=self.department, due_date=due_date
        )

    def report_rectification(
        self, cmd: Command, evidence: list[str], description: str
    ) -> RectificationReported:
        """Art. 39: the department reports what it did, citing evidence (never none)."""
        cmd.require_department(self.department, "this finding")
        self.check_open()
        if self.status is FindingStatus.RECORDED:
            raise Conflict("no rectification has been ordered for this finding")
        if self.status is FindingStatus.RECTIFICATION_REPORTED:
            raise Conflict("a rectification report already awaits the leading group's review")
        check_rectification_evidence(evidence)
        return cmd.next_event(
            RectificationReported,
            self,
            department=self.department,
            evidence=tuple(dict.fromkeys(item.strip() for item in evidence)),
            description=description.strip(),
        )

    def review_rectification(
        self, cmd: Command, decision: ReviewDecision, reason: str
    ) -> RectificationReviewed:
        """Art. 39: the leading group, not the department, decides the finding is rectified."""
        if self.status is not FindingStatus.RECTIFICATION_REPORTED:
            raise NoRectificationToReview(
                f"the finding is {self.status.value}; only a reported rectification is reviewed",
                article="39",
            )
        if decision is ReviewDecision.REJECTED and not reason.strip():
            msg = "a rejected rectification states why, so the department can rectify again"
            raise RejectionWithoutReason(msg, field="reason", article="39")
        return cmd.next_event(
            RectificationReviewed,
            self,
            department=self.department,
            decision=decision,
            reason=reason.strip(),
        )

    def circulate_criticism(self, cmd: Command, note: str) -> CriticismCirculated:
        """Art. 39: 通报批评 once the date passed without a rectification accepted by then."""
        if self.status is FindingStatus.WITHDRAWN:
            raise FindingAlreadyClosed("the finding is withdrawn; nothing more can be done")
        if self.rectification_due is None:
            raise CriticismTooEarly("no rectification was ordered, so none is overdue")
        if self.criticised_at is not None:
            raise Conflict("criticism was already circulated for this finding")
        if cmd.occurred_at < due_end_of(self.rectification_due):
            msg = f"the rectification date {self.rectification_due} has not passed yet"
            raise CriticismTooEarly(msg, article="39")
        if not overdue(self.rectification_due, self.rectified_at, cmd.occurred_at):
            assert self.rectified_at is not None  # the date passed: only a rectification stops it
            msg = (
                f"the rectification was accepted on {self.rectified_at.isoformat()}, "
                f"within the time limit ({self.rectification_due})"
            )
            raise RectifiedInTime(msg, article="39")
        return cmd.next_event(CriticismCirculated, self, department=self.department, note=note)

    def withdraw(self, cmd: Command, reason: str) -> FindingWithdrawn:
        if self.status is FindingStatus.WITHDRAWN:
            raise FindingAlreadyClosed("the finding is already withdrawn")
        if not reason.strip():
            raise RuleViolation("withdrawing a finding needs a reason", field="reason")
        return cmd.next_event(FindingWithdrawn, self, department=self.department, reason=reason)

    def apply(self, event: LedgerEvent) -> Self:
        if isinstance(event, RectificationOrdered):
            return self.model_copy(
                update={
                    "status": FindingStatus.RECTIFICATION_ORDERED,
                    "rectification_due": event.due_date,
                }
            )
        if isinstance(event, RectificationReported):
            return self.model_copy(
                update={
                    "status": FindingStatus.RECTIFICATION_REPORTED,
                    "reported_at": event.occurred_at,
                    "rectification_evidence": event.evidence,
                    "rectification_description": event.description,
                }
            )
        if isinstance(event, RectificationReviewed):
            if event.decision is ReviewDecision.ACCEPTED:
                return self.model_copy(
                    update={
                        "status": FindingStatus.RECTIFIED,
                        "rectified_at": event.occurred_at,
                        "reported_at": None,
                    }
                )
            status = (
                FindingStatus.CRITICISED
                if self.criticised_at is not None
                else FindingStatus.RECTIFICATION_ORDERED
            )
            return self.model_copy(
                update={
                    "status": status,
                    "reported_at": None,
                    "rejections": self.rejections + 1,
                    "last_rejection_reason": event.reason,
                }
            )
        if isinstance(event, FindingRectified):
            return self.model_copy(
                update={
                    "status": FindingStatus.RECTIFIED,
                    "rectified_at": event.occurred_at,
                    "rectification_evidence": event.evidence,
                }
            )
        if isinstance(event, CriticismCirculated):
            # A report awaiting review, or a rectification accepted late, still stands.
            status = (
                self.status
                if self.status in (FindingStatus.RECTIFICATION_REPORTED, FindingStatus.RECTIFIED)
                else FindingStatus.CRITICISED
            )
            return self.model_copy(update={"status": status, "criticised_at": event.occurred_at})
        if isinstance(event, FindingWithdrawn):
            return self.model_copy(
                update={
                    "status": FindingStatus.WITHDRAWN,
                    "withdrawn_at": event.occurred_at,
                    "withdrawal_reason": event.reason,
                }
            )
        return self


class FindingEvent(LedgerEvent):
    """Every event of a finding names the department, so folds need no lookups."""

    department: str


class FindingRecorded(FindingEvent):
    category: Category
    evidence: tuple[str, ...]
    description: str

    def create(self) -> Finding:
        return Finding(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            department=self.department,
            category=self.category,
            evidence=self.evidence,
            description=self.description,
        )


class RectificationOrdered(FindingEvent):
    due_date: date


class FindingRectified(FindingEvent):
    """Recorded before rectification was reviewed: the department closed the finding itself.
    No longer recorded; kept so that ledgers written then still load and read as decided."""

    evidence: tuple[str, ...]


class RectificationReported(FindingEvent):
    """整改报告: what the department did, with evidence, for the leading group to review."""

    evidence: tuple[str, ...]
    description: str


class RectificationReviewed(FindingEvent):
    """The leading group's decision on a rectification report (accepted: rectified)."""

    decision: ReviewDecision
    reason: str


def overdue(due: date | None, rectified_at: datetime | None, at: datetime) -> bool:
    """Art. 39: "未在规定时限内完成整改" — the date has passed by ``at`` without a
    rectification accepted by then (one accepted later does not undo it)."""
    if due is None or at < due_end_of(due):
        return False
    return rectified_at is None or rectified_at > due_end_of(due)


def accepts_rectification(event: LedgerEvent) -> bool:
    """Whether the event closes a finding as rectified (Art. 39): an accepted review, or,
    in ledgers written before reviews, the department's own closing."""
    return isinstance(event, FindingRectified) or (
        isinstance(event, RectificationReviewed) and event.decision is ReviewDecision.ACCEPTED
    )


def check_rectification_evidence(evidence: list[str]) -> None:
    if not any(item.strip() for item in evidence):
        msg = (
            "a rectification report cites evidence: ids of events or objects on the record, "
            "or references of documents (Art. 39)"
        )
        raise RectificationWithoutEvidence(msg, field="evidence", article="39")
    for index, item in enumerate(evidence):
        if not item.strip():
            raise RectificationWithoutEvidence(
                "an evidence item is blank", field=f"evidence.{index}", article="39"
            )


class CriticismCirculated(FindingEvent):
    note: str


class FindingWithdrawn(FindingEvent):
    reason: str


def record_finding(
    cmd: Command,
    finding_id: UUID,
    department: str,
    category: Category,
    evidence: list[str],
    description: str,
) -> FindingRecorded:
    if not evidence:
        msg = "a finding cites evidence from the ledger (Art. 39)"
        raise RuleViolation(msg, field="evidence", article="39")
    if not description.strip():
        raise RuleViolation("describe the violation", field="description")
    return cmd.event(
        FindingRecorded,
        finding_id,
        1,
        department=department,
        category=category,
        evidence=tuple(dict.fromkeys(evidence)),
        description=description,
    )
