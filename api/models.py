"""Request and response bodies at the edge, with the exact field names portals send (API.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from api.limits import BoundedInstant, violations
from domain.consistency import Difference
from domain.resources import DataItem, ResourceFields
from domain.vocabulary import DepartmentKind, Role


class CommandBody(BaseModel):
    """Every command may state when its fact happened (default: now).

    Every string, list and nesting level of every command body, however its own model
    declares it, passes the edge's limits (api/limits.py) before anything else is read:
    no control character, no text or list past the ceiling. A field's own bounds are
    declared on it and are tighter."""

    model_config = ConfigDict(extra="forbid")

    occurred_at: BoundedInstant | None = Field(
        default=None, description="业务发生时间，不得晚于当前 (business time; default: now)"
    )

    @model_validator(mode="before")
    @classmethod
    def _within_limits(cls, data: Any) -> Any:
        for violation in violations(data):
            raise violation
        return data

    def payload(self) -> dict[str, Any]:
        return self.model_dump(exclude={"occurred_at"}, exclude_unset=True)


# Per-field bounds, tighter than the edge's ceilings (api/limits.py). They live here, on the
# request models, not on the domain's: events carry the domain's models, and an event the
# ledger accepted before a bound existed must still load.
PersonName = Annotated[str, Field(min_length=1, max_length=100)]
Code = Annotated[str, Field(min_length=1, max_length=64)]
Reference = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str, Field(min_length=1, max_length=4000)]


class CommandResponse(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    version: int
    position: int
    recorded_at: datetime


class DepartmentIn(CommandBody):
    code: str = Field(examples=["ZYKF"], description="Department code: capitals, digits, _")
    name: str = Field(min_length=1, max_length=100, examples=["资源开发处"])
    kind: DepartmentKind


class ResponsiblePersonsIn(CommandBody):
    responsible_person: str = Field(min_length=1, max_length=100)
    data_staff: list[PersonName] = Field(
        default_factory=list, max_length=200, description="数据工作人员 (Art. 38), at most 200"
    )


class FunctionChangeIn(CommandBody):
    description: str = Field(min_length=1, max_length=4000)


class LawChangeIn(CommandBody):
    title: str = Field(min_length=1, max_length=500)
    affected_departments: list[Code] = Field(min_length=1, max_length=200)


class PrincipalIn(CommandBody):
    name: str = Field(min_length=1, max_length=100)
    department: str
    role: Role


class ResourceIn(CommandBody, ResourceFields):
    """A catalog entry: every Art. 10 field plus the national guide's fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    data_items: tuple[DataItem, ...] = Field(
        min_length=1, max_length=500, description="信息项, at most 500"
    )
    related_codes: tuple[Code, ...] = Field(
        default=(), max_length=100, description="关联资源代码, at most 100"
    )

    def fields(self) -> ResourceFields:
        return ResourceFields.model_validate(self.model_dump(exclude={"occurred_at"}))


def optional_fields(model: type[BaseModel]) -> dict[str, Any]:
    """Every field of ``model`` for ``create_model``, optional and None unless sent."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        assert info.annotation is not None  # a model's fields are annotated
        fields[name] = (info.annotation | None, None)
    return fields


ResourceAmendmentIn = create_model(
    "ResourceAmendmentIn",
    __base__=CommandBody,
    __doc__="Any subset of a resource's fields; send If-Match with the version you read.",
    **{k: v for k, v in optional_fields(ResourceIn).items() if k != "occurred_at"},
)


class ReasonIn(CommandBody):
    reason: str = Field(min_length=1, max_length=4000)


class SubmissionIn(CommandBody):
    resource_ids: list[UUID] = Field(min_length=1, max_length=500)


class ReturnIn(CommandBody):
    reasons: list[Reason] = Field(min_length=1, max_length=50)


class EmptyCommand(CommandBody):
    pass


class UpdateApplicationIn(CommandBody):
    reason: str = Field(min_length=1, max_length=4000)
    trigger_id: UUID | None = Field(
        default=None, description="The law change or function change that obliges the update"
    )


class ConsistencyCheckIn(CommandBody):
    system_id: UUID | None = Field(default=None, description="The information system checked")
    year: int = Field(ge=2000, le=2100)
    differences: list[Difference] = Field(
        default_factory=list,
        max_length=500,
        description="What differs from the catalog; empty: consistent",
    )
