"""Aggregation over HTTP, on SQLite and PostgreSQL (Art. 19-21, 24(2), 39(3)-(4)).

ZYKF provides monthly data from its connected system; XXZX is the information center;
SCGL is another division; BGS holds the office.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.ledger import Ledger
from tests.support.portal import Portal, created, resource_body

JOINED = "2025-03-10T09:00:00+08:00"


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


@pytest.fixture
def system(portal: Portal) -> str:
    system_id = created(
        portal.post(
            portal.tokens["孙悦"],
            "/v1/systems",
            {
                "name": "景区管理系统",
                "status": "existing",
                "occurred_at": "2025-01-02T09:00:00+08:00",
            },
        )
    )["id"]
    created(
        portal.post(
            portal.tokens["周敏"],
            f"/v1/systems/{system_id}/connection",
            {"occurred_at": "2025-01-03T09:00:00+08:00"},
        )
    )
    return str(system_id)


def resource(portal: Portal, **overrides: Any) -> str:
    overrides.setdefault("occurred_at", JOINED)
    return portal.in_catalog(portal.tokens["孙悦"], portal.tokens["李静"], "ZYKF", **overrides)


def receive(
    portal: Portal, resource_id: str, system_id: str, first: str, last: str, **fields: Any
) -> dict[str, Any]:
    who = fields.pop("who", "周敏")
    return created(
        portal.aggregate(portal.tokens[who], resource_id, system_id, first, last, **fields)
    )


def aggregation_deadlines(portal: Portal, **params: Any) -> list[dict[str, Any]]:
    answer = portal.get(portal.tokens["李静"], "/v1/deadlines", kind="aggregation", **params)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]  # type: ignore[no-any-return]


def test_info_center_or_provider_records_a_receipt__art19(portal: Portal, system: str) -> None:
    resource_id = resource(portal)
    by_center = receive(portal, resource_id, system, "2025-03-01", "2025-03-31")
    by_provider = receive(portal, resource_id, system, "2025-04-01", "2025-04-30", who="孙悦")
    # Each receipt is a stream of its own (high volume): a new id at version 1.
    assert by_center["id"] != by_provider["id"]
    assert (by_center["version"], by_provider["version"]) == (1, 1)
    other = portal.aggregate(portal.tokens["高远"], resource_id, system, "2025-05-01", "2025-05-31")
    assert other.status_code == 403
    state = portal.get(portal.tokens["孙悦"], f"/v1/aggregations/{by_center['id']}").json()
    assert (state["status"], state["record_count"], state["checksum"]) == (
        "received",
        120,
        "ab" * 32,
    )
    assert (
        portal.get(portal.tokens["高远"], f"/v1/aggregations/{by_center['id']}").status_code == 404
    )


def test_only_cataloged_non_classified_data_is_aggregated__art19(
    portal: Portal, system: str
) -> None:
    draft = created(
        portal.post(
            portal.tokens["孙悦"],
            "/v1/resources",
            {**resource_body("ZYKF"), "occurred_at": JOINED},
        )
    )["id"]
    not_cataloged = portal.aggregate(
        portal.tokens["周敏"], draft, system, "2025-03-01", "2025-03-31"
    )
    assert not_cataloged.status_code == 409
    assert not_cataloged.json()["errors"][0]["field"] == "resource_id"
    secret = resource(portal, classified=True)
    refused = portal.aggregate(portal.tokens["周敏"], secret, system, "2025-03-01", "2025-03-31")
    assert refused.status_code == 422
    assert refused.json()["article"] == "19"


def test_data_comes_through_the_providers_connected_system__art19(portal: Portal) -> None:
    resource_id = resource(portal)
    unconnected = portal.system(portal.tokens["孙悦"])
    refused = portal.aggregate(
        portal.tokens["周敏"], resource_id, unconnected, "2025-03-01", "2025-03-31"
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "system_id"
    theirs = portal.system(portal.tokens["高远"])
    created(portal.post(portal.tokens["周敏"], f"/v1/systems/{theirs}/connection"))
    not_provider = portal.aggregate(
        portal.tokens["周敏"], resource_id, theirs, "2025-03-01", "2025-03-31"
    )
    assert not_provider.status_code == 422


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"period_start": "2025-03-31", "period_end": "2025-03-01"}, "period_end"),
        ({"period_start": "2099-01-01", "period_end": "2099-01-31"}, "period_end"),
        ({"checksum": "xyz" * 20}, "checksum"),
        ({"checksum": "ab" * 32, "checksum_algorithm": "sha512"}, "checksum"),
        ({"checksum_algorithm": "md5"}, "checksum_algorithm"),
        ({"record_count": -1}, "record_count"),
    ],
)
def test_a_malformed_receipt_is_refused_and_records_nothing(
    portal: Portal, system: str, fields: dict[str, Any], field: str
) -> None:
    resource_id = resource(portal)
    before = portal.position()
    body = {"resource_id": resource_id, "system_id": system, "record_count": 1}
    body.update({"period_start": "2025-03-01", "period_end": "2025-03-31", "checksum": "ab" * 32})
    answer = portal.post(portal.tokens["周敏"], "/v1/aggregations", {**body, **fields})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == field
    assert portal.position() == before


def test_sm3_and_sha512_digests_are_accepted(portal: Portal, system: str) -> None:
    resource_id = resource(portal)
    sm3 = receive(portal, resource_id, system, "2025-03-01", "2025-03-31", checksum_algorithm="sm3")
    upper = "CD" * 64
    sha512 = receive(
        portal,
        resource_id,
        system,
        "2025-04-01",
        "2025-04-30",
        checksum=upper,
        checksum_algorithm="sha512",
    )
    state = portal.get(portal.tokens["周敏"], f"/v1/aggregations/{sha512['id']}").json()
    assert state["checksum"] == upper.lower()
    assert sm3["version"] == 1


def test_monthly_data_is_due_three_working_days_into_the_next_month__art19(
    portal: Portal, system: str
) -> None:
    resource_id = resource(portal)  # joined 2025-03-10: March is owed
    at = "2025-05-20T00:00:00+08:00"
    items = aggregation_deadlines(portal, at=at)
    # March: clock starts 04-01, then 04-02, 04-03, (04-04..06 清明), 04-07.
    # April: clock starts 05-01, (05-01..05 劳动节), 05-06, 05-07, 05-08.
    assert [(i["period_start"], i["due_date"], i["status"]) for i in items] == [
        ("2025-03-01", "2025-04-07", "breached"),
        ("2025-04-01", "2025-05-08", "breached"),
    ]
    assert {i["department"] for i in items} == {"ZYKF"}
    assert {i["subject_id"] for i in items} == {resource_id}
    receive(
        portal,
        resource_id,
        system,
        "2025-03-01",
        "2025-03-31",
        occurred_at="2025-04-03T10:00:00+08:00",
    )
    march, april = aggregation_deadlines(portal, at=at)
    assert (march["status"], april["status"]) == ("met", "breached")


def test_a_national_holiday_lengthens_the_grace__art19(portal: Portal, system: str) -> None:
    resource_id = resource(portal, occurred_at="2025-09-10T09:00:00+08:00")
    [september] = aggregation_deadlines(portal, at="2025-10-05T00:00:00+08:00")
    # 10-01..08 国庆, 10-09, 10-10, Saturday 10-11 调休上班.
    assert (september["due_date"], september["status"]) == ("2025-10-11", "open")
    assert september["subject_id"] == resource_id


def test_a_rejected_receipt_does_not_discharge_the_period__art39_4(
    portal: Portal, system: str
) -> None:
    resource_id = resource(portal)
    receipt = receive(
        portal,
        resource_id,
        system,
        "2025-03-01",
        "2025-03-31",
        occurred_at="2025-04-02T10:00:00+08:00",
    )
    at = "2025-04-03T00:00:00+08:00"
    [march] = aggregation_deadlines(portal, at=at)
    assert march["status"] == "met"
    path = f"/v1/aggregations/{receipt['id']}/rejection"
    assert portal.post(portal.tokens["孙悦"], path, {"reason": "字段缺失"}).status_code == 403
    assert portal.post(portal.tokens["周敏"], path, {"reason": " "}).status_code == 422
    created(
        portal.post(
            portal.tokens["周敏"],
            path,
            {"reason": "评定日期字段为空，无法使用", "occurred_at": "2025-04-02T15:00:00+08:00"},
        )
    )
    assert portal.post(portal.tokens["周敏"], path, {"reason": "again"}).status_code == 409
    [reopened] = aggregation_deadlines(portal, at=at)
    assert (reopened["status"], reopened["discharged_at"]) == ("open", None)
    state = portal.get(portal.tokens["孙悦"], f"/v1/aggregations/{receipt['id']}").json()
    assert (state["status"], state["rejection_reason"]) == (
        "rejected",
        "评定日期字段为空，无法使用",
    )
    # Between the receipt and its rejection, the period was met.
    [between] = aggregation_deadlines(portal, at="2025-04-02T12:00:00+08:00")
    assert between["status"] == "met"


def test_daily_data_owes_each_day_and_a_receipt_covers_whole_days__art19(
    portal: Portal, system: str
) -> None:
    resource_id = resource(portal, update_cycle="daily", occurred_at="2025-06-02T09:00:00+08:00")
    receive(
        portal,
        resource_id,
        system,
        "2025-06-02",
        "2025-06-03",
        occurred_at="2025-06-04T08:00:00+08:00",
    )
    items = aggregation_deadlines(portal, at="2025-06-06T12:00:00+08:00")
    assert [(i["period_start"], i["status"]) for i in items] == [
        ("2025-06-02", "met"),
        ("2025-06-03", "met"),
        ("2025-06-04", "open"),
        ("2025-06-05", "open"),
    ]


def test_real_time_data_is_checked_day_by_day__art19(portal: Portal, system: str) -> None:
    resource(portal, update_cycle="real_time", occurred_at="2025-06-02T09:00:00+08:00")
    items = aggregation_deadlines(portal, at="2025-06-04T12:00:00+08:00")
    assert [i["period_start"] for i in items] == ["2025-06-02", "2025-06-03"]


def test_irregular_and_classified_resources_have_no_schedule__art19(
    portal: Portal, system: str
) -> None:
    resource(portal, update_cycle="irregular")
    resource(portal, classified=True)
    assert aggregation_deadlines(portal, at="2025-12-31T00:00:00+08:00") == []


def test_retirement_ends_the_schedule_and_the_running_period__art19(
    portal: Portal, system: str
) -> None:
    resource_id = resource(portal)
    created(
        portal.post(
            portal.tokens["孙悦"],
            f"/v1/resources/{resource_id}/retirement",
            {"reason": "数据并入新资源", "occurred_at": "2025-05-15T09:00:00+08:00"},
        )
    )
    items = aggregation_deadlines(portal, at="2025-12-31T00:00:00+08:00")
    # March and April ended before the retirement; May was still running: not owed.
    assert [i["period_start"] for i in items] == ["2025-03-01", "2025-04-01"]


def test_an_amended_update_cycle_changes_the_schedule__art19(portal: Portal, system: str) -> None:
    resource_id = resource(portal)
    version = portal.get(portal.tokens["孙悦"], f"/v1/resources/{resource_id}").json()["version"]
    created(
        portal.post(
            portal.tokens["孙悦"],
            f"/v1/resources/{resource_id}/amendments",
            {"update_cycle": "quarterly", "occurred_at": "2025-04-20T09:00:00+08:00"},
            **{"If-Match": f'"{version}"'},
        )
    )
    items = aggregation_deadlines(portal, at="2025-08-01T00:00:00+08:00")
    # Monthly for March; April was running at the change; quarterly from Q2.
    assert [(i["period_start"], i["period_end"]) for i in items] == [
        ("2025-03-01", "2025-03-31"),
        ("2025-04-01", "2025-06-30"),
    ]


def test_becoming_classified_stops_the_schedule__art19(portal: Portal, system: str) -> None:
    resource_id = resource(portal)
    created(
        portal.post(
            portal.tokens["孙悦"],
            f"/v1/resources/{resource_id}/amendments",
            {"classified": True, "occurred_at": "2025-04-20T09:00:00+08:00"},
        )
    )
    items = aggregation_deadlines(portal, at="2025-08-01T00:00:00+08:00")
    assert [i["period_start"] for i in items] == ["2025-03-01"]
