"""Pydantic's field messages in Chinese, for the cases portals meet: a field missing, of the
wrong type, out of bounds, or not one of the allowed codes (listed with their 中文 labels)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from domain.errors_zh import split_bilingual, translate
from domain.vocabulary import Labeled

_QUOTED = re.compile(r"'([^']*)'")


def _labelled_enums() -> Iterator[type[Labeled]]:
    pending: list[type[Labeled]] = [Labeled]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls is not Labeled:
            yield cls


def allowed_codes(expected: str) -> str:
    """``'a', 'b' or 'c'`` as ``a（标签）、b（标签）、c（标签）``: the vocabulary whose codes are
    exactly those gives the labels, so a code shared by two vocabularies reads right in each."""
    codes = _QUOTED.findall(expected)
    labels: Mapping[str, str] = {}
    for vocabulary in _labelled_enums():
        if set(vocabulary.labels()) == set(codes):
            labels = vocabulary.labels()
            break
    return "、".join(f"{code}（{labels[code]}）" if code in labels else code for code in codes)


def _value_error(ctx: dict[str, Any]) -> str:
    english = str(ctx.get("error", ""))
    return translate(english) or f"取值无效：{english}"


_TYPES: dict[str, str] = {
    "string_type": "应为字符串",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数，不能有小数部分",
    "float_type": "应为数值",
    "float_parsing": "应为数值",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表（数组）",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "uuid_type": "应为 UUID",
    "uuid_parsing": "应为 UUID，例如 3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "date_type": "应为日期",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD），不含时刻",
    "datetime_type": "应为日期时间",
    "datetime_parsing": "应为带时区的日期时间，例如 2025-12-31T17:00:00+08:00",
    "datetime_from_date_parsing": "应为带时区的日期时间，例如 2025-12-31T17:00:00+08:00",
    "timezone_aware": "日期时间须带时区偏移，例如 +08:00",
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "none_required": "应为 null",
    "frozen_instance": "不可修改",
    "url_parsing": "应为网址",
    "string_unicode": "应为 UTF-8 文本",
}

_BOUNDS: dict[str, Callable[[dict[str, Any]], str]] = {
    "string_too_short": lambda c: f"至少 {c.get('min_length')} 个字符",
    "string_too_long": lambda c: f"至多 {c.get('max_length')} 个字符",
    "too_short": lambda c: f"至少 {c.get('min_length')} 项",
    "too_long": lambda c: f"至多 {c.get('max_length')} 项",
    "greater_than": lambda c: f"应大于 {c.get('gt')}",
    "greater_than_equal": lambda c: f"应不小于 {c.get('ge')}",
    "less_than": lambda c: f"应小于 {c.get('lt')}",
    "less_than_equal": lambda c: f"应不大于 {c.get('le')}",
    "string_pattern_mismatch": lambda c: f"格式不符合要求（{c.get('pattern')}）",
    "enum": lambda c: f"应为以下之一：{allowed_codes(str(c.get('expected', '')))}",
    "literal_error": lambda c: f"应为以下之一：{allowed_codes(str(c.get('expected', '')))}",
    "value_error": _value_error,
    "assertion_error": _value_error,
}


def message_zh(error: Mapping[str, Any]) -> str:
    """The Chinese of one pydantic error (``{"type", "msg", "ctx"}``); its English when the
    type is one not listed here, so that nothing is ever lost."""
    kind = str(error.get("type", ""))
    ctx = dict(error.get("ctx") or {})
    if kind in _BOUNDS:
        return _BOUNDS[kind](ctx)
    if kind in _TYPES:
        return _TYPES[kind]
    message = str(error.get("msg", ""))
    both = split_bilingual(message)  # the edge's own checks say both: "中文 (English)"
    return both[0] if both else message
