"""中文 names of the facts the console shows, and of the fields its forms ask for."""

from __future__ import annotations

EVENT_LABELS = {
    "UsageReported": "报告开发应用情况",
    "ResourceCataloged": "编目数据资源",
    "ResourceAmended": "修改数据资源",
    "JoinedCatalog": "纳入厅级目录",
    "ResourceRetired": "注销数据资源",
    "UniqueSourceDesignated": "确定唯一来源",
    "ResourceCodeClaimed": "占用资源代码",
    "ConsistencyCheckRecorded": "记录一致性检测",
    "SourceConflictRecorded": "记录多源异义",
    "SourceConflictResolved": "解决多源异义",
    "HolidaySchedulePublished": "发布节假日安排",
    "ShareRequested": "提出共享申请",
    "ShareReplied": "答复共享申请",
    "NegotiationRecorded": "记录协商",
    "ShareRequestEscalated": "提请协调",
    "CoordinationDecided": "作出协调决定",
    "PrincipalRegistered": "登记用户",
    "PrincipalRevoked": "停用用户",
    "VerificationRequested": "提出校核申请",
    "VerificationAnswered": "答复校核申请",
    "ArrangementAgreed": "约定时效性安排",
    "FindingRecorded": "记录违规发现",
    "RectificationOrdered": "通知整改",
    "FindingRectified": "报告整改",
    "CriticismCirculated": "通报批评",
    "FindingWithdrawn": "撤销违规发现",
    "LawChangeRecorded": "记录法律法规修改",
    "FunctionsChanged": "记录职能变更",
    "CatalogSubmitted": "报送目录",
    "CatalogApproved": "审核通过目录",
    "CatalogReturned": "退回目录",
    "CatalogUpdateApplied": "申请更新目录",
    "CatalogUpdateFiled": "目录更新备案",
    "AggregationReceived": "数据汇聚",
    "AggregationRejected": "汇聚数据被拒收",
    "SystemRegistered": "登记信息系统",
    "ProjectApproved": "系统立项",
    "SystemConnected": "系统接入共享系统",
    "TrialOperationStarted": "系统试运行",
    "SystemRetired": "系统下线",
    "ForensicQueryMade": "审计查询",
    "DepartmentRegistered": "登记部门",
    "ResponsiblePersonsDesignated": "指定负责人和数据专员",
    "DepartmentDissolved": "撤销部门",
    "DataUseRecorded": "记录数据使用",
    "LedgerInitialised": "账本初始化",
}

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
    "legal_basis.kind": "依据类型",
    "legal_basis.title": "依据名称",
    "legal_basis.article": "依据条款",
    "share_method": "共享方式",
    "open_type": "开放属性",
    "update_cycle": "更新周期",
    "usage_requirements": "使用要求",
    "classified": "涉密",
    "basic_data_kind": "基础数据类别",
    "publication_date": "发布日期",
}


def event_label(class_name: str) -> str:
    return EVENT_LABELS.get(class_name.removesuffix("Event"), class_name)

# The supervision rules that count a detection (projections/supervision.py), in 中文.
RULE_LABELS = {
    "aggregation_rejected": "汇聚数据被拒收（第二十一条）",
    "basic_data_not_unconditional": "基础数据未无条件共享（第二十四条第（二）项）",
    "consistency_differences": "一致性检测发现差异（第十三条）",
    "differences_not_fixed": "一致性差异未申请更新目录（第十三条）",
    "duplicate_collection": "已有唯一来源的数据项被重复采集（第十五条、第三十一条）",
    "no_approved_catalog": "逾期未有经审核的目录（第十一条）",
    "no_responsible_person": "未指定负责人（第三十八条）",
    "not_connected": "存量系统逾期未接入厅共享系统（第十九条）",
    "trial_without_connection": "新建系统未接入即试运行（第二十条）",
    "recorded": "已记录",
    "rectification_ordered": "已通知整改",
    "rectified": "已整改",
    "overdue": "逾期未整改",
    "criticised": "已通报批评",
    "withdrawn": "已撤销",
}


def rule_label(rule: str) -> str:
    """A rule's 中文 name: an obligation breached (``<kind>_overdue``), data-use marks joined
    by ``+``, or one of the rules above."""
    from domain.deadlines import ObligationKind
    from domain.vocabulary import DataUseMark

    if rule in RULE_LABELS:
        return RULE_LABELS[rule]
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
