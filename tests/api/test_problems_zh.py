"""Refusals over HTTP in Chinese first, the English kept, and English first for a reader who
asks for it; pydantic's field messages translated, allowed codes listed with their labels."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.ledger import Ledger
from tests.support.portal import Portal, auth, resource_body


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    portal = Portal(client, ledger)
    portal.department("ZYKF", "资源开发处")
    portal.principal("孙悦", "ZYKF", "department")
    return portal


def _field(problem: dict[str, Any], name: str) -> dict[str, Any]:
    matches = [error for error in problem["errors"] if error["field"] == name]
    assert matches, problem
    return matches[0]


def test_a_missing_field_is_named_in_chinese_with_the_english_kept(portal: Portal) -> None:
    body = resource_body("ZYKF")
    del body["summary"]
    answer = portal.post(portal.tokens["孙悦"], "/v1/resources", body)
    assert answer.status_code == 422
    problem = answer.json()
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert problem["title"] == "请求内容不符合规定"
    assert problem["detail"] == "以下字段缺失或无效：summary"
    assert problem["detail_en"] == "invalid or missing: summary"
    summary = _field(problem, "summary")
    assert summary["message"] == "缺少必填字段"
    assert summary["message_en"] == "Field required"


def test_a_code_not_allowed_lists_the_allowed_codes_with_their_labels(portal: Portal) -> None:
    body = resource_body("ZYKF", share_type="sometimes")
    answer = portal.post(portal.tokens["孙悦"], "/v1/resources", body)
    assert answer.status_code == 422
    message = _field(answer.json(), "share_type")["message"]
    assert message == (
        "应为以下之一：unconditional（无条件共享）、conditional（有条件共享）、"
        "not_shared（不予共享）"
    )


def test_a_value_of_the_wrong_type_is_said_in_chinese(portal: Portal) -> None:
    body = resource_body("ZYKF", classified="perhaps")
    answer = portal.post(portal.tokens["孙悦"], "/v1/resources", body)
    assert _field(answer.json(), "classified")["message"] == "应为 true 或 false"


def test_a_rule_of_the_measures_refuses_in_chinese__art24(portal: Portal) -> None:
    body = resource_body("ZYKF", share_type="not_shared", share_conditions=None)
    answer = portal.post(portal.tokens["孙悦"], "/v1/resources", body)
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["detail"].startswith("不予共享的数据须有法律依据")
    assert problem["detail_en"].startswith("not_shared data needs a legal basis")
    assert _field(problem, "legal_basis")["message"] == problem["detail"]
    assert problem["article"] == "24(1)"


def test_english_comes_first_for_a_reader_who_prefers_it(portal: Portal) -> None:
    body = resource_body("ZYKF")
    del body["summary"]
    headers = {**auth(portal.tokens["孙悦"]), "Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"}
    problem = portal.client.post("/v1/resources", json=body, headers=headers).json()
    assert problem["detail"] == "invalid or missing: summary"
    assert problem["detail_zh"] == "以下字段缺失或无效：summary"
    assert problem["title"] == "Invalid request"
    assert _field(problem, "summary")["message"] == "Field required"
    assert _field(problem, "summary")["message_zh"] == "缺少必填字段"


def test_chinese_stays_first_when_chinese_is_ranked_above_english(portal: Portal) -> None:
    headers = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
    problem = portal.client.get("/v1/catalog", headers=headers).json()
    assert problem["status"] == 401
    assert problem["detail"] == "请发送 Authorization: Bearer <令牌>"
    assert problem["detail_en"] == "send Authorization: Bearer <token>"


def test_an_address_that_does_not_exist_answers_in_chinese(portal: Portal) -> None:
    problem = portal.client.get("/v1/no-such-thing").json()
    assert problem["status"] == 404
    assert problem["detail"] == "没有这个地址"
