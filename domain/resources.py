"""Data resources 数据资源: catalog entries with the Art. 10 fields and the guide's fields.

Art. 10 fixes what every entry states; Art. 23–24 fix the share types and what
each needs; the national cataloguing guide (2017) adds the resource code, the
provider's code, data items, conditions, publication date and related codes.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Self
from uuid import UUID

from pydantic import Field, ValidationError, field_validator

from domain.aggregate import AggregateState, Command, natural_id
from domain.errors import (
    BasicDataMustBeUnconditional,
    ConditionalWithoutConditions,
    DataItemNotHeld,
    InternalRuleIsNoLegalBasis,
    InvalidResourceCode,
    NotSharedWithoutLegalBasis,
    ResourceRetired,
    RuleViolation,
)
from domain.events import Frozen, LedgerEvent
from domain.vocabulary import (
    BasicDataKind,
    DataItemType,
    LegalBasisKind,
    OpenType,
    ResourceCategory,
    ResourceFormat,
    ResourceSource,
    ShareMethod,
    ShareType,
    UpdateCycle,
)

# Guide: front part (class digit, then item, sub-item and detail digits) "/" sequence.
RESOURCE_CODE = re.compile(r"^(?P<cls>[1-3])\d*/\d+$")
CATEGORY_DIGIT = {
    ResourceCategory.BASIC: "1",
    ResourceCategory.THEME: "2",
    ResourceCategory.DEPARTMENT: "3",
}
ACCEPTED_LEGAL_BASES = {
    LegalBasisKind.LAW,
    LegalBasisKind.ADMINISTRATIVE_REGULATION,
    LegalBasisKind.CENTRAL_POLICY,
}


class DataItem(Frozen):
    """信息项: one field the resource holds, with the guide's data type."""

    name: str = Field(min_length=1, max_length=200)
    type: DataItemType


class ShareConditions(Frozen):
    """Art. 24(3): scope 共享范围, content 数据内容 and permitted uses 使用用途."""

    scope: str = ""
    content: str = ""
    uses: tuple[str, ...] = ()


class LegalBasis(Frozen):
    """Art. 24(1): the law, regulation or central policy that keeps data unshared: an
    instrument of the office's register (``domain.legal_instruments``), and its article.
    ``kind`` and ``title`` are filled in from the register; entries cataloged before the
    register existed carry only them, as the department typed them."""

    instrument_id: UUID | None = Field(default=None, description="登记在册的法律法规编号")
    article: str | None = Field(default=None, max_length=200, description="所依据的条款")
    kind: LegalBasisKind | None = Field(default=None, description="类别（由登记自动填写）")
    title: str | None = Field(default=None, max_length=500, description="名称（由登记自动填写）")


