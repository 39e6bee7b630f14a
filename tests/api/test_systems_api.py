"""Information systems over HTTP, on SQLite and PostgreSQL (Art. 2, 13, 19-20).

ZYKF owns the systems; SCGL is another division; BGS holds the office; XXZX is the
information center that runs the sharing system.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from domain.ledger import Ledger
from tests.support.portal import Portal, created, resource_body


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    portal = Portal(client, ledger)
    portal.department("BGS", "办公室")
    portal.department("XXZX", "信息中心", kind="affiliated_unit")
    portal.department("ZYKF", "资源开发处")
    portal.department("SCGL", "市场管理处")
    portal.principal("李静", "BGS", "office")
    portal.principal("周敏", "XXZX", "info_center")
    portal.principal("孙悦", "ZYKF", "department")
    portal.principal("高远", "SCGL", "department")
    return portal


def step(portal: Portal, who: str, system_id: str, name: str, **body: Any) -> Response:
    return portal.post(portal.tokens[who], f"/v1/systems/{system_id}/{name}", body)


def read(portal: Portal, system_id: str, who: str = "孙悦", **params: Any) -> dict[str, Any]:
    answer = portal.get(portal.tokens[who], f"/v1/systems/{system_id}", **params)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def draft(portal: Portal, system_id: str, who: str = "孙悦", department: str = "ZYKF") -> str:
    body = resource_body(department, system_id=system_id)
    return str(created(portal.post(portal.tokens[who], "/v1/resources", body))["id"])


def approve(portal: Portal, resource_id: str) -> None:
    submission = created(
        portal.post(
            portal.tokens["孙悦"], "/v1/catalog-submissions", {"resource_ids": [resource_id]}
        )
    )
    created(
        portal.post(portal.tokens["李静"], f"/v1/catalog-submissions/{submission['id']}/approval")
    )


def test_a_department_registers_its_own_system__art19(portal: Portal) -> None:
    system_id = portal.system(portal.tokens["孙悦"], status="existing")
    state = read(portal, system_id, who="高远")
    assert (state["department"], state["status"], state["status_label"]) == (
        "ZYKF",
        "existing",
        "已建成",
    )
    assert state["connected"] is False
    office = portal.post(portal.tokens["李静"], "/v1/systems", {"name": "x", "status": "new"})
    assert office.status_code == 403
    bad = portal.post(portal.tokens["孙悦"], "/v1/systems", {"name": "x", "status": "planned"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "status"


def test_new_system_without_cataloged_resources_is_not_approved__art20(portal: Portal) -> None:
    system_id = portal.system(portal.tokens["孙悦"], status="new")
    refused = step(portal, "李静", system_id, "project-approval")
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["article"] == "20"
    assert problem["errors"][0]["field"] == "system_id"
    resource_id = draft(portal, system_id)
    approved = created(step(portal, "李静", system_id, "project-approval"))
    assert approved["resource_ids"] == [resource_id]
    assert read(portal, system_id)["project_approved_at"] is not None
    assert step(portal, "李静", system_id, "project-approval").status_code == 409


def test_only_the_owners_live_resources_count_for_approval__art20(portal: Portal) -> None:
    system_id = portal.system(portal.tokens["孙悦"], status="new")
    draft(portal, system_id, who="高远", department="SCGL")  # another department's
    retired = draft(portal, system_id)
    created(
        portal.post(
            portal.tokens["孙悦"], f"/v1/resources/{retired}/retirement", {"reason": "停用"}
        )
    )
    assert step(portal, "李静", system_id, "project-approval").status_code == 422


def test_project_approval_is_for_the_office_and_for_new_systems__art20(portal: Portal) -> None:
    existing = portal.system(portal.tokens["孙悦"], status="existing")
    draft(portal, existing)
    assert step(portal, "孙悦", existing, "project-approval").status_code == 403
    assert step(portal, "李静", existing, "project-approval").status_code == 409


def test_trial_operation_needs_the_resources_in_the_unified_catalog__art20(
    portal: Portal,
) -> None:
    system_id = portal.system(portal.tokens["孙悦"], status="new")
    resource_id = draft(portal, system_id)
    assert step(portal, "孙悦", system_id, "trial-operation").status_code == 409  # not approved
    created(step(portal, "李静", system_id, "project-approval"))
    refused = step(portal, "孙悦", system_id, "trial-operation")
    assert refused.status_code == 422
    assert refused.json()["article"] == "20"
    assert "not in the unified catalog" in refused.json()["detail_en"]
    approve(portal, resource_id)
    assert step(portal, "高远", system_id, "trial-operation").status_code == 403
    started = created(step(portal, "孙悦", system_id, "trial-operation"))
    assert started["resource_ids"] == [resource_id]
    assert read(portal, system_id)["trial_started_at"] is not None


def test_every_resource_of_the_system_joins_before_trial_operation__art20(portal: Portal) -> None:
    system_id = portal.system(portal.tokens["孙悦"], status="new")
    approve(portal, draft(portal, system_id))
    late = draft(portal, system_id)  # cataloged, never submitted
    created(step(portal, "李静", system_id, "project-approval"))
    refused = step(portal, "孙悦", system_id, "trial-operation")
    assert refused.status_code == 422
    code = read_resource_code(portal, late)
    assert code in refused.json()["detail"]


def read_resource_code(portal: Portal, resource_id: str) -> str:
    answer = portal.get(portal.tokens["孙悦"], f"/v1/resources/{resource_id}")
    return str(answer.json()["code"])


def test_the_information_center_connects_systems__art19(portal: Portal) -> None:
    system_id = portal.system(portal.tokens["孙悦"])
    assert step(portal, "孙悦", system_id, "connection").status_code == 403
    created(step(portal, "周敏", system_id, "connection"))
    assert read(portal, system_id)["connected"] is True
    assert step(portal, "周敏", system_id, "connection").status_code == 409


def test_a_classified_system_is_not_connected__art2_art19(portal: Portal) -> None:
    system_id = portal.system(portal.tokens["孙悦"], classified=True)
    refused = step(portal, "周敏", system_id, "connection")
    assert refused.status_code == 422
    assert refused.json()["article"] == "2"


def test_a_retired_system_takes_no_further_step(portal: Portal) -> None:
    system_id = portal.system(portal.tokens["孙悦"])
    assert step(portal, "高远", system_id, "retirement").status_code == 403
    created(step(portal, "孙悦", system_id, "retirement", reason="并入新平台"))
    state = read(portal, system_id)
    assert (state["retirement_reason"], state["connected"]) == ("并入新平台", False)
    assert step(portal, "周敏", system_id, "connection").status_code == 409
    assert step(portal, "孙悦", system_id, "retirement").status_code == 409


def test_a_system_as_it_was_at_an_earlier_instant(portal: Portal) -> None:
    system_id = created(
        portal.post(
            portal.tokens["孙悦"],
            "/v1/systems",
            {
                "name": "演出监管系统",
                "status": "existing",
                "occurred_at": "2025-03-01T09:00:00+08:00",
            },
        )
    )["id"]
    created(step(portal, "周敏", system_id, "connection", occurred_at="2025-05-01T09:00:00+08:00"))
    assert read(portal, system_id, at="2025-04-01T00:00:00+08:00")["connected"] is False
    assert read(portal, system_id, at="2025-06-01T00:00:00+08:00")["connected"] is True
    missing = portal.get(
        portal.tokens["孙悦"], f"/v1/systems/{system_id}", at="2025-02-01T00:00:00+08:00"
    )
    assert missing.status_code == 404


def test_consistency_checks_and_resources_name_real_systems__art13(portal: Portal) -> None:
    system_id = portal.system(portal.tokens["孙悦"])
    resource_id = draft(portal, system_id)
    check = {"year": 2025, "differences": []}
    created(
        portal.post(
            portal.tokens["李静"], "/v1/consistency-checks", {**check, "system_id": system_id}
        )
    )
    not_a_system = portal.post(
        portal.tokens["李静"], "/v1/consistency-checks", {**check, "system_id": resource_id}
    )
    assert not_a_system.status_code == 422
    assert not_a_system.json()["errors"][0]["field"] == "system_id"
    unknown = portal.post(
        portal.tokens["孙悦"], "/v1/resources", resource_body("ZYKF", system_id=resource_id)
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "system_id"
