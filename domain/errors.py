"""One exception class per rule broken; the API maps each family to an HTTP status."""

from __future__ import annotations

from domain.errors_zh import TITLES, split_bilingual, translate


class LedgerError(Exception):
    """Base: a command the ledger refuses. Nothing is recorded.

    ``detail`` is the English; ``detail_zh`` its Chinese, from ``zh`` when the raiser gives it,
    else from the catalog of ``domain.errors_zh``."""

    status = 400
    title = "Command refused"
    title_zh = "命令被拒绝"

    def __init_subclass__(cls, **kwargs: object) -> None:
        """A kind of refusal with a title of its own reads it in Chinese from the catalog."""
        super().__init_subclass__(**kwargs)
        if "title_zh" not in cls.__dict__ and cls.title in TITLES:
            cls.title_zh = TITLES[cls.title]

    def __init__(
        self,
        detail: str,
        *,
        field: str | None = None,
        article: str | None = None,
        zh: str | None = None,
    ):
        both = split_bilingual(detail)
        if both is not None:  # written in both languages at once: each goes to its place
            zh, detail = zh or both[0], both[1]
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.article = article
        self.detail_zh = zh or translate(detail) or f"{self.title_zh}：{detail}"


class RuleViolation(LedgerError):
    """The command breaks a rule of the measures or a field's constraint (422)."""

    status = 422
    title = "Unprocessable command"
    title_zh = "请求内容不符合规定"


class NotFound(LedgerError):
    status = 404
    title = "Not found"
    title_zh = "对象不存在"


class Forbidden(LedgerError):
    """Acting outside one's role or on another department's object (403)."""

    status = 403
    title = "Forbidden"
    title_zh = "无权操作"


class Conflict(LedgerError):
    """The object is not in a state that allows the command, or changed meanwhile (409)."""

    status = 409
    title = "Conflict"
    title_zh = "状态冲突"


class PreconditionFailed(LedgerError):
    """``If-Match`` named a version that is no longer current (412)."""

    status = 412
    title = "Precondition failed"
    title_zh = "版本已变更"


class OccurredInFuture(RuleViolation):
    title = "occurred_at is in the future"


class OccurredBeforeSubject(RuleViolation):
    title = "occurred_at is before the object existed"


class NotYourObject(Forbidden):
    title = "Another department's object"


class UnknownDepartment(RuleViolation):
    title = "Unknown department"


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


class UnknownResource(RuleViolation):
    title = "Unknown data resource"


class ResourceNotInCatalog(Conflict):
    title = "Resource not in the unified catalog (Art. 11)"


class OwnResource(RuleViolation):
    title = "A department's own data is not shared with it"


class WrongChannel(RuleViolation):
    title = "Wrong sharing channel (Art. 18, 29-30)"


class RequesterKindMismatch(Forbidden):
    title = "Role does not match the department's kind (Art. 29-30)"


class RequestNotAwaitingReply(Conflict):
    title = "Share request not awaiting a reply"


class RefusalWithoutReason(RuleViolation):
    title = "A refusal must state its reason (Art. 26)"


class GrantExpiresBeforeItStarts(RuleViolation):
    title = "A grant cannot expire before it is given"


class NotAPartyToRequest(Forbidden):
    title = "Not a party to this share request"


class NotInDispute(Conflict):
    title = "Only refused or not-shared requests are negotiated or escalated (Art. 27, 29)"


class EscalationBeforeNegotiation(Conflict):
    title = "Escalation comes after negotiation fails (Art. 27, 29)"


class NotTheEscalatingParty(Forbidden):
    title = "Not the party that escalates (Art. 27, 29)"


class NotEscalated(Conflict):
    title = "The request has not been escalated to the leading group"


class CoordinationIsBinding(Conflict):
    title = "The leading group's coordination decision is binding (Art. 27)"


class UnknownShareRequest(RuleViolation):
    title = "Unknown share request"


class UnknownArrangement(RuleViolation):
    title = "Unknown time-sensitive arrangement"


class NotAPartyToArrangement(Forbidden):
    title = "Not a party to this arrangement (Art. 28)"


class InvalidWindow(RuleViolation):
    title = "A validity window ends after it starts (Art. 28)"


class NotSharedNeedsCoordination(Conflict):
    title = "Not-shared data is shared only by coordination (Art. 24(1), 27)"


class AmbiguousBasis(RuleViolation):
    title = "A use relies on one share request or one arrangement"


class ObtainedAfterRecord(RuleViolation):
    title = "Data cannot be obtained after its use is recorded"


class UnknownSystem(RuleViolation):
    title = "Unknown information system"


class NotANewSystem(Conflict):
    title = "Project approval and trial operation are for new systems (Art. 20)"


class SystemResourcesNotCataloged(RuleViolation):
    title = "The system's data resources are not cataloged (Art. 20)"


class SystemResourcesNotInCatalog(RuleViolation):
    title = "The system's data resources are not in the unified catalog (Art. 20)"


class ProjectNotApproved(Conflict):
    title = "Trial operation before project approval (Art. 20)"


class SystemStepAlreadyTaken(Conflict):
    title = "This step of the system's life is already recorded"


class SystemRetired(Conflict):
    title = "Information system retired"


class ClassifiedSystemNotConnected(RuleViolation):
    title = "A classified system is not connected to the sharing system (Art. 2)"


class ClassifiedDataNotAggregated(RuleViolation):
    title = "Only non-classified data is aggregated (Art. 19)"


class SystemNotConnected(RuleViolation):
    title = "The system is not connected to the sharing system (Art. 19)"


class SystemNotTheResourceSource(RuleViolation):
    title = "The system is not where the resource's data comes from"


class InvalidAggregationPeriod(RuleViolation):
    title = "Invalid period covered by the aggregation"


class InvalidChecksum(RuleViolation):
    title = "Invalid checksum"


class ReceiptAlreadyRejected(Conflict):
    title = "Aggregation receipt already rejected"


class VerificationOfOwnData(RuleViolation):
    title = "Verification is asked of another department (Art. 31)"


class VerificationAlreadyAnswered(Conflict):
    title = "Verification request already answered"


class CorrectionWithoutDetails(RuleViolation):
    title = "A correction states what changed (Art. 31)"


class TooFewConflictingSources(RuleViolation):
    title = "A multi-source conflict names at least two resources (Art. 31)"


class DataItemNotHeld(RuleViolation):
    title = "The resource holds no such data item"


class UniqueSourceNotInConflict(RuleViolation):
    title = "The unique source is one of the conflicting resources (Art. 31)"


class SourceConflictAlreadyResolved(Conflict):
    title = "Source conflict already resolved"


class ReportPeriodMismatch(RuleViolation):
    title = "A usage report covers one reporting period (Art. 33)"
