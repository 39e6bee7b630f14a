"""The menu: a page is offered to whom the API route it stands on admits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request

from api.routes import deadlines, forensics, ledger, resources, supervision
from console.bridge import admits
from domain.principals import Principal

PAGES: list[tuple[str, str, Callable[..., Any]]] = [
    ("/supervision", "监督总览", supervision.read_violations),
    ("/deadlines", "期限", deadlines.read_deadlines),
    ("/findings", "发现与整改", supervision.read_violations),
    ("/workbench", "部门工作台", resources.catalog_resource),
    ("/audit", "审计", forensics.resource_history),
    ("/ledger", "账本", ledger.head),
]


def menu(request: Request, principal: Principal) -> list[dict[str, Any]]:
    here = request.url.path
    return [
        {"path": path, "label": label, "current": here.startswith(path)}
        for path, label, route in PAGES
        if admits(route, principal)
    ]
