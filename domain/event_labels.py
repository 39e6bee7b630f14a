"""The 中文 name of every kind of recorded fact, by its event class's name, declared once.

An official reads an evidence list, an audit trail or an export by these names, never by
class names; ``tests/domain/test_event_labels.py`` walks every ``LedgerEvent`` subclass and fails
when one is recorded without a name here. The bases that only group a stream's events
(``ShareRequestEvent``, ``FindingEvent`` ...) are never recorded themselves and have none.
"""

from __future__ import annotations

EVENT_LABELS: dict[str, str] = {
    # -- the ledger, its users and the register of persons
    "LedgerInitialised": "账本初始化",
    "PrincipalRegistered": "登记用户",
    "PrincipalRevoked": "停用用户",
    "PersonRegistered": "登记人员",
    "CommandReceiptRecorded": "记录命令回执",
    "ForensicQueryMade": "审计查询",
    "PolicyPublished": "发布规则参数",
    "HolidaySchedulePublished": "发布节假日安排",
    # -- departments (Art. 38)
    "DepartmentRegistered": "登记部门",
    "ResponsiblePersonsDesignated": "指定负责人和数据专员",
    "DepartmentDissolvedEvent": "撤销部门",
    # -- resources and the catalog (Art. 10-15, 23-24, 31)
    "ResourceCataloged": "编目数据资源",
    "ResourceAmended": "修改数据资源",
    "ShareTypeChanged": "变更共享属性",
    "JoinedCatalog": "纳入厅级目录",
    "ResourceRetiredEvent": "注销数据资源",
    "ResourceCodeClaimed": "占用资源代码",
    "UniqueSourceDesignated": "确定唯一来源",
    "UniqueSourceSet": "设定唯一来源",
    "UniqueSourceChanged": "变更唯一来源",
    "SourceConflictRecorded": "记录多源异义",
    "SourceConflictResolved": "解决多源异义",
    "ConsistencyCheckRecorded": "记录一致性检测",
    "CatalogSubmitted": "报送目录",
    "CatalogApproved": "审核通过目录",
    "CatalogReturned": "退回目录",
    "CatalogUpdateApplied": "申请更新目录",
    "CatalogUpdateFiled": "目录更新备案",
    "LawChangeRecorded": "记录法律法规修改",
    "FunctionsChanged": "记录职能变更",
    "LegalInstrumentRegistered": "登记法律法规",
    # -- information systems and aggregation (Art. 19-21)
    "SystemRegistered": "登记信息系统",
    "ProjectApproved": "系统立项",
    "SystemConnected": "系统接入共享系统",
    "TrialOperationStarted": "系统试运行",
    "SystemRetiredEvent": "系统下线",
    "AggregationReceived": "数据汇聚",
    "AggregationRejected": "汇聚数据被拒收",
    # -- sharing (Art. 25-32, 36)
    "ShareRequested": "提出共享申请",
    "ShareReplied": "答复共享申请",
    "ShareRequestApproved": "同意共享申请",
    "ShareRequestRefused": "拒绝共享申请",
    "NegotiationRecorded": "记录协商",
    "ShareRequestEscalated": "提请协调",
    "CoordinationDecided": "作出协调决定",
    "ArrangementAgreed": "约定时效性安排",
    "ArrangementProposed": "提出时效性安排",
    "ArrangementAccepted": "接受时效性安排",
    "ArrangementRefused": "拒绝时效性安排",
    "ExternalResourceRegistered": "登记厅外数据资源",
    "ExternalRequestSubmitted": "提出向厅外部门的共享申请",
    "ExternalRequestForwarded": "通过省级共享系统转报申请",
    "ExternalReplyRecorded": "记录厅外部门答复",
    "DataUseRecorded": "记录数据使用",
    "ThirdPartyConsented": "同意向第三方提供",
    "VerificationRequested": "提出校核申请",
    "VerificationAnswered": "答复校核申请",
    "UsageReported": "报告开发应用情况",
    # -- supervision (Art. 39)
    "FindingRecorded": "记录违规发现",
    "RectificationOrdered": "通知整改",
    "RectificationReported": "报告整改",
    "RectificationReviewed": "审核整改",
    "FindingRectified": "整改完成（部门自行关闭，旧记录）",
    "CriticismCirculated": "通报批评",
    "FindingWithdrawn": "撤销违规发现",
}


def event_label(class_name: str) -> str:
    """The fact's 中文 name; an unknown name (none is, once the test passes) as it is."""
    return EVENT_LABELS.get(class_name, class_name)
