"""A complete, offline OpenAPI: docs from installed assets (no CDN), every route with a
response model, every field and parameter with a 中文 description, every scalar field with an
example, coded values with their labels, and problem+json documented for every refusal."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.openapi import missing_descriptions, missing_examples

REFUSALS = ("401", "403", "404", "409", "412", "422")

EXTERNAL = re.compile(r"""(?:src|href)=["']?(https?:)?//""")


@pytest.fixture
def spec(client: TestClient) -> dict[str, Any]:
    answer = client.get("/openapi.json")
    assert answer.status_code == 200
    return answer.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_load_nothing_from_outside(client: TestClient, page: str) -> None:
    html = client.get(page)
    assert html.status_code == 200
    assert not EXTERNAL.search(html.text), html.text
    assets = re.findall(r"""(?:src|href)=["']?([^"' >]+\.(?:js|css))""", html.text)
    assert assets, html.text
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.content) > 10_000, asset  # the real bundle, not a placeholder


def test_every_route_declares_its_response_model(spec: dict[str, Any]) -> None:
    """Every JSON answer is a named pydantic model; any other answer names its media type
    (the NDJSON feed, a notice's .docx or PDF)."""
    lacking = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if not status.startswith("2"):
                    continue
                content = response.get("content", {})
                schema = content.get("application/json", {}).get("schema", {})
                if not content or ("application/json" in content and "$ref" not in schema):
                    lacking.append(f"{method.upper()} {path} → {status}")
    assert not lacking, "routes without a response_model:\n" + "\n".join(lacking)


def test_every_field_and_parameter_has_a_chinese_description(spec: dict[str, Any]) -> None:
    missing = missing_descriptions(spec)
    assert not missing, "no 中文 description in api/glossary.py for:\n" + "\n".join(missing)


def test_every_scalar_field_has_an_example(spec: dict[str, Any]) -> None:
    missing = missing_examples(spec)
    assert not missing, "no example for:\n" + "\n".join(missing)


def test_coded_values_carry_their_labels(spec: dict[str, Any]) -> None:
    share_type = spec["components"]["schemas"]["ShareType"]
    assert share_type["x-enum-labels"]["conditional"] == "有条件共享"
    assert "conditional：有条件共享" in share_type["description"]
    shown = spec["components"]["schemas"]["ShareRequestOut"]["properties"]
    assert shown["status_label"]["examples"] and "中文名称" in shown["status_label"]["description"]


def test_every_operation_documents_its_refusals_as_problem_json(spec: dict[str, Any]) -> None:
    lacking = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status in REFUSALS:
                content = operation["responses"].get(status, {}).get("content", {})
                schema = content.get("application/problem+json", {}).get("schema", {})
                if schema.get("$ref") != "#/components/schemas/Problem":
                    lacking.append(f"{method.upper()} {path} {status}")
    assert not lacking, "\n".join(lacking)
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    problem = spec["components"]["schemas"]["Problem"]["properties"]
    assert {"detail", "detail_zh", "detail_en", "errors"} <= set(problem)


def test_a_date_or_an_offset_datetime_is_what_at_accepts(spec: dict[str, Any]) -> None:
    parameters = spec["paths"]["/v1/catalog"]["get"]["parameters"]
    at = next(p for p in parameters if p["name"] == "at")
    assert "2025-12-31" in str(at["schema"])
    assert "北京时间" in at["description"]
