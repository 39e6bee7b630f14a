"""Controlled vocabularies: every value has a code (what portals send) and a 中文 label."""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema


class Labeled(str, Enum):
    """A string enum whose members carry a Chinese label: ``Code("x", "标签")``."""

    label: str

    def __new__(cls, code: str, label: str) -> Labeled:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    def __str__(self) -> str:
        code: str = self.value
        return code

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {member.value: member.label for member in cls}

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Each code with its label, in the OpenAPI document: ``x-enum-labels`` for tools,
        and the description for people."""
        schema: dict[str, Any] = handler.resolve_ref_schema(handler(core_schema))
        listing = "；".join(f"{code}：{label}" for code, label in cls.labels().items())
        own = cls.__doc__ if cls.__doc__ and cls.__doc__ != Labeled.__doc__ else ""
        schema["description"] = f"{own}\n\n{listing}".strip() if own else listing
        schema["x-enum-labels"] = cls.labels()
        return schema


class Role(Labeled):
    ADMIN = ("admin", "系统管理员")
    DEPARTMENT = ("department", "政务部门")
    OFFICE = ("office", "厅办公室")
    INFO_CENTER = ("info_center", "厅信息中心")
    LEADING_GROUP = ("leading_group", "厅网信领导小组")
    EXTERNAL = ("external", "厅外政务部门")
    AUDITOR = ("auditor", "审计/纪检")


class DepartmentKind(Labeled):
    DIVISION = ("division", "处室")
    AFFILIATED_UNIT = ("affiliated_unit", "厅直属事业单位")
    EXTERNAL = ("external", "厅外政务部门")


class ResourceCategory(Labeled):
    """分类, and the first digit of a resource code (national cataloguing guide)."""

    BASIC = ("basic", "基础")
    THEME = ("theme", "主题")
    DEPARTMENT = ("department", "部门")


class ResourceSource(Labeled):
    COLLECTED = ("collected", "直接采集")
    THIRD_PARTY = ("third_party", "第三方采集")
    AUTHORISED = ("authorised", "依法授权管理")
    PURCHASED_SERVICE = ("purchased_service", "政府购买服务")
    SYSTEM_GENERATED = ("system_generated", "信息系统形成")


class ResourceFormat(Labeled):
    DATABASE = ("database", "数据库表")
    SPREADSHEET = ("spreadsheet", "电子表格")
    FILE = ("file", "文件")
    API = ("api", "接口")
    IMAGE = ("image", "图像")
    AUDIO = ("audio", "音频")
    VIDEO = ("video", "视频")
    E_LICENCE = ("e_licence", "电子证照")
    E_ARCHIVE = ("e_archive", "电子档案")
    OTHER = ("other", "其他")


class DataItemType(Labeled):
    C = ("C", "字符")
    N = ("N", "数值")
    Y = ("Y", "货币")
    D = ("D", "日期")
    T = ("T", "日期时间")
    L = ("L", "逻辑")
    M = ("M", "备注")
    B = ("B", "二进制")
    I = ("I", "整型")  # noqa: E741 - the guide's own code
    F = ("F", "浮点")


class ShareType(Labeled):
    UNCONDITIONAL = ("unconditional", "无条件共享")
    CONDITIONAL = ("conditional", "有条件共享")
    NOT_SHARED = ("not_shared", "不予共享")


class ShareMethod(Labeled):
    API = ("api", "接口")
    FILE = ("file", "文件")
    DATABASE = ("database", "数据库")


class OpenType(Labeled):
    UNCONDITIONAL_OPEN = ("unconditional_open", "无条件开放")
    CONDITIONAL_OPEN = ("conditional_open", "有条件开放")
    NOT_OPEN = ("not_open", "不予开放")


class UpdateCycle(Labeled):
    REAL_TIME = ("real_time", "实时")
    DAILY = ("daily", "每日")
    WEEKLY = ("weekly", "每周")
    MONTHLY = ("monthly", "每月")
    QUARTERLY = ("quarterly", "每季度")
    HALF_YEARLY = ("half_yearly", "每半年")
    YEARLY = ("yearly", "每年")
    IRREGULAR = ("irregular", "不定期")


class LegalBasisKind(Labeled):
    """Art. 24(1): only law, administrative regulation or central policy may keep data unshared."""

    LAW = ("law", "法律")
    ADMINISTRATIVE_REGULATION = ("administrative_regulation", "行政法规")
    CENTRAL_POLICY = ("central_policy", "党中央、国务院政策")
    INTERNAL_RULE = ("internal_rule", "部门内部管理办法")


class BasicDataKind(Labeled):
    """Art. 24(2): basic data every department needs, shared unconditionally once declassified."""

    CULTURE_TOURISM_RESOURCES = ("culture_tourism_resources", "文化和旅游基础资源数据")
    STATISTICS = ("statistics", "统计调查数据")
    POLICIES_REGULATIONS = ("policies_regulations", "政策法规信息")
    MARKET_ENTITIES = ("market_entities", "经营主体信息")
    PRACTITIONERS = ("practitioners", "从业人员信息")
    PERFORMANCES_EVENTS = ("performances_events", "活动演出信息")
    ADMINISTRATIVE_LICENSING = ("administrative_licensing", "行政许可信息")
    COMPLAINTS_REPORTS = ("complaints_reports", "投诉举报信息")
    ADMINISTRATIVE_ENFORCEMENT = ("administrative_enforcement", "行政执法信息")


class ShareChannel(Labeled):
    """Which sharing system a request comes through (Art. 18, 22, 29-30)."""

    DEPARTMENT = ("department", "厅共享系统")
    PROVINCIAL = ("provincial", "省级共享系统")


class ShareRequestStatus(Labeled):
    GRANTED = ("granted", "已共享")
    PENDING = ("pending", "待答复")
    REFUSED = ("refused", "已拒绝")
    NOT_SHARED = ("not_shared", "不予共享")
    ESCALATED = ("escalated", "已报厅网信领导小组协调")


class ReplyDecision(Labeled):
    """The provider's answer to a conditional request (Art. 26)."""

    APPROVE = ("approve", "同意共享")
    REFUSE = ("refuse", "拒绝共享")


