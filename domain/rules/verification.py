"""Rules of verification: disputed data is checked by its provider (Art. 31)."""

from __future__ import annotations

from domain.deadlines import ObligationKind, WorkingDays
from domain.findings import Category
from domain.rules.base import Rule, RuleKind

# Art. 31: the provider verifies disputed data within 10 working days of receiving the
# request; confirming or correcting it discharges the obligation.
VERIFICATION = Rule(
    code=ObligationKind.VERIFICATION.value,
    kind=RuleKind.OBLIGATION,
    articles=("Art. 31",),
    description_zh="提供部门应在收到校核申请后于期限内完成校核",
    owed_by_zh="提供部门",
    clock_starts_zh="收到校核申请",
    discharged_by_zh="确认或更正数据的校核答复",
    category=Category.V07,
    period=WorkingDays(10),
    obligation=ObligationKind.VERIFICATION,
)

RULES = (VERIFICATION,)
