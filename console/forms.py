"""A form's fields become the API's own request body; its refusals come back to the fields.

The body is the route's pydantic model, so the console accepts exactly what the API
accepts; a refusal (the model's validation, or a rule of the measures raised by the
application) is shown next to the field it names, in Chinese only: the API's own
``message_zh`` of a validation error, and ``detail_zh`` of a rule broken.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from api.validation_zh import message_zh
from console.labels import RESOURCE_FIELD_LABELS, article_label
from domain.errors import LedgerError

M = TypeVar("M", bound=BaseModel)

class FormRefused(Exception):
    """The form's refusals by field (``body`` when none is named)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def entered(form: Any) -> dict[str, str]:
    """What the official typed or chose, to show again beside a refusal (files left out)."""
    return {key: value for key, value in form.items() if isinstance(value, str)}


def field_of(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc if not isinstance(part, int)]
    return ".".join(parts) or "body"


def validated(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise FormRefused(
            {
                field_of(tuple(item["loc"])): message_zh(item)
                for item in error.errors()
            }
        ) from None


def ledger_refusal(error: LedgerError) -> FormRefused:
    """A rule broken, at its field, in Chinese only: the message the error carries, else one
    made of the field's name and the article it breaks. An official reads one language; the
    English stays in the API's problem for its clients."""
    # "evidence.2" is shown at the list it is part of.
    field = ".".join(p for p in (error.field or "body").split(".") if not p.isdigit())
    chinese = error.detail_zh
    if chinese.endswith(f"：{error.detail}"):  # no translation: the title and the English
        label = RESOURCE_FIELD_LABELS.get(field, field)
        where = f"《实施意见》{article_label(error.article)}" if error.article else "账本规则"
        chinese = f"{label}不符合{where}的规定"
    return FormRefused({field: chinese})


def attempt(command: Callable[[], Any]) -> Any:
    try:
        return command()
    except LedgerError as error:
        if error.status in (401, 403):
            raise
        raise ledger_refusal(error) from None
