"""A data resource as officials name it: by its catalog code (信息资源代码) or its name,
picked from those a principal may see, never by its id — the 审计 page's resource history
and the workbench's data-use form both ask for one this way."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from fastapi import Request

from api.routes import resources as resource_routes
from api.views import known_fields
from domain.errors import RuleViolation
from domain.principals import Principal
from domain.resources import Resource
from replays.asof import Instant


def visible_resources(request: Request, principal: Principal, inst: Instant) -> list[Resource]:
    """The resources the principal may see at the instant, by code: drafts and retired
    entries too (a history outlives a resource's time in the catalog), as the API's
    resource routes fold the catalog and decide who may read each."""
    state, _ = resource_routes.catalog_at(request, inst)
    may_see = resource_routes.may_see_resource
    visible = (r for r in state.resources.values() if may_see(principal, r))
    return sorted(visible, key=lambda r: known_fields(r).code)


def resource_named(
    typed: str, resources: Iterable[Resource], field: str
) -> tuple[UUID, Resource | None]:
    """The id of the resource ``typed`` names, and the resource where it is listed: its id,
    else its exact code, else a name one resource alone bears. An id is taken as it is (the
    route asked decides whether it may be read); none found, or several, is refused at
    ``field``."""
    listed = list(resources)
    try:
        resource_id = UUID(typed)
    except ValueError:
        pass
    else:
        return resource_id, next((r for r in listed if r.id == resource_id), None)
    for what, key in (("信息资源代码", "code"), ("名称", "name")):
        found = [r for r in listed if getattr(known_fields(r), key) == typed]
        if len(found) == 1:
            return found[0].id, found[0]
        if found:
            raise RuleViolation(
                f"{len(found)} resources have the {key} {typed!r}: pick one by its code",
                field=field,
                zh=f"有 {len(found)} 个数据资源的{what}为“{typed}”，"
                "请从列表中按信息资源代码选择其一",
            )
    raise RuleViolation(
        f"no resource has the code or name {typed!r}: pick one from the list",
        field=field,
        zh=f"未找到信息资源代码或名称为“{typed}”的数据资源，请从列表中选择",
    )
