"""Principals revoked and departments dissolved, over HTTP on both backends.

A revoked token stops working at once (401); a dissolved department's principals can no
longer act (403), and no new principal is registered for it. Bad input records nothing.
"""

from __future__ import annotations

from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.runtime import open_ledger
from domain.ledger import Ledger
from domain.principals import Principal
from domain.verbs.organisation import STANDING_TOPICS
from tests.support.portal import OFFICE, ZYKF_STAFF, Portal, auth, created


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    return Portal(client, ledger).staffed(OFFICE, ZYKF_STAFF, ("王磊", "SCGL", "department"))


def principal_id(portal: Portal, name: str, department: str) -> tuple[str, str]:
    body = {"name": name, "department": department, "role": "department"}
    answer = created(portal.post(portal.admin, "/v1/principals", body))
    return str(answer["id"]), str(answer["token"])


def test_a_revoked_token_stops_working_at_once(portal: Portal) -> None:
    pid, token = principal_id(portal, "赵六", "ZYKF")
    assert portal.get(token, "/v1/ledger/head").status_code == 200
    path = f"/v1/principals/{pid}/revocation"
    revoked = created(portal.post(portal.admin, path, {"reason": "调离岗位"}))
    assert revoked["id"] == pid
    answer = portal.get(token, "/v1/ledger/head")
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")
    # Others of the same department still act.
    assert portal.get(portal.tokens["孙悦"], "/v1/ledger/head").status_code == 200
    again = portal.post(portal.admin, path, {"reason": "重复"})
    assert again.status_code == 409, again.text


def test_only_the_admin_revokes_and_an_unknown_principal_is_not_found(portal: Portal) -> None:
    pid, _ = principal_id(portal, "赵六", "ZYKF")
    path = f"/v1/principals/{pid}/revocation"
    assert portal.post(portal.tokens["李静"], path, {"reason": "x"}).status_code == 403
    assert portal.post(portal.tokens["孙悦"], path, {"reason": "x"}).status_code == 403
    unknown = portal.post(portal.admin, f"/v1/principals/{uuid4()}/revocation", {"reason": "x"})
    assert unknown.status_code == 404, unknown.text


def test_a_revocation_without_a_reason_is_refused_and_records_nothing(portal: Portal) -> None:
    pid, token = principal_id(portal, "赵六", "ZYKF")
    before = portal.position()
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        answer = portal.post(portal.admin, f"/v1/principals/{pid}/revocation", body)
        assert answer.status_code == 422, answer.text
        assert "reason" in answer.text
    assert portal.position() == before
    assert portal.get(token, "/v1/ledger/head").status_code == 200


def test_a_dissolved_departments_principals_can_no_longer_act(portal: Portal) -> None:
    zykf = portal.tokens["孙悦"]
    assert portal.get(zykf, "/v1/ledger/head").status_code == 200
    created(
        portal.post(
            portal.tokens["李静"], "/v1/departments/ZYKF/dissolution", {"reason": "机构改革"}
        )
    )
    read = portal.get(zykf, "/v1/ledger/head")
    assert read.status_code == 403, read.text
    command = portal.post(
        zykf, "/v1/systems", {"name": "系统", "status": "new", "classified": False}
    )
    assert command.status_code == 403, command.text
    # Another department is untouched; no principal is registered for the dissolved one.
    assert portal.get(portal.tokens["王磊"], "/v1/ledger/head").status_code == 200
    body = {"name": "新人", "department": "ZYKF", "role": "department"}
    assert portal.post(portal.admin, "/v1/principals", body).status_code == 409
    again = portal.post(portal.tokens["李静"], "/v1/departments/ZYKF/dissolution", {"reason": "x"})
    assert again.status_code == 409, again.text


def test_only_the_office_dissolves_a_known_department(portal: Portal) -> None:
    path = "/v1/departments/ZYKF/dissolution"
    assert portal.post(portal.tokens["孙悦"], path, {"reason": "x"}).status_code == 403
    assert portal.post(portal.admin, path, {"reason": "x"}).status_code == 403
    unknown = portal.post(
        portal.tokens["李静"], "/v1/departments/WXYZ/dissolution", {"reason": "x"}
    )
    assert unknown.status_code == 404, unknown.text
    before = portal.position()
    blank = portal.post(portal.tokens["李静"], path, {"reason": " "})
    assert blank.status_code == 422 and "reason" in blank.text
    assert portal.position() == before
    assert portal.get(portal.tokens["孙悦"], "/v1/ledger/head").status_code == 200


def test_a_revocation_or_dissolution_another_worker_records_counts_at_once(
    portal: Portal, database_url: str
) -> None:
    """Who may act is kept in memory by each process: what another one records (a second
    API worker) counts at this one's next request, not when its memory is renewed."""
    pid, token = principal_id(portal, "赵六", "ZYKF")
    assert portal.get(token, "/v1/ledger/head").status_code == 200  # known here, and kept
    staff = portal.tokens["孙悦"]  # ZYKF's, like 赵六
    assert portal.get(staff, "/v1/ledger/head").status_code == 200
    other = open_ledger(database_url)
    try:
        app = create_app(other, backend=_backend(database_url), run_projections=False)
        with TestClient(app) as worker:
            path = f"/v1/principals/{pid}/revocation"
            created(worker.post(path, json={"reason": "调离"}, headers=auth(portal.admin)))
            assert portal.get(token, "/v1/ledger/head").status_code == 401
            assert portal.get(staff, "/v1/ledger/head").status_code == 200
            office = auth(portal.tokens["李静"])
            path = "/v1/departments/ZYKF/dissolution"
            created(worker.post(path, json={"reason": "机构改革"}, headers=office))
            assert portal.get(staff, "/v1/ledger/head").status_code == 403
    finally:
        other.close()


def test_the_standing_folds_every_event_a_principal_has(ledger: Ledger, portal: Portal) -> None:
    """Every event of every principal on the record is of a topic the standing reads: a
    principal's event it missed would leave a revoked token working."""
    principal_id(portal, "赵六", "ZYKF")
    pid, _ = principal_id(portal, "钱七", "ZYKF")
    created(portal.post(portal.admin, f"/v1/principals/{pid}/revocation", {"reason": "调离"}))
    standing = ledger.standing()
    assert len(standing.principals) >= 5
    for principal_id_ in standing.principals:
        records = ledger.recorder.select_events(principal_id_)
        assert records, principal_id_
        assert {record.topic for record in records} <= set(STANDING_TOPICS)
        found = ledger.find(principal_id_)
        assert isinstance(found, Principal)
        assert standing.principals[principal_id_] == found  # as reading it gives it


def _backend(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"
