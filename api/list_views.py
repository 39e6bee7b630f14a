"""Each listed object as its list item (api/list_models.py): a summary with codes, labels,
and an ``href`` that reads the whole object at the same instant."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from domain.aggregate import AggregateState
from domain.aggregation import AggregationReceipt
from domain.arrangements import TimeSensitiveArrangement
from domain.data_uses import DataUse
from domain.departments import Department
from domain.principals import Principal
from domain.share_requests import ShareRequest
from domain.systems import InformationSystem
from domain.usage_reports import UsageReport
from domain.verification import VerificationRequest
from projections.listings import Kind
from replays.asof import Instant

Item = Callable[[Any], dict[str, Any]]


def href(path: str, inst: Instant) -> str:
    """``path`` read at the instant: what a list showed is what the link opens."""
    query = urlencode({"at": inst.at.isoformat(), "known_at": inst.known_at.isoformat()})
    return f"{path}?{query}"


def item(kind: Kind[Any], state: AggregateState, position: int, inst: Instant) -> dict[str, Any]:
    """The fields every item has, and those of its kind."""
    key = state.code if isinstance(state, Department) else str(state.id)
    status = kind.status(state) if kind.status is not None else None
    return {
        "id": str(state.id),
        "href": href(f"/v1/{kind.name}/{key}", inst),
        "created_position": position,
        "version": state.version,
        "created_at": state.created_at,
        "status": status,
        "status_label": kind.status_label(state),
        **FIELDS[type(state)](state),
    }


def _share_request(r: ShareRequest) -> dict[str, Any]:
    return {
        "resource_id": str(r.resource_id),
        "resource_code": r.resource_code,
        "requester": r.requester,
        "provider": r.provider,
        "purpose": r.purpose,
        "channel": r.channel.value,
        "channel_label": r.channel.label,
        "share_type": r.share_type.value,
        "share_type_label": r.share_type.label,
        "replied_at": r.replied_at,
        "expires_at": r.expires_at,
    }


def _verification(v: VerificationRequest) -> dict[str, Any]:
    return {
        "resource_id": str(v.resource_id),
        "requester": v.requester,
        "provider": v.provider,
        "description": v.description,
        "answered_at": v.answered_at,
    }


def _data_use(u: DataUse) -> dict[str, Any]:
    return {
        "resource_id": str(u.resource_id),
        "share_request_id": str(u.share_request_id) if u.share_request_id else None,
        "arrangement_id": str(u.arrangement_id) if u.arrangement_id else None,
        "department": u.department,
        "provider": u.provider,
        "purpose": u.purpose,
        "user_person": u.user_person,
        "approver": u.approver,
        "obtained_at": u.obtained_at,
        "marks": [mark.value for mark in u.marks],
        "marks_labels": [mark.label for mark in u.marks],
    }


def _arrangement(a: TimeSensitiveArrangement) -> dict[str, Any]:
    return {
        "resource_id": str(a.resource_id),
        "requester": a.requester,
        "provider": a.provider,
        "method": a.method.value,
        "method_label": a.method.label,
        "valid_from": a.valid_from,
        "valid_to": a.valid_to,
    }


def _system(s: InformationSystem) -> dict[str, Any]:
    return {
        "department": s.department,
        "name": s.name,
        "build_status": s.status.value,
        "build_status_label": s.status.label,
        "classified": s.classified,
        "connected": s.connected,
    }


def _department(d: Department) -> dict[str, Any]:
    return {
        "code": d.code,
        "name": d.name,
        "kind": d.kind.value,
        "kind_label": d.kind.label,
        "responsible_person": d.responsible_person,
        "data_staff": list(d.data_staff),
    }


def _aggregation(r: AggregationReceipt) -> dict[str, Any]:
    return {
        "resource_id": str(r.resource_id),
        "system_id": str(r.system_id),
        "department": r.department,
        "record_count": r.record_count,
        "period_start": r.period_start,
        "period_end": r.period_end,
        "rejected_at": r.rejected_at,
    }


def _usage_report(r: UsageReport) -> dict[str, Any]:
    return {
        "department": r.department,
        "period_start": r.period_start,
        "period_end": r.period_end,
        "summary": r.summary,
    }


def _principal(p: Principal) -> dict[str, Any]:
    # Never the token's hash: it is the credential's fingerprint.
    return {
        "name": p.name,
        "department": p.department,
        "role": p.role.value,
        "role_label": p.role.label,
        "revoked_at": p.revoked_at,
    }


FIELDS: dict[type[Any], Item] = {
    ShareRequest: _share_request,
    VerificationRequest: _verification,
    DataUse: _data_use,
    TimeSensitiveArrangement: _arrangement,
    InformationSystem: _system,
    Department: _department,
    AggregationReceipt: _aggregation,
    UsageReport: _usage_report,
    Principal: _principal,
}


# Where the subject of each kind of obligation is read (projections/obligations.py says
# what each subject is). A catalog update's subject, a law or function change, has no page.
SUBJECT_PATHS = {
    "share_reply": "share-requests",
    "verification": "verification-requests",
    "aggregation": "resources",
    "rectification": "findings",
}
BY_DEPARTMENT = frozenset({"consistency_check", "usage_report"})  # subject: the department


def obligation_item(row: dict[str, Any], inst: Instant) -> dict[str, Any]:
    """A row of the deadline register with the address of what it is about."""
    kind = row["kind"]
    if kind in SUBJECT_PATHS:
        subject: str | None = href(f"/v1/{SUBJECT_PATHS[kind]}/{row['subject_id']}", inst)
    elif kind in BY_DEPARTMENT:
        subject = href(f"/v1/departments/{row['department']}", inst)
    else:
        subject = None
    return {**row, "subject_href": subject}
