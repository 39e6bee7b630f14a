"""One exception class per rule broken; the API maps each family to an HTTP status."""

from __future__ import annotations


class LedgerError(Exception):
    """Base: a command the ledger refuses. Nothing is recorded."""

    status = 400
    title = "Command refused"

    def __init__(self, detail: str, *, field: str | None = None, article: str | None = None):
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.article = article


class RuleViolation(LedgerError):
    """The command breaks a rule of the measures or a field's constraint (422)."""

    status = 422
    title = "Unprocessable command"


class NotFound(LedgerError):
    status = 404
    title = "Not found"


class Forbidden(LedgerError):
    """Acting outside one's role or on another department's object (403)."""

    status = 403
    title = "Forbidden"


class Conflict(LedgerError):
    """The object is not in a state that allows the command, or changed meanwhile (409)."""

    status = 409
    title = "Conflict"


class PreconditionFailed(LedgerError):
    """``If-Match`` named a version that is no longer current (412)."""

    status = 412
    title = "Precondition failed"


class OccurredInFuture(RuleViolation):
    title = "occurred_at is in the future"


class OccurredBeforeSubject(RuleViolation):
    title = "occurred_at is before the object existed"


class NotYourObject(Forbidden):
    title = "Another department's object"


class UnknownDepartment(RuleViolation):
    title = "Unknown department"


class DuplicateDepartment(Conflict):
    title = "Department already registered"


class DepartmentDissolved(Conflict):
    title = "Department dissolved"


class NotSharedWithoutLegalBasis(RuleViolation):
    title = "Not-shared data needs a legal basis (Art. 24(1))"


class InternalRuleIsNoLegalBasis(RuleViolation):
    title = "A departmental internal rule cannot justify not sharing (Art. 24(1))"


class ConditionalWithoutConditions(RuleViolation):
    title = "Conditional sharing needs scope, content and uses (Art. 24(3))"


class BasicDataMustBeUnconditional(RuleViolation):
    title = "Basic data must be shared unconditionally (Art. 24(2))"


class InvalidResourceCode(RuleViolation):
    title = "Invalid resource code"


class ResourceRetired(Conflict):
    title = "Resource retired"


class SubmissionNotPending(Conflict):
    title = "Catalog submission already decided"


class SubmissionOutdated(Conflict):
    title = "A submitted resource changed after submission"


class ApplicationAlreadyFiled(Conflict):
    title = "Catalog update application already filed"


class UnknownTrigger(RuleViolation):
    title = "Unknown trigger (Art. 12)"


class IdempotencyKeyReused(RuleViolation):
    title = "Idempotency-Key reused with a different body"


class CommandInFlight(Conflict):
    title = "A command with this Idempotency-Key is still running"
