"""V08 over HTTP and the command line, on SQLite and PostgreSQL: ``POST /v1/ledger/verify``
and ``ledger verify --checkpoint NOTE`` check the ledger against signed checkpoints kept
outside it, so a ledger truncated together with its stored checkpoints fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app
from domain.ledger import Ledger
from store.checkpoints import ensure_signing_key
from tests.store.conftest import Superuser
from tests.support.portal import Portal, created


@pytest.fixture
def portal(
    client: TestClient, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Portal:
    monkeypatch.setenv("LEDGER_SIGNING_KEY", str(tmp_path / "ledger.key"))
    ensure_signing_key(ledger.recorder)  # type: ignore[arg-type]
    portal = Portal(client, ledger)
    portal.department("BGS", "办公室")
    portal.principal("审计员", "BGS", "auditor")
    return portal


def truncate_after(database_url: str, portal: Portal, position: int) -> None:
    """As a superuser would: the last events, their entries and the checkpoints over them."""
    Superuser(database_url, portal.ledger.recorder).script(  # type: ignore[arg-type]
        [
            ("DELETE FROM {events} WHERE {position} > ?", (position,)),
            ("DELETE FROM {entries} WHERE {entry_position} > ?", (position,)),
            ("DELETE FROM {checkpoints} WHERE tree_size > ?", (position,)),
        ]
    )


def test_verify_with_kept_notes_catches_a_truncated_ledger(
    portal: Portal, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    auditor = portal.tokens["审计员"]
    early = created(portal.post(auditor, "/v1/ledger/checkpoints"))
    cut = portal.position()
    for code in ("ZYKF", "SCGL", "CYFZ"):
        portal.department(code)
    kept = created(portal.post(auditor, "/v1/ledger/checkpoints"))
    notes = {"checkpoints": [early["note"], kept["note"]]}
    answer = portal.post(auditor, "/v1/ledger/verify", notes)
    assert answer.status_code == 200, answer.text
    assert answer.json()["ok"] and [v["ok"] for v in answer.json()["kept"]] == [True, True]

    truncate_after(database_url, portal, cut)
    # Alone, the database vouches for itself.
    assert portal.get(auditor, "/v1/ledger/verify").json()["ok"]
    answer = portal.post(auditor, "/v1/ledger/verify", notes)
    body = answer.json()
    assert answer.status_code == 200 and not body["ok"]
    assert [v["ok"] for v in body["kept"]] == [True, False]
    assert "removed from the end" in body["reason"]

    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    note_file = tmp_path / "kept.note"
    note_file.write_text(kept["note"], encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["verify"]).exit_code == 0
    result = runner.invoke(app, ["verify", "--checkpoint", str(note_file)])
    assert result.exit_code == 1, result.stdout
    assert "NOT consistent" in result.stdout and "removed from the end" in result.stdout


def test_verify_with_kept_notes_refuses_a_malformed_body(portal: Portal) -> None:
    auditor = portal.tokens["审计员"]
    answer = portal.post(auditor, "/v1/ledger/verify", {"checkpoints": []})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "checkpoints"
    forged = portal.post(auditor, "/v1/ledger/verify", {"checkpoints": ["not a note"]})
    assert forged.status_code == 200 and not forged.json()["ok"]
