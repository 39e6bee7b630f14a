"""Rules of a department's own duties: periodic usage reports and a responsible person
(Art. 33, 38)."""

from __future__ import annotations

from domain.deadlines import ObligationKind, WorkingDays
from domain.findings import Category
from domain.rules.base import ByDate, Policy, Rule, RuleKind

# Art. 33 says only 定期: how often is the department's policy, quarterly unless published.
USAGE_REPORT_PERIOD = Policy(
    name="usage_report_period",
    default="quarterly",
    unit="period",
    description_zh="开发应用情况报告的报告周期（月度、季度、半年或年度）",
)

# A report is due within 10 working days of its period's end: two working weeks to gather
# the period's figures, as quarterly government reporting usually allows.
USAGE_REPORT_GRACE = Policy(
    name="usage_report_grace",
    default=10,
    unit="working_days",
    description_zh="报告周期结束后提交开发应用情况报告的宽限期",
)

# Art. 33: each division and affiliated unit reports periodically to the leading group,
# from its registration; a report is owed from its period's start.
USAGE_REPORT = Rule(
    code=ObligationKind.USAGE_REPORT.value,
    kind=RuleKind.OBLIGATION,
    articles=("Art. 33",),
    description_zh="各处室和直属单位定期向领导小组报告数据开发应用情况",
    owed_by_zh="厅内政务部门（不含厅外部门）",
    clock_starts_zh="每个报告周期开始（自部门登记起）",
    discharged_by_zh="覆盖该周期的开发应用情况报告",
    category=Category.V10,
    period=WorkingDays(int(USAGE_REPORT_GRACE.default)),
    policies=(USAGE_REPORT_PERIOD, USAGE_REPORT_GRACE),
    obligation=ObligationKind.USAGE_REPORT,
)

# Art. 38: every department designates a responsible person; until it does, V11.
NO_RESPONSIBLE_PERSON = Rule(
    code="no_responsible_person",
    kind=RuleKind.DETECTION,
    articles=("Art. 38",),
    description_zh="部门未明确数据资源管理责任人",
    owed_by_zh="厅内政务部门（不含厅外部门、已撤销部门）",
    clock_starts_zh="部门登记",
    discharged_by_zh="指定责任人",
    category=Category.V11,
)

# Art. 39: a department told to rectify a finding does so by the date in the order; a
# withdrawn finding owes nothing.
RECTIFICATION = Rule(
    code=ObligationKind.RECTIFICATION.value,
    kind=RuleKind.OBLIGATION,
    articles=("Art. 39",),
    description_zh="被责令整改的部门应在整改通知规定的日期前完成整改",
    owed_by_zh="被发现违规的部门",
    clock_starts_zh="责令整改",
    discharged_by_zh="整改完成（撤回的违规发现不再要求整改）",
    period=ByDate("整改通知规定的日期"),
    obligation=ObligationKind.RECTIFICATION,
)

RULES = (USAGE_REPORT, NO_RESPONSIBLE_PERSON, RECTIFICATION)
