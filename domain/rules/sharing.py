"""Rules of sharing: replying to requests, refusing with a reason, using only what was
granted (Art. 25–30, 32, 36)."""

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

# Art. 25, 28, 32, 36: every use of shared data is recorded, and marked when it breaks the
# rules; a marked use counts under V09 as it is recorded, its rule the marks it carries —
# all but a self-approval, which the measures do not forbid. A provision to a third party
# stops counting once the provider's consent is recorded (Art. 32: 与提供部门协商解决).
DATA_USE_MARKED = Rule(
    code="data_use_marked",
    kind=RuleKind.DETECTION,
    articles=("Art. 25", "Art. 28", "Art. 32", "Art. 36"),
    description_zh=(
        "数据使用无有效授权（含未经对方确认的时效性共享安排）、超过有效期、超出用途、范围或"
        "约定的获取方式，或未经提供部门同意提供给第三方；自行批准不计入"
    ),
    owed_by_zh="使用部门",
    clock_starts_zh="使用记录",
    discharged_by_zh="不消除（按事件计）；提供第三方的，自提供部门同意时起不再计入",
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
    marks=(
        DataUseMark.PURPOSE_NOT_GRANTED,
        DataUseMark.SCOPE_NOT_GRANTED,
        DataUseMark.METHOD_NOT_AGREED,
    ),
)

PROVIDED_TO_THIRD_PARTY = AnomalyRule(
    code="provided_to_third_party",
    kind=RuleKind.DETECTION,
    articles=("Art. 32",),
    description_zh="将共享获取的数据提供给第三方，记录时未经提供部门同意",
    owed_by_zh="使用部门",
    clock_starts_zh="使用记录",
    discharged_by_zh="提供部门同意（此后不再计入 V09；记录保留供调查人员查阅）",
    category=Category.V09,
    marks=(DataUseMark.THIRD_PARTY_WITHOUT_CONSENT,),
)

# Art. 36 asks for 授权管理 and records the approver, but does not forbid a user approving
# their own use: shown to investigators, counted under no category.
SELF_APPROVED = AnomalyRule(
    code="self_approved",
    kind=RuleKind.DETECTION,
    articles=("Art. 36",),
    description_zh="使用人员与批准人员为同一人",
    owed_by_zh="使用部门",
    clock_starts_zh="使用记录",
    discharged_by_zh="不消除（供调查人员查阅，不计入违规）",
    marks=(DataUseMark.SELF_APPROVED,),
)

RULES = (
    SHARE_REPLY,
    REFUSAL_WITHOUT_REASON,
    DATA_USE_MARKED,
    USE_WITHOUT_GRANT,
    USE_AFTER_EXPIRY,
    USE_OUTSIDE_PURPOSE,
    PROVIDED_TO_THIRD_PARTY,
    SELF_APPROVED,
)
