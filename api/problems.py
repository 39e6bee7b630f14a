"""RFC 9457 problem details for every refusal, naming the fields at fault."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.times import localise_text
from api.validation_zh import message_zh
from domain.errors import LedgerError
from domain.errors_zh import translate

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


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    kind: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    detail_zh: str | None = None,
    title_zh: str | None = None,
    english: bool = False,
    **extra: Any,
) -> JSONResponse:
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
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def ledger_error_response(error: LedgerError, english: bool = False) -> JSONResponse:
    errors = None
    field = error.field or ("body" if error.status == 422 else None)
    if field is not None:
        errors = [field_error(field, error.detail_zh, error.detail, english)]
    extra = {"article": error.article} if error.article else {}
    return problem(
        error.status,
        error.title,
        error.detail,
        kind=_kebab(type(error).__name__),
        errors=errors,
        headers=getattr(error, "headers", None),
        detail_zh=error.detail_zh,
        title_zh=error.title_zh,
        english=english,
        **extra,
    )


def _kebab(name: str) -> str:
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in name).lstrip("-")


def _field_path(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] or parts
    return ".".join(parts) or "body"


def validation_problem(error: RequestValidationError, english: bool = False) -> JSONResponse:
    errors = [
        field_error(
            _field_path(tuple(item["loc"])),
            message_zh(item),
            item["msg"],
            english,
            **{"in": item["loc"][0]},
        )
        for item in error.errors()
    ]
    fields = ", ".join(sorted({e["field"] for e in errors}))
    return problem(
        422,
        "Invalid request",
        f"invalid or missing: {fields}",
        kind="validation",
        errors=errors,
        detail_zh=f"以下字段缺失或无效：{fields}",
        english=english,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(LedgerError)
    async def _ledger(request: Request, error: LedgerError) -> JSONResponse:
        return ledger_error_response(error, prefers_english(request))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        return validation_problem(error, prefers_english(request))

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
