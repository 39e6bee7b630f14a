"""Who is calling, and may they: bearer tokens and role requirements as dependencies.

A missing or unknown token is 401; a known principal outside the roles a route
allows is 403. Object-level checks on commands (another department's object) are
domain rules; on reads, ``may_see`` decides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, ClassVar, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from domain.aggregate import AggregateState
from domain.errors import Forbidden, LedgerError
from domain.events import Actor
from domain.ledger import Ledger
from domain.principals import Principal
from domain.vocabulary import Role
from projections.listings import Kind

T = TypeVar("T", bound=AggregateState)

bearer = HTTPBearer(
    auto_error=False, description="A token from `ledger init` or `ledger principals add`"
)


class Unauthenticated(LedgerError):
    status = 401
    title = "Unauthenticated"
    title_zh = "未认证"
    # RFC 9110 §11.6.1: a 401 says how to authenticate.
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": 'Bearer realm="ledger"'}


# Who reads every department's objects and reports, besides the departments they concern
# (docs/DOMAIN.md, roles): the office reviews catalogs and mediates requests (Art. 10-13, 30); the
# information center runs the sharing system every request, receipt and use passes through
# (Art. 18); the leading group supervises (Art. 39); the auditor reads everything; the admin
# administers the ledger. A department reads its own objects and those it is a party to.
OVERSIGHT = frozenset({Role.ADMIN, Role.OFFICE, Role.INFO_CENTER, Role.LEADING_GROUP, Role.AUDITOR})


def may_see(principal: Principal, *departments: str) -> bool:
    """An object concerning ``departments`` is shown to them and to the oversight roles."""
    return principal.role in OVERSIGHT or principal.department in departments


def readable(principal: Principal, kind: Kind[T]) -> Callable[[T], bool]:
    """Whether the principal may read an object of ``kind``: the one rule for reading one
    object and for listing many."""
    parties = kind.parties
    if parties is None:
        return lambda _: True
    return lambda state: may_see(principal, *parties(state))


def ledger_of(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.ledger
    return ledger


def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("send Authorization: Bearer <token>")
    return principal_of_token(ledger_of(request), credentials.credentials)


def principal_of_token(ledger: Ledger, token: str) -> Principal:
    """Who holds ``token``: 401 when nobody (or a revoked principal), 403 for a dissolved
    department's. The command line's ``--token`` is checked the same way."""
    standing = ledger.standing()  # one read for the principal and its department
    principal = standing.principal(token)
    if principal is None or not principal.active:
        raise Unauthenticated("the token is not valid")
    if standing.is_dissolved(principal.department):
        # Once a department is dissolved its people may no longer act for it, though who
        # they were and what they did stays on the record.
        msg = f"department {principal.department} is dissolved; its principals may not act"
        raise Forbidden(msg)
    return principal


def actor_of(principal: Principal) -> Actor:
    return Actor(person=principal.name, department=principal.department, role=principal.role)


class RoleCheck:
    """The dependency admitting only principals in one of ``roles``. FastAPI awaits it on
    the event loop: it reads nothing, and a plain function dependency would be run on the
    thread pool, a hand-off to another thread and back on every request (a tenth of a
    command's time). ``admit`` is the same check as a plain call (the console applies it
    to its session's principal)."""

    def __init__(self, roles: tuple[Role, ...]) -> None:
        self.roles = roles

    async def __call__(
        self, principal: Annotated[Principal, Depends(current_principal)]
    ) -> Principal:
        return self.admit(principal)

    def admit(self, principal: Principal) -> Principal:
        return in_role(principal, *self.roles)


def require(*roles: Role) -> RoleCheck:
    return RoleCheck(roles)


Authenticated = Annotated[Principal, Depends(current_principal)]


def in_role(principal: Principal, *roles: Role) -> Principal:
    """``principal``, if it holds one of ``roles``; else 403 naming those it needs."""
    if principal.role not in roles:
        names = ", ".join(sorted(role.value for role in roles))
        msg = f"role {principal.role.value} may not do this; it needs one of: {names}"
        raise Forbidden(msg)
    return principal
