"""Who is signed in to the console, and that a form came from the console itself.

The session cookie holds the principal's own token, HttpOnly and SameSite=Strict (Secure
behind TLS), and is resolved on every request by the API's own ``current_principal``, so
a revoked token stops working in the console at the same moment as over the API. Forms
carry a CSRF token derived from the session token (an HMAC), which a page of another
origin can neither read nor compute; the sign-in form, before any session exists, uses a
random double-submit cookie instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from api.auth import Unauthenticated, current_principal
from domain.errors import Forbidden
from domain.principals import Principal

SESSION_COOKIE = "ledger_session"
LOGIN_CSRF_COOKIE = "ledger_login_csrf"
CSRF_FIELD = "csrf_token"


class NotSignedIn(Unauthenticated):
    """No session, or its token no longer works: the console sends the reader to 登录."""


class CsrfRefused(Forbidden):
    title = "CSRF check failed"


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def signed_in(request: Request) -> Principal:
    """The principal of the session, through the API's own token check (401 otherwise)."""
    token = session_token(request)
    if token is None:
        raise NotSignedIn("not signed in")
    credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=token)
    try:
        return current_principal(request, credentials)
    except Unauthenticated as error:
        raise NotSignedIn(error.detail) from None


def principal_or_none(request: Request) -> Principal | None:
    try:
        return signed_in(request)
    except NotSignedIn:
        return None


def csrf_token(request: Request) -> str:
    """The token every form of this session carries; for the sign-in form, the login cookie's."""
    token = session_token(request)
    if token is not None:
        return hmac.new(token.encode(), b"console-csrf", hashlib.sha256).hexdigest()
    return getattr(request.state, "login_csrf", None) or request.cookies.get(
        LOGIN_CSRF_COOKIE, ""
    )


def check_csrf(request: Request, submitted: str | None) -> None:
    """Every POST of the console: the form's token must match the session's (or the login
    cookie's), and a browser's Origin, when sent, must be this site."""
    expected = csrf_token(request)
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise CsrfRefused("the form lacks a valid CSRF token; reload the page and try again")
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host", ""):
        raise CsrfRefused("the form was sent from another site")


def behind_tls(request: Request) -> bool:
    return request.url.scheme == "https"


def ensure_login_csrf(request: Request, response: Response) -> None:
    if request.cookies.get(LOGIN_CSRF_COOKIE):
        return
    value = secrets.token_urlsafe(24)
    request.state.login_csrf = value
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        value,
        httponly=True,
        samesite="strict",
        secure=behind_tls(request),
        path="/",
    )


def start_session(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=behind_tls(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
