"""Data-use records in bulk (Art. 36): the sharing system's access log, one use a line.

``POST /v1/data-uses:batch`` takes up to 10,000 uses as NDJSON (or a JSON array), each the
body ``POST /v1/data-uses`` takes plus its own ``idempotency_key``, and answers one result
a line, in order: 201 with the use's id, marks and position; 200 when the line's key was
recorded before (a retry records nothing twice); or the problem that refused the line
alone, naming its line and field. Valid lines are recorded even when others are refused.
Lines are saved together (group commit), in as few transactions as their conflicts allow,
and nothing is answered before it is durable.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

from api.auth import ledger_of
from api.bulk_lines import MAX_LINES, NDJSON, TooManyLines, read_lines
from api.bulk_uses import DataUseLine, record_lines
from api.commands import CommandRunner
from api.openapi import body_schema
from api.problems import prefers_english, problem
from api.routes.data_uses import UsingDepartment
from api.times import dumps_local

router = APIRouter(prefix="/v1", tags=["sharing"])
BATCH_PATH = "/v1/data-uses:batch"


class BatchLineOut(BaseModel):
    """One line's result; a recorded line carries what ``POST /v1/data-uses`` answers
    (its marks among them), a refused one its problem."""

    model_config = ConfigDict(extra="allow")

    line: int
    status: int
    id: str | None = None
    version: int | None = None
    position: int | None = None
    problem: dict[str, Any] | None = None


class DataUseBatchOut(BaseModel):
    """The answer to a JSON array: the counts, then each line's result in order (NDJSON is
    answered with the results alone, one a line)."""

    recorded: int
    replayed: int
    refused: int
    results: list[BatchLineOut]


@router.post(
    BATCH_PATH.removeprefix("/v1"),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                NDJSON: {"schema": body_schema(DataUseLine)},
                "application/json": {
                    "schema": {
                        "type": "array",
                        "items": body_schema(DataUseLine),
                        "maxItems": MAX_LINES,
                    }
                },
            },
        }
    },
    response_class=Response,
    responses={
        200: {
            "description": "每行一个结果（201 已记录 / 200 重试已记录 / 问题）",
            "model": DataUseBatchOut,
            "content": {NDJSON: {"schema": body_schema(BatchLineOut)}},
        }
    },
)
async def record_data_uses(request: Request, principal: UsingDepartment) -> Response:
    """Art. 36 in bulk: up to 10,000 uses, one result a line (see the module's text)."""
    english = prefers_english(request)
    content_type = request.headers.get("content-type", NDJSON)
    raw = await request.body()
    try:
        lines = read_lines(raw, content_type, DataUseLine, english)
    except TooManyLines as error:
        return problem(
            413,
            "Too many lines",
            str(error),
            kind="too-many-lines",
            detail_zh=f"一次至多 {MAX_LINES} 行",
            english=english,
        )
    runner: CommandRunner = request.app.state.commands
    results = await run_in_threadpool(
        record_lines, ledger_of(request), runner.service, principal, lines, english
    )
    if content_type.split(";")[0].strip() == "application/json":
        summary = {
            "recorded": sum(r["status"] == 201 for r in results),
            "replayed": sum(r["status"] == 200 for r in results),
            "refused": sum(r["status"] >= 400 for r in results),
        }
        return Response(dumps_local({**summary, "results": results}), media_type="application/json")
    text = b"".join(dumps_local(r) + b"\n" for r in results)
    return Response(text, media_type=NDJSON)
