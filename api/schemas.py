"""Response models for what the ledger shows, derived from the domain's own state models, so
a report's shape cannot drift from the facts it folds: every field of the state, and beside
each coded value its 中文 label (``<field>_label``), computed here for every level."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from domain.vocabulary import Labeled


class ReportFields(BaseModel):
    """What every report and every object read at an instant answers with."""

    at: datetime = Field(description="业务时点（北京时间）", examples=["2025-12-31T23:59:59+08:00"])
    known_at: datetime = Field(
        description="账本记录时点：报告反映账本在此时所知", examples=["2026-01-05T09:00:00+08:00"]
    )
    position: int = Field(description="报告包含的最后一个事件的位置", examples=[1234])


class Shown(BaseModel):
    """A state as shown: unknown keys are dropped, every coded value gains its label."""

    model_config = ConfigDict(extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _labels(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        filled = dict(data)
        for name in cls.model_fields:
            if name.endswith("_label") or name.endswith("_labels"):
                continue
            target = f"{name}_label" if f"{name}_label" in cls.model_fields else None
            many = f"{name}_labels" if f"{name}_labels" in cls.model_fields else None
            value = filled.get(name)
            if target and target not in filled:
                filled[target] = _label(cls, name, value)
            if many and many not in filled and isinstance(value, list | tuple):
                filled[many] = [_label(cls, name, item) for item in value]
        return filled


def _label(model: type[Shown], name: str, value: Any) -> str | None:
    vocabulary = _vocabulary(model.model_fields[name].annotation)
    if vocabulary is None or value is None:
        return None
    return next((member.label for member in vocabulary if member.value == str(value)), None)


def _vocabulary(annotation: Any) -> type[Labeled] | None:
    if isinstance(annotation, type) and issubclass(annotation, Labeled):
        return annotation
    for arg in get_args(annotation):
        found = _vocabulary(arg)
        if found is not None:
            return found
    return None


def _is_many(annotation: Any) -> bool:
    return get_origin(annotation) in (list, tuple, set, frozenset)


def _shown_type(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return shown(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is None or not args:
        return annotation
    replaced = tuple(_shown_type(arg) for arg in args)
    if origin in (Union, UnionType):
        return Union[replaced]  # noqa: UP007  (built from a tuple of types)
    if origin is tuple:
        return tuple[replaced]  # type: ignore[valid-type]
    return origin[replaced]


@cache
def shown(state: type[BaseModel], *, drop: frozenset[str] = frozenset()) -> type[Shown]:
    """``state`` as it is shown: its fields (less ``drop``), nested models shown alike, and a
    ``<field>_label`` (or ``_labels``) beside each coded value."""
    fields: dict[str, Any] = {}
    for name, info in state.model_fields.items():
        if name in drop:
            continue
        annotation = _shown_type(info.annotation)
        fields[name] = (annotation, Field(default=None, description=info.description))
        if _vocabulary(info.annotation) is not None:
            suffix = "_labels" if _is_many(info.annotation) else "_label"
            label: Any = list[str | None] if suffix == "_labels" else str | None
            fields[f"{name}{suffix}"] = (label, Field(default=None))
    return create_model(f"{state.__name__}Shown", __base__=Shown, **fields)


def object_out(
    name: str, state: type[BaseModel], *, drop: frozenset[str] = frozenset(), **extra: Any
) -> type[BaseModel]:
    """The answer of ``GET …/{id}``: the report fields and the object as shown, plus
    ``extra`` fields the route adds (``name=(type, Field(...))``)."""
    return create_model(name, __base__=(ReportFields, shown(state, drop=drop)), **extra)
