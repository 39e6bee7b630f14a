"""Reports as officials read them: every time in Asia/Shanghai (+08:00), an instant asked for
as a date (the end of that day in Jilin) or with its offset, never a naive datetime; and
department names beside their codes. The same through the ``ledger replay`` CLI."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as cli
from domain.ledger import Ledger
from tests.support.portal import OFFICE, SCGL_STAFF, ZYKF_STAFF, Portal, created

CATALOGED = "2025-09-01T09:00:00+08:00"
END_OF_2025 = "2025-12-31T23:59:59.999999+08:00"
LONG_NAME = "全省A级旅游景区名录（含景区等级评定、复核及动态管理信息的完整记录）"


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    return Portal(client, ledger).staffed(OFFICE, ZYKF_STAFF, SCGL_STAFF)


@pytest.fixture
def resource_id(portal: Portal) -> str:
    return portal.in_catalog(
        portal.tokens["孙悦"], portal.tokens["李静"], "ZYKF", occurred_at=CATALOGED, name=LONG_NAME
    )


def _times(value: Any, key: str = "") -> list[tuple[str, str]]:
    """Every (key, value) whose key names a time, anywhere in a body."""
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _times(v, k)]
    if isinstance(value, list):
        return [pair for item in value for pair in _times(item, key)]
    if isinstance(value, str) and (key.endswith("_at") or key in ("at", "since")):
        return [(key, value)]
    return []


def test_a_date_is_the_end_of_that_day_in_shanghai(portal: Portal, resource_id: str) -> None:
    body = portal.get(portal.tokens["高远"], "/v1/catalog", at="2025-12-31").json()
    assert body["at"] == END_OF_2025
    assert [item["id"] for item in body["items"]] == [resource_id]
    before = portal.get(portal.tokens["高远"], "/v1/catalog", at="2025-08-31").json()
    assert before["items"] == []  # cataloged 2025-09-01: not yet in the catalog on 08-31


def test_every_time_in_a_report_is_in_shanghai(portal: Portal, resource_id: str) -> None:
    answer = portal.request_share(portal.tokens["高远"], resource_id, occurred_at=CATALOGED)
    command = created(answer)
    assert command["recorded_at"].endswith("+08:00")
    deadlines = portal.get(portal.tokens["李静"], "/v1/deadlines", at="2025-12-31").json()
    catalog = portal.get(portal.tokens["李静"], "/v1/catalog").json()
    share = portal.get(portal.tokens["高远"], f"/v1/share-requests/{command['id']}").json()
    times = _times(deadlines) + _times(catalog) + _times(share)
    assert ("started_at", "2025-09-01T09:00:00+08:00") in times
    assert len(times) > 6
    assert [pair for pair in times if not pair[1].endswith("+08:00")] == []


def test_a_datetime_without_its_offset_is_refused_naming_the_parameter(portal: Portal) -> None:
    answer = portal.get(portal.tokens["高远"], "/v1/deadlines", at="2025-12-31T10:00:00")
    assert answer.status_code == 422
    problem = answer.json()
    assert [(e["field"], e["in"]) for e in problem["errors"]] == [("at", "query")]
    assert problem["errors"][0]["message"].startswith("日期时间须带时区偏移")
    assert "offset" in problem["errors"][0]["message_en"]
    american = portal.get(portal.tokens["高远"], "/v1/catalog", known_at="12/31/2025")
    assert american.status_code == 422


def test_the_instants_a_refusal_quotes_are_in_shanghai(portal: Portal) -> None:
    body = {"code": "KJJY", "name": "科技教育处", "kind": "division"}
    body["occurred_at"] = "2099-01-01T00:00:00Z"  # in the future: refused
    problem = portal.post(portal.admin, "/v1/departments", body).json()
    assert problem["status"] == 422
    assert "2099-01-01T08:00:00+08:00" in problem["detail"]
    assert "2099-01-01T08:00:00+08:00" in problem["detail_en"]
    assert "+00:00" not in problem["detail"] + problem["detail_en"]


def test_department_names_stand_beside_their_codes(portal: Portal, resource_id: str) -> None:
    portal.request_share(portal.tokens["高远"], resource_id, occurred_at=CATALOGED)
    catalog = portal.get(portal.tokens["高远"], "/v1/catalog").json()["items"]
    assert [(i["department"], i["department_name"]) for i in catalog] == [("ZYKF", "资源开发处")]
    deadlines = portal.get(portal.tokens["李静"], "/v1/deadlines", kind="share_reply").json()
    assert {(i["department"], i["department_name"]) for i in deadlines["items"]} == {
        ("ZYKF", "资源开发处")
    }
    supervision = portal.get(portal.tokens["李静"], "/v1/supervision/violations").json()
    names = {row["department"]: row["department_name"] for row in supervision["departments"]}
    assert names["SCGL"] == "市场管理处" and names["ZYKF"] == "资源开发处"


def test_the_cli_replays_at_a_date_and_keeps_wide_tables_whole_when_piped(
    portal: Portal, resource_id: str, database_url: str
) -> None:
    env = {"LEDGER_DATABASE_URL": database_url}
    args = ["replay", "--report", "catalog", "--at", "2025-12-31"]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert LONG_NAME in result.output  # not cut to fit 80 columns
    assert "资源开发处" in result.output
    assert "2025-12-31T23:59:59.999999+08:00" in result.output
    refused = CliRunner().invoke(cli, [*args[:3], "--at", "2025-12-31T10:00"], env=env)
    assert refused.exit_code != 0
    assert "offset" in refused.output
