"""Data-use records 数据使用记录 (Art. 36), each a stream of its own.

Art. 36 names what is recorded of every use of shared data: the purpose 具体用途, the
user 使用人员, the approver 批准人员, the data content 数据内容, when it was obtained
获取时间, how 获取方式 and on what medium 介质类型. A record also names what it relies on,
exactly one of: a share request (Art. 26-27), a time-sensitive arrangement (Art. 28), or
nothing — unconditional data of the unified catalog is obtained directly (Art. 25).

User and approver are persons of the register (``domain.persons``), named by id, both of
the using department; a use recorded by name only (as older portals do) keeps the name,
never a blank one. ``purpose_code`` is the use it serves among those granted; the free
``purpose`` says what for in detail.

The ledger records a use even when it breaks the rules, because that use is the
evidence supervision needs (Art. 39(9), V09); it marks it instead, from the state of
its basis at the moment the data was obtained:

- ``no_grant``: a basis of another department, no grant in force then (still pending,
  refused, not shared, an arrangement not accepted or outside its window), or no basis
  for data that is not unconditional data of the unified catalog;
- ``after_expiry``: the grant's ``expires_at`` or the arrangement's ``valid_to`` had passed;
- ``purpose_not_granted``: a purpose that is not one of the uses granted, or, for
  unconditional data requested for a purpose, not that purpose (Art. 26, 32);
- ``scope_not_granted``: data content naming an item outside the granted scope;
- ``method_not_agreed``: obtained otherwise than the arrangement agreed (Art. 28);
- ``resource_mismatch``: the basis is for another resource;
- ``third_party_without_consent``: provided to a third party, until the provider's
  consent is on the record (Art. 32: 如需提供第三方…应当与提供部门协商解决);
- ``self_approved``: the user approved the use themself. Art. 36 asks for 授权管理 but
  does not forbid it: the mark is shown, and not counted as a violation.

A purpose matches a granted use when it is that use or begins with it: "统计分析（季度）"
serves "统计分析". Scope is read as a list of items: the granted scope and the use's data
content are split at 、，,；;/ and whitespace, and every item the use names must be an item
of the scope ("名称、等级" is within "名称、等级、地址"; "名称、联系电话" is not).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Self
from uuid import UUID

from pydantic import AwareDatetime, Field

from domain.aggregate import ALLOWED_CLOCK_SKEW, AggregateState, Command
from domain.arrangements import ArrangementStatus, TimeSensitiveArrangement
from domain.errors import (
    AmbiguousBasis,
    Conflict,
    Forbidden,
    ObtainedAfterRecord,
    OwnResource,
    RuleViolation,
)
from domain.events import Frozen, LedgerEvent
from domain.external_sharing import ExternalRequest, ExternalResource
from domain.persons import Person, check_person_of
from domain.resources import Resource
from domain.rules.sharing import SELF_APPROVED
from domain.share_requests import ShareRequest
from domain.vocabulary import (
    AcquisitionMethod,
    DataUseMark,
    MediumType,
    ShareRequestStatus,
    ShareType,
)

# What a use may rely on and be of: our own data, or another department's (Art. 30).
Source = Resource | ExternalResource
Grant = ShareRequest | ExternalRequest

SCOPE_SEPARATORS = re.compile(r"[、，,；;/\s]+")

# What V09 counts (Art. 39(9)): every mark but those of a rule counted under no category
# (self-approval, which the measures leave open).
NOT_VIOLATIONS = frozenset(mark for mark in SELF_APPROVED.marks)


def violation_marks(marks: tuple[DataUseMark, ...]) -> tuple[DataUseMark, ...]:
    return tuple(mark for mark in marks if mark not in NOT_VIOLATIONS)


class DataUseFields(Frozen):
    """What a department records of one use (Art. 36) and the basis it relies on."""

    share_request_id: UUID | None = Field(
        default=None, description="所依据的共享申请编号（与 arrangement_id 至多其一）"
    )
    arrangement_id: UUID | None = Field(
        default=None, description="所依据的时效性共享安排编号（第二十八条）"
    )
    resource_id: UUID = Field(
        description="数据资源编号；无条件共享数据可仅凭此直接获取（第二十五条）"
    )
    purpose: str = Field(min_length=1, max_length=1000, description="具体用途（说明）")
    purpose_code: str | None = Field(
        default=None,
        max_length=200,
        description="所服务的授权用途，须为授权用途之一（有条件共享）",
        examples=["统计分析"],
    )
    user_person_id: UUID | None = Field(default=None, description="使用人员编号（本部门人员）")
    approver_person_id: UUID | None = Field(default=None, description="批准人员编号（本部门人员）")
    user_person: str = Field(
        default="", max_length=100, description="使用人员姓名（旧接口；给出编号时由登记自动填写）"
    )
    approver: str = Field(
        default="", max_length=100, description="批准人员姓名（旧接口；给出编号时由登记自动填写）"
    )
    data_content: str = Field(min_length=1, max_length=4000, description="数据内容")
    obtained_at: AwareDatetime = Field(description="获取时间")
    method: AcquisitionMethod = Field(description="获取方式")
    medium: MediumType = Field(description="介质类型")
    recipient: str | None = Field(
        default=None, max_length=200, description="接收数据的第三方（第三十二条）"
    )


class DataUseRecorded(LedgerEvent, DataUseFields):
    """One use, with every field flat so forensic queries read it without folding.

    Version 2 names people by id and the purpose by code; version 1 payloads have neither,
    and marked a third party ``third_party`` (no consent could be recorded then)."""

    class_version = 2

    department: str  # the using department
    provider: str
    marks: tuple[DataUseMark, ...] = ()

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> dict[str, Any]:
        marks = [
            DataUseMark.THIRD_PARTY_WITHOUT_CONSENT.value if mark == "third_party" else mark
            for mark in state.get("marks", ())
        ]
        return {
            **state,
            "user_person_id": None,
            "approver_person_id": None,
            "purpose_code": None,
            "marks": marks,
        }

    def create(self) -> DataUse:
        return DataUse(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            recorded_by=self.actor.person,
            department=self.department,
            provider=self.provider,
            marks=self.marks,
            **{name: getattr(self, name) for name in DataUseFields.model_fields},
        )


class ThirdPartyConsented(LedgerEvent):
    """The provider's consent to the use's provision to a third party (Art. 32)."""

    department: str
    provider: str
    recipient: str
    reason: str


class ThirdPartyConsent(Frozen):
    recipient: str
    reason: str
    consented_by: str
    consented_at: datetime


class DataUse(AggregateState, DataUseFields):
    department: str
    provider: str
    recorded_by: str
    marks: tuple[DataUseMark, ...] = ()
    third_party_consent: ThirdPartyConsent | None = None

    def consent_to_third_party(
        self, cmd: Command, recipient: str, reason: str
    ) -> ThirdPartyConsented:
        if cmd.actor.department != self.provider:
            msg = f"only {self.provider}, the provider of the data, consents to its provision"
            raise Forbidden(msg)
        if not self.recipient:
            raise Conflict("this use names no third party; there is nothing to consent to")
        if " ".join(recipient.split()) != " ".join(self.recipient.split()):
            msg = f"the use provided the data to {self.recipient!r}, not {recipient!r}"
            raise RuleViolation(msg, field="recipient", article="32")
        if not reason.strip():
            raise RuleViolation("a consent states its reason", field="reason", article="32")
        if self.third_party_consent is not None:
            raise Conflict("the provider has already consented to this provision")
        return cmd.next_event(
            ThirdPartyConsented,
            self,
            department=self.department,
            provider=self.provider,
            recipient=self.recipient,
            reason=reason.strip(),
        )

    def apply(self, event: LedgerEvent) -> Self:
        if isinstance(event, ThirdPartyConsented):
            consent = ThirdPartyConsent(
                recipient=event.recipient,
                reason=event.reason,
                consented_by=event.actor.person,
                consented_at=event.occurred_at,
            )
            marks = tuple(m for m in self.marks if m is not DataUseMark.THIRD_PARTY_WITHOUT_CONSENT)
            return self.model_copy(update={"third_party_consent": consent, "marks": marks})
        return self


# The fields a use is recorded with as sent. ``use`` may be a request's body (a subclass
# with fields of its own, the business time and the idempotency key): only these are kept.
_RECORDED_AS_SENT = set(DataUseFields.model_fields) - {"purpose_code"}


def record_data_use(
    cmd: Command,
    use_id: UUID,
    use: DataUseFields,
    resource: Source,
    request: Grant | None,
    arrangement: TimeSensitiveArrangement | None,
    user: Person | None = None,
    approver: Person | None = None,
) -> DataUseRecorded:
    """``request`` and ``arrangement`` are the basis as it stood at ``use.obtained_at``
    (None: it did not exist yet, or none was cited); ``user`` and ``approver`` the persons
    the ids name (None: named by name only)."""
    department = cmd.actor.department
    check_use_is_recordable(cmd, use, resource)
    use = with_people(use, department, user, approver)
    if use.arrangement_id is not None:
        marks = marks_under_arrangement(use, department, arrangement)
    elif use.share_request_id is not None:
        marks = marks_under_request(use, department, request)
    else:
        marks = marks_of_direct_access(resource)
    if use.recipient is not None and use.recipient.strip():
        marks.append(DataUseMark.THIRD_PARTY_WITHOUT_CONSENT)
    if is_self_approved(use):
        marks.append(DataUseMark.SELF_APPROVED)
    granted = granted_uses_of(use, request, arrangement)
    code = (serving_use(use, granted) if granted else None) or use.purpose_code
    return cmd.event(
        DataUseRecorded,
        use_id,
        1,
        department=department,
        provider=resource.department,
        marks=tuple(dict.fromkeys(marks)),
        **use.model_dump(include=_RECORDED_AS_SENT),
        purpose_code=code,
    )


def with_people(
    use: DataUseFields, department: str, user: Person | None, approver: Person | None
) -> DataUseFields:
    """Art. 36: who used and who approved, by the register's id (their names filled in), or
    by a name that is not blank."""
    names: dict[str, str] = {}
    for id_field, name_field, person in (
        ("user_person_id", "user_person", user),
        ("approver_person_id", "approver", approver),
    ):
        given = " ".join(str(getattr(use, name_field)).split())
        if person is not None:
            check_person_of(person, department, id_field)
            if given and given != person.name:
                msg = f"{id_field} names {person.name}, but {name_field} says {given!r}"
                raise RuleViolation(msg, field=name_field, article="36")
            names[name_field] = person.name
        elif not given:
            # A blank name sent is that field's fault; nothing sent, the id is missing.
            field = name_field if name_field in use.model_fields_set else id_field
            msg = f"name the {name_field.replace('_', ' ')} by {id_field} (Art. 36)"
            raise RuleViolation(msg, field=field, article="36")
        else:
            names[name_field] = given
    return use.model_copy(update=names)


def is_self_approved(use: DataUseFields) -> bool:
    if use.user_person_id is not None and use.approver_person_id is not None:
        return use.user_person_id == use.approver_person_id
    return use.user_person == use.approver


def check_use_is_recordable(cmd: Command, use: DataUseFields, resource: Source) -> None:
    if use.share_request_id is not None and use.arrangement_id is not None:
        msg = "a use relies on a share request or on an arrangement; cite one of them"
        raise AmbiguousBasis(msg, field="arrangement_id")
    if resource.department == cmd.actor.department:
        msg = f"the resource is {resource.department}'s own, not shared data"
        raise OwnResource(msg, field="resource_id")
    if use.obtained_at > cmd.occurred_at + ALLOWED_CLOCK_SKEW:
        msg = (
            f"obtained_at {use.obtained_at.isoformat()} is after the record itself "
            f"({cmd.occurred_at.isoformat()}); a use is recorded once the data is obtained"
        )
        raise ObtainedAfterRecord(msg, field="obtained_at", article="36")


def marks_of_direct_access(resource: Source) -> list[DataUseMark]:
    """Art. 25: unconditional data of the unified catalog is obtained directly, no request;
    another department's data is obtained through the office (Art. 30)."""
    if isinstance(resource, ExternalResource):
        return [DataUseMark.NO_GRANT]
    approved = resource.approved_fields
    direct = (
        resource.in_catalog
        and approved is not None
        and approved.share_type is ShareType.UNCONDITIONAL
    )
    return [] if direct else [DataUseMark.NO_GRANT]


