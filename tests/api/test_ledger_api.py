"""The ledger's integrity over HTTP (V08): tree head, proofs an auditor checks with the
published verifiers, verification, signed checkpoints and the public key."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import parse_qs

import psycopg
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app
from domain.ledger import Ledger
from store.checkpoints import ensure_signing_key
from store.merkle import ProofError, verify_consistency, verify_inclusion
from store.signed_note import open_note
from tests.support.portal import Portal, created

H = bytes.fromhex


@pytest.fixture
def portal(
    client: TestClient, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Portal:
    monkeypatch.setenv("LEDGER_SIGNING_KEY", str(tmp_path / "ledger.key"))
    ensure_signing_key(ledger.recorder)  # type: ignore[arg-type]
    portal = Portal(client, ledger)
    portal.department("BGS", "办公室")
    portal.department("ZYKF", "资源开发处")
    portal.principal("审计员", "BGS", "auditor")
    portal.principal("孙悦", "ZYKF", "department")
    portal.principal("李静", "BGS", "office")
    return portal


def test_the_head_names_the_last_position_and_the_tree_root(portal: Portal) -> None:
    head = portal.get(portal.tokens["孙悦"], "/v1/ledger/head").json()
    assert set(head) == {"position", "tree_size", "root_hash"}
    assert head["position"] == portal.position()
    assert head["tree_size"] == portal.position()
    assert len(head["root_hash"]) == 64 and head["root_hash"] == head["root_hash"].lower()


def test_an_auditor_checks_inclusion_and_consistency_against_signed_checkpoints(
    portal: Portal,
) -> None:
    auditor = portal.tokens["审计员"]
    key = portal.client.get("/v1/ledger/public-key").json()
    old = open_note(
        created(portal.post(auditor, "/v1/ledger/checkpoints"))["note"], key["verifier_key"]
    )
    portal.department("SCGL", "市场管理处")
    new = open_note(
        created(portal.post(auditor, "/v1/ledger/checkpoints"))["note"], key["verifier_key"]
    )

    found = portal.get(auditor, "/v1/ledger/proofs/inclusion", position=3, size=new.size).json()
    verify_inclusion(
        found["leaf_index"],
        new.size,
        H(found["leaf_hash"]),
        [H(p) for p in found["proof"]],
        new.root,
    )
    grown = portal.get(auditor, "/v1/ledger/proofs/consistency", **{"from": old.size}).json()
    assert (grown["from_size"], grown["to_size"]) == (old.size, new.size)
    verify_consistency(old.size, new.size, [H(p) for p in grown["proof"]], old.root, new.root)
    with pytest.raises(ProofError):
        verify_consistency(old.size, new.size, [H(p) for p in grown["proof"]], new.root, old.root)


def test_proofs_that_cannot_exist_are_problems(portal: Portal) -> None:
    token = portal.tokens["审计员"]
    size = portal.position()
    answer = portal.get(token, "/v1/ledger/proofs/consistency", **{"from": 0, "to": size})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "from"
    assert "proves nothing" in answer.json()["detail_en"]
    answer = portal.get(token, "/v1/ledger/proofs/inclusion", position=size + 5)
    assert answer.status_code == 404
    answer = portal.get(token, "/v1/ledger/proofs/inclusion", position=size, size=size - 1)
    assert answer.status_code == 422
    answer = portal.get(token, "/v1/ledger/proofs/consistency", **{"from": 1, "to": size + 1})
    assert answer.status_code == 422


def test_checkpoints_are_listed_in_order_a_page_at_a_time(portal: Portal) -> None:
    office = portal.tokens["李静"]
    for _ in range(3):
        created(portal.post(office, "/v1/ledger/checkpoints"))
    first = portal.get(office, "/v1/ledger/checkpoints", limit=2).json()
    rest = portal.get(office, "/v1/ledger/checkpoints", limit=2, cursor=first["next_cursor"]).json()
    items = first["items"] + rest["items"]
    assert len(items) == 3 and rest["next_cursor"] is None
    assert set(items[0]) == {"tree_size", "root_hash", "timestamp", "note"}
    assert [item["tree_size"] for item in items] == [portal.position()] * 3


def test_only_those_who_oversee_the_ledger_sign_checkpoints(portal: Portal) -> None:
    answer = portal.post(portal.tokens["孙悦"], "/v1/ledger/checkpoints")
    assert answer.status_code == 403
    assert portal.client.get("/v1/ledger/head").status_code == 401


def test_the_public_key_is_published(portal: Portal) -> None:
    key = portal.client.get("/v1/ledger/public-key").json()
    assert key["origin"] == "jl-data-sharing-ledger"
    assert key["verifier_key"].startswith("jl-data-sharing-ledger+")
    assert key["algorithm"] == "Ed25519"
    assert key["pem"].startswith("-----BEGIN PUBLIC KEY-----")


def test_verify_answers_ok_and_then_names_a_tampered_position(
    portal: Portal, database_url: str
) -> None:
    auditor = portal.tokens["审计员"]
    created(portal.post(auditor, "/v1/ledger/checkpoints"))
    intact = portal.get(auditor, "/v1/ledger/verify").json()
    assert intact["ok"] is True
    assert intact["checked"] == portal.position() == intact["checkpoint"]["tree_size"]
    assert (intact["first_bad_position"], intact["reason"]) == (None, None)

    _flip_a_byte_of_the_state_at(database_url, 2, portal.ledger)

    tampered = portal.get(auditor, "/v1/ledger/verify").json()
    assert (tampered["ok"], tampered["first_bad_position"], tampered["checked"]) == (False, 2, 1)
    assert "does not match its leaf hash" in tampered["reason"]


def _flip_a_byte_of_the_state_at(database_url: str, position: int, ledger: Ledger) -> None:
    """As a superuser would: around the append-only triggers."""
    table = ledger.recorder.events_table_name  # type: ignore[attr-defined]
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            conn.execute(f"DROP TRIGGER {table}_no_update")
            conn.execute(
                f"UPDATE {table} SET state = CAST(substr(state, 1, 2) || 'X' || "
                "substr(state, 4) AS BLOB) WHERE rowid = ?",
                (position,),
            )
        return
    url, query = database_url.split("?", 1)
    schema = parse_qs(query)["schema"][0]
    with psycopg.connect(url) as conn:
        conn.execute(f'ALTER TABLE "{schema}"."{table}" DISABLE TRIGGER ALL')
        conn.execute(
            f'UPDATE "{schema}"."{table}" SET state = overlay(state placing %s from 3) '
            "WHERE notification_id = %s",
            (b"X", position),
        )


# --- the same through the `ledger` command -----------------------------------------------


def test_the_cli_signs_verifies_exports_and_imports(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    monkeypatch.setenv("LEDGER_SIGNING_KEY", str(tmp_path / "ledger.key"))
    runner = CliRunner()

    assert runner.invoke(app, ["init"]).exit_code == 0
    assert (tmp_path / "ledger.key").exists()
    signed = runner.invoke(app, ["checkpoint"])
    assert signed.exit_code == 0 and signed.stdout.startswith("jl-data-sharing-ledger\n")
    size = int(signed.stdout.split("\n")[1])
    intact = runner.invoke(app, ["verify"])
    assert intact.exit_code == 0, intact.stdout
    assert f"intact: {size} events" in intact.stdout
    assert f"latest checkpoint: {size} events" in intact.stdout

    export = tmp_path / "ledger.jsonl"
    assert runner.invoke(app, ["export", "--out", str(export)]).exit_code == 0
    monkeypatch.setenv("LEDGER_DATABASE_URL", f"sqlite:///{tmp_path / 'copy.db'}")
    imported = runner.invoke(app, ["import", str(export)])
    assert imported.exit_code == 0, imported.stdout
    assert runner.invoke(app, ["verify"]).exit_code == 0

    lines = export.read_text().splitlines()
    lines[-1] = lines[-1].replace('"originator_version":1', '"originator_version":2')
    export.write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("LEDGER_DATABASE_URL", f"sqlite:///{tmp_path / 'refused.db'}")
    refused = runner.invoke(app, ["import", str(export)])
    assert refused.exit_code == 1
    assert f"REFUSED: line {len(lines)}: the event does not match its leaf hash" in refused.stdout


def test_the_cli_names_the_first_bad_position(
    portal: Portal, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    runner = CliRunner()
    _flip_a_byte_of_the_state_at(database_url, 2, portal.ledger)

    result = runner.invoke(app, ["verify"])

    assert result.exit_code == 1
    assert result.stdout.startswith("TAMPERED at position 2: the event at position 2")
