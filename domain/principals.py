"""Principals: who may act, for which department, in which role, and since when.

Principals are event-sourced so that "who could do what, and since when" is on the
record. A token is never stored: its SHA-256 is, and the principal's id follows
from that hash, so a bearer token finds its principal in one lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Self
from uuid import UUID

from domain.aggregate import AggregateState, Command, natural_id
from domain.errors import Conflict, RuleViolation
from domain.events import LedgerEvent
from domain.vocabulary import DepartmentKind, Role

TOKEN_PREFIX = "lgr_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def principal_id_for_token(token: str) -> UUID:
    return natural_id("principal", token_hash(token))


class Principal(AggregateState):
    name: str
    department: str
    role: Role
    token_hash: str
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def revoke(self, cmd: Command, reason: str) -> PrincipalRevoked:
        """Its token stops working from the moment the revocation is recorded."""
        if not self.active:
            raise Conflict(f"principal {self.name} is already revoked")
        if not reason.strip():
            raise RuleViolation("a revocation states its reason", field="reason")
        return cmd.next_event(PrincipalRevoked, self, reason=reason.strip())

    def apply(self, event: LedgerEvent) -> Self:
        if isinstance(event, PrincipalRevoked):
            return self.model_copy(update={"revoked_at": event.occurred_at})
        return self


class PrincipalRegistered(LedgerEvent):
    name: str
    department: str
    role: Role
    token_hash: str

    def create(self) -> Principal:
        return Principal(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            name=self.name,
            department=self.department,
            role=self.role,
            token_hash=self.token_hash,
        )


class PrincipalRevoked(LedgerEvent):
    reason: str


# Who may act for which kind of department: a department outside the bureau (厅外政务部门)
# acts only through the external role, over the provincial channel (Art. 25); the bureau's
# own roles act only for the bureau's divisions and affiliated units.
ROLES_OF_KIND: dict[DepartmentKind, frozenset[Role]] = {
    DepartmentKind.EXTERNAL: frozenset({Role.EXTERNAL}),
    DepartmentKind.DIVISION: frozenset(Role) - {Role.EXTERNAL, Role.ADMIN},
    DepartmentKind.AFFILIATED_UNIT: frozenset(Role) - {Role.EXTERNAL, Role.ADMIN},
}


def check_role_fits(role: Role, department: str, kind: DepartmentKind) -> None:
    """A principal's role must be one its department's kind allows (ROLES_OF_KIND)."""
    if role not in ROLES_OF_KIND[kind]:
        allowed = ", ".join(sorted(r.value for r in ROLES_OF_KIND[kind]))
        msg = (
            f"{kind.label}{department}的人员不能担任{role.label} (a {kind.value} department's "
            f"principal takes one of: {allowed})"
        )
        raise RuleViolation(msg, field="role")


def register_principal(
    cmd: Command, token: str, name: str, department: str, role: Role
) -> PrincipalRegistered:
    if not name.strip():
        raise RuleViolation("a principal needs a name", field="name")
    digest = token_hash(token)
    return cmd.event(
        PrincipalRegistered,
        natural_id("principal", digest),
        1,
        name=name,
        department=department,
        role=role,
        token_hash=digest,
    )


class Initialisation(AggregateState):
    admin_principal_id: UUID


class LedgerInitialised(LedgerEvent):
    """Marks the one-time creation of the admin principal, so init stays idempotent."""

    admin_principal_id: UUID

    def create(self) -> Initialisation:
        return Initialisation(
            id=self.originator_id,
            version=self.originator_version,
            created_at=self.occurred_at,
            admin_principal_id=self.admin_principal_id,
        )


def initialisation_id() -> UUID:
    return natural_id("ledger", "initialised")


def initialise(cmd: Command, token: str) -> list[LedgerEvent]:
    admin = register_principal(cmd, token, cmd.actor.person, cmd.actor.department, Role.ADMIN)
    marker = cmd.event(
        LedgerInitialised, initialisation_id(), 1, admin_principal_id=admin.originator_id
    )
    return [marker, admin]
