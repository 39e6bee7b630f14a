"""Rules of information systems: connecting them to the sharing system (Art. 19, 20)."""

from __future__ import annotations

from domain.deadlines import WorkingDays
from domain.findings import Category
from domain.rules.base import Policy, Rule, RuleKind

# Art. 19 sets no date for connecting an existing system: the project gives it 20 working
# days after registration.
SYSTEM_CONNECTION_GRACE = Policy(
    name="system_connection_grace",
    default=20,
    unit="working_days",
    description_zh="已建信息系统登记后接入厅共享系统的宽限期",
)

SYSTEM_CONNECTION = Rule(
    code="not_connected",
    kind=RuleKind.OBLIGATION,
    articles=("Art. 19",),
    description_zh="已建信息系统登记后应在宽限期内接入厅共享系统",
    owed_by_zh="系统所属部门",
    clock_starts_zh="信息系统登记（已建系统）",
    discharged_by_zh="系统接入记录，或系统退役",
    category=Category.V02,
    period=WorkingDays(int(SYSTEM_CONNECTION_GRACE.default)),
    policies=(SYSTEM_CONNECTION_GRACE,),
)

# Art. 20: a new system goes into trial operation only once connected.
TRIAL_WITHOUT_CONNECTION = Rule(
    code="trial_without_connection",
    kind=RuleKind.DETECTION,
    articles=("Art. 20",),
    description_zh="新建信息系统未接入厅共享系统即开始试运行",
    owed_by_zh="系统所属部门",
    clock_starts_zh="试运行开始",
    discharged_by_zh="系统接入记录，或系统退役",
    category=Category.V02,
)

RULES = (SYSTEM_CONNECTION, TRIAL_WITHOUT_CONNECTION)