class CoordinationDecision(Labeled):
    """The leading group's binding decision on a disputed request (Art. 27, 29)."""

    SHARE = ("share", "协调共享")
    NOT_SHARE = ("not_share", "协调不予共享")


class AcquisitionMethod(Labeled):
    """获取方式 of shared data (Art. 36); also the method a time-sensitive arrangement agrees."""

    API = ("api", "接口")
    FILE = ("file", "文件")
    DATABASE = ("database", "数据库")
    OTHER = ("other", "其他")


class MediumType(Labeled):
    """介质类型 that shared data was obtained on (Art. 36)."""

    NETWORK = ("network", "网络")
    MOBILE_STORAGE = ("mobile_storage", "移动存储介质")
    PAPER = ("paper", "纸质")
    OTHER = ("other", "其他")


class Anomaly(Labeled):
    """What investigators search for among the ledger's entries (rules in domain/rules)."""

    USE_WITHOUT_GRANT = ("use_without_grant", "无授权使用")
    USE_AFTER_EXPIRY = ("use_after_expiry", "授权过期后使用")
    USE_OUTSIDE_PURPOSE = ("use_outside_purpose", "超出授权用途或范围使用")
    LATE_ENTRY = ("late_entry", "迟报（补录）")
    REFUSAL_WITHOUT_REASON = ("refusal_without_reason", "拒绝共享未说明实质理由")


class DataUseMark(Labeled):
    """Why a recorded use of shared data breaks the rules (Art. 26, 28, 32; V09)."""

    NO_GRANT = ("no_grant", "无有效共享授权")
    AFTER_EXPIRY = ("after_expiry", "超过授权有效期")
    PURPOSE_NOT_GRANTED = ("purpose_not_granted", "超出授权用途")
    SCOPE_NOT_GRANTED = ("scope_not_granted", "超出授权范围")
    RESOURCE_MISMATCH = ("resource_mismatch", "与授权数据资源不符")
    THIRD_PARTY = ("third_party", "提供给第三方")


class SystemStatus(Labeled):
    """Art. 19 governs systems already built; Art. 20 those being built."""

    EXISTING = ("existing", "已建成")
    NEW = ("new", "新建")


class ChecksumAlgorithm(Labeled):
    """How an aggregation receipt fingerprints the data received (hex digest)."""

    SHA256 = ("sha256", "SHA-256")
    SM3 = ("sm3", "SM3 (GB/T 32905)")
    SHA512 = ("sha512", "SHA-512")


class VerificationOutcome(Labeled):
    """Art. 31: the provider confirms its data or corrects it."""

    CONFIRMED = ("confirmed", "核实无误")
    CORRECTED = ("corrected", "已校核修正")
