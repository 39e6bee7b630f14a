"""登录 and 退出: a token in, a session cookie out; the start page for each role."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials

from api.auth import Unauthenticated, current_principal
from console.rendering import render
from console.session import (
    CSRF_FIELD,
    check_csrf,
    end_session,
    ensure_login_csrf,
    principal_or_none,
    start_session,
)

router = APIRouter()


@router.get("/", include_in_schema=False)
def home(request: Request) -> Response:
    target = "/supervision" if principal_or_none(request) else "/login"
    return RedirectResponse(target, status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    response = HTMLResponse("")
    ensure_login_csrf(request, response)
    page = render(request, "login.html", {"error": None})
    for header in response.headers.getlist("set-cookie"):
        page.headers.append("set-cookie", header)
    return page


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    token: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
) -> Response:
    check_csrf(request, csrf_token)
    credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=token.strip())
    try:
        current_principal(request, credentials)
    except Unauthenticated:
        return render(
            request, "login.html", {"error": "令牌无效或已停用，请核对后重新输入"}, status_code=401
        )
    response = RedirectResponse("/supervision", status_code=303)
    start_session(request, response, token.strip())
    return response


@router.post("/logout")
def logout(
    request: Request, csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = ""
) -> Response:
    check_csrf(request, csrf_token)
    response = RedirectResponse("/login", status_code=303)
    end_session(response)
    return response
