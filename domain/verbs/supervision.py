"""Supervision by the leading group: findings, rectification, criticism (Art. 39)."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from domain.aggregate import Command
from domain.errors import RuleViolation
from domain.facts import RectificationDue, Status
from domain.findings import Category, Finding, ReviewDecision, record_finding
from domain.verbs.base import Decision, LedgerBase


class SupervisionVerbs(LedgerBase):
    def record_finding(
        self,
        cmd: Command,
        department: str,
        category: Category,
        evidence: list[str],
        description: str,
    ) -> Decision:
        self.department(department)
        for index, reference in enumerate(evidence):
            self._check_evidence(reference, f"evidence.{index}")
        event = record_finding(cmd, uuid4(), department, category, evidence, description)
        return Decision(event.originator_id, [event])

    def _check_evidence(self, reference: str, field: str) -> None:
        """Evidence names what is on the record: an object's id, or an event's position."""
        text = reference.strip()
        if text.isdigit():
            if not 0 < int(text) <= (self.recorder.max_notification_id() or 0):
                raise RuleViolation(f"no event at position {text}", field=field, article="39")
            return
        try:
            object_id = UUID(text)
        except ValueError:
            msg = f"{reference!r} is neither an object id nor an event position"
            raise RuleViolation(msg, field=field) from None
        if not self.exists(object_id):
            raise RuleViolation(f"nothing on the record has id {object_id}", field=field)

    def order_rectification(
        self, cmd: Command, finding_id: UUID, due_date: date, expected_version: int | None
    ) -> Decision:
        finding = self.get(finding_id, Finding, expected_version=expected_version)
        event = finding.order_rectification(cmd, due_date)
        return Decision(finding_id, [event], (RectificationDue(due_date),))

    def report_rectification(
        self,
        cmd: Command,
        finding_id: UUID,
        evidence: list[str],
        description: str,
        expected_version: int | None,
    ) -> Decision:
        """Art. 39: the department reports its rectification; the leading group reviews it."""
        finding = self.get(finding_id, Finding, expected_version=expected_version)
        for index, reference in enumerate(evidence):
            self._check_rectification_evidence(reference, f"evidence.{index}")
        event = finding.report_rectification(cmd, evidence, description)
        return Decision(finding_id, [event], (Status(finding.apply(event).status),))

    def _check_rectification_evidence(self, reference: str, field: str) -> None:
        """A report may cite a document (文号) as well as what is on the record; a position
        or an id must still name something the ledger holds."""
        text = reference.strip()
        if text.isdigit() or _is_uuid(text):
            self._check_evidence(text, field)

    def review_rectification(
        self,
        cmd: Command,
        finding_id: UUID,
        decision: ReviewDecision,
        reason: str,
        expected_version: int | None,
    ) -> Decision:
        finding = self.get(finding_id, Finding, expected_version=expected_version)
        event = finding.review_rectification(cmd, decision, reason)
        return Decision(finding_id, [event], (Status(finding.apply(event).status),))

    def circulate_criticism(
        self, cmd: Command, finding_id: UUID, note: str, expected_version: int | None
    ) -> Decision:
        finding = self.get(finding_id, Finding, expected_version=expected_version)
        event = finding.circulate_criticism(cmd, note)
        return Decision(finding_id, [event], (Status(finding.apply(event).status),))

    def withdraw_finding(
        self, cmd: Command, finding_id: UUID, reason: str, expected_version: int | None
    ) -> Decision:
        finding = self.get(finding_id, Finding, expected_version=expected_version)
        return Decision(finding_id, [finding.withdraw(cmd, reason)])


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True
