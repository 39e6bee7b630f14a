"""The OpenAPI document as officials and portal developers read it: offline Swagger UI and
ReDoc (assets from the installed ``fastapi-offline`` package, no CDN), every field with its
中文 description and an example (from ``api.glossary``), and the problem+json every refusal
answers with, documented on every operation."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from api.exports import CSV, XLSX
from api.glossary import entry

_CJK = re.compile(r"[\u4e00-\u9fff]")


# Bodies FastAPI cannot read as a model (a bulk request's NDJSON lines): their schemas are
# added to the document's components, where the operations refer to them.
_BODY_MODELS: list[type[BaseModel]] = []


def body_schema(model: type[BaseModel]) -> dict[str, str]:
    """A reference to ``model``'s schema, which the document then carries."""
    _BODY_MODELS.append(model)
    return {"$ref": f"#/components/schemas/{model.__name__}"}


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
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    if _BODY_MODELS:
        _, named = models_json_schema(
            [(model, "validation") for model in _BODY_MODELS],
            ref_template="#/components/schemas/{model}",
        )
        for name, schema in named.get("$defs", {}).items():
            schemas.setdefault(name, schema)
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
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
