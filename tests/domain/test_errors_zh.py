"""Every refusal reads in Chinese: the catalog holds a translation of each message the code
raises, and the English stays available."""

from __future__ import annotations

import re

import pytest

from domain.errors import Conflict, LedgerError, RefusalWithoutReason, RuleViolation
from domain.errors_zh import CATALOG, translate
from tests.support.refusals import refusal_classes, refusals

_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_refusal_in_the_code_has_its_chinese() -> None:
    missing = [f"{r.where} {r.error}: {r.template!r}" for r in refusals() if not _translated(r)]
    assert not missing, "no Chinese in domain/errors_zh.py for:\n" + "\n".join(missing)


def _translated(refusal: object) -> bool:
    sample = refusal.sample()  # type: ignore[attr-defined]
    return translate(sample) is not None


def test_the_source_reading_finds_the_refusals_it_must() -> None:
    templates = {r.template for r in refusals()}
    assert (
        "a refusal to share must state its reason (Art. 26: 对拒绝共享的，应当说明理由)"
        in templates
    )
    assert "no {} with id {} at {}" in templates
    assert len(templates) > 100


def test_values_carried_by_a_message_are_kept_in_its_chinese() -> None:
    english = "resource 3/10300200001 is not in the unified catalog (Art. 11, 19)"
    assert translate(english) == "数据资源 3/10300200001 不在统一目录中（第11、19条）"


def test_the_longest_template_wins_over_a_shorter_one_it_contains() -> None:
    assert (
        translate("no resource with id 42 at 2025-12-31")
        == "在 2025-12-31 不存在 id 为 42 的resource"
    )


@pytest.mark.parametrize(("english", "chinese"), CATALOG)
def test_each_translation_names_every_value_of_its_english(english: str, chinese: str) -> None:
    values = [f"v{i}" for i in range(english.count("{}"))]
    text = translate(english.format(*values))
    assert text is not None
    for value in values:
        assert value in text, f"{english!r} → {chinese!r} drops {value}"


def test_a_refusal_keeps_its_english_and_gains_its_chinese__art26() -> None:
    error = RefusalWithoutReason(
        "a refusal to share must state its reason (Art. 26: 对拒绝共享的，应当说明理由)",
        field="reason",
    )
    assert error.detail.startswith("a refusal to share")
    assert error.detail_zh == "拒绝共享须说明理由（第26条：对拒绝共享的，应当说明理由）"


def test_a_message_not_in_the_catalog_still_reads_in_chinese_first() -> None:
    error = Conflict("something new happened")
    assert error.detail_zh == "状态冲突：something new happened"
    assert RuleViolation("x", zh="明确给出的中文").detail_zh == "明确给出的中文"


def _kinds() -> list[type[LedgerError]]:
    refusal_classes()  # imports every module that declares a kind of refusal
    found: list[type[LedgerError]] = []
    pending: list[type[LedgerError]] = [LedgerError]
    while pending:
        kind = pending.pop()
        found.append(kind)
        pending.extend(kind.__subclasses__())
    return found


def test_every_kind_of_refusal_has_a_chinese_title() -> None:
    lacking = [
        f"{kind.__module__}.{kind.__name__}: {kind.title!r}"
        for kind in _kinds()
        if "title" in kind.__dict__
        and ("title_zh" not in kind.__dict__ or not _CJK.search(kind.title_zh))
    ]
    assert not lacking, "add to TITLES in domain/errors_zh.py:\n" + "\n".join(lacking)


def test_a_refusal_answers_with_its_own_chinese_title() -> None:
    assert RefusalWithoutReason.title_zh == "拒绝共享须说明理由（第26条）"
    assert RuleViolation.title_zh == "请求内容不符合规定"
