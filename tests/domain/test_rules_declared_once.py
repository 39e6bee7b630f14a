"""Every obligation and every detection is declared once, in domain/rules, and what applies
a rule reads that declaration."""

from __future__ import annotations

from collections import Counter
from datetime import date

from domain.deadlines import ObligationKind, WorkingDays, period_containing
from domain.findings import Category
from domain.policies import DEFAULTS
from domain.rules import ANOMALIES, POLICIES, RULES, RuleKind, breach_categories
from domain.rules.catalog import CATALOG_UPDATE, DIFFERENCES_NOT_FIXED
from domain.rules.sharing import SHARE_REPLY, says_no_reason
from domain.rules.verification import VERIFICATION
from domain.vocabulary import Anomaly, UpdateCycle
from projections import obligations
from projections.supervision import BREACH_CATEGORY


def test_each_rule_code_is_declared_once() -> None:
    counts = Counter(rule.code for rule in RULES)
    assert [code for code, n in counts.items() if n > 1] == []


def test_every_obligation_kind_of_the_register_has_exactly_one_declaration() -> None:
    declared = Counter(rule.obligation for rule in RULES if rule.obligation is not None)
    assert declared == Counter(set(ObligationKind))
    assert all(r.kind is RuleKind.OBLIGATION for r in RULES if r.obligation is not None)


def test_every_category_but_tampering_has_a_rule_behind_it() -> None:
    # Art. 39: V08 (伪造、篡改) is found by verifying the ledger, not by a rule.
    covered = {rule.category for rule in RULES if rule.category is not None}
    assert covered == set(Category) - {Category.V08}


def test_every_anomaly_investigators_search_for_is_a_declared_rule() -> None:
    assert {rule.anomaly for rule in ANOMALIES} == set(Anomaly)


def test_every_rule_states_its_article_and_who_owes_it_in_chinese() -> None:
    for rule in RULES:
        assert rule.articles and all(a.startswith("Art. ") for a in rule.articles), rule.code
        for text in (rule.description_zh, rule.owed_by_zh, rule.clock_starts_zh):
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text), (rule.code, text)


def test_the_register_and_supervision_read_the_declared_periods_and_categories() -> None:
    # Art. 12: 7 working days; Art. 26, 29 and 31: 10, as declared.
    assert CATALOG_UPDATE.period == WorkingDays(7)
    assert SHARE_REPLY.period == WorkingDays(10)
    assert VERIFICATION.period == WorkingDays(10)
    assert DIFFERENCES_NOT_FIXED.period == CATALOG_UPDATE.period
    # Art. 19-21: the aggregation grace is the policy in force, 3 working days by default.
    january = period_containing(date(2025, 1, 6), UpdateCycle.MONTHLY)
    assert obligations.AGGREGATION.due(january, DEFAULTS) == WorkingDays(3)
    assert BREACH_CATEGORY == breach_categories()
    assert BREACH_CATEGORY[ObligationKind.SHARE_REPLY] is Category.V06  # Art. 26, 29
    assert BREACH_CATEGORY[ObligationKind.VERIFICATION] is Category.V07  # Art. 31
    assert ObligationKind.RECTIFICATION not in BREACH_CATEGORY


def test_each_policy_where_the_measures_are_silent_has_todays_value_as_default() -> None:
    defaults = {policy.name: policy.default for policy in POLICIES}
    assert defaults == {
        "first_catalog_grace": 20,
        "system_connection_grace": 20,
        "aggregation_grace": 3,
        "usage_report_period": "quarterly",
        "usage_report_grace": 10,
        "late_entry_threshold": 1,
    }


def test_a_refusal_that_says_nothing_is_an_anomaly() -> None:
    # Art. 26: 对拒绝共享的，应当说明理由.
    assert says_no_reason("无")
    assert says_no_reason(" 不予共享。")
    assert says_no_reason("N/A")
    assert not says_no_reason("该数据涉及个人隐私，依法不予共享")
