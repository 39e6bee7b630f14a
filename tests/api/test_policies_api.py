"""Policies over HTTP and from the command line, on SQLite and PostgreSQL.

Where the measures set no number (Art. 11's first catalog, Art. 19's connection, Art.
19–21's 及时 aggregation, Art. 33's 定期 reports, Art. 36's late entries) the office
publishes the department's policy; a report at T as known at K applies the one in force at
T as known at K. ZYKF was registered on Monday 3 March 2025 and has no catalog yet.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as cli
from domain.ledger import Ledger
from tests.support.portal import Portal, created

REGISTERED = "2025-03-03T09:00:00+08:00"
ASKED = "2025-03-20T12:00:00+08:00"  # 13 working days after registration


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    portal = Portal(client, ledger)
    body = {"code": "ZYKF", "name": "资源开发处", "kind": "division", "occurred_at": REGISTERED}
    created(portal.post(portal.admin, "/v1/departments", body))
    portal.department("BGS", "办公室")
    portal.principal("李静", "BGS", "office")
    portal.principal("张立新", "BGS", "leading_group")
    portal.principal("孙悦", "ZYKF", "department")
    return portal


def publish(portal: Portal, who: str = "李静", **body: Any) -> Any:
    return portal.post(portal.tokens[who], "/v1/policies", body)


def first_catalog_detections(portal: Portal, **params: str) -> tuple[list[str], Any]:
    """The rules that counted ZYKF under V01 (Art. 11): the grid's count, and the evidence."""
    answer = portal.get(portal.tokens["张立新"], "/v1/supervision/violations", **params)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    [cell] = [e["counts"]["V01"] for e in body["departments"] if e["department"] == "ZYKF"]
    evidence = portal.get(
        portal.tokens["张立新"], "/v1/supervision/violations/ZYKF/V01/evidence", **params
    )
    assert evidence.status_code == 200, evidence.text
    rules = [item["rule"] for item in evidence.json()["items"]]
    assert cell["detected"] == len(rules)
    return rules, body


def test_a_backdated_grace_changes_supervision_as_known_now_not_as_known_then__art11(
    portal: Portal,
) -> None:
    # Art. 11: by default a new department has 20 working days for its first catalog.
    rules, body = first_catalog_detections(portal, at=ASKED)
    assert rules == []
    assert (body["policy_position"], body["policies"]["first_catalog_grace"]) == (None, 20)
    before = datetime.now(UTC).isoformat()
    published = created(
        publish(portal, name="first_catalog_grace", value=10, effective_from="2025-01-01")
    )
    assert (published["name"], published["value"]) == ("first_catalog_grace", 10)
    # As known now, 10 working days from 3 March ran out on 17 March: V01.
    rules, body = first_catalog_detections(portal, at=ASKED)
    assert rules == ["no_approved_catalog"]
    assert body["policy_position"] == published["position"]
    assert body["policies"]["first_catalog_grace"] == 10
    # As known before the publication, the report answers as it did.
    rules, body = first_catalog_detections(portal, at=ASKED, known_at=before)
    assert rules == []
    assert (body["policy_position"], body["policies"]["first_catalog_grace"]) == (None, 20)


def test_a_policy_applies_from_its_effective_date__art11(portal: Portal) -> None:
    created(publish(portal, name="first_catalog_grace", value=10, effective_from="2025-03-21"))
    # Not yet in force on 20 March: the default's 20 working days still run.
    assert first_catalog_detections(portal, at=ASKED)[0] == []
    assert first_catalog_detections(portal, at="2025-03-21T08:00:00+08:00")[0] == [
        "no_approved_catalog"
    ]


