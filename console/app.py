"""Mounting the console on the API's app: pages at ``/``, static files at ``/static``.

A console page that fails answers a page, not problem JSON: not signed in → 登录; a
refusal → the page of that refusal in Chinese, with the status the API would give.
"""

from __future__ import annotations

import inspect

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.problems import ledger_error_response
from console.pages import audit, deadlines, findings, ledger, login, supervision, workbench
from console.rendering import HERE, render
from console.session import CsrfRefused, NotSignedIn
from domain.errors import LedgerError

STATUS_ZH = {
    403: "无权查看或操作",
    404: "未找到",
    409: "当前状态不允许此操作",
    422: "请求内容不符合规定",
}


def is_console(request: Request) -> bool:
    return not request.url.path.startswith(("/v1", "/health", "/docs", "/openapi"))


def install(app: FastAPI) -> None:
    for module in (login, supervision, deadlines, findings, workbench, audit, ledger):
        app.include_router(module.router, include_in_schema=False)
    fallback = app.exception_handlers.get(LedgerError)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="console-static")

    async def refused(request: Request, error: Exception) -> Response:
        assert isinstance(error, LedgerError)
        if not is_console(request):
            # The API's own handler, whatever it is, answers the API's refusals.
            if fallback is None:
                return ledger_error_response(error)
            answer = fallback(request, error)
            return await answer if inspect.isawaitable(answer) else answer
        if isinstance(error, NotSignedIn):
            return RedirectResponse("/login", status_code=303)
        return render(
            request,
            "refused.html",
            {
                "status": error.status,
                "title": STATUS_ZH.get(error.status, "操作未完成"),
                "detail": error.detail,
                "csrf_refused": isinstance(error, CsrfRefused),
            },
            status_code=error.status,
        )

    app.add_exception_handler(LedgerError, refused)
