"""The OpenAPI document as officials and portal developers read it: offline Swagger UI and
ReDoc (assets from the installed ``fastapi-offline`` package, no CDN), every field with its
中文 description and an example (from ``api.glossary``), and the problem+json every refusal
answers with, documented on every operation."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from api.exports import CSV, XLSX
from api.glossary import entry
from api.problems import PROBLEM_JSON

_CJK = re.compile(r"[\u4e00-\u9fff]")


class FieldProblem(BaseModel):
    field: str = Field(
        description="出错的字段（以 . 连接的路径）", examples=["share_conditions.uses"]
    )
    message: str = Field(
        description="说明：默认中文，Accept-Language: en 时为英文", examples=["缺少必填字段"]
    )
    message_zh: str = Field(description="中文说明", examples=["缺少必填字段"])
    message_en: str = Field(description="英文说明", examples=["Field required"])


class Problem(BaseModel):
    """RFC 9457 problem details: what every refusal answers, in Chinese and English."""

    type: str = Field(
        description="问题类型的 URI", examples=["https://ledger.example/problems/validation"]
    )
    title: str = Field(description="标题：默认中文，Accept-Language: en 时为英文")
    title_zh: str = Field(description="中文标题", examples=["请求内容不符合规定"])
    title_en: str = Field(description="英文标题", examples=["Invalid request"])
    status: int = Field(description="HTTP 状态码", examples=[422])
    detail: str = Field(
        description="详情：默认中文，Accept-Language: en 时为英文",
        examples=["以下字段缺失或无效：summary"],
    )
    detail_zh: str = Field(description="中文详情", examples=["以下字段缺失或无效：summary"])
    detail_en: str = Field(description="英文详情", examples=["invalid or missing: summary"])
    errors: list[FieldProblem] | None = Field(default=None, description="各出错字段（422）")
    article: str | None = Field(default=None, description="所违反的条款（第N条）", examples=["26"])


REFUSALS = {
    "401": "未认证：缺少或无效的令牌",
    "403": "无权操作：角色不符，或操作他部门的对象",
    "404": "对象不存在，或调用者无权查看",
    "409": "状态冲突：对象当前状态不允许此操作",
    "412": "If-Match 所示版本已过时",
    "422": "请求内容不符合规定：errors 逐一列出出错的字段",
}


def install(app: FastAPI) -> None:
    """Serve the document built here at ``/openapi.json`` (built once, then kept)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def document(app: FastAPI) -> dict[str, Any]:
    spec = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for model in (Problem, FieldProblem):
        schemas[model.__name__] = model.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            _document_refusals(operation)
            _document_exports(operation)
            for parameter in operation.get("parameters", []):
                _describe(parameter, "", parameter["name"], parameter.get("schema", {}))
    for model, schema in schemas.items():
        for name, prop in schema.get("properties", {}).items():
            _describe(prop, model, name, prop)
        for name, prop in schema.get("properties", {}).items():
            _coded_example(prop, name, schema.get("properties", {}), schemas)
    return spec


def _vocabulary(prop: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any] | None:
    """The enum schema a property refers to, directly or as one of ``anyOf``."""
    for candidate in [prop, *prop.get("anyOf", []), prop.get("items", {})]:
        ref = candidate.get("$ref", "")
        target = schemas.get(ref.rsplit("/", 1)[-1]) if ref else None
        if target is not None and "enum" in target:
            return dict(target)
    return None


def _coded_example(
    prop: dict[str, Any], name: str, siblings: dict[str, Any], schemas: dict[str, Any]
) -> None:
    """A coded value's example is one of its codes; its ``_label``'s, that code's label."""
    if "examples" in prop:
        return
    vocabulary = _vocabulary(prop, schemas)
    if vocabulary is not None:
        code = vocabulary["enum"][0]
        prop["examples"] = [[code]] if prop.get("type") == "array" else [code]
        return
    for suffix in ("_label", "_labels"):
        base = siblings.get(name.removesuffix(suffix)) if name.endswith(suffix) else None
        coded = _vocabulary(base, schemas) if base is not None else None
        if coded is not None:
            example = base.get("examples", [coded["enum"][0]])[0]  # type: ignore[union-attr]
            code = example[0] if isinstance(example, list) else example
            label = coded.get("x-enum-labels", {}).get(code)
            prop["examples"] = [[label]] if suffix == "_labels" else [label]
            return


def _is_scalar(prop: dict[str, Any], schemas: dict[str, Any]) -> bool:
    kinds = [prop, *prop.get("anyOf", [])]
    for kind in kinds:
        ref = kind.get("$ref", "")
        target = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else kind
        if target.get("type") in ("object", "array") or "properties" in target:
            return False
    return True


def missing_examples(spec: dict[str, Any]) -> list[str]:
    """Every scalar field (a value, not an object or a list) without an example."""
    schemas = spec.get("components", {}).get("schemas", {})
    return [
        f"{model}.{name}"
        for model, schema in schemas.items()
        for name, prop in schema.get("properties", {}).items()
        if _is_scalar(prop, schemas) and "examples" not in prop and "example" not in prop
    ]


def _document_refusals(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    for status, description in REFUSALS.items():
        responses[status] = {
            "description": description,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }


def _document_exports(operation: dict[str, Any]) -> None:
    """A report that takes ``format`` also answers CSV (with a BOM) and xlsx."""
    if not any(p["name"] == "format" for p in operation.get("parameters", [])):
        return
    content = operation["responses"].get("200", {}).get("content")
    if content is not None and "application/json" in content:
        content[CSV] = {"schema": {"type": "string", "description": "UTF-8 带 BOM 的 CSV"}}
        content[XLSX] = {"schema": {"type": "string", "format": "binary"}}


def _describe(target: dict[str, Any], model: str, name: str, schema: dict[str, Any]) -> None:
    """Give ``target`` its 中文 description (the English, if any, kept after it) and an example."""
    found = entry(model, name)
    if found is None:
        return
    chinese, example = found
    english = target.get("description") or ""
    if not _CJK.search(english):
        target["description"] = f"{chinese}\n\n{english}" if english else chinese
    if example is not None and "examples" not in schema and "example" not in target:
        if "$ref" not in schema:
            schema["examples"] = [example]


def missing_descriptions(spec: dict[str, Any]) -> list[str]:
    """Every field and query parameter without a 中文 description, by model or route."""
    missing = []
    for model, schema in spec.get("components", {}).get("schemas", {}).items():
        for name, prop in schema.get("properties", {}).items():
            if not _CJK.search(prop.get("description", "")):
                missing.append(f"{model}.{name}")
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if not _CJK.search(parameter.get("description", "")):
                    missing.append(f"{method.upper()} {path} ?{parameter['name']}")
    return missing
