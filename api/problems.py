"""RFC 9457 problem details for every refusal, naming the fields at fault."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
import psycopg_pool
from eventsourcing import persistence
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.times import localise_text
from api.validation_zh import message_zh
from domain.errors import LedgerError
from domain.errors_zh import translate

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


def prefers_english(request: Request | None) -> bool:
    """Chinese unless ``Accept-Language`` ranks English above Chinese (RFC 9110 §12.5.4)."""
    header = request.headers.get("accept-language", "") if request is not None else ""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        language = tag.strip().lower()[:2]
        if language in ("en", "zh") and quality > 0:
            ranked.append((-quality, index, language))
    return bool(ranked) and min(ranked)[2] == "en"


def bilingual(name: str, zh: str, en: str, english: bool) -> dict[str, str]:
    """``name`` in the reader's language first, and both kept: ``name_zh`` and ``name_en``;
    the instants they quote in Asia/Shanghai."""
    zh, en = localise_text(zh), localise_text(en)
    return {name: en if english else zh, f"{name}_zh": zh, f"{name}_en": en}


def field_error(field: str, zh: str, en: str, english: bool, **extra: Any) -> dict[str, Any]:
    return {"field": field, **bilingual("message", zh, en, english), **extra}


def problem_body(
    status: int,
    title: str,
    detail: str,
    *,
    kind: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    detail_zh: str | None = None,
    title_zh: str | None = None,
    english: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """A problem in Chinese first (or English first for a reader who prefers it), both kept:
    ``title``/``detail`` in the reader's language, ``title_zh``/``detail_zh`` and
    ``title_en``/``detail_en`` always."""
    zh_title = title_zh or TITLES_ZH.get(status, title)
    zh_detail = detail_zh or translate(detail) or f"{zh_title}：{detail}"
    body: dict[str, Any] = {
        "type": TYPE_BASE + (kind or str(status)),
        **bilingual("title", zh_title, title, english),
        "status": status,
        **bilingual("detail", zh_detail, detail, english),
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return body


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> JSONResponse:
    """The problem as a response (application/problem+json); ``fields`` as ``problem_body``."""
    body = problem_body(status, title, detail, **fields)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def ledger_error_body(error: LedgerError, english: bool = False) -> dict[str, Any]:
    errors = None
    field = error.field or ("body" if error.status == 422 else None)
    if field is not None:
        errors = [field_error(field, error.detail_zh, error.detail, english)]
    extra = {"article": error.article} if error.article else {}
    return problem_body(
        error.status,
        error.title,
        error.detail,
        kind=_kebab(type(error).__name__),
        errors=errors,
        detail_zh=error.detail_zh,
        title_zh=error.title_zh,
        english=english,
        **extra,
    )


def ledger_error_response(error: LedgerError, english: bool = False) -> JSONResponse:
    return JSONResponse(
        ledger_error_body(error, english),
        status_code=error.status,
        media_type=PROBLEM_JSON,
        headers=getattr(error, "headers", None),
    )


def _kebab(name: str) -> str:
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in name).lstrip("-")


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] or parts
    return ".".join(parts) or "body"


def _error_field(item: Mapping[str, Any]) -> str:
    """Where an error is: its location, or deeper, the field a whole-body check names
    (``ctx.field``, api/limits.py); malformed JSON names the body, not a byte offset."""
    if item.get("type") == "json_invalid":
        return "body"
    inner = (item.get("ctx") or {}).get("field")
    loc = tuple(item["loc"])
    if inner and inner != "body":
        loc = (*loc, *str(inner).split("."))
    return _field_path(loc)


def validation_body(items: Sequence[Mapping[str, Any]], english: bool = False) -> dict[str, Any]:
    """The 422 for pydantic's errors (``errors()``), each naming its field."""
    errors = [
        field_error(
            _error_field(item),
            message_zh(item),
            item["msg"],
            english,
            **{"in": item["loc"][0]},
        )
        for item in items
    ]
    fields = ", ".join(sorted({e["field"] for e in errors}))
    return problem_body(
        422,
        "Invalid request",
        f"invalid or missing: {fields}",
        kind="validation",
        errors=errors,
        detail_zh=f"以下字段缺失或无效：{fields}",
        english=english,
    )


def validation_problem(error: RequestValidationError, english: bool = False) -> JSONResponse:
    body = validation_body(error.errors(), english)
    return JSONResponse(body, status_code=422, media_type=PROBLEM_JSON)


def install(app: FastAPI) -> None:
    @app.exception_handler(LedgerError)
    async def _ledger(request: Request, error: LedgerError) -> JSONResponse:
        return ledger_error_response(error, prefers_english(request))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        return validation_problem(error, prefers_english(request))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, error: Exception) -> JSONResponse:
        # Even a fault answers as a problem (the stack trace stays in the log).
        if isinstance(error, UNAVAILABLE):
            log.warning("the store is unavailable: %s", error)
            return problem(
                503,
                "Store unavailable",
                "the store is unavailable; retry shortly",
                kind="store-unavailable",
                headers={"Retry-After": "1"},
                detail_zh="数据库暂不可用，请稍后重试",
            )
        return problem(
            500,
            "Internal error",
            "internal error; nothing was recorded",
            kind="internal",
            detail_zh="服务器内部错误，未记录任何内容",
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        zh = HTTP_DETAILS_ZH.get(error.status_code, TITLES_ZH.get(error.status_code, ""))
        return problem(
            error.status_code,
            str(error.detail) if error.status_code != 404 else "Not found",
            str(error.detail),
            headers=getattr(error, "headers", None),
            detail_zh=zh or None,
            english=prefers_english(request),
        )


# What the framework itself refuses, before any route runs.
HTTP_DETAILS_ZH = {
    404: "没有这个地址",
    405: "该地址不支持此请求方法",
}


class FieldError(BaseModel):
    field: str = Field(
        description="出错的字段 (the field at fault), e.g. data_staff.0",
        examples=["share_conditions.uses"],
    )
    message: str = Field(
        description="原因：默认中文，Accept-Language: en 时为英文", examples=["缺少必填字段"]
    )
    message_zh: str = Field(description="中文原因", examples=["缺少必填字段"])
    message_en: str = Field(description="英文原因", examples=["Field required"])
    in_: str | None = Field(
        default=None, alias="in", description="body、query、path 或 header", examples=["body"]
    )


class Problem(BaseModel):
    """RFC 9457 problem details, as every refusal answers, in Chinese and English."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(
        description="问题类型 URI", examples=["https://ledger.example/problems/validation"]
    )
    title: str = Field(
        description="标题：默认中文，Accept-Language: en 时为英文", examples=["请求内容不符合规定"]
    )
    title_zh: str = Field(description="中文标题", examples=["请求内容不符合规定"])
    title_en: str = Field(description="英文标题", examples=["Invalid request"])
    status: int = Field(description="HTTP 状态码", examples=[422])
    detail: str = Field(
        description="说明：默认中文，Accept-Language: en 时为英文",
        examples=["以下字段缺失或无效：summary"],
    )
    detail_zh: str = Field(description="中文说明", examples=["以下字段缺失或无效：summary"])
    detail_en: str = Field(description="英文说明", examples=["invalid or missing: summary"])
    errors: list[FieldError] | None = Field(default=None, description="各出错字段（422）")
    article: str | None = Field(default=None, description="所违反的条款（第N条）", examples=["26"])


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
