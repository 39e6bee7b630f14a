"""Verification, multi-source conflicts and unique sources over HTTP, on SQLite and PostgreSQL
(Art. 15, 17, 31).

ZYKF provides the data; SCGL uses it and disputes it; CYFZ also catalogs; BGS holds the
office.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from domain.ledger import Ledger
from tests.support.portal import Portal, created, resource_body

CATALOGED = "2025-09-01T09:00:00+08:00"
FRIDAY = "2025-09-26T10:00:00+08:00"  # + 10 working days = 2025-10-16 (docs/DOMAIN.md)
SCENIC = [{"name": "景区名称", "type": "C"}, {"name": "景区等级", "type": "C"}]


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    portal = Portal(client, ledger)
    portal.department("BGS", "办公室")
    portal.department("ZYKF", "资源开发处")
    portal.department("SCGL", "市场管理处")
    portal.department("CYFZ", "产业发展处")
    portal.principal("李静", "BGS", "office")
    portal.principal("审计员", "BGS", "auditor")
    portal.principal("孙悦", "ZYKF", "department")
    portal.principal("高远", "SCGL", "department")
    portal.principal("吴昊", "CYFZ", "department")
    return portal


DEPARTMENT_OF = {"孙悦": "ZYKF", "高远": "SCGL", "吴昊": "CYFZ"}


def resource(portal: Portal, who: str = "孙悦", **overrides: Any) -> str:
    overrides.setdefault("occurred_at", CATALOGED)
    return portal.in_catalog(
        portal.tokens[who], portal.tokens["李静"], DEPARTMENT_OF[who], **overrides
    )


def ask(portal: Portal, resource_id: str, who: str = "高远", **body: Any) -> Response:
    body = {"resource_id": resource_id, "description": "评定日期与文件不符", **body}
    return portal.post(portal.tokens[who], "/v1/verification-requests", body)


def answer(portal: Portal, request_id: str, who: str = "孙悦", **body: Any) -> Response:
    return portal.post(portal.tokens[who], f"/v1/verification-requests/{request_id}/answer", body)


def verifications(portal: Portal, **params: Any) -> list[dict[str, Any]]:
    got = portal.get(portal.tokens["李静"], "/v1/deadlines", kind="verification", **params)
    assert got.status_code == 200, got.text
    return got.json()["items"]  # type: ignore[no-any-return]


def test_the_provider_verifies_within_10_working_days__art31(portal: Portal) -> None:
    asked = created(ask(portal, resource(portal), occurred_at=FRIDAY))
    assert (asked["due_date"], asked["provisional"], asked["provider"]) == (
        "2025-10-16",
        False,
        "ZYKF",
    )
    [item] = verifications(portal, at="2025-10-10T00:00:00+08:00")
    assert (item["department"], item["subject_id"], item["due_date"], item["status"]) == (
        "ZYKF",
        asked["id"],
        "2025-10-16",
        "open",
    )
    [breached] = verifications(portal, at="2025-10-17T00:00:00+08:00")
    assert breached["status"] == "breached"


def test_a_confirmation_in_time_meets_the_deadline__art31(portal: Portal) -> None:
    asked = created(ask(portal, resource(portal), occurred_at=FRIDAY))
    confirmed = created(
        answer(portal, asked["id"], outcome="confirmed", occurred_at="2025-10-15T16:00:00+08:00")
    )
    assert (confirmed["outcome"], confirmed["late"]) == ("confirmed", False)
    [item] = verifications(portal)
    assert item["status"] == "met"
    state = portal.get(portal.tokens["高远"], f"/v1/verification-requests/{asked['id']}").json()
    assert (state["status"], state["outcome_label"]) == ("confirmed", "核实无误")


def test_a_correction_states_what_changed__art31(portal: Portal) -> None:
    asked = created(ask(portal, resource(portal), occurred_at=FRIDAY))
    bare = answer(portal, asked["id"], outcome="corrected", details=" ")
    assert bare.status_code == 422
    assert bare.json()["errors"][0]["field"] == "details"
    corrected = created(
        answer(
            portal,
            asked["id"],
            outcome="corrected",
            details="长白山景区评定日期由2007-05-08更正为2007-05-18",
            occurred_at="2025-10-20T10:00:00+08:00",
        )
    )
    assert corrected["late"] is True
    [item] = verifications(portal)
    assert (item["status"], item["discharged_at"] is not None) == ("breached", True)
    state = portal.get(portal.tokens["孙悦"], f"/v1/verification-requests/{asked['id']}").json()
    assert state["details"].startswith("长白山景区")
    assert answer(portal, asked["id"], outcome="confirmed").status_code == 409


def test_only_the_provider_answers_and_only_parties_read__art31(portal: Portal) -> None:
    asked = created(ask(portal, resource(portal)))
    assert answer(portal, asked["id"], who="吴昊", outcome="confirmed").status_code == 403
    assert answer(portal, asked["id"], who="高远", outcome="confirmed").status_code == 403
    path = f"/v1/verification-requests/{asked['id']}"
    assert portal.get(portal.tokens["吴昊"], path).status_code == 404
    assert portal.get(portal.tokens["审计员"], path).status_code == 200


def test_a_request_goes_to_another_department_about_cataloged_data__art31(
    portal: Portal,
) -> None:
    own = ask(portal, resource(portal), who="孙悦")
    assert own.status_code == 422
    assert (own.json()["errors"][0]["field"], own.json()["article"]) == ("resource_id", "31")
    draft = created(portal.post(portal.tokens["孙悦"], "/v1/resources", resource_body("ZYKF")))
    assert ask(portal, draft["id"]).status_code == 409
    unknown = ask(portal, "00000000-0000-0000-0000-000000000001")
    assert unknown.status_code == 422
    assert ask(portal, resource(portal), who="李静").status_code == 403


def conflict(portal: Portal, data_item: str, *resource_ids: str) -> Response:
    body = {"data_item": data_item, "resource_ids": list(resource_ids)}
    return portal.post(portal.tokens["李静"], "/v1/source-conflicts", body)


def resolve(portal: Portal, conflict_id: str, resource_id: str) -> Response:
    return portal.post(
        portal.tokens["李静"],
        f"/v1/source-conflicts/{conflict_id}/resolution",
        {"unique_source_resource_id": resource_id},
    )


def test_the_office_records_a_multi_source_conflict__art31(portal: Portal) -> None:
    ours = resource(portal, data_items=SCENIC)
    theirs = resource(portal, who="高远", data_items=SCENIC)
    other = resource(portal, who="吴昊")  # holds 景区名称 and 评定日期, not 景区等级
    recorded = created(conflict(portal, "景区等级", ours, theirs))
    state = portal.get(portal.tokens["高远"], f"/v1/source-conflicts/{recorded['id']}").json()
    assert (state["status"], state["resource_ids"]) == ("open", [ours, theirs])
    assert conflict(portal, "景区等级", ours, ours).status_code == 422
    missing = conflict(portal, "景区等级", ours, other)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "resource_ids.1"
    by_department = portal.post(
        portal.tokens["孙悦"],
        "/v1/source-conflicts",
        {"data_item": "景区等级", "resource_ids": [ours, theirs]},
    )
    assert by_department.status_code == 403


def test_resolution_designates_the_unique_source__art31(portal: Portal) -> None:
    ours = resource(portal, data_items=SCENIC)
    theirs = resource(portal, who="高远", data_items=SCENIC)
    outsider = resource(portal, who="吴昊")
    recorded = created(conflict(portal, "景区等级", ours, theirs))
    not_party = resolve(portal, recorded["id"], outsider)
    assert not_party.status_code == 422
    assert not_party.json()["errors"][0]["field"] == "unique_source_resource_id"
    before = resource_version(portal, ours)
    created(resolve(portal, recorded["id"], ours))
    state = portal.get(portal.tokens["吴昊"], f"/v1/source-conflicts/{recorded['id']}").json()
    assert (state["status"], state["unique_source_resource_id"]) == ("resolved", ours)
    # The designation is an event on the resource itself, so its version moves on.
    assert resource_version(portal, ours) == before + 1
    assert resolve(portal, recorded["id"], theirs).status_code == 409


def resource_version(portal: Portal, resource_id: str) -> int:
    return int(portal.get(portal.tokens["孙悦"], f"/v1/resources/{resource_id}").json()["version"])


def test_cataloging_a_unique_sources_item_elsewhere_is_marked_duplicate__art15_art31(
    portal: Portal,
) -> None:
    ours = resource(portal, data_items=SCENIC)
    theirs = resource(portal, who="高远", data_items=SCENIC)
    created(resolve(portal, created(conflict(portal, "景区等级", ours, theirs))["id"], ours))
    again = created(
        portal.post(
            portal.tokens["吴昊"], "/v1/resources", resource_body("CYFZ", data_items=SCENIC)
        )
    )
    assert again["duplicates"] == [
        {
            "data_item": "景区等级",
            "unique_source_resource_id": ours,
            "unique_source_department": "ZYKF",
        }
    ]
    # The unique source's own department may catalog the item again: not a duplicate.
    own = created(
        portal.post(
            portal.tokens["孙悦"], "/v1/resources", resource_body("ZYKF", data_items=SCENIC)
        )
    )
    assert own["duplicates"] == []
    plain = created(portal.post(portal.tokens["吴昊"], "/v1/resources", resource_body("CYFZ")))
    assert plain["duplicates"] == []