def usage_report_due_dates(portal: Portal, **params: str) -> tuple[list[str], Any]:
    answer = portal.get(
        portal.tokens["张立新"], "/v1/deadlines", kind="usage_report", department="ZYKF", **params
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return [item["due_date"] for item in body["items"]], body


def test_a_backdated_grace_changes_the_deadlines_as_known_now_not_then__art33(
    portal: Portal,
) -> None:
    # Art. 33: Q1's report is due 10 working days after 31 March (清明 4–6 April): 15 April.
    at = "2025-04-20T00:00:00+08:00"
    assert usage_report_due_dates(portal, at=at)[0] == ["2025-04-15", "2025-07-14"]
    before = datetime.now(UTC).isoformat()
    published = created(
        publish(portal, name="usage_report_grace", value=5, effective_from="2025-01-01")
    )
    due, body = usage_report_due_dates(portal, at=at)
    assert due == ["2025-04-08", "2025-07-07"]  # 5 working days: 1–3, 7, 8 April
    assert body["policy_position"] == published["position"]
    assert body["policies"]["usage_report_grace"] == 5
    due, body = usage_report_due_dates(portal, at=at, known_at=before)
    assert due == ["2025-04-15", "2025-07-14"]
    assert body["policy_position"] is None


def test_the_usage_report_period_is_a_policy__art33(portal: Portal) -> None:
    created(
        publish(
            portal, name="usage_report_period", value="half_yearly", effective_from="2025-01-01"
        )
    )
    _, body = usage_report_due_dates(portal, at="2025-07-20T00:00:00+08:00")
    assert [i["period_end"] for i in body["items"]] == ["2025-06-30", "2025-12-31"]
    assert body["policies"]["usage_report_period"] == "half_yearly"


def test_every_policy_with_its_values_over_time(portal: Portal) -> None:
    before = datetime.now(UTC).isoformat()
    first = created(publish(portal, name="aggregation_grace", value=5, effective_from="2025-01-01"))
    second = created(
        publish(portal, name="aggregation_grace", value=2, effective_from="2025-07-01")
    )
    assert second["id"] == first["id"] and second["version"] == 2

    def read(**params: str) -> dict[str, Any]:
        answer = portal.get(portal.tokens["孙悦"], "/v1/policies", **params)
        assert answer.status_code == 200, answer.text
        return {item["name"]: item for item in answer.json()["items"]}

    spring = read(at="2025-03-01T00:00:00+08:00")
    assert set(spring) == {
        "first_catalog_grace",
        "system_connection_grace",
        "aggregation_grace",
        "usage_report_period",
        "usage_report_grace",
        "late_entry_threshold",
    }
    grace = spring["aggregation_grace"]
    assert (grace["default"], grace["unit"]) == (3, "working_days")
    assert grace["in_force"] == {
        "value": 5,
        "effective_from": "2025-01-01",
        "position": first["position"],
    }
    assert [(h["value"], h["effective_from"]) for h in grace["history"]] == [
        (5, "2025-01-01"),
        (2, "2025-07-01"),
    ]
    assert read(at="2025-08-01T00:00:00+08:00")["aggregation_grace"]["in_force"]["value"] == 2
    then = read(at="2025-08-01T00:00:00+08:00", known_at=before)["aggregation_grace"]
    assert then["in_force"] == {"value": 3, "effective_from": None, "position": None}
    assert then["history"] == []
    assert spring["first_catalog_grace"]["in_force"]["value"] == 20
    assert "宽限期" in spring["first_catalog_grace"]["description"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "reply_grace", "value": 5, "effective_from": "2025-01-01"}, "name"),
        (
            {"name": "first_catalog_grace", "value": "monthly", "effective_from": "2025-01-01"},
            "value",
        ),
        ({"name": "first_catalog_grace", "value": -1, "effective_from": "2025-01-01"}, "value"),
        (
            {"name": "usage_report_period", "value": "daily", "effective_from": "2025-01-01"},
            "value",
        ),
        ({"name": "usage_report_period", "value": 3, "effective_from": "2025-01-01"}, "value"),
        ({"name": "first_catalog_grace", "value": 1.5, "effective_from": "2025-01-01"}, "value"),
        ({"name": "first_catalog_grace", "value": True, "effective_from": "2025-01-01"}, "value"),
        (
            {"name": "first_catalog_grace", "value": 5, "effective_from": "someday"},
            "effective_from",
        ),
    ],
)
def test_a_policy_of_unknown_name_or_wrong_kind_is_refused(
    portal: Portal, body: dict[str, Any], field: str
) -> None:
    before = portal.position()
    refused = portal.post(portal.tokens["李静"], "/v1/policies", body)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert field in [error["field"].split(".")[-1] for error in refused.json()["errors"]]
    assert portal.position() == before


def test_only_the_office_publishes_a_policy(portal: Portal, client: TestClient) -> None:
    before = portal.position()
    body = {"name": "first_catalog_grace", "value": 5, "effective_from": "2025-01-01"}
    assert portal.post(portal.tokens["孙悦"], "/v1/policies", body).status_code == 403
    assert portal.post(portal.tokens["张立新"], "/v1/policies", body).status_code == 403
    assert client.post("/v1/policies", json=body).status_code == 401
    assert client.get("/v1/policies").status_code == 401
    assert portal.position() == before


def test_the_command_line_publishes_through_the_same_command_path(
    portal: Portal, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    args = [
        "policy", "publish", "--name", "late_entry_threshold", "--value", "3",
        "--effective-from", "2025-01-01", "--idempotency-key", "policy-1",
    ]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    position = portal.position()
    # A retry under the same key records nothing, as over HTTP.
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert portal.position() == position
    answer = portal.get(portal.tokens["孙悦"], "/v1/policies").json()
    late = next(item for item in answer["items"] if item["name"] == "late_entry_threshold")
    assert late["in_force"]["value"] == 3
    wrong = CliRunner().invoke(
        cli,
        ["policy", "publish", "--name", "nope", "--value", "3", "--effective-from", "2025-01-01"],
    )
    assert wrong.exit_code == 1
    assert portal.position() == position


def test_the_command_line_revokes_a_principal(
    portal: Portal, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    body = {"name": "周敏", "department": "ZYKF", "role": "department"}
    registered = created(portal.post(portal.admin, "/v1/principals", body))
    token = registered["token"]
    assert portal.get(token, "/v1/policies").status_code == 200
    args = ["principals", "revoke", "--id", registered["id"], "--reason", "调离岗位"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert portal.get(token, "/v1/policies").status_code == 401
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 1  # already revoked: nothing more recorded
