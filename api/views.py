"""How objects are shown in reports: plain JSON with codes and their 中文 labels."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from domain.data_uses import DataUse
from domain.resources import Resource, ResourceFields
from domain.share_requests import ShareRequest
from domain.vocabulary import Labeled


def labelled(model: BaseModel) -> dict[str, Any]:
    """The model as JSON, plus ``<field>_label`` for every coded value."""
    data = model.model_dump(mode="json")
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, Labeled):
            data[f"{name}_label"] = value.label
    return data


def approved(resource: Resource) -> ResourceFields:
    """The fields of an entry in the unified catalog, as the office approved them (Art. 11)."""
    assert resource.approved_fields is not None, "only approved entries are in the catalog"
    return resource.approved_fields


def known_fields(resource: Resource) -> ResourceFields:
    """The fields a reader who may see the resource knows it by: as approved, else (a draft,
    seen by its department and overseers) as cataloged."""
    return resource.approved_fields or resource.fields


def catalog_entry(resource: Resource) -> dict[str, Any]:
    return {
        "id": str(resource.id),
        **labelled(approved(resource)),
        "approved_at": resource.approved_at.isoformat() if resource.approved_at else None,
        "status": resource.status,
    }


def resource_view(resource: Resource) -> dict[str, Any]:
    return {
        "id": str(resource.id),
        "version": resource.version,
        "status": resource.status,
        "in_catalog": resource.in_catalog,
        **labelled(resource.fields),
        "approved": labelled(resource.approved_fields) if resource.approved_fields else None,
        "approved_at": resource.approved_at.isoformat() if resource.approved_at else None,
        "approved_by_submission": (
            str(resource.approved_by_submission) if resource.approved_by_submission else None
        ),
        "retired_at": resource.retired_at.isoformat() if resource.retired_at else None,
        "retirement_reason": resource.retirement_reason,
        "created_at": resource.created_at.isoformat(),
    }


def share_request_view(request: ShareRequest) -> dict[str, Any]:
    data = labelled(request)
    data.pop("last_occurred_at")
    if request.coordination is not None:
        data["coordination"]["decision_label"] = request.coordination.decision.label
    return data


def data_use_view(use: DataUse) -> dict[str, Any]:
    return {**labelled(use), "marks_labels": [mark.label for mark in use.marks]}
