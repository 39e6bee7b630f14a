"""The catalog over HTTP, on SQLite and PostgreSQL (Art. 10-12, 23-24, 38)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.ledger import Ledger
from tests.support.portal import Portal, created, resource_body


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    portal = Portal(client, ledger)
    portal.department("BGS", "办公室")
    portal.department("ZYKF", "资源开发处")
    portal.department("SCGL", "市场管理处")
    portal.principal("李静", "BGS", "office")
    portal.principal("孙悦", "ZYKF", "department")
    portal.principal("高远", "SCGL", "department")
    portal.principal("审计员", "BGS", "auditor")
    return portal


def catalog(portal: Portal, who: str = "孙悦", **overrides: Any) -> dict[str, Any]:
    department = "SCGL" if who == "高远" else "ZYKF"
    body = resource_body(department, **overrides)
    return created(portal.post(portal.tokens[who], "/v1/resources", body))


def submit_and_approve(portal: Portal, *resource_ids: str) -> str:
    submission = created(
        portal.post(
            portal.tokens["孙悦"], "/v1/catalog-submissions", {"resource_ids": list(resource_ids)}
        )
    )
    created(
        portal.post(portal.tokens["李静"], f"/v1/catalog-submissions/{submission['id']}/approval")
    )
    return str(submission["id"])


def test_command_response_carries_id_version_position_and_recorded_at(portal: Portal) -> None:
    answer = catalog(portal)
    assert answer["version"] == 1
    assert answer["position"] == portal.position()
    recorded_at = datetime.fromisoformat(answer["recorded_at"])
    assert abs(recorded_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_approved_resources_join_the_unified_catalog__art11(portal: Portal) -> None:
    approved = catalog(portal)
    draft = catalog(portal)
    submit_and_approve(portal, approved["id"])
    items = portal.get(portal.tokens["高远"], "/v1/catalog").json()["items"]
    assert [item["id"] for item in items] == [approved["id"]]
    assert items[0]["share_type_label"] == "有条件共享"
    # The draft stays with its department: others learn nothing of it.
    assert portal.get(portal.tokens["高远"], f"/v1/resources/{draft['id']}").status_code == 404
    assert (
        portal.get(portal.tokens["孙悦"], f"/v1/resources/{draft['id']}").json()["status"]
        == "draft"
    )


def test_returned_catalog_stays_out_with_reasons__art11(portal: Portal) -> None:
    resource = catalog(portal)
    submission = created(
        portal.post(
            portal.tokens["孙悦"], "/v1/catalog-submissions", {"resource_ids": [resource["id"]]}
        )
    )
    path = f"/v1/catalog-submissions/{submission['id']}/return"
    refused = portal.post(portal.tokens["李静"], path, {"reasons": [" "]})
    assert refused.status_code == 422
    created(portal.post(portal.tokens["李静"], path, {"reasons": ["信息项类型不规范"]}))
    assert portal.get(portal.tokens["李静"], "/v1/catalog").json()["items"] == []
    again = portal.post(
        portal.tokens["李静"], f"/v1/catalog-submissions/{submission['id']}/approval"
    )
    assert again.status_code == 409


def test_catalog_filters_by_department_and_share_type(portal: Portal) -> None:
    mine = catalog(portal, share_type="unconditional", share_conditions=None)
    other = catalog(portal, who="高远")
    submit_and_approve(portal, mine["id"])
    submission = created(
        portal.post(
            portal.tokens["高远"], "/v1/catalog-submissions", {"resource_ids": [other["id"]]}
        )
    )
    created(
        portal.post(portal.tokens["李静"], f"/v1/catalog-submissions/{submission['id']}/approval")
    )
    office = portal.tokens["李静"]
    by_department = portal.get(office, "/v1/catalog", department="SCGL").json()["items"]
    assert [item["id"] for item in by_department] == [other["id"]]
    unconditional = portal.get(office, "/v1/catalog", share_type="unconditional").json()["items"]
    assert [item["id"] for item in unconditional] == [mine["id"]]


def test_catalog_pages_by_cursor(portal: Portal) -> None:
    ids = [catalog(portal)["id"] for _ in range(3)]
    submit_and_approve(portal, *ids)
    first = portal.get(portal.tokens["李静"], "/v1/catalog", limit=2).json()
    second = portal.get(
        portal.tokens["李静"], "/v1/catalog", limit=2, cursor=first["next_cursor"]
    ).json()
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert second["next_cursor"] is None
    assert {i["id"] for i in first["items"] + second["items"]} == set(ids)


def test_catalog_at_an_earlier_instant_shows_what_was_approved_then(portal: Portal) -> None:
    resource = catalog(portal, occurred_at="2025-02-10T09:00:00+08:00")
    submission = created(
        portal.post(
            portal.tokens["孙悦"],
            "/v1/catalog-submissions",
            {"resource_ids": [resource["id"]], "occurred_at": "2025-02-20T09:00:00+08:00"},
        )
    )
    created(
        portal.post(
            portal.tokens["李静"],
            f"/v1/catalog-submissions/{submission['id']}/approval",
            {"occurred_at": "2025-03-03T09:00:00+08:00"},
        )
    )
    office = portal.tokens["李静"]
    before = portal.get(office, "/v1/catalog", at="2025-03-01T00:00:00+08:00").json()
    after = portal.get(office, "/v1/catalog", at="2025-03-04T00:00:00+08:00").json()
    assert before["items"] == [] and len(after["items"]) == 1
    # As the ledger knew it before anything was recorded: nothing.
    long_ago = portal.get(
        office, "/v1/catalog", at="2025-03-04T00:00:00+08:00", known_at="2025-03-04T00:00:00+08:00"
    ).json()
    assert long_ago["items"] == [] and long_ago["position"] == 0


def test_amendment_after_approval_keeps_the_approved_entry__art11_12(portal: Portal) -> None:
    resource = catalog(portal)
    submit_and_approve(portal, resource["id"])
    token = portal.tokens["孙悦"]
    path = f"/v1/resources/{resource['id']}/amendments"
    created(portal.post(token, path, {"name": "A级旅游景区名录（2025版）"}, **{"If-Match": '"2"'}))
    entry = portal.get(token, "/v1/catalog").json()["items"][0]
    assert entry["name"] == "A级旅游景区名录" and entry["status"] == "amended"
    assert (
        portal.get(token, f"/v1/resources/{resource['id']}").json()["name"]
        == "A级旅游景区名录（2025版）"
    )


def test_stale_if_match_is_412_and_records_nothing(portal: Portal) -> None:
    resource = catalog(portal)
    token = portal.tokens["孙悦"]
    path = f"/v1/resources/{resource['id']}/amendments"
    created(portal.post(token, path, {"name": "新名称一"}, **{"If-Match": '"1"'}))
    before = portal.position()
    stale = portal.post(token, path, {"name": "新名称二"}, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == "application/problem+json"
    assert portal.position() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"share_type": "not_shared", "share_conditions": None}, "legal_basis"),
        (
            {
                "share_type": "not_shared",
                "legal_basis": {"kind": "internal_rule", "title": "处内办法"},
            },
            "legal_basis.kind",
        ),
        (
            {"share_conditions": {"scope": "全部", "content": "", "uses": ["监管"]}},
            "share_conditions.content",
        ),
        ({"basic_data_kind": "practitioners"}, "share_type"),
        ({"update_cycle": "hourly"}, "update_cycle"),
        ({"data_items": []}, "data_items"),
        ({"code": "3/x"}, "code"),
        ({"occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
        ({"unknown_field": 1}, "unknown_field"),
    ],
)
def test_bad_resource_is_422_naming_the_field_and_records_nothing__art24(
    portal: Portal, overrides: dict[str, Any], field: str
) -> None:
    before = portal.position()
    answer = portal.post(portal.tokens["孙悦"], "/v1/resources", resource_body("ZYKF", **overrides))
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert answer.headers["content-type"] == "application/problem+json"
    assert {"type", "title", "status", "detail"} <= problem.keys()
    assert field in [error["field"] for error in problem["errors"]]
    assert portal.position() == before


def test_missing_or_bad_token_is_401(portal: Portal) -> None:
    assert portal.client.get("/v1/catalog").status_code == 401
    assert portal.get("lgr_not-a-token", "/v1/catalog").status_code == 401
    body = resource_body("ZYKF")
    assert portal.client.post("/v1/resources", json=body).status_code == 401


def test_acting_outside_the_role_is_403(portal: Portal) -> None:
    # Only the office approves (Art. 11); only a department catalogs its own data.
    assert (
        portal.post(portal.tokens["审计员"], "/v1/resources", resource_body("BGS")).status_code
        == 403
    )
    resource = catalog(portal)
    submission = created(
        portal.post(
            portal.tokens["孙悦"], "/v1/catalog-submissions", {"resource_ids": [resource["id"]]}
        )
    )
    approval = f"/v1/catalog-submissions/{submission['id']}/approval"
    assert portal.post(portal.tokens["孙悦"], approval).status_code == 403


def test_another_departments_object_is_403(portal: Portal) -> None:
    resource = catalog(portal)
    before = portal.position()
    path = f"/v1/resources/{resource['id']}/amendments"
    assert portal.post(portal.tokens["高远"], path, {"name": "改名"}).status_code == 403
    assert (
        portal.post(portal.tokens["高远"], "/v1/resources", resource_body("ZYKF")).status_code
        == 403
    )
    submit = portal.post(
        portal.tokens["高远"], "/v1/catalog-submissions", {"resource_ids": [resource["id"]]}
    )
    assert submit.status_code == 403
    assert portal.position() == before


def test_duplicate_resource_code_is_409(portal: Portal) -> None:
    first = resource_body("ZYKF")
    created(portal.post(portal.tokens["孙悦"], "/v1/resources", first))
    assert portal.post(portal.tokens["孙悦"], "/v1/resources", first).status_code == 409


def test_idempotent_retry_returns_the_first_answer_and_records_nothing(portal: Portal) -> None:
    token = portal.tokens["孙悦"]
    body = resource_body("ZYKF")
    first = portal.post(token, "/v1/resources", body, **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201
    before = portal.position()
    retry = portal.post(token, "/v1/resources", body, **{"Idempotency-Key": "k-1"})
    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert portal.position() == before
    other = portal.post(token, "/v1/resources", resource_body("ZYKF"), **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


def test_every_event_carries_both_times_actor_and_command_id(
    portal: Portal, ledger: Ledger
) -> None:
    catalog(portal, occurred_at="2025-02-10T09:00:00+08:00")
    record = ledger.recorder.select_records(after=portal.position() - 2)[0]  # type: ignore[attr-defined]
    event = ledger.mapper.to_domain_event(record.event)
    assert event.occurred_at == datetime(2025, 2, 10, 1, 0, tzinfo=UTC)
    assert event.actor.person == "孙悦" and event.actor.department == "ZYKF"
    assert event.actor.role.value == "department"
    assert event.command_id
    assert record.recorded_at > event.occurred_at


def test_responsible_persons_are_designated_by_the_department_or_office__art38(
    portal: Portal,
) -> None:
    body = {"responsible_person": "刘洪涛", "data_staff": ["孙悦"]}
    created(portal.post(portal.tokens["孙悦"], "/v1/departments/ZYKF/responsible-persons", body))
    created(portal.post(portal.tokens["李静"], "/v1/departments/SCGL/responsible-persons", body))
    answer = portal.post(portal.tokens["孙悦"], "/v1/departments/SCGL/responsible-persons", body)
    assert answer.status_code == 403


def test_update_application_answers_a_trigger_and_is_filed__art12(portal: Portal) -> None:
    office, department = portal.tokens["李静"], portal.tokens["孙悦"]
    law = created(
        portal.post(
            office, "/v1/law-changes", {"title": "《旅游法》修正", "affected_departments": ["ZYKF"]}
        )
    )
    change = created(
        portal.post(office, "/v1/departments/SCGL/function-changes", {"description": "增加职能"})
    )
    # A change that does not concern ZYKF cannot be the reason for its update.
    unrelated = portal.post(
        department, "/v1/catalog-update-applications", {"reason": "x", "trigger_id": change["id"]}
    )
    assert unrelated.status_code == 422
    assert unrelated.json()["errors"][0]["field"] == "trigger_id"
    application = created(
        portal.post(
            department,
            "/v1/catalog-update-applications",
            {"reason": "依法修订目录", "trigger_id": law["id"]},
        )
    )
    filing = f"/v1/catalog-update-applications/{application['id']}/filing"
    created(portal.post(office, filing))
    assert portal.post(office, filing).status_code == 409


def test_law_change_naming_an_unknown_department_is_422__art12(portal: Portal) -> None:
    answer = portal.post(
        portal.tokens["李静"],
        "/v1/law-changes",
        {"title": "某法", "affected_departments": ["ZYKF", "NOPE"]},
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "affected_departments.1"


def test_a_not_shared_resource_cites_an_instrument_of_the_office_register__art24_1(
    portal: Portal,
) -> None:
    # Only the office keeps the register; a department cannot add its own rules to it.
    law = {"kind": "law", "title": "中华人民共和国网络安全法", "document_number": "主席令第53号"}
    assert portal.post(portal.tokens["孙悦"], "/v1/legal-instruments", law).status_code == 403
    internal = portal.post(
        portal.tokens["李静"], "/v1/legal-instruments", {**law, "kind": "internal_rule"}
    )
    assert internal.status_code == 422 and internal.json()["errors"][0]["field"] == "kind"
    instrument_id = created(portal.post(portal.tokens["李静"], "/v1/legal-instruments", law))["id"]
    assert portal.post(portal.tokens["李静"], "/v1/legal-instruments", law).status_code == 409
    listed = portal.get(portal.tokens["孙悦"], "/v1/legal-instruments").json()["items"]
    assert [(i["id"], i["kind_label"]) for i in listed] == [(instrument_id, "法律")]
    not_shared = {"share_type": "not_shared", "share_conditions": None, "open_type": "not_open"}
    before = portal.position()
    for basis, field in (
        ({"kind": "law", "title": "本局内部管理办法"}, "legal_basis.instrument_id"),
        (
            {"instrument_id": "00000000-0000-4000-8000-000000000000", "article": "第一条"},
            "legal_basis.instrument_id",
        ),
        ({"instrument_id": instrument_id}, "legal_basis.article"),
    ):
        body = resource_body("ZYKF", **not_shared, legal_basis=basis)
        answer = portal.post(portal.tokens["孙悦"], "/v1/resources", body)
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["field"] == field
    assert portal.position() == before
    cited = catalog(
        portal, **not_shared, legal_basis={"instrument_id": instrument_id, "article": "第二十一条"}
    )
    state = portal.get(portal.tokens["孙悦"], f"/v1/resources/{cited['id']}").json()
    assert state["legal_basis"] == {
        "instrument_id": instrument_id,
        "article": "第二十一条",
        "kind": "law",
        "kind_label": "法律",
        "title": "中华人民共和国网络安全法",
    }


def test_the_office_confirms_basic_data_at_approval__art24_2(portal: Portal) -> None:
    complaints = catalog(portal, name="旅游投诉举报信息")
    scenic = catalog(
        portal, name="A级旅游景区名录", share_type="unconditional", share_conditions=None
    )
    submission = created(
        portal.post(
            portal.tokens["孙悦"],
            "/v1/catalog-submissions",
            {"resource_ids": [complaints["id"], scenic["id"]]},
        )
    )
    path = f"/v1/catalog-submissions/{submission['id']}/approval"
    # Declared with no basic-data kind, it is basic data all the same: the office says so,
    # and conditional basic data cannot join the unified catalog.
    before = portal.position()
    refused = portal.post(
        portal.tokens["李静"], path, {"basic_data_kinds": {complaints["id"]: "complaints_reports"}}
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == f"basic_data_kinds.{complaints['id']}"
    assert portal.position() == before
    unknown = {"basic_data_kinds": {"00000000-0000-4000-8000-000000000000": None}}
    stranger = portal.post(portal.tokens["李静"], path, unknown)
    assert stranger.status_code == 422
    created(
        portal.post(
            portal.tokens["李静"],
            path,
            {
                "basic_data_kinds": {
                    scenic["id"]: "culture_tourism_resources",
                    complaints["id"]: None,
                }
            },
        )
    )
    # Once confirmed basic data, it stays unconditional (Art. 24(2)).
    amendment = portal.post(
        portal.tokens["孙悦"],
        f"/v1/resources/{scenic['id']}/amendments",
        {
            "share_type": "conditional",
            "share_conditions": {"scope": "全部", "content": "名称", "uses": ["监管"]},
        },
    )
    assert amendment.status_code == 422
    assert amendment.json()["errors"][0]["field"] == "share_type"
