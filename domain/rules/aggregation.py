"""Rules of aggregation: every non-classified resource reaches the sharing system in
time, unconditionally where it is basic data (Art. 19–21, 24(2), 39(4))."""

from __future__ import annotations

from domain.deadlines import ObligationKind, WorkingDays
from domain.findings import Category
from domain.rules.base import Policy, Rule, RuleKind

# Art. 19–21 say 及时 without a number: a period's receipt is due within 3 working days
# of the next period's start, which covers exporting, transfer and loading, and, counted
# in working days, a weekend or holiday never eats it.
AGGREGATION_GRACE = Policy(
    name="aggregation_grace",
    default=3,
    unit="working_days",
    description_zh="更新周期结束后完成数据汇聚的宽限期",
)

AGGREGATION = Rule(
    code=ObligationKind.AGGREGATION.value,
    kind=RuleKind.OBLIGATION,
    articles=("Art. 19", "Art. 20", "Art. 21", "Art. 24(2)"),
    description_zh="非涉密数据资源按其更新周期逐期汇聚到厅共享系统（实时数据逐日）",
    owed_by_zh="数据资源所属部门",
    clock_starts_zh="每个更新周期结束（自加入统一目录之日起，至退役或定密止）",
    discharged_by_zh="覆盖整个周期且未被退回的汇聚记录",
    category=Category.V03,
    period=WorkingDays(int(AGGREGATION_GRACE.default)),
    policies=(AGGREGATION_GRACE,),
    obligation=ObligationKind.AGGREGATION,
)

# Art. 21, 39(4): aggregated data rejected as non-conforming or unusable.
AGGREGATION_REJECTED = Rule(
    code="aggregation_rejected",
    kind=RuleKind.DETECTION,
    articles=("Art. 21", "Art. 39(4)"),
    description_zh="汇聚的数据不符合规范或无法使用而被退回",
    owed_by_zh="数据资源所属部门",
    clock_starts_zh="退回记录",
    discharged_by_zh="不消除（按事件计）",
    category=Category.V04,
)

# Art. 24(2): basic data in the catalog is shared unconditionally unless classified.
BASIC_DATA_NOT_UNCONDITIONAL = Rule(
    code="basic_data_not_unconditional",
    kind=RuleKind.DETECTION,
    articles=("Art. 24(2)",),
    description_zh="目录中的非涉密基础数据未列为无条件共享",
    owed_by_zh="数据资源所属部门",
    clock_starts_zh="加入统一目录",
    discharged_by_zh="改为无条件共享、定密或退役",
    category=Category.V03,
)

RULES = (AGGREGATION, AGGREGATION_REJECTED, BASIC_DATA_NOT_UNCONDITIONAL)
