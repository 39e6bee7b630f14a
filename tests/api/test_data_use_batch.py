"""Data uses in bulk over HTTP, on SQLite and PostgreSQL (Art. 36): the sharing system's
access log, one use a line, each recorded and marked as a single use is, each refused alone
with the problem a single request would get, and a retry recording nothing twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api import cli
from domain.ledger import Ledger
from tests.api.test_data_uses_api import granted, resource, use_body
from tests.support.portal import Portal, auth, created

BATCH = "/v1/data-uses:batch"
NDJSON = {"Content-Type": "application/x-ndjson"}


def staffed_grant(client: TestClient, ledger: Ledger) -> tuple[Portal, str, str]:
    """ZYKF provides; SCGL (高远) uses under a grant; 李静 is the office: the portal, the
    resource and the approved share request."""
    portal = Portal(client, ledger)
    portal.department("BGS", "办公室")
    portal.department("ZYKF", "资源开发处")
    portal.department("SCGL", "市场管理处")
    portal.principal("李静", "BGS", "office")
    portal.principal("孙悦", "ZYKF", "department")
    portal.principal("高远", "SCGL", "department")
    resource_id = resource(portal)
    return portal, resource_id, granted(portal, resource_id)


@pytest.fixture
def setting(client: TestClient, ledger: Ledger) -> tuple[Portal, str, str]:
    return staffed_grant(client, ledger)


@pytest.fixture
def portal(setting: tuple[Portal, str, str]) -> Portal:
    return setting[0]


@pytest.fixture
def grant(setting: tuple[Portal, str, str]) -> tuple[str, str]:
    return setting[1], setting[2]


def ndjson(lines: list[Any]) -> bytes:
    return b"".join(
        (line if isinstance(line, bytes) else orjson.dumps(line)) + b"\n" for line in lines
    )


def results(text: str) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in text.splitlines() if line.strip()]


def send(portal: Portal, who: str, body: bytes, headers: dict[str, str] = NDJSON) -> Any:
    return portal.client.post(BATCH, content=body, headers={**auth(portal.tokens[who]), **headers})


def test_each_line_is_recorded_or_refused_alone(portal: Portal, grant: tuple[str, str]) -> None:
    # Art. 36: every use is a record; a malformed line is refused without the others.
    resource_id, request_id = grant
    lines = [
        {**use_body(resource_id, request_id), "idempotency_key": "log-1"},
        {**use_body(resource_id, request_id, purpose="对外发布"), "idempotency_key": "log-2"},
        {k: v for k, v in use_body(resource_id, request_id).items() if k != "purpose"},
        b"{not json",
        {**use_body(resource_id, request_id), "idempotency_key": "log-5"},
    ]
    response = send(portal, "高远", ndjson(lines))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    answered = results(response.text)
    assert [r["line"] for r in answered] == [1, 2, 3, 4, 5]
    assert [r["status"] for r in answered] == [201, 201, 422, 422, 201]
    # Art. 32: a purpose outside the grant is recorded and marked, never refused.
    assert answered[0]["marks"] == []
    assert "purpose_not_granted" in answered[1]["marks"]
    missing = answered[2]["problem"]
    assert missing["errors"][0]["field"] == "purpose"
    assert missing["detail"].startswith("第 3 行")
    assert answered[3]["problem"]["errors"][0]["field"] == "body"
    for result in (answered[0], answered[1], answered[4]):
        read = portal.get(portal.tokens["高远"], f"/v1/data-uses/{result['id']}")
        assert read.status_code == 200
        assert result["position"] > 0


def test_a_retried_batch_records_nothing_twice(
    portal: Portal, grant: tuple[str, str], ledger: Ledger
) -> None:
    # Acknowledged lines are never recorded again: the retry answers each as the first did.
    resource_id, request_id = grant
    lines = [
        {**use_body(resource_id, request_id, data_content=f"名称 {n}"), "idempotency_key": f"k{n}"}
        for n in range(8)
    ]
    first = results(send(portal, "高远", ndjson(lines)).text)
    head = ledger.recorder.max_notification_id()
    again = results(send(portal, "高远", ndjson(lines)).text)
    assert [r["status"] for r in first] == [201] * 8
    assert [r["status"] for r in again] == [200] * 8
    assert [(r["id"], r["position"]) for r in again] == [(r["id"], r["position"]) for r in first]
    assert ledger.recorder.max_notification_id() == head
    # The same key with another body is refused for that line, naming the key.
    changed = [{**lines[0], "purpose": "统计分析"}]
    refused = results(send(portal, "高远", ndjson(changed)).text)
    assert refused[0]["status"] == 422
    assert refused[0]["problem"]["errors"][0]["field"] == "Idempotency-Key"


def test_a_key_given_twice_in_one_batch_is_recorded_once(
    portal: Portal, grant: tuple[str, str], ledger: Ledger
) -> None:
    resource_id, request_id = grant
    line = {**use_body(resource_id, request_id), "idempotency_key": "same"}
    answered = results(send(portal, "高远", ndjson([line, line])).text)
    assert sorted(r["status"] for r in answered) == [200, 201]
    assert answered[0]["id"] == answered[1]["id"]


def test_a_json_array_answers_a_summary(portal: Portal, grant: tuple[str, str]) -> None:
    resource_id, request_id = grant
    body = orjson.dumps([use_body(resource_id, request_id), {"purpose": "行业监管"}])
    response = send(portal, "高远", body, {"Content-Type": "application/json"})
    assert response.status_code == 200
    answer = response.json()
    assert (answer["recorded"], answer["replayed"], answer["refused"]) == (1, 0, 1)
    assert [r["status"] for r in answer["results"]] == [201, 422]


def test_who_may_send_a_batch(portal: Portal, grant: tuple[str, str], client: TestClient) -> None:
    # Only a using department records its uses (Art. 36); nobody else learns anything.
    resource_id, request_id = grant
    body = ndjson([use_body(resource_id, request_id)])
    assert client.post(BATCH, content=body, headers=NDJSON).status_code == 401
    assert send(portal, "李静", body).status_code == 403


def test_limits_of_one_batch(portal: Portal, grant: tuple[str, str]) -> None:
    resource_id, request_id = grant
    line = orjson.dumps(use_body(resource_id, request_id))
    # More than one command's 1 MB, padded inside each line: a batch may be up to 16 MB.
    padded = [line[:-1] + b" " * 2000 + b"}" for _ in range(600)]
    big = send(portal, "高远", ndjson(padded))
    assert big.status_code == 200, big.text[:300]
    assert {r["status"] for r in results(big.text)} == {201}
    too_many = send(portal, "高远", b"{}\n" * 10_001)
    assert too_many.status_code == 413
    assert too_many.json()["detail"] == "一次至多 10000 行"


@pytest.mark.parametrize("content_type", ["application/x-ndjson", "application/json"])
def test_the_batch_is_documented(client: TestClient, content_type: str) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"][BATCH]["post"]
    schema = operation["requestBody"]["content"][content_type]["schema"]
    ref = schema.get("$ref") or schema["items"]["$ref"]
    assert ref.rsplit("/", 1)[-1] in spec["components"]["schemas"]


def test_import_uses_from_the_command_line(
    portal: Portal, grant: tuple[str, str], database_url: str, tmp_path: Path
) -> None:
    # `ledger import-uses` records an access log as the batch route does, line by line.
    resource_id, request_id = grant
    log = tmp_path / "access.ndjson"
    lines = [
        {**use_body(resource_id, request_id, data_content=f"名称 {n}"), "idempotency_key": f"a{n}"}
        for n in range(3)
    ]
    log.write_bytes(ndjson([*lines, {"purpose": "行业监管"}]))
    out = tmp_path / "results.ndjson"
    env = {"LEDGER_DATABASE_URL": database_url, "LEDGER_TOKEN": portal.tokens["高远"]}
    command = ["import-uses", str(log), "--results", str(out), "--chunk", "2"]
    first = CliRunner().invoke(cli.app, command, env=env)
    assert first.exit_code == 2, first.output  # one line refused
    answered = results(out.read_text(encoding="utf-8"))
    assert [(r["line"], r["status"]) for r in answered] == [(1, 201), (2, 201), (3, 201), (4, 422)]
    again = CliRunner().invoke(cli.app, command, env=env)
    assert again.exit_code == 2
    replayed = results(out.read_text(encoding="utf-8"))
    assert [r["status"] for r in replayed] == [200, 200, 200, 422]
    assert [r["id"] for r in replayed[:3]] == [r["id"] for r in answered[:3]]
    # Only a department's token records uses: the office's is refused, nothing recorded.
    office = {**env, "LEDGER_TOKEN": portal.tokens["李静"]}
    refused = CliRunner().invoke(cli.app, command, env=office)
    assert refused.exit_code == 1, refused.output
    assert "department" in refused.output  # the role it needs, named


def test_lines_of_one_grant_obtained_before_and_after_it_are_marked_apart(
    portal: Portal, grant: tuple[str, str]
) -> None:
    # Art. 26: a batch is decided against one read of the grant, and each line still
    # against the grant as it stood when its data was obtained, as a single use would be.
    resource_id, request_id = grant
    times = ["2025-10-10T09:30:00+08:00", "2025-09-27T09:00:00+08:00", "2026-01-05T09:00:00+08:00"]
    lines = [
        {**use_body(resource_id, request_id, obtained_at=at), "idempotency_key": f"t{n}"}
        for n, at in enumerate(times * 2)
    ]
    answered = results(send(portal, "高远", ndjson(lines)).text)
    assert [r["status"] for r in answered] == [201] * 6
    expected = [[], ["no_grant"], ["after_expiry"]] * 2
    assert [r["marks"] for r in answered] == expected
    single = [
        created(portal.post(portal.tokens["高远"], "/v1/data-uses", one))["marks"]
        for one in (use_body(resource_id, request_id, obtained_at=at) for at in times)
    ]
    assert single == expected[:3]
