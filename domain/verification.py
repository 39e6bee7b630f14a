"""Verification requests 校核申请 (Art. 17, 31).

A department that doubts shared data, or thinks it wrong, asks the provider to verify it;
the provider answers in the period ``VERIFICATION`` declares (domain/rules): the data is
confirmed, or corrected, saying what changed. Unanswered requests feed V07.
"""

from __future__ import annotations

from datetime import datetime
from typing import Self
from uuid import UUID

from domain.aggregate import AggregateState, Command
from domain.errors import (
    CorrectionWithoutDetails,
    ResourceNotInCatalog,
    RuleViolation,
    VerificationAlreadyAnswered,
    VerificationOfOwnData,
)
from domain.events import LedgerEvent
from domain.resources import Resource
from domain.vocabulary import VerificationOutcome


class VerificationRequest(AggregateState):
    resource_id: UUID
    requester: str  # the user department 使用部门
    provider: str  # the provider department 提供部门, who answers
    description: str
    answered_at: datetime | None = None
    outcome: VerificationOutcome | None = None
    details: str = ""

    @property
    def status(self) -> str:
        return "pending" if self.outcome is None else self.outcome.value

    def answer(
        self, cmd: Command, outcome: VerificationOutcome, details: str
    ) -> VerificationAnswered:
        cmd.require_department(self.provider, "this verification request")
        if self.outcome is not None:
            msg = f"this request was already answered: {self.outcome.value}"
            raise VerificationAlreadyAnswered(msg)
        if outcome is VerificationOutcome.CORRECTED and not details.strip():
            msg = "a correction states what was corrected and how (Art. 31)"
            raise CorrectionWithoutDetails(msg, field="details", article="31")
        return cmd.next_event(
            VerificationAnswered,
            self,
            outcome=outcome,
            details=details.strip(),
            provider=self.provider,
        )

    def apply(self, event: LedgerEvent) -> Self:
        if isinstance(event, VerificationAnswered):
            return self.model_copy(
                update={
                    "answered_at": event.occurred_at,
                    "outcome": event.outcome,
                    "details": event.details,
                }
            )
        return self


class VerificationEvent(LedgerEvent):
    """Every event of a verification request's stream."""


class VerificationRequested(VerificationEvent):
    resource_id: UUID
    requester: str
    provider: str
    description: str

    def create(self) -> VerificationRequest:
        return VerificationRequest(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            resource_id=self.resource_id,
            requester=self.requester,
            provider=self.provider,
            description=self.description,
        )


class VerificationAnswered(VerificationEvent):
    outcome: VerificationOutcome
    details: str
    provider: str  # whose obligation the answer discharges


def request_verification(
    cmd: Command, request_id: UUID, resource: Resource, description: str
) -> VerificationRequested:
    """Art. 31: the user department asks the provider, through the sharing system."""
    requester = cmd.actor.department
    if resource.department == requester:
        msg = (
            f"resource {resource.fields.code} is {requester}'s own: a department verifies "
            "its own data itself (Art. 17); a request goes to another, providing department"
        )
        raise VerificationOfOwnData(msg, field="resource_id", article="31")
    if not resource.in_catalog:
        msg = (
            f"resource {resource.fields.code} is not in the unified catalog: only shared "
            "data obtained from it is disputed (Art. 31)"
        )
        raise ResourceNotInCatalog(msg, field="resource_id", article="31")
    if not description.strip():
        raise RuleViolation("say what is doubted or wrong in the data", field="description")
    return cmd.event(
        VerificationRequested,
        request_id,
        1,
        resource_id=resource.id,
        requester=requester,
        provider=resource.department,
        description=description.strip(),
    )
