"""Rules investigators apply to the record itself: entries made late (Art. 36)."""

from __future__ import annotations

from domain.rules.base import AnomalyRule, Policy, RuleKind

# Art. 36 asks for every use to be recorded, not when: an entry recorded more than one
# working day after it occurred is shown to investigators as a late entry.
LATE_ENTRY_THRESHOLD = Policy(
    name="late_entry_threshold",
    default=1,
    unit="working_days",
    description_zh="事项发生后超过该工作日数才记录，视为迟报（补录）",
)

LATE_ENTRY = AnomalyRule(
    code="late_entry",
    kind=RuleKind.DETECTION,
    articles=("Art. 36",),
    description_zh="事项发生后超过规定工作日数才记入账本",
    owed_by_zh="记录事项的部门或人员",
    clock_starts_zh="事项发生时间",
    discharged_by_zh="不消除（供调查人员查阅）",
    policies=(LATE_ENTRY_THRESHOLD,),
)

RULES = (LATE_ENTRY,)