def granted_uses_of(
    use: DataUseFields, request: Grant | None, arrangement: TimeSensitiveArrangement | None
) -> tuple[str, ...]:
    """The uses the basis allows (Art. 26, 28, 32): those granted, else the purpose stated."""
    if use.arrangement_id is not None:
        return (arrangement.purpose,) if arrangement and arrangement.purpose else ()
    if request is None:
        return ()
    return request.granted_uses or (request.purpose,)


def serving_use(use: DataUseFields, granted: tuple[str, ...]) -> str | None:
    """The granted use this use serves: its ``purpose_code`` if granted, else the granted use
    its purpose is or begins with (the longest); None when it serves none."""
    uses = {" ".join(g.split()): g for g in granted}
    if use.purpose_code is not None:
        return uses.get(" ".join(use.purpose_code.split()))
    purpose = " ".join(use.purpose.split())
    matching = [key for key in uses if purpose.startswith(key)]
    return uses[max(matching, key=len)] if matching else None


def marks_under_request(
    use: DataUseFields, department: str, request: Grant | None
) -> list[DataUseMark]:
    if request is None:
        return [DataUseMark.NO_GRANT]
    marks = []
    if request.resource_id != use.resource_id:
        marks.append(DataUseMark.RESOURCE_MISMATCH)
    if request.requester != department or request.status is not ShareRequestStatus.GRANTED:
        return [*marks, DataUseMark.NO_GRANT]
    if request.expires_at is not None and use.obtained_at >= request.expires_at:
        marks.append(DataUseMark.AFTER_EXPIRY)
    if serving_use(use, request.granted_uses or (request.purpose,)) is None:
        marks.append(DataUseMark.PURPOSE_NOT_GRANTED)
    if request.granted_scope is not None and not within_scope(
        use.data_content, request.granted_scope
    ):
        marks.append(DataUseMark.SCOPE_NOT_GRANTED)
    return marks


