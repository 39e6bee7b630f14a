"""Forensic queries over HTTP, on the live read model, on SQLite and PostgreSQL.

Art. 36: every use of shared data is on the record and under supervision; investigators
ask who did what with which data, and their own queries are recorded too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from api.read_models import close_view, open_view
from domain.audit import ForensicQueryMade
from domain.ledger import Ledger
from store.forensic_view import ForensicView, SQLiteForensicView
from tests.support.portal import Portal, created, resource_body


@pytest.fixture
def portal(live_client: TestClient, ledger: Ledger) -> Portal:
    portal = Portal(live_client, ledger)
    for code in ("BGS", "ZYKF", "SCGL"):
        portal.department(code)
    portal.principal("李静", "BGS", "office")
    portal.principal("孙悦", "ZYKF", "department")
    portal.principal("审计员", "BGS", "auditor")
    portal.principal("张立新", "BGS", "leading_group")
    return portal


def catalog_and_amend(portal: Portal) -> dict[str, Any]:
    resource = created(portal.post(portal.tokens["孙悦"], "/v1/resources", resource_body("ZYKF")))
    created(
        portal.post(
            portal.tokens["孙悦"], f"/v1/resources/{resource['id']}/amendments", {"name": "新名称"}
        )
    )
    submission = created(
        portal.post(
            portal.tokens["孙悦"], "/v1/catalog-submissions", {"resource_ids": [resource["id"]]}
        )
    )
    created(
        portal.post(portal.tokens["李静"], f"/v1/catalog-submissions/{submission['id']}/approval")
    )
    return resource


def history(portal: Portal, resource_id: str, **params: Any) -> dict[str, Any]:
    answer = portal.get(
        portal.tokens["审计员"],
        f"/v1/forensics/resources/{resource_id}/history",
        min_position=portal.position(),
        **params,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_resource_history_lists_every_event_touching_it_in_order__art36(portal: Portal) -> None:
    resource = catalog_and_amend(portal)
    items = history(portal, resource["id"])["items"]
    types = [item["event_type"] for item in items]
    assert types == [
        "ResourceCataloged",
        "ResourceCodeClaimed",
        "ResourceAmended",
        "CatalogSubmitted",
        "JoinedCatalog",
    ]
    # Each fact also by its one 中文 name (domain/event_labels.py), as exports show it.
    assert [item["event_type_label"] for item in items] == [
        "编目数据资源",
        "占用资源代码",
        "修改数据资源",
        "报送目录",
        "纳入厅级目录",
    ]
    assert [i["position"] for i in items] == sorted(i["position"] for i in items)
    assert items[0]["actor"] == {"person": "孙悦", "department": "ZYKF", "role": "department"}
    assert items[0]["occurred_at"] and items[0]["recorded_at"]


def test_history_pages_by_cursor_and_streams_as_ndjson(portal: Portal) -> None:
    resource = catalog_and_amend(portal)
    first = history(portal, resource["id"], limit=2)
    second = history(portal, resource["id"], limit=2, cursor=first["next_cursor"])
    assert len(first["items"]) == 2 and len(second["items"]) == 2
    streamed = portal.client.get(
        f"/v1/forensics/resources/{resource['id']}/history",
        headers={
            "Authorization": f"Bearer {portal.tokens['审计员']}",
            "Accept": "application/x-ndjson",
        },
    )
    assert streamed.headers["content-type"].startswith("application/x-ndjson")
    lines = [orjson.loads(line) for line in streamed.text.splitlines()]
    assert [line["position"] for line in lines] == [
        i["position"]
        for i in first["items"]
        + second["items"]
        + history(portal, resource["id"], limit=10)["items"][4:]
    ]


def test_actor_trail_shows_what_a_person_did(portal: Portal) -> None:
    catalog_and_amend(portal)
    answer = portal.get(
        portal.tokens["张立新"], "/v1/forensics/actors/孙悦", min_position=portal.position()
    )
    assert answer.status_code == 200
    assert {item["event_type"] for item in answer.json()["items"]} == {
        "ResourceCataloged",
        "ResourceCodeClaimed",
        "ResourceAmended",
        "CatalogSubmitted",
    }


def test_forensic_queries_are_recorded_in_the_ledger__art36(portal: Portal, ledger: Ledger) -> None:
    resource = catalog_and_amend(portal)
    before = portal.position()
    history(portal, resource["id"])
    records = ledger.recorder.select_records(after=before)  # type: ignore[attr-defined]
    events = [ledger.mapper.to_domain_event(r.event) for r in records]
    [query] = [e for e in events if isinstance(e, ForensicQueryMade)]
    assert query.actor.person == "审计员"
    assert query.query == "resource_history"
    assert query.parameters == {"resource_id": resource["id"]}


def test_only_investigators_may_query(portal: Portal) -> None:
    resource = catalog_and_amend(portal)
    path = f"/v1/forensics/resources/{resource['id']}/history"
    assert portal.get(portal.tokens["孙悦"], path).status_code == 403
    assert portal.client.get(path).status_code == 401
    assert portal.get(portal.tokens["孙悦"], "/v1/events").status_code == 403


def test_event_feed_streams_every_event_after_a_position(portal: Portal) -> None:
    catalog_and_amend(portal)
    answer = portal.client.get(
        "/v1/events",
        params={"after": 2, "limit": 5},
        headers={"Authorization": f"Bearer {portal.tokens['审计员']}"},
    )
    lines = [orjson.loads(line) for line in answer.text.splitlines()]
    assert [line["position"] for line in lines] == list(range(3, 8))
    assert {"recorded_at", "object_id", "topic", "state"} <= lines[0].keys()


def test_read_past_the_read_model_is_503_with_retry_after(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_READ_WAIT_SECONDS", "0.3")
    answer = portal.get(
        portal.tokens["审计员"], "/v1/forensics/actors/孙悦", min_position=portal.position() + 1000
    )
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"


def shared_resource(portal: Portal) -> tuple[str, str]:
    """ZYKF's conditional resource in the catalog and SCGL's approved request for it."""
    portal.principal("高远", "SCGL", "department")
    resource_id = portal.in_catalog(
        portal.tokens["孙悦"],
        portal.tokens["李静"],
        "ZYKF",
        occurred_at="2025-03-03T09:00:00+08:00",
    )
    request = created(
        portal.request_share(
            portal.tokens["高远"], resource_id, occurred_at="2025-03-04T09:00:00+08:00"
        )
    )
    created(
        portal.post(
            portal.tokens["孙悦"],
            f"/v1/share-requests/{request['id']}/reply",
            {
                "decision": "approve",
                "granted_scope": "名称、等级、地址",
                "granted_uses": ["行业监管"],
                "expires_at": "2025-06-30T23:59:00+08:00",
                "occurred_at": "2025-03-05T09:00:00+08:00",
            },
        )
    )
    return resource_id, str(request["id"])


def use(portal: Portal, resource_id: str, request_id: str | None, **fields: Any) -> dict[str, Any]:
    body = {
        "share_request_id": request_id,
        "resource_id": resource_id,
        "purpose": "行业监管",
        "user_person": "高远",
        "approver": "林国栋",
        "data_content": "名称、等级",
        "obtained_at": "2025-03-10T09:00:00+08:00",
        "method": "api",
        "medium": "network",
        "occurred_at": "2025-03-10T10:00:00+08:00",
        **fields,
    }
    return created(portal.post(portal.tokens["高远"], "/v1/data-uses", body))


def investigate(portal: Portal, path: str, **params: Any) -> list[dict[str, Any]]:
    answer = portal.get(portal.tokens["审计员"], path, min_position=portal.position(), **params)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]  # type: ignore[no-any-return]


def test_data_use_trail_with_the_seven_fields_by_resource_department_person_and_time__art36(
    portal: Portal,
) -> None:
    resource_id, request_id = shared_resource(portal)
    first = use(portal, resource_id, request_id)
    use(
        portal,
        resource_id,
        request_id,
        user_person="何佳",
        approver="高远",
        obtained_at="2025-04-10T09:00:00+08:00",
        occurred_at="2025-04-10T10:00:00+08:00",
    )
    trail = investigate(portal, "/v1/forensics/data-uses", resource_id=resource_id)
    assert [item["user_person"] for item in trail] == ["高远", "何佳"]
    record = trail[0]
    assert record["use_id"] == first["id"] and record["share_request_id"] == request_id
    # Art. 36: purpose, user, approver, content, time and method obtained, medium.
    assert {k: record[k] for k in ("purpose", "approver", "data_content", "method", "medium")} == {
        "purpose": "行业监管",
        "approver": "林国栋",
        "data_content": "名称、等级",
        "method": "api",
        "medium": "network",
    }
    assert [
        i["user_person"] for i in investigate(portal, "/v1/forensics/data-uses", person="高远")
    ] == [
        "高远",
        "何佳",  # as user, then as approver
    ]
    april = investigate(portal, "/v1/forensics/data-uses", **{"from": "2025-04-01T00:00:00+08:00"})
    assert [i["user_person"] for i in april] == ["何佳"]
    assert investigate(portal, "/v1/forensics/data-uses", department="ZYKF") == []


def test_anomalies_of_use_name_each_use_that_broke_the_rules__art32_36(portal: Portal) -> None:
    resource_id, request_id = shared_resource(portal)
    use(portal, resource_id, request_id)  # within the grant
    no_grant = use(portal, resource_id, None)
    expired = use(
        portal,
        resource_id,
        request_id,
        obtained_at="2025-07-02T09:00:00+08:00",
        occurred_at="2025-07-02T10:00:00+08:00",
    )
    outside = use(portal, resource_id, request_id, purpose="招商宣传")
    # Art. 32: handed on to a third party the provider did not consent to.
    handed_on = use(portal, resource_id, request_id, recipient="某旅行社")
    # Art. 36: the user approved the use himself: shown to investigators, counted nowhere.
    own = use(portal, resource_id, request_id, approver="高远")
    kinds = (
        "use_without_grant",
        "use_after_expiry",
        "use_outside_purpose",
        "provided_to_third_party",
        "self_approved",
    )
    found = {
        kind: [i["use_id"] for i in investigate(portal, "/v1/forensics/anomalies", kind=kind)]
        for kind in kinds
    }
    assert found == {
        "use_without_grant": [no_grant["id"]],
        "use_after_expiry": [expired["id"]],
        "use_outside_purpose": [outside["id"]],
        "provided_to_third_party": [handed_on["id"]],
        "self_approved": [own["id"]],
    }


def test_late_entries_are_those_recorded_more_than_a_working_day_after__anomaly(
    portal: Portal,
) -> None:
    # Everything in these tests is recorded today about 2025: all of it is late, except
    # what happened today.
    created(portal.post(portal.tokens["孙悦"], "/v1/resources", resource_body("ZYKF")))
    backdated = created(
        portal.post(
            portal.tokens["孙悦"],
            "/v1/resources",
            resource_body("ZYKF", occurred_at="2025-03-03T09:00:00+08:00"),
        )
    )
    late = investigate(portal, "/v1/forensics/anomalies", kind="late_entry")
    # The backdated command's two events (the entry and its code's claim), nothing else.
    assert [(item["event_type"], item["working_days_late"] > 1) for item in late] == [
        ("ResourceCataloged", True),
        ("ResourceCodeClaimed", True),
    ]
    assert late[0]["object_id"] == backdated["id"]


def test_late_entries_are_found_the_same_once_the_full_index_of_lags_is_replaced__art36(
    portal: Portal, ledger: Ledger
) -> None:
    # Art. 36: tables made before indexed every event's lag; opening them replaces that by
    # an index of the events more than a day late only, and the late entries stay the same.
    created(
        portal.post(
            portal.tokens["孙悦"],
            "/v1/resources",
            resource_body("ZYKF", occurred_at="2025-03-03T09:00:00+08:00"),
        )
    )
    created(portal.post(portal.tokens["孙悦"], "/v1/resources", resource_body("ZYKF")))
    before = investigate(portal, "/v1/forensics/anomalies", kind="late_entry")
    names = reopened_index_names(
        ledger,
        "DROP INDEX {t}forensic_events_lag_seconds_late_idx",
        "CREATE INDEX forensic_events_lag_seconds_idx ON {t}forensic_events (lag_seconds)",
    )
    assert "forensic_events_lag_seconds_late_idx" in names
    assert "forensic_events_lag_seconds_idx" not in names
    after = investigate(portal, "/v1/forensics/anomalies", kind="late_entry")
    assert [item["object_id"] for item in after] == [item["object_id"] for item in before]
    assert len(before) == 2  # the backdated entry and its code's claim


def test_refusals_that_give_no_real_reason__art26_anomaly(portal: Portal) -> None:
    portal.principal("高远", "SCGL", "department")
    resource_id = portal.in_catalog(portal.tokens["孙悦"], portal.tokens["李静"], "ZYKF")
    reasons = {"无": True, "该数据含投诉人个人信息，依《个人信息保护法》第十三条不予提供": False}
    requests = {}
    for reason in reasons:
        request = created(portal.request_share(portal.tokens["高远"], resource_id))
        created(
            portal.post(
                portal.tokens["孙悦"],
                f"/v1/share-requests/{request['id']}/reply",
                {
                    "decision": "refuse",
                    "reason": reason,
                },
            )
        )
        requests[reason] = request["id"]
    found = investigate(portal, "/v1/forensics/anomalies", kind="refusal_without_reason")
    assert [item["object_id"] for item in found] == [requests["无"]]


def test_a_resources_history_includes_its_uses_before_and_after_an_upgrade__art36(
    portal: Portal, ledger: Ledger
) -> None:
    # Art. 36: who used a resource's data is part of its history. A use is found by its
    # use row; tables made before kept a reference row for it and a full index of ids,
    # which opening them again replaces by the index of every event but uses.
    resource_id, request_id = shared_resource(portal)
    used = use(portal, resource_id, request_id)
    kinds = [item["event_type"] for item in history(portal, resource_id)["items"]]
    assert kinds.count("DataUseRecorded") == 1 and "ResourceCataloged" in kinds
    names = reopened_index_names(
        ledger,
        "DROP INDEX {t}forensic_events_originator_id_not_use_idx",
        "CREATE INDEX forensic_events_originator_id_idx ON {t}forensic_events (originator_id)",
        "INSERT INTO {t}forensic_refs SELECT position, resource_id FROM {t}forensic_data_uses",
    )
    assert "forensic_events_originator_id_not_use_idx" in names
    assert "forensic_events_originator_id_idx" not in names
    again = [item["event_type"] for item in history(portal, resource_id)["items"]]
    assert again == kinds  # each use once, though named twice
    assert used["id"] in {i["object_id"] for i in history(portal, resource_id)["items"]}


def reopened_index_names(ledger: Ledger, *earlier: str) -> set[str]:
    """The tables left as an earlier version left them (``earlier``'s statements), then
    opened again, which upgrades them: the indexes they have then."""
    view = open_view(dict(ledger.env))
    with view.datastore.transaction(commit=True) as cursor:
        for statement in earlier:
            cursor.execute(view._sql(statement))
    close_view(view)
    upgraded = open_view(dict(ledger.env))
    try:
        return index_names(upgraded)
    finally:
        close_view(upgraded)


def index_names(view: ForensicView) -> set[str]:
    if isinstance(view, SQLiteForensicView):
        rows = view._rows("SELECT name FROM sqlite_master WHERE type = 'index'", [])
    else:
        rows = view._rows(
            "SELECT indexname AS name FROM pg_indexes WHERE schemaname = ?",
            [view.datastore.schema],
        )
    return {row["name"] for row in rows}


def test_a_fold_of_marked_uses_is_given_only_those__v09(portal: Portal, ledger: Ledger) -> None:
    # V09: only a marked use is a misuse; supervision's fold reads no other, and the index
    # leaves the others out for it, the ones recorded in order and the late ones alike.
    resource_id, request_id = shared_resource(portal)
    kept = use(portal, resource_id, request_id)
    no_grant = use(portal, resource_id, None)
    late = use(
        portal,
        resource_id,
        None,
        obtained_at="2025-01-02T09:00:00+08:00",
        occurred_at="2025-01-02T10:00:00+08:00",
    )
    investigate(portal, "/v1/forensics/anomalies", kind="use_without_grant")  # projected
    view = open_view(dict(ledger.env))
    kinds = ["DataUseRecorded", "JoinedCatalog"]
    upto = ledger.recorder.head().position  # type: ignore[attr-defined]
    for at in (datetime(2025, 2, 1, tzinfo=UTC), datetime(2025, 12, 31, tzinfo=UTC)):
        every = view.occurred_by(0, upto, at, kinds)
        marked = view.occurred_by(0, upto, at, kinds, marked_uses_only=True)
        uses = {
            row["position"]: row
            for row in view._rows("SELECT position, use_id, marks FROM {t}forensic_data_uses", [])
        }
        unmarked = {p for p, row in uses.items() if not row["marks"]}
        assert marked == [p for p in every if p not in unmarked]
        assert {uses[p]["use_id"] for p in marked if p in uses} == (
            {late["id"].replace("-", "")}
            if at.month == 2
            else {no_grant["id"].replace("-", ""), late["id"].replace("-", "")}
        )
        assert kept["id"].replace("-", "") not in {uses[p]["use_id"] for p in marked if p in uses}
    close_view(view)


def test_a_uses_rows_keep_each_columns_type_as_written_in_one_statement__art36(
    portal: Portal, ledger: Ledger
) -> None:
    # Art. 36: a batch's rows are written in one statement (on SQLite, read from one JSON
    # array): a number stays a number (lags are compared as numbers), a missing value NULL.
    resource_id, request_id = shared_resource(portal)
    used = use(portal, resource_id, request_id)
    investigate(portal, "/v1/forensics/data-uses", resource_id=resource_id)  # caught up
    view = open_view(dict(ledger.env))
    try:
        [row] = view._rows(
            "SELECT e.lag_seconds, e.originator_version, e.payload, u.recipient, u.marks "
            "FROM {t}forensic_events AS e JOIN {t}forensic_data_uses AS u "
            "ON u.position = e.position WHERE u.use_id = ?",
            [used["id"].replace("-", "")],
        )
    finally:
        close_view(view)
    assert isinstance(row["lag_seconds"], int) and isinstance(row["originator_version"], int)
    assert isinstance(row["payload"], str) and row["recipient"] is None
    assert row["marks"] == ""
