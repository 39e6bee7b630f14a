"""What can be listed: each kind of object, how one is folded, who may read it, its status.

One declaration per kind serves both reading one object and listing many, so a department
lists exactly what it may read: ``parties`` names the departments an object concerns (the
overseers read every department's), or is None where every signed-in reader may read it.
``party_fields`` are the same departments as the creating event's payload names them: a
list skips, before folding, the objects that cannot concern the department asked about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

from domain.aggregate import AggregateState
from domain.aggregation import AggregationReceipt, AggregationReceived
from domain.arrangements import ArrangementAgreed, TimeSensitiveArrangement
from domain.data_uses import DataUse, DataUseRecorded
from domain.departments import (
    Department,
    DepartmentDissolvedEvent,
    DepartmentRegistered,
    ResponsiblePersonsDesignated,
)
from domain.events import LedgerEvent
from domain.principals import Principal, PrincipalRegistered, PrincipalRevoked
from domain.share_requests import ShareRequest, ShareRequested
from domain.systems import InformationSystem, SystemRegistered
from domain.usage_reports import UsageReport, UsageReported
from domain.verification import VerificationRequest, VerificationRequested
from domain.vocabulary import ShareRequestStatus, VerificationOutcome
from projections.objects import (
    OneAggregation,
    OneSystem,
    OneUsageReport,
    OneVerificationRequest,
)
from projections.sharing import OneArrangement, OneDataUse, OneObject, OneShareRequest

T = TypeVar("T", bound=AggregateState)


class OneDepartment(OneObject[Department]):
    state_type = Department | None

    def __init__(self, department_id: UUID) -> None:
        super().__init__(
            department_id,
            "department",
            DepartmentRegistered,
            ResponsiblePersonsDesignated,
            DepartmentDissolvedEvent,
        )


class OnePrincipal(OneObject[Principal]):
    state_type = Principal | None

    def __init__(self, principal_id: UUID) -> None:
        super().__init__(principal_id, "principal", PrincipalRegistered, PrincipalRevoked)


@dataclass(frozen=True)
class Kind(Generic[T]):
    """A kind of object as a list shows it.

    ``sides`` are the roles a department plays in it (``provider``, ``requester``), each
    read from the object, for a department's inbox and outbox; ``statuses`` the codes the
    ``status`` filter takes, with their labels (None: the kind has no status to filter by)."""

    name: str  # as in the path: share-requests
    what: str  # as a refusal names it
    fold: Callable[[UUID], OneObject[T]]
    created_by: tuple[type[LedgerEvent], ...]
    parties: Callable[[T], tuple[str, ...]] | None
    party_fields: tuple[str, ...] = ()
    status: Callable[[T], str] | None = None
    statuses: dict[str, str] | None = None  # code → 中文 label
    sides: dict[str, Callable[[T], str]] | None = None

    @property
    def event_types(self) -> tuple[str, ...]:
        """How the forensic read model names the creating events."""
        return tuple(cls.__name__ for cls in self.created_by)

    def concerns(self, payload: dict[str, Any], department: str) -> bool:
        """Whether the creating event's payload names ``department`` as a party."""
        return any(payload.get(name) == department for name in self.party_fields)

    def status_label(self, state: T) -> str | None:
        if self.status is None or self.statuses is None:
            return None
        return self.statuses[self.status(state)]


def _system_status(system: InformationSystem) -> str:
    if system.retired_at is not None:
        return "retired"
    if system.trial_started_at is not None:
        return "trial_operation"
    if system.connected_at is not None:
        return "connected"
    if system.project_approved_at is not None:
        return "project_approved"
    return "registered"


SHARE_REQUESTS: Kind[ShareRequest] = Kind(
    "share-requests",
    "share request",
    OneShareRequest,
    (ShareRequested,),
    parties=lambda r: (r.requester, r.provider),
    party_fields=("requester", "provider"),
    status=lambda r: r.status.value,
    statuses=ShareRequestStatus.labels(),
    sides={"provider": lambda r: r.provider, "requester": lambda r: r.requester},
)
VERIFICATION_REQUESTS: Kind[VerificationRequest] = Kind(
    "verification-requests",
    "verification request",
    OneVerificationRequest,
    (VerificationRequested,),
    parties=lambda v: (v.requester, v.provider),
    party_fields=("requester", "provider"),
    status=lambda v: v.status,
    statuses={"pending": "待校核", **VerificationOutcome.labels()},
    sides={"provider": lambda v: v.provider, "requester": lambda v: v.requester},
)
DATA_USES: Kind[DataUse] = Kind(
    "data-uses",
    "data use",
    OneDataUse,
    (DataUseRecorded,),
    parties=lambda u: (u.department, u.provider),
    party_fields=("department", "provider"),
    status=lambda u: "marked" if u.marks else "clean",
    statuses={"clean": "合规", "marked": "有违规标记"},
)
ARRANGEMENTS: Kind[TimeSensitiveArrangement] = Kind(
    "time-sensitive-arrangements",
    "arrangement",
    OneArrangement,
    (ArrangementAgreed,),
    parties=lambda a: (a.requester, a.provider),
    party_fields=("requester", "provider"),
    sides={"provider": lambda a: a.provider, "requester": lambda a: a.requester},
)
SYSTEMS: Kind[InformationSystem] = Kind(
    "systems",
    "information system",
    OneSystem,
    (SystemRegistered,),
    parties=None,  # the systems and their owners are known to every reader (Art. 19-20)
    party_fields=("department",),
    status=_system_status,
    statuses={
        "registered": "已登记",
        "project_approved": "已立项审批",
        "connected": "已接入厅共享系统",
        "trial_operation": "已试运行",
        "retired": "已停用",
    },
)
DEPARTMENTS: Kind[Department] = Kind(
    "departments",
    "department",
    OneDepartment,
    (DepartmentRegistered,),
    parties=None,  # who takes part in sharing is known to every reader
    party_fields=("code",),
    status=lambda d: "dissolved" if d.dissolved else "active",
    statuses={"active": "存续", "dissolved": "已撤销"},
)
AGGREGATIONS: Kind[AggregationReceipt] = Kind(
    "aggregations",
    "aggregation receipt",
    OneAggregation,
    (AggregationReceived,),
    parties=lambda r: (r.department,),
    party_fields=("department",),
    status=lambda r: r.status,
    statuses={"received": "已接收", "rejected": "已退回"},
)
USAGE_REPORTS: Kind[UsageReport] = Kind(
    "usage-reports",
    "usage report",
    OneUsageReport,
    (UsageReported,),
    parties=lambda r: (r.department,),
    party_fields=("department",),
)
PRINCIPALS: Kind[Principal] = Kind(
    "principals",
    "principal",
    OnePrincipal,
    (PrincipalRegistered,),
    parties=lambda p: (p.department,),  # the route admits the admin only
    party_fields=("department",),
    status=lambda p: "active" if p.active else "revoked",
    statuses={"active": "有效", "revoked": "已吊销"},
)

KINDS: tuple[Kind[Any], ...] = (
    SHARE_REQUESTS,
    VERIFICATION_REQUESTS,
    DATA_USES,
    ARRANGEMENTS,
    SYSTEMS,
    DEPARTMENTS,
    AGGREGATIONS,
    USAGE_REPORTS,
    PRINCIPALS,
)
