"""The lines of a bulk request: NDJSON (one JSON object a line) or a JSON array of objects.

Each line stands alone: a line that is not JSON, not an object, or not what the single
command accepts gets the problem a single request would get (naming its field), and the
other lines go on. Lines are numbered as the sender counts them: physical lines of NDJSON
(blank ones skipped but counted), positions in an array, from 1.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from api.problems import field_error, problem_body, validation_body

NDJSON = "application/x-ndjson"
MAX_LINES = 10_000
# A line is one command's body; a bulk request is at most MAX_LINES of them.
MAX_BULK_BYTES = 16_000_000

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Line(Generic[M]):
    number: int
    value: M | None = None
    problem: dict[str, Any] | None = None  # why the line was refused, as a problem body


class TooManyLines(ValueError):
    pass


def _raw_lines(body: bytes, content_type: str) -> Iterator[tuple[int, Any | Exception]]:
    if content_type.split(";")[0].strip() == "application/json" or body.lstrip()[:1] == b"[":
        try:
            items = orjson.loads(body)
        except orjson.JSONDecodeError as error:
            yield 1, error
            return
        if not isinstance(items, list):
            yield 1, ValueError("a JSON body must be an array of objects")
            return
        yield from enumerate(items, start=1)
        return
    for number, text in enumerate(body.split(b"\n"), start=1):
        if text.strip():
            try:
                yield number, orjson.loads(text)
            except orjson.JSONDecodeError as error:
                yield number, error


def _malformed(number: int, why: str, why_zh: str, english: bool) -> dict[str, Any]:
    return problem_body(
        422,
        "Invalid request",
        f"line {number}: {why}",
        kind="validation",
        errors=[field_error("body", why_zh, why, english)],
        detail_zh=f"第 {number} 行：{why_zh}",
        english=english,
    )


def read_lines(
    body: bytes, content_type: str, model: type[M], english: bool = False
) -> list[Line[M]]:
    """Every line, validated by ``model`` (the single command's body); raises
    ``TooManyLines`` past ``MAX_LINES``."""
    lines: list[Line[M]] = []
    for number, raw in _raw_lines(body, content_type):
        if len(lines) == MAX_LINES:
            raise TooManyLines(f"at most {MAX_LINES} lines in one request")
        if isinstance(raw, Exception):
            why = "not JSON" if isinstance(raw, orjson.JSONDecodeError) else str(raw)
            zh = "不是有效的 JSON" if isinstance(raw, orjson.JSONDecodeError) else "须为对象数组"
            lines.append(Line(number, problem=_malformed(number, why, zh, english)))
            continue
        if not isinstance(raw, Mapping):
            lines.append(
                Line(number, problem=_malformed(number, "not an object", "须为 JSON 对象", english))
            )
            continue
        lines.append(_validated(number, raw, model, english))
    return lines


def _validated(number: int, raw: Mapping[str, Any], model: type[M], english: bool) -> Line[M]:
    # The very checks a single request meets: the command bodies' base applies the edge's
    # limits (api/limits.py) before the model's own fields.
    try:
        value = model.model_validate(raw)
    except ValidationError as error:
        items = [{**item, "loc": ("body", *item["loc"])} for item in error.errors()]
        body = validation_body(items, english)
        for key in ("detail_zh", "detail_en"):
            prefix = f"第 {number} 行：" if key == "detail_zh" else f"line {number}: "
            body[key] = prefix + body[key]
        body["detail"] = body["detail_en"] if english else body["detail_zh"]
        return Line(number, problem=body)
    return Line(number, value=value)
