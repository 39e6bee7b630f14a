"""A form's fields become the API's own request body; its refusals come back to the fields.

The body is the route's pydantic model, so the console accepts exactly what the API
accepts; a refusal (the model's validation, or a rule of the measures raised by the
application) is shown next to the field it names, in Chinese.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from console.labels import RESOURCE_FIELD_LABELS, article_label
from domain.errors import LedgerError

M = TypeVar("M", bound=BaseModel)

# Pydantic's kinds of refusal, in the words a form shows next to a field.
PYDANTIC_ZH = {
    "missing": "此项必填",
    "string_too_short": "此项不能为空",
    "too_short": "至少填写一项",
    "string_too_long": "内容过长",
    "enum": "请从列表中选择",
    "literal_error": "请从列表中选择",
    "uuid_parsing": "应为有效的标识（UUID）",
    "date_from_datetime_parsing": "日期格式应为 2025-06-30",
    "date_parsing": "日期格式应为 2025-06-30",
    "datetime_parsing": "时间格式应为 2025-06-30T12:00+08:00",
    "value_error": "格式不符合规定",
    "int_parsing": "应为整数",
    "bool_parsing": "应为是或否",
    "extra_forbidden": "不接受此项",
}


class FormRefused(Exception):
    """The form's refusals by field (``body`` when none is named)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def field_of(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc if not isinstance(part, int)]
    return ".".join(parts) or "body"


def validated(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise FormRefused(
            {
                field_of(tuple(item["loc"])): PYDANTIC_ZH.get(item["type"], "填写不符合规定")
                + f"（{item['msg']}）"
                for item in error.errors()
            }
        ) from None


def ledger_refusal(error: LedgerError) -> FormRefused:
    """A rule broken, at its field: the Chinese message the error carries, else one made of
    the field's name and the article it breaks, with the ledger's own words after."""
    # "evidence.2" is shown at the list it is part of.
    field = ".".join(p for p in (error.field or "body").split(".") if not p.isdigit())
    chinese = getattr(error, "detail_zh", None)
    if not chinese:
        label = RESOURCE_FIELD_LABELS.get(field, field)
        where = f"《实施意见》{article_label(error.article)}" if error.article else "账本规则"
        chinese = f"{label}不符合{where}的规定"
    return FormRefused({field: f"{chinese}（{error.detail}）"})


def attempt(command: Callable[[], Any]) -> Any:
    try:
        return command()
    except LedgerError as error:
        if error.status in (401, 403):
            raise
        raise ledger_refusal(error) from None
