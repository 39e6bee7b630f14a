"""Rules of sharing: replying to requests, refusing with a reason, using only what was
granted (Art. 25–29, 32, 36)."""

from __future__ import annotations

from domain.deadlines import ObligationKind, WorkingDays
from domain.findings import Category
from domain.rules.base import AnomalyRule, Rule, RuleKind
from domain.vocabulary import DataUseMark

# Art. 26, 29: the provider replies to a conditional request within 10 working days of
# receiving it; an approval or a reasoned refusal (the only refusal recorded) discharges
# it, and a late reply is still a reply.
SHARE_REPLY = Rule(
    code=ObligationKind.SHARE_REPLY.value,
    kind=RuleKind.OBLIGATION,
    articles=("Art. 26", "Art. 29"),
    description_zh="提供部门应在收到有条件共享申请后于期限内答复",
    owed_by_zh="提供部门",
    clock_starts_zh="收到有条件共享申请",
    discharged_by_zh="同意（含范围、用途、期限）或说明理由的拒绝",
    category=Category.V06,
    period=WorkingDays(10),
    obligation=ObligationKind.SHARE_REPLY,
)

# Art. 26: a refusal states its reason. An empty one is refused outright; these stand
# for a reason without saying one, and investigators want to see them.
EMPTY_REASONS = frozenset(
    {"无", "没有", "不同意", "不予共享", "拒绝", "不予提供", "其他", "略", "na", "none", "no"}
)


def says_no_reason(reason: str) -> bool:
    """True when a refusal's reason gives no reason: blank, punctuation, or boilerplate."""
    words = "".join(ch for ch in reason if ch.isalnum()).lower()
    return len(words) < 2 or words in EMPTY_REASONS


REFUSAL_WITHOUT_REASON = AnomalyRule(
    code="refusal_without_reason",
    kind=RuleKind.DETECTION,
    articles=("Art. 26",),
    description_zh="拒绝共享的理由为空话或套话，未说明实质理由",
    owed_by_zh="提供部门",
    clock_starts_zh="拒绝记录",
    discharged_by_zh="不消除（供调查人员查阅）",
)

# Art. 32, 36: every use of shared data is recorded, and marked when it breaks the rules;
# a marked use counts under V09 as it is recorded, its rule the marks it carries.
DATA_USE_MARKED = Rule(
    code="data_use_marked",
    kind=RuleKind.DETECTION,
    articles=("Art. 32", "Art. 36"),
    description_zh="数据使用无有效授权、超过有效期、超出用途或范围，或提供给第三方",
    owed_by_zh="使用部门",
    clock_starts_zh="使用记录",
    discharged_by_zh="不消除（按事件计）",
    category=Category.V09,
)

USE_WITHOUT_GRANT = AnomalyRule(
    code="use_without_grant",
    kind=RuleKind.DETECTION,
    articles=("Art. 32", "Art. 36"),
    description_zh="使用数据时无有效共享授权，或使用的数据资源与授权不符",
    owed_by_zh="使用部门",
    clock_starts_zh="使用记录",
    discharged_by_zh="不消除（供调查人员查阅）",
    category=Category.V09,
    marks=(DataUseMark.NO_GRANT, DataUseMark.RESOURCE_MISMATCH),
)

USE_AFTER_EXPIRY = AnomalyRule(
    code="use_after_expiry",
    kind=RuleKind.DETECTION,
    articles=("Art. 28", "Art. 32"),
    description_zh="授权有效期届满后仍使用数据",
    owed_by_zh="使用部门",
    clock_starts_zh="使用记录",
    discharged_by_zh="不消除（供调查人员查阅）",
    category=Category.V09,
    marks=(DataUseMark.AFTER_EXPIRY,),
)

USE_OUTSIDE_PURPOSE = AnomalyRule(
    code="use_outside_purpose",
    kind=RuleKind.DETECTION,
    articles=("Art. 26", "Art. 32"),
    description_zh="超出授权的用途或范围使用数据",
    owed_by_zh="使用部门",
    clock_starts_zh="使用记录",
    discharged_by_zh="不消除（供调查人员查阅）",
    category=Category.V09,
    marks=(DataUseMark.PURPOSE_NOT_GRANTED, DataUseMark.SCOPE_NOT_GRANTED),
)

RULES = (
    SHARE_REPLY,
    REFUSAL_WITHOUT_REASON,
    DATA_USE_MARKED,
    USE_WITHOUT_GRANT,
    USE_AFTER_EXPIRY,
    USE_OUTSIDE_PURPOSE,
)
