"""Requests for other departments' data, decided in the domain with no I/O (Art. 30)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.aggregate import Command
from domain.departments import Department, register_department
from domain.errors import Forbidden, RefusalWithoutReason
from domain.events import Actor, LedgerEvent
from domain.external_sharing import (
    ExternalRequest,
    ExternalResource,
    NotAnExternalDepartment,
    NotAwaitingTheOffice,
    NotAwaitingTheProvider,
    register_external_resource,
    request_external_data,
)
from domain.share_requests import Reply
from domain.vocabulary import DepartmentKind, ReplyDecision, Role, ShareRequestStatus, ShareType

NOW = datetime(2026, 1, 10, tzinfo=UTC)
OFFICE = Actor(person="李静", department="BGS", role=Role.OFFICE)
SCGL = Actor(person="高远", department="SCGL", role=Role.DEPARTMENT)
SGAT = Actor(person="王卫", department="SGAT", role=Role.EXTERNAL)
OTHER = Actor(person="赵", department="SWSJ", role=Role.EXTERNAL)


def cmd(actor: Actor) -> Command:
    return Command(actor=actor, occurred_at=NOW, command_id=uuid4().hex, now=NOW)


def department(code: str, kind: DepartmentKind) -> Department:
    state: Department = register_department(cmd(OFFICE), code, code, kind).mutate(None)
    return state


def external(share_type: ShareType) -> ExternalResource:
    event = register_external_resource(
        cmd(OFFICE),
        uuid4(),
        department("SGAT", DepartmentKind.EXTERNAL),
        "住宿登记",
        share_type,
        "",
        [],
    )
    resource: ExternalResource = event.mutate(None)
    return resource


def then(request: ExternalRequest, event: LedgerEvent) -> ExternalRequest:
    applied: ExternalRequest = event.mutate(request)
    return applied


def asked(share_type: ShareType) -> ExternalRequest:
    event = request_external_data(
        cmd(SCGL), uuid4(), external(share_type), "旅游安全监管", "入住人数"
    )
    request: ExternalRequest = event.mutate(None)
    return request


def test_only_an_external_department_provides_external_data__art30() -> None:
    with pytest.raises(NotAnExternalDepartment):
        register_external_resource(
            cmd(OFFICE),
            uuid4(),
            department("ZYKF", DepartmentKind.DIVISION),
            "名录",
            ShareType.CONDITIONAL,
            "",
            [],
        )


def test_a_request_awaits_the_office_then_the_provider__art30() -> None:
    request = asked(ShareType.CONDITIONAL)
    assert request.status is ShareRequestStatus.AWAITING_OFFICE
    with pytest.raises(NotAwaitingTheProvider):
        request.record_reply(cmd(SGAT), Reply(decision=ReplyDecision.APPROVE))
    request = then(request, request.forward(cmd(OFFICE)))
    assert request.status is ShareRequestStatus.PENDING
    with pytest.raises(NotAwaitingTheOffice):
        request.forward(cmd(OFFICE))
    with pytest.raises(Forbidden):
        request.record_reply(cmd(OTHER), Reply(decision=ReplyDecision.APPROVE))
    with pytest.raises(RefusalWithoutReason):
        request.record_reply(cmd(SGAT), Reply(decision=ReplyDecision.REFUSE))
    granted = then(
        request, request.record_reply(cmd(OFFICE), Reply(decision=ReplyDecision.APPROVE))
    )
    assert (granted.status, granted.granted_uses) == (ShareRequestStatus.GRANTED, ("旅游安全监管",))


def test_unconditional_external_data_is_obtained_when_forwarded__art30() -> None:
    request = asked(ShareType.UNCONDITIONAL)
    request = then(request, request.forward(cmd(OFFICE)))
    assert request.status is ShareRequestStatus.GRANTED
