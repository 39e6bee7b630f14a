"""中文 names of the fields the console's forms ask for and the rules it shows; the names of
recorded facts are the domain's (``domain.event_labels``)."""

from __future__ import annotations

# The pages show facts by the domain's one table of names.
from domain.event_labels import event_label as event_label
from domain.findings import FindingStatus

# Field names of the resource form, as the measures and the national guide name them.
RESOURCE_FIELD_LABELS = {
    "code": "信息资源代码",
    "name": "名称",
    "category": "分类",
    "source": "来源",
    "summary": "信息摘要",
    "format": "格式",
    "data_items": "信息项",
    "share_type": "共享属性",
    "share_conditions": "共享条件",
    "share_conditions.scope": "共享范围",
    "share_conditions.content": "数据内容",
    "share_conditions.uses": "使用用途",
    "legal_basis": "不予共享的法律依据",
    "legal_basis.instrument_id": "所依据的法律法规（厅办公室登记册）",
    "legal_basis.article": "依据条款",
    "share_method": "共享方式",
    "open_type": "开放属性",
    "update_cycle": "更新周期",
    "usage_requirements": "使用要求",
    "classified": "涉密",
    "basic_data_kind": "基础数据类别",
    "publication_date": "发布日期",
}

# Where a resource stands in the catalog (``Resource.status``).
RESOURCE_STATUS_LABELS = {
    "draft": "待报送",
    "in_catalog": "已纳入厅级目录",
    "amended": "已修改待重报",
    "retired": "已注销",
}


# Where a finding stands (Art. 39): the domain's statuses, and the one a report derives
# from them, an order whose due date passed without an accepted rectification.
STANDING_LABELS: dict[str, str] = {**FindingStatus.labels(), "overdue": "逾期未整改"}


def rule_label(rule: str) -> str:
    """A rule's 中文 name: a rule of the measures as ``domain/rules`` declares it (with its
    articles), an obligation breached (``<kind>_overdue``), data-use marks joined by ``+``,
    or where a finding stands."""
    from domain.deadlines import ObligationKind
    from domain.rules import RULES
    from domain.vocabulary import DataUseMark

    declared = {r.code: r for r in RULES}.get(rule)
    if declared is not None:
        articles = "、".join(article_label(a.removeprefix("Art. ")) for a in declared.articles)
        return f"{declared.description_zh}（{articles}）"
    if rule in STANDING_LABELS:
        return STANDING_LABELS[rule]
    kind = rule.removesuffix("_overdue")
    if kind != rule and kind in ObligationKind.labels():
        return f"{ObligationKind.labels()[kind]}逾期"
    marks = DataUseMark.labels()
    if all(part in marks for part in rule.split("+")):
        return "数据使用：" + "、".join(marks[part] for part in rule.split("+"))
    return rule


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–99 as 中文 numerals, as article numbers are written (第二十四条)."""
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else _DIGITS[tens]) + "十" if tens else ""
    return text + (_DIGITS[ones] if ones or not tens else "")


def article_label(article: str) -> str:
    """"24(1)" → 第二十四条第（一）项; "39" → 第三十九条."""
    number, _, item = article.partition("(")
    if not number.isdigit():
        return f"第{article}条"
    text = f"第{chinese_number(int(number))}条"
    item = item.rstrip(")")
    return text + (f"第（{chinese_number(int(item))}）项" if item.isdigit() else "")
