"""Every rule as plain rows, for ``ledger rules`` and ``docs/RULES.md``."""

from __future__ import annotations

from typing import Any

from domain.deadlines import WorkingDays
from domain.rules import RULES
from domain.rules.base import Rule, describe_period


def rule_row(rule: Rule) -> dict[str, Any]:
    period = rule.period
    return {
        "code": rule.code,
        "kind": rule.kind.value,
        "articles": list(rule.articles),
        "category": rule.category.value if rule.category else None,
        "category_label": rule.category.label if rule.category else None,
        "period": describe_period(period),
        "working_days": period.days if isinstance(period, WorkingDays) else None,
        "owed_by": rule.owed_by_zh,
        "clock_starts": rule.clock_starts_zh,
        "discharged_by": rule.discharged_by_zh,
        "description": rule.description_zh,
        "obligation": rule.obligation.value if rule.obligation else None,
        "policies": [
            {
                "name": policy.name,
                "default": policy.default,
                "unit": policy.unit,
                "description": policy.description_zh,
            }
            for policy in rule.policies
        ],
    }


def rule_rows() -> list[dict[str, Any]]:
    return [rule_row(rule) for rule in RULES]
