"""Data uses in bulk (Art. 36), as the sharing system's access log gives them: each line
the body ``POST /v1/data-uses`` takes plus its own ``idempotency_key``, decided and marked
as a single use is, all saved together (group commit), one result a line, in order.

``POST /v1/data-uses:batch`` and ``ledger import-uses`` both answer through here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import Field

from api.auth import actor_of
from api.bulk_lines import Line
from api.commands import caller_of
from api.problems import ledger_error_body
from api.routes.data_uses import DataUseIn
from domain.commands import CommandService, Outcome
from domain.errors import LedgerError
from domain.ledger import Ledger
from domain.principals import Principal

SINGLE_PATH = "/v1/data-uses"  # a line is fingerprinted as the single request it stands for


class DataUseLine(DataUseIn):
    """One line: the single use's body and the key that makes its retry harmless."""

    idempotency_key: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="本行的幂等键：重试同一批次时不重复记录（如访问日志的流水号）",
    )


def result_of(
    line: Line[DataUseLine], outcome: Outcome | Exception | None, english: bool
) -> dict[str, Any]:
    if line.problem is not None:
        return {"line": line.number, "status": line.problem["status"], "problem": line.problem}
    if isinstance(outcome, LedgerError):
        body = ledger_error_body(outcome, english)
        return {"line": line.number, "status": outcome.status, "problem": body}
    assert isinstance(outcome, Outcome)
    return {
        "line": line.number,
        "status": outcome.status,
        **outcome.body,
        "position": outcome.position,
    }


def record_lines(
    ledger: Ledger,
    service: CommandService,
    principal: Principal,
    lines: Sequence[Line[DataUseLine]],
    english: bool = False,
) -> list[dict[str, Any]]:
    """One result a line (the refused ones included, as read); raises what no line could
    help (the store failing): nothing was acknowledged, and a retry records nothing twice."""
    valid = [line for line in lines if line.value is not None]
    actor = actor_of(principal)  # every line is the principal's act
    commands = []
    for line in valid:
        assert line.value is not None
        body = line.value.model_dump(mode="json", exclude_unset=True, exclude={"idempotency_key"})
        key = line.value.idempotency_key
        caller = caller_of(principal, "POST", SINGLE_PATH, body, key, actor)
        commands.append(
            (
                caller,
                # The line is the use: its own fields beside the use's are not recorded.
                lambda cmd, use=line.value: Ledger.record_data_use(ledger, cmd, use),
                line.value.occurred_at,
            )
        )
    outcomes = service.handle_each(commands)
    for outcome in outcomes:
        if isinstance(outcome, Exception) and not isinstance(outcome, LedgerError):
            raise outcome
    by_line = dict(zip((line.number for line in valid), outcomes, strict=True))
    return [result_of(line, by_line.get(line.number), english) for line in lines]
