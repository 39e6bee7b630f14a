"""What the lists, the inbox and the vocabularies answer: one item model per kind of object.

An item is a summary; its ``href`` reads the whole object at the same instant.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, Field, RootModel

ItemT = TypeVar("ItemT", bound=BaseModel)

DEPARTMENT_EXAMPLE = ["ZYKF"]


class ListPage(BaseModel, Generic[ItemT]):
    at: datetime = Field(description="业务时点：列出此时已发生的对象")
    known_at: datetime = Field(description="记录时点：账本截至此时所知")
    position: int = Field(description="本次读取包含的最后一个事件的位置")
    items: list[ItemT] = Field(description="本页对象，按创建顺序")
    next_cursor: str | None = Field(
        description="下一页的游标（作为 cursor 参数传回）；最后一页为 null"
    )


class AtPosition(BaseModel):
    at: datetime = Field(description="业务时点")
    known_at: datetime = Field(description="记录时点")
    position: int = Field(description="本次读取包含的最后一个事件的位置")


class ListItem(BaseModel):
    id: str = Field(
        description="对象标识 (UUID)", examples=["0f8e2c3a-1b2d-4c5e-8f90-1234567890ab"]
    )
    href: str = Field(description="在同一时点读取该对象全部内容的地址")
    created_position: int = Field(description="创建该对象的事件在账本中的位置")
    version: int = Field(description="对象版本号（命令的 If-Match 用）")
    created_at: datetime = Field(description="创建的业务时间")


class Labelled(BaseModel):
    status: str | None = Field(default=None, description="状态代码（见 /v1/vocabularies）")
    status_label: str | None = Field(default=None, description="状态的中文名称")


class ShareRequestItem(ListItem, Labelled):
    resource_id: str = Field(description="所申请的数据资源")
    resource_code: str = Field(description="数据资源代码", examples=["3/10300200001"])
    requester: str = Field(description="申请（使用）部门代码", examples=["SCGL"])
    provider: str = Field(description="提供部门代码", examples=DEPARTMENT_EXAMPLE)
    purpose: str = Field(description="使用用途 (第二十六条)")
    channel: str = Field(description="申请渠道代码：department 或 provincial")
    channel_label: str = Field(description="申请渠道：厅共享系统 / 省级共享系统")
    share_type: str = Field(description="申请时目录中的共享类型代码")
    share_type_label: str = Field(description="共享类型：无条件共享 / 有条件共享 / 不予共享")
    replied_at: datetime | None = Field(description="答复时间；未答复为 null")
    expires_at: datetime | None = Field(description="授权到期时间；无期限为 null")


class VerificationItem(ListItem, Labelled):
    resource_id: str = Field(description="有疑义的数据资源")
    requester: str = Field(description="提出校核的使用部门代码", examples=["SCGL"])
    provider: str = Field(description="负责校核的提供部门代码", examples=DEPARTMENT_EXAMPLE)
    description: str = Field(description="疑义或错误的说明")
    answered_at: datetime | None = Field(description="答复时间；未答复为 null")


class DataUseItem(ListItem, Labelled):
    resource_id: str = Field(description="所使用的数据资源")
    share_request_id: str | None = Field(description="所依据的共享申请；无则为 null")
    arrangement_id: str | None = Field(description="所依据的时效性共享约定；无则为 null")
    department: str = Field(description="使用部门代码", examples=["SCGL"])
    provider: str = Field(description="提供部门代码", examples=DEPARTMENT_EXAMPLE)
    purpose: str = Field(description="具体用途 (第三十六条)")
    user_person: str = Field(description="使用人员")
    approver: str = Field(description="批准人员")
    obtained_at: datetime = Field(description="获取时间")
    marks: list[str] = Field(description="违规标记代码；合规为空")
    marks_labels: list[str] = Field(description="违规标记的中文名称")


class ArrangementItem(ListItem, Labelled):
    resource_id: str = Field(description="约定共享的数据资源")
    requester: str = Field(description="使用部门代码", examples=["SCGL"])
    provider: str = Field(description="提供部门代码", examples=DEPARTMENT_EXAMPLE)
    method: str = Field(description="获取方式代码")
    method_label: str = Field(description="获取方式：接口 / 文件 / 数据库 / 其他")
    valid_from: datetime = Field(description="约定生效时间 (第二十八条)")
    valid_to: datetime = Field(description="约定失效时间")


class SystemItem(ListItem, Labelled):
    department: str = Field(description="建设单位（部门代码）", examples=DEPARTMENT_EXAMPLE)
    name: str = Field(description="信息系统名称", examples=["A级旅游景区管理系统"])
    build_status: str = Field(description="建设状态代码：existing 已建成 / new 新建")
    build_status_label: str = Field(description="建设状态：已建成 (第十九条) / 新建 (第二十条)")
    classified: bool = Field(description="是否涉密系统")
    connected: bool = Field(description="是否已接入厅共享系统且未停用")


class DepartmentItem(ListItem, Labelled):
    code: str = Field(description="部门代码", examples=DEPARTMENT_EXAMPLE)
    name: str = Field(description="部门名称", examples=["资源开发处"])
    kind: str = Field(description="部门类别代码")
    kind_label: str = Field(description="部门类别：处室 / 厅直属事业单位 / 厅外政务部门")
    responsible_person: str | None = Field(
        description="数据共享责任人（第三十八条）；未指定为 null"
    )
    data_staff: list[str] = Field(description="数据共享工作人员")


class AggregationItem(ListItem, Labelled):
    resource_id: str = Field(description="汇聚的数据资源")
    system_id: str = Field(description="数据来源的信息系统")
    department: str = Field(description="提供部门代码", examples=DEPARTMENT_EXAMPLE)
    record_count: int = Field(description="汇聚的记录数")
    period_start: date = Field(description="数据覆盖的第一天")
    period_end: date = Field(description="数据覆盖的最后一天")
    rejected_at: datetime | None = Field(description="被退回的时间；未退回为 null")


class UsageReportItem(ListItem, Labelled):
    department: str = Field(description="报告部门代码", examples=DEPARTMENT_EXAMPLE)
    period_start: date = Field(description="报告期第一天")
    period_end: date = Field(description="报告期最后一天")
    summary: str = Field(description="开发应用情况 (第三十三条)")


class PrincipalItem(ListItem, Labelled):
    name: str = Field(description="账号使用人姓名")
    department: str = Field(description="所属部门代码", examples=DEPARTMENT_EXAMPLE)
    role: str = Field(description="角色代码")
    role_label: str = Field(description="角色的中文名称")
    revoked_at: datetime | None = Field(description="吊销时间；有效为 null")


class ObligationItem(BaseModel):
    obligation_id: str = Field(description="义务标识；GET /v1/obligations/{id} 读取")
    kind: str = Field(description="义务类别代码（见 /v1/vocabularies 的 obligation_kind）")
    kind_label: str = Field(description="义务类别的中文名称", examples=["共享申请答复"])
    department: str = Field(description="承担义务的部门代码", examples=DEPARTMENT_EXAMPLE)
    department_name: str | None = Field(
        default=None, description="承担义务的部门名称", examples=["资源开发处"]
    )
    subject_id: str = Field(description="义务所涉对象（申请、资源、部门、问题等）的标识")
    subject_href: str | None = Field(description="在同一时点读取所涉对象的地址；无则为 null")
    started_at: datetime = Field(description="期限起算时间")
    due_date: date = Field(description="截止日期（当日24时止，北京时间）")
    provisional: bool = Field(description="期限跨入尚未公布节假日安排的年份时为 true（暂定）")
    unpublished_years: list[int] = Field(description="期限所跨、尚未公布节假日安排的年份")
    status: str = Field(description="open 未到期未履行 / met 已按期履行 / breached 已逾期")
    discharged_at: datetime | None = Field(description="履行时间；未履行为 null")
    period_start: date | None = Field(description="周期性义务的周期第一天；否则为 null")
    period_end: date | None = Field(description="周期性义务的周期最后一天；否则为 null")
    working_days_left: int | None = Field(
        description="尚未履行的义务：今日之后至截止日的剩余工作日数（0 为今日截止，"
        "负数为已逾期的工作日数）；已履行为 null"
    )


class ObligationOut(AtPosition, ObligationItem):
    """One obligation of the deadline register at the instant."""


class InboxPage(BaseModel):
    at: datetime = Field(description="业务时点")
    known_at: datetime = Field(description="记录时点")
    position: int = Field(description="本次读取包含的最后一个事件的位置")
    department: str | None = Field(description="收件部门；监督角色未指定时为 null（全部部门）")
    items: list[ObligationItem] = Field(
        description="待答复的共享申请与校核申请（含已逾期仍未答复的），截止最早者在前"
    )
    next_cursor: str | None = Field(description="下一页的游标；最后一页为 null")


class Term(BaseModel):
    code: str = Field(description="代码（接口中传送的值）", examples=["conditional"])
    label_zh: str = Field(description="中文名称", examples=["有条件共享"])


class Vocabularies(RootModel[dict[str, list[Term]]]):
    """每个枚举的名称 → 其代码与中文名称，如 share_type → [{code, label_zh}]."""


class DepartmentOut(AtPosition, DepartmentItem):
    """One department at the instant."""


class PrincipalOut(AtPosition, PrincipalItem):
    """One principal at the instant (never its token)."""


class EvidenceItem(BaseModel):
    source: str = Field(description="detected 账本自动检测 / found 领导小组督查认定")
    source_label: str = Field(description="来源的中文名称", examples=["账本检测"])
    subject_id: str = Field(description="所计对象的标识（使用记录、资源、义务、部门、问题等）")
    rule: str | None = Field(description="检测规则代码（检测所得）；督查认定为 null")
    since: datetime | None = Field(description="自何时起构成（检测所得）")
    status: str | None = Field(description="问题的办理状态（督查认定）；检测所得为 null")
    href: str | None = Field(description="在同一时点读取该对象的地址；无读取地址时为 null")
    event_position: int | None = Field(
        description="该对象所依据的事件在账本中的位置；由推算得出（如逾期）时为 null"
    )
    event_href: str | None = Field(
        description="该事件的包含性证明 (RFC 9162)：证明它在本报告所读账本树中"
    )


class EvidencePage(AtPosition):
    department: str = Field(description="部门代码", examples=DEPARTMENT_EXAMPLE)
    category: str = Field(description="违规类别代码 V01–V11 (第三十九条)", examples=["V06"])
    category_label: str = Field(description="违规类别的中文名称")
    items: list[EvidenceItem] = Field(description="本格所计的每一项：先检测所得，后督查认定")
    next_cursor: str | None = Field(description="下一页的游标；最后一页为 null")
