"""RFC 9457 problem details for every refusal, naming the fields at fault."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
import psycopg_pool
from eventsourcing import persistence
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import LedgerError

log = logging.getLogger(__name__)

# The store being unreachable for a moment (a dropped connection, a restarting server, a
# pool with no free connection) is a 503 to retry, not a fault of the request.
UNAVAILABLE: tuple[type[BaseException], ...] = (
    persistence.OperationalError,
    persistence.InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    psycopg_pool.PoolTimeout,
)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://ledger.example/problems/"

TITLES_ZH = {
    400: "请求无效",
    401: "未认证",
    403: "无权操作",
    404: "对象不存在",
    405: "方法不允许",
    409: "状态冲突",
    412: "版本已变更",
    413: "请求体过大",
    422: "请求内容不符合规定",
    500: "服务器内部错误",
    503: "暂不可用",
}


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    kind: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + (kind or str(status)),
        "title": title,
        "status": status,
        "detail": detail,
        "title_zh": TITLES_ZH.get(status, title),
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def ledger_error_response(error: LedgerError) -> JSONResponse:
    errors = None
    if error.field is not None:
        errors = [{"field": error.field, "message": error.detail}]
    elif error.status == 422:
        errors = [{"field": "body", "message": error.detail}]
    extra = {"article": error.article} if error.article else {}
    return problem(
        error.status,
        error.title,
        error.detail,
        kind=_kebab(type(error).__name__),
        errors=errors,
        headers=getattr(error, "headers", None),
        **extra,
    )


def _kebab(name: str) -> str:
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in name).lstrip("-")


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] or parts
    return ".".join(parts) or "body"


def _error_field(item: dict[str, Any]) -> str:
    """Where an error is: its location, or deeper, the field a whole-body check names
    (``ctx.field``, api/limits.py); malformed JSON names the body, not a byte offset."""
    if item.get("type") == "json_invalid":
        return "body"
    inner = (item.get("ctx") or {}).get("field")
    loc = tuple(item["loc"])
    if inner and inner != "body":
        loc = (*loc, *str(inner).split("."))
    return _field_path(loc)


def validation_problem(error: RequestValidationError) -> JSONResponse:
    errors = [
        {"field": _error_field(item), "message": item["msg"], "in": item["loc"][0]}
        for item in error.errors()
    ]
    fields = ", ".join(sorted({e["field"] for e in errors}))
    return problem(
        422, "Invalid request", f"invalid or missing: {fields}", kind="validation", errors=errors
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(LedgerError)
    async def _ledger(_: Request, error: LedgerError) -> JSONResponse:
        return ledger_error_response(error)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, error: RequestValidationError) -> JSONResponse:
        return validation_problem(error)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, error: Exception) -> JSONResponse:
        # Even a fault answers as a problem (the stack trace stays in the log).
        if isinstance(error, UNAVAILABLE):
            log.warning("the store is unavailable: %s", error)
            return problem(
                503,
                "Store unavailable",
                "数据库暂不可用，请稍后重试 (the store is unavailable; retry shortly)",
                kind="store-unavailable",
                headers={"Retry-After": "1"},
            )
        return problem(500, "Internal error", "服务器内部错误 (internal error)", kind="internal")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, error: StarletteHTTPException) -> JSONResponse:
        return problem(
            error.status_code,
            str(error.detail) if error.status_code != 404 else "Not found",
            str(error.detail),
            headers=getattr(error, "headers", None),
        )


class FieldError(BaseModel):
    field: str = Field(description="出错的字段 (the field at fault), e.g. data_staff.0")
    message: str = Field(description="原因 (why)")
    in_: str | None = Field(default=None, alias="in", description="body、query、path 或 header")


class Problem(BaseModel):
    """RFC 9457 problem details, as every refusal answers."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="问题类型 URI")
    title: str = Field(description="标题 (English)")
    status: int = Field(description="HTTP 状态码")
    detail: str = Field(description="说明")
    title_zh: str = Field(description="中文标题")
    errors: list[FieldError] | None = Field(default=None, description="各出错字段")


_MEANING = {
    400: "请求体无法解析 (the body is not JSON in UTF-8)",
    401: "未认证：缺少或无效的令牌 (WWW-Authenticate: Bearer)",
    403: "无权操作 (the role may not do this)",
    404: "对象不存在，或调用者无权看到 (not found, or not yours to see)",
    409: "状态冲突 (the object is not in a state that allows it)",
    412: "If-Match 所指版本已过时 (stale version)",
    413: "请求体过大 (body too large)",
    422: "请求内容不符合规定，errors 列出各字段 (invalid: errors name each field)",
    500: "服务器内部错误 (internal error; nothing recorded)",
    503: "暂不可用：读模型尚未追上或数据库暂不可达，见 Retry-After (retry shortly)",
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": meaning,
        "model": Problem,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for status, meaning in _MEANING.items()
}
"""What every route may answer besides its success, declared in the OpenAPI document."""
