"""Rules of the catalog: compiling it, keeping it up to date, checking systems against it
(Art. 10–13, 15)."""

from __future__ import annotations

from domain.deadlines import ObligationKind, WorkingDays
from domain.findings import Category
from domain.rules.base import ByDate, Policy, Rule, RuleKind

# Art. 11 sets no date for a new department's first catalog: the project gives it 20
# working days after registration to have one approved.
FIRST_CATALOG_GRACE = Policy(
    name="first_catalog_grace",
    default=20,
    unit="working_days",
    description_zh="新登记部门首次编制目录并经审核通过的宽限期",
)

FIRST_CATALOG = Rule(
    code="no_approved_catalog",
    kind=RuleKind.OBLIGATION,
    articles=("Art. 11",),
    description_zh="部门登记后应在宽限期内编制数据资源目录并经审核通过",
    owed_by_zh="政务部门",
    clock_starts_zh="部门登记",
    discharged_by_zh="目录审核通过",
    category=Category.V01,
    period=WorkingDays(int(FIRST_CATALOG_GRACE.default)),
    policies=(FIRST_CATALOG_GRACE,),
)

# Art. 12: within 7 working days of a law change or a change of functions, the department
# applies to update its catalog.
CATALOG_UPDATE = Rule(
    code=ObligationKind.CATALOG_UPDATE.value,
    kind=RuleKind.OBLIGATION,
    articles=("Art. 12",),
    description_zh="法律法规修改或职能变更后，部门应在期限内提出目录更新申请",
    owed_by_zh="受影响的政务部门",
    clock_starts_zh="法律法规修改或职能变更记录",
    discharged_by_zh="针对该变更的目录更新申请",
    category=Category.V01,
    period=WorkingDays(7),
    obligation=ObligationKind.CATALOG_UPDATE,
)

# Art. 13: the office checks systems against the catalog once a year, by 31 December.
CONSISTENCY_CHECK = Rule(
    code=ObligationKind.CONSISTENCY_CHECK.value,
    kind=RuleKind.OBLIGATION,
    articles=("Art. 13",),
    description_zh="厅办公室每年对信息系统与目录的一致性开展一次检测",
    owed_by_zh="厅办公室",
    clock_starts_zh="每年1月1日（自办公室人员登记之年起）",
    discharged_by_zh="当年的目录一致性检测记录",
    period=ByDate("当年12月31日"),
    obligation=ObligationKind.CONSISTENCY_CHECK,
)

# Art. 13, 21: a check that found differences counts at once under V04.
CONSISTENCY_DIFFERENCES = Rule(
    code="consistency_differences",
    kind=RuleKind.DETECTION,
    articles=("Art. 13", "Art. 21"),
    description_zh="目录一致性检测发现信息系统与目录不一致",
    owed_by_zh="系统所属部门",
    clock_starts_zh="检测记录",
    discharged_by_zh="不消除（按事件计）",
    category=Category.V04,
)

# Art. 12, 13: differences a check found are fixed like any other cause of a catalog
# update, within the same 7 working days.
DIFFERENCES_NOT_FIXED = Rule(
    code="differences_not_fixed",
    kind=RuleKind.DETECTION,
    articles=("Art. 12", "Art. 13"),
    description_zh="一致性检测发现差异后，系统所属部门未在期限内提出目录更新申请",
    owed_by_zh="系统所属部门",
    clock_starts_zh="该系统最近一次发现差异的检测",
    discharged_by_zh="检测之后该部门的任一目录更新申请",
    category=Category.V01,
    period=CATALOG_UPDATE.period,
)

# Art. 15, 31: a data item already has a unique source in another department.
DUPLICATE_COLLECTION = Rule(
    code="duplicate_collection",
    kind=RuleKind.DETECTION,
    articles=("Art. 15", "Art. 31"),
    description_zh="编目的数据项已有其他部门的唯一数据源（重复采集）",
    owed_by_zh="编目部门",
    clock_starts_zh="数据资源编目",
    discharged_by_zh="不消除（按事件计）",
    category=Category.V05,
)

RULES = (
    FIRST_CATALOG,
    CATALOG_UPDATE,
    CONSISTENCY_CHECK,
    CONSISTENCY_DIFFERENCES,
    DIFFERENCES_NOT_FIXED,
    DUPLICATE_COLLECTION,
)
