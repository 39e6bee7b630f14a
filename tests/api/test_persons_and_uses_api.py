"""Persons by id, uses by what they rely on, consent to third parties, and old events
(Art. 25, 32, 36), over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import orjson
import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic
from fastapi.testclient import TestClient

from domain.arrangements import ArrangementAgreed, ArrangementStatus, TimeSensitiveArrangement
from domain.consistency import ConsistencyCheck, ConsistencyCheckRecorded
from domain.data_uses import DataUse, DataUseRecorded
from domain.ledger import Ledger
from domain.principals import Principal, PrincipalRegistered
from domain.vocabulary import DataUseMark
from tests.support.portal import Portal, created

REGISTERED = "2025-08-01T09:00:00+08:00"
CATALOGED = "2025-09-01T09:00:00+08:00"
ASKED = "2025-09-26T10:00:00+08:00"
AT = "2025-10-20T12:00:00+08:00"


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    portal = Portal(client, ledger)
    for code, name in (("BGS", "办公室"), ("ZYKF", "资源开发处"), ("SCGL", "市场管理处")):
        body = {"code": code, "name": name, "kind": "division", "occurred_at": REGISTERED}
        created(portal.post(portal.admin, "/v1/departments", body))
    portal.principal("李静", "BGS", "office")
    portal.principal("张立新", "BGS", "leading_group")
    portal.principal("孙悦", "ZYKF", "department")
    portal.principal("高远", "SCGL", "department")
    return portal


def person(portal: Portal, who: str, name: str, department: str, **fields: Any) -> str:
    body = {"name": name, "department": department, "title": "科员", **fields}
    return str(created(portal.post(portal.tokens[who], "/v1/persons", body))["id"])


def resource(portal: Portal, **overrides: Any) -> str:
    return portal.in_catalog(
        portal.tokens["孙悦"], portal.tokens["李静"], "ZYKF", occurred_at=CATALOGED, **overrides
    )


def granted(portal: Portal, resource_id: str) -> str:
    request = created(portal.request_share(portal.tokens["高远"], resource_id, occurred_at=ASKED))
    body = {"decision": "approve", "granted_uses": ["行业监管", "统计分析"]}
    path = f"/v1/share-requests/{request['id']}/reply"
    created(portal.post(portal.tokens["孙悦"], path, {**body, "occurred_at": ASKED}))
    return str(request["id"])


def use_body(resource_id: str, request_id: str | None, **fields: Any) -> dict[str, Any]:
    return {
        "share_request_id": request_id,
        "resource_id": resource_id,
        "purpose": "统计分析（季度）",
        "data_content": "名称、等级",
        "obtained_at": "2025-10-10T09:30:00+08:00",
        "method": "api",
        "medium": "network",
        **fields,
    }


def test_two_people_of_one_name_are_two_persons__art36(portal: Portal) -> None:
    first = person(portal, "高远", "张立新", "SCGL")
    second = person(portal, "李静", "张立新", "SCGL", title="副处长")
    assert first != second
    listed = portal.get(portal.tokens["孙悦"], "/v1/persons", name="张立新")
    assert listed.status_code == 200, listed.text
    assert sorted(p["id"] for p in listed.json()["items"]) == sorted([first, second])
    one = portal.get(portal.tokens["孙悦"], f"/v1/persons/{second}").json()
    assert (one["name"], one["department"], one["title"]) == ("张立新", "SCGL", "副处长")
    # A department registers its own people only; a blank name is refused.
    assert (
        portal.post(
            portal.tokens["高远"], "/v1/persons", {"name": "王", "department": "ZYKF"}
        ).status_code
        == 403
    )
    blank = portal.post(portal.tokens["高远"], "/v1/persons", {"name": "  ", "department": "SCGL"})
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "name"
    unknown = portal.get(portal.tokens["孙悦"], f"/v1/persons/{uuid4()}")
    assert unknown.status_code == 404


def test_a_principal_acts_for_a_registered_person_of_its_department(portal: Portal) -> None:
    zhang = person(portal, "高远", "张立新", "SCGL")
    body = {"name": "张立新", "department": "SCGL", "role": "department", "person_id": zhang}
    answer = created(portal.post(portal.admin, "/v1/principals", body))
    principal = portal.ledger.get(UUID(answer["id"]), Principal)
    assert principal.person_id == UUID(zhang)
    wrong = portal.post(portal.admin, "/v1/principals", {**body, "department": "ZYKF"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "person_id"


def test_a_use_names_user_and_approver_by_id_of_the_using_department__art36(
    portal: Portal,
) -> None:
    resource_id = resource(portal)
    request_id = granted(portal, resource_id)
    user = person(portal, "高远", "何佳", "SCGL")
    approver = person(portal, "高远", "林国栋", "SCGL", title="处长")
    outsider = person(portal, "孙悦", "孙悦", "ZYKF")
    body = use_body(resource_id, request_id, user_person_id=user, approver_person_id=approver)
    answer = created(portal.post(portal.tokens["高远"], "/v1/data-uses", body))
    # "统计分析（季度）" serves the granted use 统计分析 (Art. 32), so nothing is marked.
    assert answer["marks"] == []
    use = portal.ledger.get(UUID(answer["id"]), DataUse)
    assert (use.user_person, use.approver, use.purpose_code) == ("何佳", "林国栋", "统计分析")
    before = portal.position()
    for fields, field in (
        ({"user_person_id": outsider, "approver_person_id": approver}, "user_person_id"),
        ({"user_person_id": user, "approver_person_id": str(uuid4())}, "approver_person_id"),
        ({"user_person_id": user, "approver": " "}, "approver"),
        ({"user_person_id": user}, "approver_person_id"),
        (
            {"user_person_id": user, "approver_person_id": approver, "purpose_code": "x" * 201},
            "purpose_code",
        ),
    ):
        refused = portal.post(
            portal.tokens["高远"], "/v1/data-uses", use_body(resource_id, request_id, **fields)
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == field
    assert portal.position() == before
    # A purpose code outside the granted uses is recorded and marked.
    other = use_body(
        resource_id,
        request_id,
        user_person_id=user,
        approver_person_id=approver,
        purpose_code="对外发布",
    )
    assert created(portal.post(portal.tokens["高远"], "/v1/data-uses", other))["marks"] == [
        "purpose_not_granted"
    ]


def test_self_approval_is_marked_and_not_counted_as_a_violation__art36(portal: Portal) -> None:
    resource_id = resource(portal)
    request_id = granted(portal, resource_id)
    user = person(portal, "高远", "何佳", "SCGL")
    body = use_body(
        resource_id,
        request_id,
        user_person_id=user,
        approver_person_id=user,
        occurred_at="2025-10-10T10:00:00+08:00",
    )
    answer = created(portal.post(portal.tokens["高远"], "/v1/data-uses", body))
    assert (answer["marks"], answer["violation"]) == (["self_approved"], False)
    grid = portal.get(portal.tokens["张立新"], "/v1/supervision/violations", at=AT).json()
    [scgl] = [d for d in grid["departments"] if d["department"] == "SCGL"]
    assert scgl["counts"]["V09"]["detected"] == 0


def test_provider_consent_lifts_the_third_party_mark_from_then__art32(portal: Portal) -> None:
    resource_id = resource(portal)
    request_id = granted(portal, resource_id)
    user = person(portal, "高远", "何佳", "SCGL")
    approver = person(portal, "高远", "林国栋", "SCGL")
    body = use_body(
        resource_id,
        request_id,
        user_person_id=user,
        approver_person_id=approver,
        recipient="吉林省旅游行业协会",
        occurred_at="2025-10-10T10:00:00+08:00",
    )
    use_id = created(portal.post(portal.tokens["高远"], "/v1/data-uses", body))["id"]

    def v09(at: str) -> int:
        grid = portal.get(portal.tokens["张立新"], "/v1/supervision/violations", at=at).json()
        [scgl] = [d for d in grid["departments"] if d["department"] == "SCGL"]
        return int(scgl["counts"]["V09"]["detected"])

    assert v09(AT) == 1
    path = f"/v1/data-uses/{use_id}/third-party-consent"
    consent = {
        "recipient": "吉林省旅游行业协会",
        "reason": "经协商同意用于行业统计",
        "occurred_at": "2025-10-15T10:00:00+08:00",
    }
    # Only the provider consents, to the recipient the use names.
    assert portal.post(portal.tokens["高远"], path, consent).status_code == 403
    other = portal.post(portal.tokens["孙悦"], path, {**consent, "recipient": "某公司"})
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "recipient"
    answer = created(portal.post(portal.tokens["孙悦"], path, consent))
    assert answer["marks"] == [] and answer["version"] == 2
    state = portal.get(portal.tokens["高远"], f"/v1/data-uses/{use_id}", at=AT).json()
    assert state["third_party_consent"]["reason"] == "经协商同意用于行业统计"
    assert (v09("2025-10-12T12:00:00+08:00"), v09(AT)) == (1, 0)
    assert portal.post(portal.tokens["孙悦"], path, consent).status_code == 409


def test_unconditional_catalog_data_is_obtained_directly_without_a_request__art25(
    portal: Portal,
) -> None:
    unconditional = resource(portal, share_type="unconditional", share_conditions=None)
    conditional = resource(portal)
    user = person(portal, "高远", "何佳", "SCGL")
    approver = person(portal, "高远", "林国栋", "SCGL")
    people = {"user_person_id": user, "approver_person_id": approver}
    direct = created(
        portal.post(portal.tokens["高远"], "/v1/data-uses", use_body(unconditional, None, **people))
    )
    assert direct["marks"] == []
    use = portal.ledger.get(UUID(direct["id"]), DataUse)
    assert use.share_request_id is None and use.arrangement_id is None
    assert all(
        getattr(use, f)
        for f in (
            "purpose",
            "user_person",
            "approver",
            "data_content",
            "obtained_at",
            "method",
            "medium",
        )
    )
    # Conditional data needs its grant: without one the use is marked (Art. 26, V09).
    no_basis = created(
        portal.post(portal.tokens["高远"], "/v1/data-uses", use_body(conditional, None, **people))
    )
    assert no_basis["marks"] == ["no_grant"]


def insert_old(ledger: Ledger, cls: type[Any], originator_id: UUID, state: dict[str, Any]) -> None:
    """An event exactly as the previous build stored it: version 1, no class_version."""
    stored = StoredEvent(originator_id, 1, get_topic(cls), orjson.dumps(state))
    ledger.recorder.insert_events([stored])


ACTOR = {"person": "高远", "department": "SCGL", "role": "department"}
BASE = {
    "timestamp": "2025-10-10T02:00:00+00:00",
    "occurred_at": "2025-10-10T02:00:00+00:00",
    "actor": ACTOR,
    "command_id": "old",
}


def test_events_written_by_the_previous_build_still_load(portal: Portal, ledger: Ledger) -> None:
    resource_id = resource(portal)
    use_id, principal_id, arrangement_id = uuid4(), uuid4(), uuid4()
    insert_old(
        ledger,
        DataUseRecorded,
        use_id,
        {
            **BASE,
            "share_request_id": None,
            "arrangement_id": None,
            "resource_id": resource_id,
            "purpose": "对外发布",
            "user_person": "张立新",
            "approver": "张立新",
            "data_content": "名称",
            "obtained_at": "2025-10-10T01:00:00+00:00",
            "method": "file",
            "medium": "mobile_storage",
            "recipient": "某公司",
            "department": "SCGL",
            "provider": "ZYKF",
            "marks": ["no_grant", "third_party"],
        },
    )
    insert_old(
        ledger,
        PrincipalRegistered,
        principal_id,
        {
            **BASE,
            "name": "旧账号",
            "department": "SCGL",
            "role": "department",
            "token_hash": "00",
        },
    )
    insert_old(
        ledger,
        ArrangementAgreed,
        arrangement_id,
        {
            **BASE,
            "resource_id": resource_id,
            "provider": "ZYKF",
            "requester": "SCGL",
            "method": "file",
            "valid_from": "2025-10-01T00:00:00+08:00",
            "valid_to": "2026-10-01T00:00:00+08:00",
        },
    )
    check_id = uuid4()
    insert_old(
        ledger,
        ConsistencyCheckRecorded,
        check_id,
        {**BASE, "department": "BGS", "system_id": None, "year": 2025, "differences": []},
    )
    old_check = ledger.get(check_id, ConsistencyCheck)
    assert (old_check.system_department, old_check.recommendations) == (None, ())
    old_use = ledger.get(use_id, DataUse)
    assert (old_use.user_person, old_use.user_person_id, old_use.purpose_code) == (
        "张立新",
        None,
        None,
    )
    assert old_use.marks == (DataUseMark.NO_GRANT, DataUseMark.THIRD_PARTY_WITHOUT_CONSENT)
    assert ledger.get(principal_id, Principal).person_id is None
    one_sided = ledger.get(arrangement_id, TimeSensitiveArrangement)
    assert one_sided.status is ArrangementStatus.UNILATERAL and not one_sided.in_force(
        one_sided.valid_from
    )
    # Over HTTP the old use reads, and a new use under the one-sided arrangement has no grant.
    assert portal.get(portal.tokens["高远"], f"/v1/data-uses/{use_id}").status_code == 200
    body = use_body(
        resource_id,
        None,
        arrangement_id=str(arrangement_id),
        user_person="何佳",
        approver="林国栋",
        obtained_at="2025-10-11T09:00:00+08:00",
        occurred_at="2025-10-11T10:00:00+08:00",
    )
    assert created(portal.post(portal.tokens["高远"], "/v1/data-uses", body))["marks"] == [
        "no_grant"
    ]
    grid = portal.get(portal.tokens["张立新"], "/v1/supervision/violations", at=AT)
    assert grid.status_code == 200
    [scgl] = [d for d in grid.json()["departments"] if d["department"] == "SCGL"]
    assert scgl["counts"]["V09"]["detected"] == 2
