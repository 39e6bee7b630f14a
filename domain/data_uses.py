"""Data-use records 数据使用记录 (Art. 36), each a stream of its own.

Art. 36 names what is recorded of every use of shared data: the purpose 具体用途, the
user 使用人员, the approver 批准人员, the data content 数据内容, when it was obtained
获取时间, how 获取方式 and on what medium 介质类型. A record also names what it relies on:
a share request (Art. 25-27) or a time-sensitive arrangement (Art. 28).

The ledger records a use even when it breaks the rules, because that use is the
evidence supervision needs (Art. 39(9), V09); it marks it instead, from the state of
its basis at the moment the data was obtained:

- ``no_grant``: no basis, a basis of another department, or no grant in force then
  (still pending, refused, not shared, or an arrangement whose window had not begun);
- ``after_expiry``: the grant's ``expires_at`` or the arrangement's ``valid_to`` had passed;
- ``purpose_not_granted``: a purpose that is not one of the uses granted (Art. 26, 32);
  data shared unconditionally may be used for any of the department's duties (Art. 25);
- ``scope_not_granted``: data content naming an item outside the granted scope;
- ``resource_mismatch``: the basis is for another resource;
- ``third_party``: provided to a third party (Art. 32: 不得...提供给第三方).

Scope is read as a list of items: the granted scope and the use's data content are split
at 、，,；;/ and whitespace, and every item the use names must be an item of the scope
("名称、等级" is within "名称、等级、地址"; "名称、联系电话" is not).
"""

from __future__ import annotations

import re
from typing import Self
from uuid import UUID

from pydantic import AwareDatetime, Field

from domain.aggregate import ALLOWED_CLOCK_SKEW, AggregateState, Command
from domain.arrangements import TimeSensitiveArrangement
from domain.errors import AmbiguousBasis, ObtainedAfterRecord, OwnResource
from domain.events import Frozen, LedgerEvent
from domain.resources import Resource
from domain.share_requests import ShareRequest
from domain.vocabulary import AcquisitionMethod, DataUseMark, MediumType, ShareRequestStatus

SCOPE_SEPARATORS = re.compile(r"[、，,；;/\s]+")


class DataUseFields(Frozen):
    """What a department records of one use (Art. 36) and the basis it relies on."""

    share_request_id: UUID | None = Field(
        default=None, description="The share request the use relies on"
    )
    arrangement_id: UUID | None = Field(
        default=None, description="Or the time-sensitive arrangement it relies on (Art. 28)"
    )
    resource_id: UUID
    purpose: str = Field(min_length=1, max_length=1000, description="具体用途")
    user_person: str = Field(min_length=1, max_length=100, description="使用人员")
    approver: str = Field(min_length=1, max_length=100, description="批准人员")
    data_content: str = Field(min_length=1, max_length=4000, description="数据内容")
    obtained_at: AwareDatetime = Field(description="获取时间")
    method: AcquisitionMethod = Field(description="获取方式")
    medium: MediumType = Field(description="介质类型")
    recipient: str | None = Field(
        default=None, max_length=200, description="A third party the data went to (Art. 32)"
    )


class DataUseRecorded(LedgerEvent, DataUseFields):
    """One use, with every field flat so forensic queries read it without folding."""

    department: str  # the using department
    provider: str
    marks: tuple[DataUseMark, ...] = ()

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


class DataUse(AggregateState, DataUseFields):
    department: str
    provider: str
    recorded_by: str
    marks: tuple[DataUseMark, ...] = ()

    def apply(self, event: LedgerEvent) -> Self:
        return self


def record_data_use(
    cmd: Command,
    use_id: UUID,
    use: DataUseFields,
    resource: Resource,
    request: ShareRequest | None,
    arrangement: TimeSensitiveArrangement | None,
) -> DataUseRecorded:
    """``request`` and ``arrangement`` are the basis as it stood at ``use.obtained_at``
    (None: it did not exist yet, or none was cited)."""
    department = cmd.actor.department
    check_use_is_recordable(cmd, use, resource)
    if use.arrangement_id is not None:
        marks = marks_under_arrangement(use, department, arrangement)
    else:
        marks = marks_under_request(use, department, request)
    if use.recipient is not None and use.recipient.strip():
        marks.append(DataUseMark.THIRD_PARTY)
    return cmd.event(
        DataUseRecorded,
        use_id,
        1,
        department=department,
        provider=resource.department,
        marks=tuple(dict.fromkeys(marks)),
        **use.model_dump(),
    )


def check_use_is_recordable(cmd: Command, use: DataUseFields, resource: Resource) -> None:
    if use.share_request_id is not None and use.arrangement_id is not None:
        msg = "a use relies on a share request or on an arrangement; cite one of them"
        raise AmbiguousBasis(msg, field="arrangement_id")
    if resource.department == cmd.actor.department:
        msg = f"resource {resource.fields.code} is {resource.department}'s own, not shared data"
        raise OwnResource(msg, field="resource_id")
    if use.obtained_at > cmd.occurred_at + ALLOWED_CLOCK_SKEW:
        msg = (
            f"obtained_at {use.obtained_at.isoformat()} is after the record itself "
            f"({cmd.occurred_at.isoformat()}); a use is recorded once the data is obtained"
        )
        raise ObtainedAfterRecord(msg, field="obtained_at", article="36")


def marks_under_request(
    use: DataUseFields, department: str, request: ShareRequest | None
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
    if request.granted_uses and use.purpose.strip() not in request.granted_uses:
        marks.append(DataUseMark.PURPOSE_NOT_GRANTED)
    if request.granted_scope is not None and not within_scope(
        use.data_content, request.granted_scope
    ):
        marks.append(DataUseMark.SCOPE_NOT_GRANTED)
    return marks


def marks_under_arrangement(
    use: DataUseFields, department: str, arrangement: TimeSensitiveArrangement | None
) -> list[DataUseMark]:
    if arrangement is None:
        return [DataUseMark.NO_GRANT]
    marks = []
    if arrangement.resource_id != use.resource_id:
        marks.append(DataUseMark.RESOURCE_MISMATCH)
    if arrangement.requester != department or use.obtained_at < arrangement.valid_from:
        marks.append(DataUseMark.NO_GRANT)
    elif use.obtained_at >= arrangement.valid_to:
        marks.append(DataUseMark.AFTER_EXPIRY)
    return marks


def scope_items(text: str) -> frozenset[str]:
    return frozenset(item for item in SCOPE_SEPARATORS.split(text.strip()) if item)


def within_scope(content: str, scope: str) -> bool:
    return scope_items(content) <= scope_items(scope)
