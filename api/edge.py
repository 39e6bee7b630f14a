"""The guard in front of every route: a body too large (413) or a query parameter carrying
a control character (422) is refused before any route reads it.

Bodies are counted as they arrive, so a client that sends no Content-Length (or a false
one) is stopped at the limit too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.limits import MAX_BODY_BYTES, control_character_at
from api.problems import field_error, problem


class EdgeGuard:
    """``larger``: the paths that take more than one command's body (bulk loads), with
    their own limit."""

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int = MAX_BODY_BYTES,
        larger: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.larger = dict(larger or {})

    def _limit(self, scope: Scope) -> int:
        return self.larger.get(scope.get("path", ""), self.max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        # Read the body here, up to the limit, then hand it on: a body past the limit is
        # refused without ever being held whole, and the route reads it as sent.
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            received += len(message.get("body", b""))
            if received > self._limit(scope):
                await self._too_large(self._limit(scope))(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    def _refusal(self, scope: Scope) -> Any:
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        limit = self._limit(scope)
        if length is not None and (not length.isdigit() or int(length) > limit):
            return self._too_large(limit)
        if control_character_at(scope.get("path", "")) is not None:
            return problem(
                422,
                "Invalid request",
                "invalid: path",
                kind="validation",
                errors=[
                    field_error(
                        "path",
                        "路径不得含控制字符",
                        "a path may not contain a control character",
                        english=False,
                        **{"in": "path"},
                    )
                ],
            )
        query = scope.get("query_string", b"").decode("latin-1")
        for name, value in parse_qsl(query, keep_blank_values=True, errors="replace"):
            if control_character_at(value) is not None or control_character_at(name) is not None:
                return problem(
                    422,
                    "Invalid request",
                    f"invalid: {name}",
                    kind="validation",
                    errors=[
                        field_error(
                            name,
                            "查询参数不得含控制字符",
                            "a query parameter may not contain a control character",
                            english=False,
                            **{"in": "query"},
                        )
                    ],
                )
        return None

    def _too_large(self, limit: int) -> Any:
        return problem(
            413,
            "Request body too large",
            f"请求体过大，上限 {limit} 字节 (the body may be at most {limit} bytes)",
            kind="body-too-large",
            errors=[
                field_error(
                    "body",
                    f"请求体至多 {limit} 字节",
                    f"at most {limit} bytes",
                    english=False,
                    **{"in": "body"},
                )
            ],
        )
