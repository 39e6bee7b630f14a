"""``ledger rules`` shows every declared rule; docs/RULES.md is its Markdown, kept fresh."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

from api.cli import app
from domain.rules import RULES

RULES_MD = Path(__file__).resolve().parents[2] / "docs" / "RULES.md"


def test_docs_rules_md_is_what_ledger_rules_prints() -> None:
    result = CliRunner().invoke(app, ["rules", "--format", "markdown"])
    assert result.exit_code == 0, result.stdout
    assert RULES_MD.read_text(encoding="utf-8") == result.stdout, (
        "docs/RULES.md is stale: run `ledger rules --format markdown > docs/RULES.md`"
    )


def test_rules_as_json_list_each_rule_with_its_article_period_and_category() -> None:
    result = CliRunner().invoke(app, ["rules", "--format", "json"])
    assert result.exit_code == 0, result.stdout
    rows = {row["code"]: row for row in orjson.loads(result.stdout)}
    assert list(rows) == [rule.code for rule in RULES]
    reply = rows["share_reply"]  # Art. 26, 29
    assert reply["articles"] == ["Art. 26", "Art. 29"]
    assert reply["kind"] == "obligation"
    assert reply["working_days"] == 10
    assert reply["category"] == "V06"
    first = rows["no_approved_catalog"]  # Art. 11: the measures set no date
    assert [p["name"] for p in first["policies"]] == ["first_catalog_grace"]
    assert first["policies"][0]["default"] == 20


def test_rules_as_a_table_name_every_rule_in_chinese() -> None:
    result = CliRunner().invoke(app, ["rules"])
    assert result.exit_code == 0, result.stdout
    assert "账本适用的规则" in result.stdout
    for rule in RULES:
        assert rule.code in result.stdout
