"""The console calls the API's own route functions, behind the API's own guards.

Each page reads or commands through the very function that answers the same URL under
``/v1``: the role a route declares (``Depends(require(...))`` on its ``principal``) is read
from that route and applied to the session's principal, so the console cannot admit
anyone the API would refuse, and no rule or report is written twice.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cache
from typing import Any, get_args

import orjson
from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.auth import RoleCheck, current_principal
from domain.errors import Forbidden
from domain.principals import Principal

Guard = Callable[[Principal], Principal]


@cache
def principal_parameter(endpoint: Callable[..., Any]) -> tuple[str, Guard | None]:
    """The route's principal parameter and the role check it declares (None: any principal)."""
    for name, parameter in inspect.signature(endpoint, eval_str=True).parameters.items():
        args = get_args(parameter.annotation)
        if not args or args[0] is not Principal:
            continue
        for meta in args[1:]:
            dependency = getattr(meta, "dependency", None)
            if dependency is not None and dependency is not current_principal:
                guard: Guard = (
                    dependency.admit if isinstance(dependency, RoleCheck) else dependency
                )
                return name, guard
        return name, None
    msg = f"{endpoint.__name__} takes no principal"
    raise TypeError(msg)


def guard_of(endpoint: Callable[..., Any]) -> Guard | None:
    return principal_parameter(endpoint)[1]


def enforce(endpoint: Callable[..., Any], principal: Principal) -> None:
    """Refuse (403) whom the route refuses, before a page shows anything of it."""
    guard = guard_of(endpoint)
    if guard is not None:
        guard(principal)


def admits(endpoint: Callable[..., Any], principal: Principal) -> bool:
    guard = guard_of(endpoint)
    if guard is None:
        return True
    try:
        guard(principal)
    except Forbidden:
        return False
    return True


def call(
    endpoint: Callable[..., Any],
    request: Request,
    principal: Principal,
    *,
    raw: bool = False,
    **arguments: Any,
) -> Any:
    """The route's answer as data (``raw``: as it answered): its guard first (403), then the
    route itself."""
    name, guard = principal_parameter(endpoint)
    if guard is not None:
        guard(principal)
    answer = endpoint(request=request, **{name: principal}, **arguments)
    if raw:
        return answer
    # Whether a route answers a model, a dict or a response, a page reads plain JSON data,
    # as a client of /v1 would.
    if isinstance(answer, Response):
        return orjson.loads(bytes(answer.body))
    if isinstance(answer, BaseModel):
        return answer.model_dump(mode="json")
    return answer
