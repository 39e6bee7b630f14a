"""How objects are shown in reports: plain JSON with codes and their 中文 labels."""

from __future__ import annotations

from typing import Any

from domain.resources import Resource, ResourceFields
from domain.vocabulary import Labeled


def labelled(fields: ResourceFields) -> dict[str, Any]:
    """The fields as sent, plus ``<field>_label`` for every coded value."""
    data = fields.model_dump(mode="json")
    for name in type(fields).model_fields:
        value = getattr(fields, name)
        if isinstance(value, Labeled):
            data[f"{name}_label"] = value.label
    return data


def catalog_entry(resource: Resource) -> dict[str, Any]:
    assert resource.approved_fields is not None
    return {
        "id": str(resource.id),
        **labelled(resource.approved_fields),
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
