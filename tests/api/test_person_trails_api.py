"""A person's trail by the id of the person register, over HTTP on the live read model, on
SQLite and PostgreSQL.

Art. 36: the record of a use names who used the data and who approved it. A name is not a
person: two officials both called 张立新, in two departments, have two trails; the name
still finds the records made before persons had ids (namesakes together).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import orjson
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app as cli
from domain.ledger import Ledger
from tests.support.portal import AUDITOR, OFFICE, SCGL_STAFF, ZYKF_STAFF, Portal, created


@pytest.fixture
def portal(live_client: TestClient, ledger: Ledger) -> Portal:
    people = (OFFICE, AUDITOR, ZYKF_STAFF, SCGL_STAFF)
    return Portal(live_client, ledger).staffed(*people, extra={"KJC": "科技处"})


def person(portal: Portal, name: str, department: str) -> str:
    body = {"name": name, "department": department, "title": "科员"}
    return str(created(portal.post(portal.admin, "/v1/persons", body))["id"])


def acting_for(portal: Portal, person_id: str, name: str, department: str) -> str:
    """A principal of ``department`` acting for the registered person: its token."""
    body = {"name": name, "department": department, "role": "department", "person_id": person_id}
    return str(created(portal.post(portal.admin, "/v1/principals", body))["token"])


def use(portal: Portal, token: str, resource_id: str, user: str, approver: str) -> str:
    body = {
        "resource_id": resource_id,
        "purpose": "统计分析",
        "data_content": "名称、等级",
        "obtained_at": datetime.now(UTC).isoformat(),
        "method": "api",
        "medium": "network",
        "user_person_id": user,
        "approver_person_id": approver,
    }
    return str(created(portal.post(token, "/v1/data-uses", body))["id"])


def trail(portal: Portal, person: str, **params: Any) -> list[dict[str, Any]]:
    answer = portal.get(
        portal.tokens["审计员"],
        f"/v1/forensics/actors/{person}",
        min_position=portal.position(),
        **params,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]  # type: ignore[no-any-return]


@pytest.fixture
def namesakes(portal: Portal) -> dict[str, str]:
    """Two 张立新, of 市场管理处 and of 科技处, each acting through a principal of his own."""
    resource_id = portal.in_catalog(
        portal.tokens["孙悦"],
        portal.tokens["李静"],
        "ZYKF",
        share_type="unconditional",
        share_conditions=None,
    )
    zhang_market = person(portal, "张立新", "SCGL")
    zhang_tech = person(portal, "张立新", "KJC")
    lin = person(portal, "林国栋", "SCGL")
    he = person(portal, "何佳", "KJC")
    market_token = acting_for(portal, zhang_market, "张立新", "SCGL")
    tech_token = acting_for(portal, zhang_tech, "张立新", "KJC")
    # 市场管理处's 张立新 registers a system himself and uses data 高远 records for him;
    # 科技处's 张立新 records a use he approved.
    system = created(
        portal.post(market_token, "/v1/systems", {"name": "旅游市场监管系统", "status": "existing"})
    )
    market_use = use(portal, portal.tokens["高远"], resource_id, zhang_market, lin)
    tech_use = use(portal, tech_token, resource_id, he, zhang_tech)
    return {
        "market": zhang_market,
        "tech": zhang_tech,
        "he": he,
        "system": system["id"],
        "market_use": market_use,
        "tech_use": tech_use,
    }


def test_two_persons_of_one_name_have_separate_trails__art36(
    portal: Portal, namesakes: dict[str, str]
) -> None:
    zhang_market, zhang_tech, he = namesakes["market"], namesakes["tech"], namesakes["he"]
    system, market_use, tech_use = (namesakes[k] for k in ("system", "market_use", "tech_use"))
    # Art. 36: who used the data and who approved it are persons, not names.
    market = trail(portal, zhang_market)
    assert [(i["event_type"], i["object_id"]) for i in market] == [
        ("SystemRegistered", system),
        ("DataUseRecorded", market_use),
    ]
    tech = trail(portal, zhang_tech)
    assert [(i["event_type"], i["object_id"]) for i in tech] == [("DataUseRecorded", tech_use)]
    assert {i["actor"]["department"] for i in tech} == {"KJC"}

    # The name finds what actors recorded as 张立新 did, namesakes together (old records).
    by_name = trail(portal, "张立新")
    assert {i["object_id"] for i in by_name} == {system, tech_use}

    # The Art. 36 rows carry the ids beside the names, and are found by id.
    uses = portal.get(
        portal.tokens["审计员"],
        "/v1/forensics/data-uses",
        min_position=portal.position(),
        person_id=zhang_tech,
    ).json()["items"]
    assert [(u["use_id"], u["approver"], u["approver_person_id"]) for u in uses] == [
        (tech_use, "张立新", zhang_tech)
    ]
    assert uses[0]["user_person_id"] == he


def test_a_person_id_not_in_the_register_is_refused_naming_the_field(portal: Portal) -> None:
    answer = portal.get(portal.tokens["审计员"], f"/v1/forensics/actors/{uuid4()}")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "person"


def test_the_cli_trail_of_a_person_id_is_that_persons_alone__art36(
    portal: Portal, namesakes: dict[str, str], database_url: str
) -> None:
    env = {"LEDGER_DATABASE_URL": database_url, "LEDGER_PROJECTIONS": "inprocess"}
    # Art. 36: the sheet for a meeting names the one person asked for.
    args = ["trail", "actor", "--person", namesakes["tech"], "--format", "json"]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    items = orjson.loads(result.stdout)["items"]
    assert [(i["event_type"], i["object_id"]) for i in items] == [
        ("DataUseRecorded", namesakes["tech_use"])
    ]
    unknown = CliRunner().invoke(cli, ["trail", "actor", "--person", str(uuid4())], env=env)
    assert unknown.exit_code != 0 and "--person" in unknown.output