def marks_under_arrangement(
    use: DataUseFields, department: str, arrangement: TimeSensitiveArrangement | None
) -> list[DataUseMark]:
    """Art. 28: in force (accepted by the other party), and within purpose, scope, method
    and window."""
    if arrangement is None:
        return [DataUseMark.NO_GRANT]
    marks = []
    if arrangement.resource_id != use.resource_id:
        marks.append(DataUseMark.RESOURCE_MISMATCH)
    if arrangement.requester != department or not arrangement_was_in_force(arrangement):
        return [*marks, DataUseMark.NO_GRANT]
    if use.obtained_at < arrangement.valid_from:
        return [*marks, DataUseMark.NO_GRANT]
    if use.obtained_at >= arrangement.valid_to:
        marks.append(DataUseMark.AFTER_EXPIRY)
    if arrangement.purpose is not None and serving_use(use, (arrangement.purpose,)) is None:
        marks.append(DataUseMark.PURPOSE_NOT_GRANTED)
    if arrangement.scope is not None and not within_scope(use.data_content, arrangement.scope):
        marks.append(DataUseMark.SCOPE_NOT_GRANTED)
    if use.method is not arrangement.method:
        marks.append(DataUseMark.METHOD_NOT_AGREED)
    return marks


def arrangement_was_in_force(arrangement: TimeSensitiveArrangement) -> bool:
    """Accepted by the other party (the state passed in is the one at the use's time)."""
    return arrangement.status is ArrangementStatus.IN_FORCE


def scope_items(text: str) -> frozenset[str]:
    return frozenset(item for item in SCOPE_SEPARATORS.split(text.strip()) if item)


def within_scope(content: str, scope: str) -> bool:
    return scope_items(content) <= scope_items(scope)
