"""Every operation of the published OpenAPI document, probed with generated requests on
SQLite and PostgreSQL (schemathesis, every check): no request gets a 500, and every answer
is one the document declares, with the status, content type and body it declares.

Bounded for CI: a few examples per operation, of requests the document admits and of
requests it does not (which must be refused with a documented 4xx).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode

from domain.ledger import Ledger
from store.checkpoints import ensure_signing_key
from tests.support.portal import Portal

EXAMPLES_PER_OPERATION = 3
ACCEPTED = ("2XX", "403", "404", "409", "412", "422", "503")


@pytest.fixture
def api_schema(
    live_client: TestClient, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> schemathesis.BaseSchema:
    client = live_client
    monkeypatch.setenv("LEDGER_READ_WAIT_SECONDS", "0.2")
    monkeypatch.setenv("LEDGER_SIGNING_KEY", str(tmp_path / "ledger.key"))
    ensure_signing_key(ledger.recorder)  # type: ignore[arg-type]
    portal = Portal(client, ledger)
    portal.department("BGS", "办公室")
    token = portal.principal("审计员", "BGS", "auditor")
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    schema.config.headers = {"Authorization": f"Bearer {token}"}
    # A request the schema admits may still break a rule of the measures (a department that
    # does not exist, a deadline passed, an object not the caller's): those refusals are
    # documented answers, not failures. Every other check stands as it is.
    schema.config.checks.positive_data_acceptance.expected_statuses = list(ACCEPTED)
    # 503 is documented (a read model not yet at min_position, with Retry-After); any other
    # 5xx is a server error.
    schema.config.checks.not_a_server_error.expected_statuses = ["1XX", "2XX", "3XX", "4XX", "503"]
    return schema


def test_every_operation_answers_as_documented(api_schema: schemathesis.BaseSchema) -> None:
    failures: dict[str, str] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40
    for operation, mode in itertools.product(operations, GenerationMode):

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
        )
        def probe(case: schemathesis.Case) -> None:
            case.call_and_validate()

        try:
            probe()
        except Unsatisfiable:
            continue  # no request breaks an operation without parameters or body
        except (Exception, BaseExceptionGroup) as error:  # every operation's failure
            failures[f"{operation.label} ({mode.value})"] = str(error).strip()[:2000]
    if failures:
        pytest.fail("\n\n".join(f"{label}:\n{text}" for label, text in failures.items()))
