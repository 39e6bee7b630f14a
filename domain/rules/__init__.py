"""Every rule of the measures the ledger applies, each declared once.

One module per group (catalog, systems, aggregation, sharing, verification, reporting,
forensics); this package gathers them so ``ledger rules`` and ``docs/RULES.md`` show all,
and so supervision can ask which category an obligation's breach counts under.
"""

from __future__ import annotations

from domain.deadlines import ObligationKind
from domain.findings import Category
from domain.rules import aggregation, catalog, forensics, reporting, sharing, systems, verification
from domain.rules.base import AnomalyRule, ByDate, Policy, Rule, RuleKind, describe_period

RULES: tuple[Rule, ...] = (
    *catalog.RULES,
    *systems.RULES,
    *aggregation.RULES,
    *sharing.RULES,
    *verification.RULES,
    *reporting.RULES,
    *forensics.RULES,
)

ANOMALIES: tuple[AnomalyRule, ...] = tuple(r for r in RULES if isinstance(r, AnomalyRule))

POLICIES: tuple[Policy, ...] = tuple(dict.fromkeys(p for r in RULES for p in r.policies))


def breach_categories() -> dict[ObligationKind, Category]:
    """The category a breach of each registered obligation counts under (none for those
    whose breach the measures leave to a finding: the yearly check, rectification)."""
    return {
        r.obligation: r.category
        for r in RULES
        if r.obligation is not None and r.category is not None
    }


__all__ = [
    "ANOMALIES",
    "POLICIES",
    "RULES",
    "AnomalyRule",
    "ByDate",
    "Policy",
    "Rule",
    "RuleKind",
    "breach_categories",
    "describe_period",
]