class ResourceFields(Frozen):
    """Everything a catalog entry states (Art. 10 and the national guide)."""

    code: str = Field(min_length=3, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    category: ResourceCategory
    department: str
    provider_code: str | None = Field(default=None, max_length=64)
    source: ResourceSource
    summary: str = Field(min_length=1, max_length=4000)
    format: ResourceFormat
    data_items: tuple[DataItem, ...] = Field(min_length=1)
    share_type: ShareType
    share_conditions: ShareConditions | None = None
    legal_basis: LegalBasis | None = None
    share_method: ShareMethod
    open_type: OpenType
    update_cycle: UpdateCycle
    usage_requirements: str = Field(min_length=1, max_length=4000)
    classified: bool = False
    basic_data_kind: BasicDataKind | None = None
    system_id: UUID | None = None
    publication_date: date | None = None
    related_codes: tuple[str, ...] = ()

    @field_validator("code")
    @classmethod
    def _code_shape(cls, code: str) -> str:
        if not RESOURCE_CODE.match(code):
            msg = "resource code must be <class digit 1-3><digits>/<sequence digits>"
            raise ValueError(msg)
        return code


def basic_data_shared_as_required(
    kind: object | None, classified: bool, share_type: ShareType | str
) -> bool:
    """Art. 24(2): basic data (``kind`` not None), once declassified, is shared
    unconditionally. Every check of the rule (cataloging, amending, approving, supervision's
    detection) asks this."""
    unconditional = ShareType.UNCONDITIONAL
    return kind is None or classified or share_type in (unconditional, unconditional.value)


def check_share_rules(fields: ResourceFields) -> None:
    """The share-type rules of Art. 24 and the code's class digit, each naming its field."""
    expected_digit = CATEGORY_DIGIT[fields.category]
    if not fields.code.startswith(expected_digit):
        msg = (
            f"resource code {fields.code} starts with {fields.code[0]}, but category "
            f"{fields.category.value} ({fields.category.label}) needs {expected_digit}"
        )
        raise InvalidResourceCode(msg, field="code")
    if fields.share_type is ShareType.NOT_SHARED:
        _check_legal_basis(fields.legal_basis)
    if fields.share_type is ShareType.CONDITIONAL:
        _check_conditions(fields.share_conditions)
    if fields.basic_data_kind is not None and not basic_data_shared_as_required(
        fields.basic_data_kind, fields.classified, fields.share_type
    ):
        msg = (
            f"{fields.basic_data_kind.label} is basic data: once declassified it is shared "
            "unconditionally (Art. 24(2)); share_type must be unconditional"
        )
        raise BasicDataMustBeUnconditional(msg, field="share_type", article="24(2)")


def _check_legal_basis(basis: LegalBasis | None) -> None:
    if basis is None:
        msg = (
            "not_shared data needs a legal basis: a law, an administrative regulation "
            "or a central policy (Art. 24(1))"
        )
        raise NotSharedWithoutLegalBasis(msg, field="legal_basis", article="24(1)")
    if basis.kind is not None and basis.kind not in ACCEPTED_LEGAL_BASES:
        msg = (
            f"{basis.kind.label} cannot justify not sharing: only a law, an administrative "
            "regulation or a central policy can (Art. 24(1))"
        )
        raise InternalRuleIsNoLegalBasis(msg, field="legal_basis.kind", article="24(1)")
    if basis.instrument_id is None:
        msg = (
            "cite the law, regulation or central policy by its instrument_id in the office's "
            "register of legal instruments; a title typed by the department is not a basis "
            "(Art. 24(1))"
        )
        raise NotSharedWithoutLegalBasis(msg, field="legal_basis.instrument_id", article="24(1)")
    if not (basis.article or "").strip():
        msg = "name the article of the instrument that keeps the data unshared (Art. 24(1))"
        raise NotSharedWithoutLegalBasis(msg, field="legal_basis.article", article="24(1)")


def _check_conditions(conditions: ShareConditions | None) -> None:
    missing = [
        name
        for name in ("scope", "content", "uses")
        if conditions is None or not _filled(getattr(conditions, name))
    ]
    if missing:
        field = "share_conditions" if conditions is None else f"share_conditions.{missing[0]}"
        msg = f"conditional sharing must state its {', '.join(missing)} (Art. 24(3))"
        raise ConditionalWithoutConditions(msg, field=field, article="24(3)")


def _filled(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return bool(value) and all(str(item).strip() for item in value)


def resource_code_id(code: str) -> UUID:
    return natural_id("resource-code", code)


class Resource(AggregateState):
    fields: ResourceFields
    content_version: int  # the version whose content is current (cataloged or amended)
    approved_fields: ResourceFields | None = None
    approved_version: int | None = None
    approved_at: datetime | None = None
    approved_by_submission: UUID | None = None
    confirmed_basic_data_kind: BasicDataKind | None = None  # by the office (Art. 24(2))
    retired_at: datetime | None = None
    retirement_reason: str | None = None
    unique_source_of: tuple[str, ...] = ()  # data items it is the 唯一来源 of (Art. 31)

    @property
    def department(self) -> str:
        return self.fields.department

    def holds_data_item(self, data_item: str) -> bool:
        key = data_item_key(data_item)
        return any(data_item_key(item.name) == key for item in self.fields.data_items)

    @property
    def in_catalog(self) -> bool:
        """In the unified 厅级 catalog: approved by the office and not retired (Art. 11)."""
        return self.approved_fields is not None and self.retired_at is None

    @property
    def status(self) -> str:
        if self.retired_at is not None:
            return "retired"
        if self.approved_version is None:
            return "draft"
        # Amended after approval: the unified catalog keeps the approved fields until
        # the department submits again and the office approves.
        return "in_catalog" if self.content_version < self.approved_version else "amended"

    def amend(self, cmd: Command, changes: dict[str, Any]) -> LedgerEvent:
        cmd.require_department(self.department, f"resource {self.fields.code}")
        self.check_not_retired()
        if "department" in changes and changes["department"] != self.department:
            raise RuleViolation("a resource cannot move to another department", field="department")
        merged = {**self.fields.model_dump(), **changes}
        try:
            fields = ResourceFields.model_validate(merged)
        except ValidationError as error:
            raise _first_error(error) from None
        check_share_rules(fields)
        confirmed = self.confirmed_basic_data_kind
        if confirmed is not None and not basic_data_shared_as_required(
            confirmed, fields.classified, fields.share_type
        ):
            msg = (
                f"the office confirmed {self.fields.code} as basic data ({confirmed.label}): "
                "it stays shared unconditionally (Art. 24(2))"
            )
            raise BasicDataMustBeUnconditional(msg, field="share_type", article="24(2)")
        if fields.code != self.fields.code:
            raise RuleViolation(
                "a resource's code cannot change; retire it and catalog anew", field="code"
            )
        changed = {
            name: value
            for name, value in fields.model_dump().items()
            if getattr(self.fields, name) != getattr(fields, name)
        }
        if not changed:
            raise RuleViolation("the amendment changes nothing", field="body")
        cls = ShareTypeChanged if "share_type" in changed else ResourceAmended
        return cmd.next_event(
            cls,
            self,
            changes=changed,
            department=self.department,
            in_catalog=self.in_catalog,
            update_cycle=fields.update_cycle,
            classified=fields.classified,
        )

    def retire(self, cmd: Command, reason: str) -> ResourceRetiredEvent:
        cmd.require_department(self.department, f"resource {self.fields.code}")
        self.check_not_retired()
        if not reason.strip():
            raise RuleViolation("retiring a resource needs a reason", field="reason")
        return cmd.next_event(ResourceRetiredEvent, self, reason=reason, department=self.department)

    def join_catalog(
        self, cmd: Command, submission_id: UUID, basic_data_kind: BasicDataKind | None
    ) -> JoinedCatalog:
        return cmd.next_event(
            JoinedCatalog,
            self,
            submission_id=submission_id,
            department=self.department,
            update_cycle=self.fields.update_cycle,
            classified=self.fields.classified,
            basic_data_kind=basic_data_kind,
            basic_data_confirmed=True,
        )

    def designate_unique_source(
        self, cmd: Command, data_item: str, conflict_id: UUID
    ) -> UniqueSourceDesignated:
        """Art. 31: closing a multi-source conflict names this resource the 唯一来源."""
        self.check_not_retired()
        if not self.holds_data_item(data_item):
            msg = f"resource {self.fields.code} holds no data item {data_item!r}"
            raise DataItemNotHeld(msg, field="unique_source_resource_id", article="31")
        return cmd.next_event(
            UniqueSourceDesignated,
            self,
            data_item=data_item,
            conflict_id=conflict_id,
            department=self.department,
        )

    def check_not_retired(self) -> None:
        if self.retired_at is not None:
            raise ResourceRetired(f"resource {self.fields.code} is retired", field="resource_id")

    def apply(self, event: LedgerEvent) -> Self:
        if isinstance(event, ResourceAmended):
            fields = self.fields.model_copy(update=_revalidated(self.fields, event.changes))
            return self.model_copy(
                update={"fields": fields, "content_version": event.originator_version}
            )
        if isinstance(event, JoinedCatalog):
            return self.model_copy(
                update={
                    "approved_fields": self.fields,
                    "approved_version": event.originator_version,
                    "approved_at": event.occurred_at,
                    "approved_by_submission": event.submission_id,
                    "confirmed_basic_data_kind": (
                        event.basic_data_kind
                        if event.basic_data_confirmed
                        else self.confirmed_basic_data_kind
                    ),
                }
            )
        if isinstance(event, ResourceRetiredEvent):
            return self.model_copy(
                update={"retired_at": event.occurred_at, "retirement_reason": event.reason}
            )
        if isinstance(event, UniqueSourceDesignated):
            held = tuple(dict.fromkeys((*self.unique_source_of, event.data_item)))
            return self.model_copy(update={"unique_source_of": held})
        return self


def _revalidated(fields: ResourceFields, changes: dict[str, Any]) -> dict[str, Any]:
    merged = ResourceFields.model_validate({**fields.model_dump(), **changes})
    return {name: getattr(merged, name) for name in changes}


def _first_error(error: ValidationError) -> RuleViolation:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    return RuleViolation(f"{field}: {first['msg']}", field=field)


class DuplicateCollection(Frozen):
    """A data item whose 唯一来源 is another department's resource (Art. 15, 31; V05)."""

    data_item: str
    unique_source_resource_id: UUID
    unique_source_department: str


class ResourceCataloged(LedgerEvent):
    fields: ResourceFields
    duplicates: tuple[DuplicateCollection, ...] = ()  # marked, not refused: V05 is supervision's

    def create(self) -> Resource:
        return Resource(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            fields=self.fields,
            content_version=self.originator_version,
        )


class ResourceAmended(LedgerEvent):
    changes: dict[str, Any]
    # What folds that see only events need (the aggregation schedule, Art. 19): who owns the
    # resource, whether it was in the unified catalog, and its cycle and flag after the change.
    department: str = ""
    in_catalog: bool = False
    update_cycle: UpdateCycle | None = None
    classified: bool = False


class ShareTypeChanged(ResourceAmended):
    """An amendment that changes the share type (Art. 23), kept apart for supervision."""


class JoinedCatalog(LedgerEvent):
    """The office approved a submission holding this resource (Art. 11).

    Version 2 carries the basic-data kind the office confirmed (Art. 24(2)); in version 1
    nothing was confirmed (``basic_data_confirmed`` false)."""

    class_version = 2

    submission_id: UUID
    # As approved, for the aggregation schedule (Art. 19): owner, update cycle, classified.
    department: str = ""
    update_cycle: UpdateCycle | None = None
    classified: bool = False
    basic_data_kind: BasicDataKind | None = None
    basic_data_confirmed: bool = False

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> dict[str, Any]:
        return {**state, "basic_data_kind": None, "basic_data_confirmed": False}


class ResourceRetiredEvent(LedgerEvent):
    reason: str
    department: str = ""


class UniqueSourceDesignated(LedgerEvent):
    """Art. 31: the resource is the unique source 唯一来源 of a data item."""

    data_item: str
    conflict_id: UUID
    department: str


class ResourceCodeClaim(AggregateState):
    resource_id: UUID


class ResourceCodeClaimed(LedgerEvent):
    """Makes a resource code unique across the ledger: a second claim cannot be saved."""

    resource_id: UUID

    def create(self) -> ResourceCodeClaim:
        return ResourceCodeClaim(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            resource_id=self.resource_id,
        )


def data_item_key(name: str) -> str:
    """One spelling per data item: surrounding and repeated spaces do not make another item."""
    return " ".join(name.split()).casefold()


def catalog_resource(
    cmd: Command,
    resource_id: UUID,
    fields: ResourceFields,
    duplicates: tuple[DuplicateCollection, ...] = (),
) -> list[LedgerEvent]:
    cmd.require_department(fields.department, "a resource")
    check_share_rules(fields)
    return [
        cmd.event(ResourceCataloged, resource_id, 1, fields=fields, duplicates=duplicates),
        cmd.event(ResourceCodeClaimed, resource_code_id(fields.code), 1, resource_id=resource_id),
    ]
