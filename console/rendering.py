"""Templates, and what every page shows: who is signed in, where they may go, in 中文."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.auth import ledger_of
from api.names import DepartmentNames
from console.session import csrf_token, principal_or_none
from domain.calendar import SHANGHAI
from domain.principals import Principal

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


def shanghai(value: Any, with_time: bool = True) -> str:
    """A time as officials read it: Beijing time, to the minute."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        local = value.astimezone(SHANGHAI)
        return local.strftime("%Y-%m-%d %H:%M") if with_time else local.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def chinese_date(value: Any) -> str:
    """A date (or a datetime-local value) as written in Chinese, 2025年6月30日 [09:30]: the
    browser shows a date input in its own locale's order (mm/dd/yyyy on an English system),
    so the page says beside it which day was chosen."""
    text = str(value or "")
    try:
        when = datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    except ValueError:
        return ""
    day = f"{when.year}年{when.month}月{when.day}日"
    return f"{day} {when:%H:%M}" if isinstance(when, datetime) else day


templates.env.filters["shanghai"] = shanghai
templates.env.filters["chinese_date"] = chinese_date


def department_namer(request: Request) -> Callable[[str | None], str]:
    """A department's 中文 name by its code, read through the API's own ``DepartmentNames``
    (once per page); a code the ledger does not know is shown as it is."""
    names = DepartmentNames(ledger_of(request))

    def name(code: str | None) -> str:
        return (names(code) or code) if code else "—"

    return name


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    principal: Principal | None = None,
) -> HTMLResponse:
    from console.navigation import menu  # the menu reads the pages' routes

    who = principal or principal_or_none(request)
    page: dict[str, Any] = {
        "principal": who,
        "menu": menu(request, who) if who else [],
        "csrf": csrf_token(request),
        "dept_name": context.get("dept_name") or department_namer(request),
        **context,
    }
    return templates.TemplateResponse(request, template, page, status_code=status_code)
