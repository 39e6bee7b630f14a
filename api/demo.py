"""A realistic demo ledger: the department's divisions and units, their people, their catalog.

Loaded through the same verbs the API calls, with business times in early 2025,
so every rule the API enforces holds for the demo data too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from api.commands import command_service
from api.runtime import utc_now
from domain.calendar import SHANGHAI, shanghai_date
from domain.commands import Caller
from domain.consistency import Difference
from domain.data_uses import DataUseFields
from domain.deadlines import has_periods, periods_between
from domain.departments import department_id
from domain.events import Actor
from domain.findings import Category, ReviewDecision
from domain.ledger import Decision, Ledger
from domain.legal_instruments import LegalInstrumentKind, legal_instrument_id
from domain.principals import new_token
from domain.resources import Resource, ResourceFields
from domain.share_requests import Reply
from domain.vocabulary import (
    AcquisitionMethod,
    ChecksumAlgorithm,
    CoordinationDecision,
    DepartmentKind,
    MediumType,
    ReplyDecision,
    Role,
    ShareChannel,
    ShareType,
    SystemStatus,
    UpdateCycle,
    VerificationOutcome,
)

OFFICE = "BGS"
CYBERSECURITY_LAW = "中华人民共和国网络安全法"

DEPARTMENTS: list[tuple[str, str, DepartmentKind, str | None, list[str]]] = [
    ("BGS", "办公室", DepartmentKind.DIVISION, "王建国", ["李静"]),
    ("ZCFG", "政策法规处", DepartmentKind.DIVISION, "张立新", ["赵敏"]),
    ("ZYKF", "资源开发处", DepartmentKind.DIVISION, "刘洪涛", ["孙悦", "周婷"]),
    ("CYFZ", "产业发展处", DepartmentKind.DIVISION, "陈志刚", ["吴昊"]),
    ("GGFW", "公共服务处", DepartmentKind.DIVISION, "杨丽华", ["郑爽"]),
    ("YSC", "艺术处", DepartmentKind.DIVISION, "黄文博", ["马琳"]),
    ("SCGL", "市场管理处", DepartmentKind.DIVISION, "林国栋", ["高远", "何佳"]),
    ("KJJY", "科技教育处", DepartmentKind.DIVISION, "徐振华", ["许诺"]),
    ("FYC", "非物质文化遗产处", DepartmentKind.DIVISION, "朱晓梅", ["邓雪"]),
    ("WWBH", "文物保护与考古处", DepartmentKind.DIVISION, "宋德明", ["韩冰"]),
    ("ZFJD", "文化市场综合执法监督局", DepartmentKind.DIVISION, "曹永胜", ["冯磊"]),
    ("XXZX", "信息中心", DepartmentKind.AFFILIATED_UNIT, "谢明远", ["罗晨", "唐宁"]),
    # Designated no one yet: Art. 38 leaves it in breach, which supervision reports.
    ("YSZX", "艺术研究院", DepartmentKind.AFFILIATED_UNIT, None, []),
    ("SGAT", "吉林省公安厅", DepartmentKind.EXTERNAL, None, []),
]


def _items(*pairs: str) -> list[dict[str, str]]:
    return [{"name": pair[:-2], "type": pair[-1]} for pair in pairs]


RESOURCES: list[dict[str, Any]] = [
    {
        "code": "1030010001/000001",
        "name": "文化和旅游政策法规库",
        "category": "basic",
        "department": "ZCFG",
        "source": "collected",
        "format": "file",
        "summary": "现行有效的文化和旅游法律、法规、规章及规范性文件全文与效力状态",
        "data_items": _items("文件名称:C", "文号:C", "发布日期:D", "效力状态:C", "全文:M"),
        "share_type": "unconditional",
        "share_method": "file",
        "open_type": "unconditional_open",
        "update_cycle": "quarterly",
        "basic_data_kind": "policies_regulations",
        "usage_requirements": "引用须注明文号",
        "publication_date": "2025-03-01",
    },
    {
        "code": "3010010001/000001",
        "name": "厅发文目录",
        "category": "department",
        "department": "BGS",
        "source": "system_generated",
        "format": "database",
        "summary": "厅机关公开发文的标题、文号、成文日期、主办处室",
        "data_items": _items("标题:C", "文号:C", "成文日期:D", "主办处室:C"),
        "share_type": "unconditional",
        "share_method": "api",
        "open_type": "unconditional_open",
        "update_cycle": "monthly",
        "usage_requirements": "仅限履职使用",
        "publication_date": "2025-03-01",
    },
    {
        "code": "3090010001/000001",
        "name": "文化和旅游科技创新项目库",
        "category": "department",
        "department": "KJJY",
        "source": "collected",
        "format": "database",
        "summary": "科技创新项目名称、承担单位、立项年度、经费、验收情况",
        "data_items": _items("项目名称:C", "承担单位:C", "立项年度:N", "经费:Y", "验收情况:C"),
        "share_type": "conditional",
        "share_method": "database",
        "open_type": "conditional_open",
        "share_conditions": {
            "scope": "厅机关各处室",
            "content": "项目名称、承担单位、立项年度",
            "uses": ["统计分析"],
        },
        "update_cycle": "yearly",
        "usage_requirements": "不得对外公开经费信息",
        "publication_date": "2025-03-01",
    },
    {
        "code": "1010010001/000001",
        "name": "A级旅游景区名录",
        "category": "basic",
        "department": "ZYKF",
        "source": "collected",
        "format": "database",
        "summary": "全省A级旅游景区的名称、等级、地址、评定时间及复核情况",
        "data_items": _items("景区名称:C", "景区等级:C", "所在地区:C", "详细地址:C", "评定日期:D"),
        "share_type": "unconditional",
        "share_method": "api",
        "open_type": "unconditional_open",
        "update_cycle": "monthly",
        "basic_data_kind": "culture_tourism_resources",
        "usage_requirements": "仅限履职使用",
        "publication_date": "2025-03-01",
    },
    {
        "code": "1040020001/000001",
        "name": "旅行社经营许可信息",
        "category": "basic",
        "department": "SCGL",
        "source": "authorised",
        "format": "e_licence",
        "summary": "旅行社业务经营许可证编号、名称、法定代表人、经营范围、许可日期",
        "data_items": _items(
            "许可证编号:C", "旅行社名称:C", "统一社会信用代码:C", "经营范围:M", "许可日期:D"
        ),
        "share_type": "unconditional",
        "share_method": "api",
        "open_type": "unconditional_open",
        "update_cycle": "weekly",
        "basic_data_kind": "administrative_licensing",
        "usage_requirements": "仅限履职使用",
        "publication_date": "2025-03-01",
    },
    {
        "code": "1050010001/000001",
        "name": "导游人员信息",
        "category": "basic",
        "department": "SCGL",
        "source": "collected",
        "format": "database",
        "summary": "导游证号、姓名、等级、语种、所属旅行社（已脱敏）",
        "data_items": _items("导游证号:C", "姓名:C", "导游等级:C", "语种:C", "所属机构:C"),
        "share_type": "unconditional",
        "share_method": "api",
        "open_type": "conditional_open",
        "update_cycle": "weekly",
        "basic_data_kind": "practitioners",
        "usage_requirements": "不得向第三方提供个人信息",
        "publication_date": "2025-03-01",
    },
    {
        "code": "1060010001/000001",
        "name": "营业性演出审批信息",
        "category": "basic",
        "department": "SCGL",
        "source": "authorised",
        "format": "database",
        "summary": "营业性演出许可证号、演出名称、举办单位、时间地点、审批结果",
        "data_items": _items("许可证号:C", "演出名称:C", "举办单位:C", "演出日期:D", "演出场所:C"),
        "share_type": "unconditional",
        "share_method": "api",
        "open_type": "unconditional_open",
        "update_cycle": "weekly",
        "basic_data_kind": "performances_events",
        "usage_requirements": "仅限履职使用",
        "publication_date": "2025-03-01",
    },
    {
        "code": "1010020001/000001",
        "name": "文物保护单位名录",
        "category": "basic",
        "department": "WWBH",
        "source": "collected",
        "format": "database",
        "summary": "全国及省级重点文物保护单位名称、级别、年代、类别、公布批次",
        "data_items": _items("名称:C", "保护级别:C", "年代:C", "类别:C", "公布批次:N"),
        "share_type": "unconditional",
        "share_method": "file",
        "open_type": "unconditional_open",
        "update_cycle": "yearly",
        "basic_data_kind": "culture_tourism_resources",
        "usage_requirements": "仅限履职使用",
        "publication_date": "2025-03-01",
    },
    {
        "code": "1040030001/000001",
        "name": "星级饭店名录",
        "category": "basic",
        "department": "SCGL",
        "source": "collected",
        "format": "database",
        "summary": "星级饭店名称、星级、地址、评定时间、经营状态",
        "data_items": _items("饭店名称:C", "星级:N", "地址:C", "评定日期:D", "经营状态:C"),
        "share_type": "unconditional",
        "share_method": "api",
        "open_type": "unconditional_open",
        "update_cycle": "quarterly",
        "basic_data_kind": "market_entities",
        "usage_requirements": "仅限履职使用",
        "publication_date": "2025-03-01",
    },
    {
        "code": "3080010001/000001",
        "name": "旅游投诉举报处理记录",
        "category": "department",
        "department": "ZFJD",
        "source": "collected",
        "format": "database",
        "summary": "旅游投诉举报的受理编号、被投诉单位、事由、处理结果（含投诉人信息）",
        "data_items": _items(
            "受理编号:C", "被投诉单位:C", "投诉事由:M", "处理结果:M", "受理日期:D"
        ),
        "share_type": "conditional",
        "share_method": "api",
        "open_type": "not_open",
        "share_conditions": {
            "scope": "仅限市场监管与执法相关处室",
            "content": "受理编号、被投诉单位、事由、处理结果（不含投诉人信息）",
            "uses": ["行业监管", "执法办案"],
        },
        "update_cycle": "weekly",
        "usage_requirements": "不得公开投诉人个人信息",
        "publication_date": "2025-03-01",
    },
    {
        "code": "1090010001/000001",
        "name": "文化市场行政处罚案件信息",
        "category": "basic",
        "department": "ZFJD",
        "source": "collected",
        "format": "database",
        "summary": "行政处罚决定书文号、当事人、违法事实、处罚种类、处罚日期",
        "data_items": _items("决定书文号:C", "当事人:C", "违法事实:M", "处罚种类:C", "处罚日期:D"),
        "share_type": "unconditional",
        "share_method": "api",
        "open_type": "unconditional_open",
        "update_cycle": "weekly",
        "basic_data_kind": "administrative_enforcement",
        "usage_requirements": "仅限履职使用",
        "publication_date": "2025-03-01",
    },
    {
        "code": "1010030001/000001",
        "name": "非物质文化遗产代表性项目名录",
        "category": "basic",
        "department": "FYC",
        "source": "collected",
        "format": "database",
        "summary": "国家级、省级非遗代表性项目名称、类别、申报地区、保护单位",
        "data_items": _items("项目名称:C", "类别:C", "级别:C", "申报地区:C", "保护单位:C"),
        "share_type": "unconditional",
        "share_method": "file",
        "open_type": "unconditional_open",
        "update_cycle": "yearly",
        "basic_data_kind": "culture_tourism_resources",
        "usage_requirements": "仅限履职使用",
        "publication_date": "2025-03-01",
    },
    {
        "code": "1020010001/000001",
        "name": "旅游统计调查数据",
        "category": "basic",
        "department": "CYFZ",
        "source": "collected",
        "format": "spreadsheet",
        "summary": "接待游客人次、旅游收入、过夜游客、入境游客等月度统计",
        "data_items": _items("统计期:C", "接待人次:I", "旅游收入:Y", "过夜游客:I", "入境游客:I"),
        "share_type": "unconditional",
        "share_method": "file",
        "open_type": "unconditional_open",
        "update_cycle": "monthly",
        "basic_data_kind": "statistics",
        "usage_requirements": "引用须注明来源",
        "publication_date": "2025-03-01",
    },
    {
        "code": "3030010001/000001",
        "name": "文化和旅游重点项目库",
        "category": "department",
        "department": "CYFZ",
        "source": "collected",
        "format": "database",
        "summary": "重点项目名称、投资主体、总投资、建设进度、用地情况",
        "data_items": _items("项目名称:C", "投资主体:C", "总投资:Y", "建设进度:M", "开工日期:D"),
        "share_type": "conditional",
        "share_method": "database",
        "open_type": "not_open",
        "share_conditions": {
            "scope": "发展改革、自然资源等相关部门",
            "content": "项目名称、总投资、建设进度",
            "uses": ["项目审批", "统计分析"],
        },
        "update_cycle": "quarterly",
        "usage_requirements": "不得对外公开投资方商业信息",
        "publication_date": "2025-03-01",
    },
    {
        "code": "3060010001/000001",
        "name": "艺术创作扶持项目",
        "category": "department",
        "department": "YSC",
        "source": "collected",
        "format": "file",
        "summary": "舞台艺术创作扶持项目名称、申报单位、扶持金额、验收结果",
        "data_items": _items("项目名称:C", "申报单位:C", "扶持金额:Y", "验收结果:C"),
        "share_type": "conditional",
        "share_method": "file",
        "open_type": "conditional_open",
        "share_conditions": {
            "scope": "财务处、审计部门",
            "content": "全部字段",
            "uses": ["资金监管"],
        },
        "update_cycle": "yearly",
        "usage_requirements": "仅限资金监管使用",
        "publication_date": "2025-03-01",
    },
    {
        "code": "3070010001/000001",
        "name": "公共文化设施基础信息",
        "category": "department",
        "department": "GGFW",
        "source": "collected",
        "format": "database",
        "summary": "公共图书馆、文化馆、乡镇综合文化站名称、面积、开放时间、服务人次",
        "data_items": _items(
            "设施名称:C", "设施类型:C", "建筑面积:F", "开放时间:C", "年服务人次:I"
        ),
        "share_type": "unconditional",
        "share_method": "api",
        "open_type": "unconditional_open",
        "update_cycle": "half_yearly",
        "usage_requirements": "仅限履职使用",
        "publication_date": "2025-03-01",
    },
    {
        "code": "3120010001/000001",
        "name": "网络安全监测日志",
        "category": "department",
        "department": "XXZX",
        "source": "system_generated",
        "format": "file",
        "summary": "厅共享系统及门户网站的安全监测告警与处置记录",
        "data_items": _items("告警时间:T", "告警类型:C", "源地址:C", "处置结果:M"),
        "share_type": "not_shared",
        "share_method": "file",
        "open_type": "not_open",
        # Art. 24(1): an instrument of the office's register, cited by id and article.
        "legal_basis": {
            "instrument_id": str(legal_instrument_id(CYBERSECURITY_LAW)),
            "article": "第二十一条",
        },
        "update_cycle": "monthly",
        "usage_requirements": "不予共享",
        "classified": False,
        "publication_date": "2025-03-01",
    },
]

# People who act for each department in the demo (besides the responsible persons).
DEMO_PRINCIPALS: list[tuple[str, str, Role]] = [
    ("李静", "BGS", Role.OFFICE),
    ("孙悦", "ZYKF", Role.DEPARTMENT),
    ("高远", "SCGL", Role.DEPARTMENT),
    ("吴昊", "CYFZ", Role.DEPARTMENT),
    ("冯磊", "ZFJD", Role.DEPARTMENT),
    ("罗晨", "XXZX", Role.INFO_CENTER),
    ("张立新", "ZCFG", Role.LEADING_GROUP),
    ("审计员", "ZCFG", Role.AUDITOR),
]


@dataclass
class DemoClock:
    """Business time that moves forward a little with every step, from early 2025."""

    instant: datetime = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

    def tick(self, hours: float = 2) -> datetime:
        self.instant += timedelta(hours=hours)
        return self.instant


STAFF = {code: (staff[0] if staff else code) for code, _, _, _, staff in DEPARTMENTS}
HEADS = {code: head for code, _, _, head, _ in DEPARTMENTS}
PERSONS: dict[tuple[str, str], UUID] = {}  # (department, name) → person id, as registered


def _staff(department: str) -> Actor:
    return Actor(person=STAFF[department], department=department, role=Role.DEPARTMENT)


def _act(ledger: Ledger, actor: Actor, when: datetime, verb: Any, *args: Any) -> Decision:
    """Decide with ``verb(cmd, *args)`` as ``actor`` at business time ``when``, and record,
    as every command is (domain/commands.py)."""
    outcome = command_service(ledger).handle(Caller(actor), lambda cmd: verb(cmd, *args), when)
    assert outcome.decision is not None  # decided now: a command without a key never replays
    return outcome.decision


def is_loaded(ledger: Ledger) -> bool:
    return ledger.exists(department_id(OFFICE))


def load_demo(ledger: Ledger) -> dict[str, str]:
    """Load the demo data set; returns the demo principals' tokens by name."""
    clock = DemoClock()
    admin = Actor(person="admin", department="ADMIN", role=Role.ADMIN)
    for code, name, kind, _, _ in DEPARTMENTS:
        _act(ledger, admin, clock.tick(0.1), ledger.register_department, code, name, kind)
    # Art. 36: the people who use and approve shared data are records with ids.
    for code, _, _, head, staff in DEPARTMENTS:
        for name, title in [*([(head, "处长")] if head else []), *((n, "科员") for n in staff)]:
            PERSONS[code, name] = _act(
                ledger,
                admin,
                clock.tick(0.1),
                ledger.register_person,
                name,
                code,
                title,
                [Role.DEPARTMENT],
            ).subject_id
    tokens: dict[str, str] = {}
    for person, department, role in DEMO_PRINCIPALS:
        token = new_token()
        _act(
            ledger,
            admin,
            clock.tick(0.1),
            ledger.register_principal,
            token,
            person,
            department,
            role,
            PERSONS.get((department, person)),
        )
        tokens[f"{person} ({department}, {role.value})"] = token
    for code, _, _, head, staff in DEPARTMENTS:
        if head is not None:
            actor = Actor(person=head, department=code, role=Role.DEPARTMENT)
            _act(
                ledger, actor, clock.tick(), ledger.designate_responsible_persons, code, head, staff
            )
    resources = _catalog(ledger, clock)
    _activity(ledger, resources)
    return tokens


def _catalog(ledger: Ledger, clock: DemoClock) -> dict[str, UUID]:
    """Each department catalogs and submits; the office approves all but one, which it returns.
    Returns the resources' ids by name."""
    office = Actor(person="李静", department=OFFICE, role=Role.OFFICE)
    by_department: dict[str, list[UUID]] = {}
    by_name: dict[str, UUID] = {}
    clock.instant = datetime(2025, 2, 7, 9, 0, tzinfo=UTC)
    _act(
        ledger,
        office,
        clock.tick(),
        ledger.register_legal_instrument,
        LegalInstrumentKind.LAW,
        CYBERSECURITY_LAW,
        "全国人民代表大会常务委员会",
        "中华人民共和国主席令第五十三号",
        date(2017, 6, 1),
    )
    clock.instant = datetime(2025, 2, 10, 9, 0, tzinfo=UTC)
    for body in RESOURCES:
        fields = ResourceFields.model_validate(body)
        department = fields.department
        decision = _act(ledger, _staff(department), clock.tick(), ledger.catalog_resource, fields)
        by_department.setdefault(department, []).append(decision.subject_id)
        by_name[fields.name] = decision.subject_id
    clock.instant = datetime(2025, 2, 24, 9, 0, tzinfo=UTC)
    submissions = []
    for department, ids in by_department.items():
        decision = _act(ledger, _staff(department), clock.tick(), ledger.submit_catalog, ids)
        submissions.append((department, decision.subject_id))
    clock.instant = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    for department, submission_id in submissions:
        if department == "YSC":
            reasons = ["扶持金额字段应注明币种和单位", "共享范围过窄，请补充说明依据"]
            _act(ledger, office, clock.tick(), ledger.return_catalog, submission_id, reasons, None)
        else:
            # Art. 24(2): the office confirms what is basic data. ZFJD's complaint-handling
            # records name complainants: not the declassified 投诉举报信息 of Art. 24(2).
            kinds = {by_name["旅游投诉举报处理记录"]: None} if department == "ZFJD" else None
            _act(ledger, office, clock.tick(), ledger.approve_catalog, submission_id, None, kinds)
    clock.instant = datetime(2025, 6, 9, 9, 0, tzinfo=UTC)
    _act(ledger, office, clock.tick(), ledger.record_law_change, "《旅行社条例》修订", ["SCGL"])
    _act(
        ledger,
        office,
        clock.tick(),
        ledger.record_function_change,
        "GGFW",
        "增加公共文化数字化服务职能",
    )
    _act(
        ledger,
        _staff("GGFW"),
        clock.tick(24),
        ledger.apply_for_catalog_update,
        "职能调整：增加公共文化数字化服务数据",
        None,
    )
    return by_name


# -- a year of activity -------------------------------------------------------------------

INFO_CENTER = Actor(person="罗晨", department="XXZX", role=Role.INFO_CENTER)
LEADING_GROUP = Actor(person="张立新", department="ZCFG", role=Role.LEADING_GROUP)
OFFICE_ACTOR = Actor(person="李静", department=OFFICE, role=Role.OFFICE)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00")


def _activity(ledger: Ledger, resources: dict[str, UUID]) -> None:
    """2025–26: systems, aggregation, sharing, use, verification, reports and a finding,
    each kept to the rules but a few, so that supervision has something to show."""
    systems = _systems(ledger)
    _aggregations(ledger, resources, systems, shanghai_date(utc_now()))
    _sharing(ledger, resources)
    _external_sharing(ledger)
    _usage_reports(ledger)
    _consistency_checks(ledger, systems)


def _systems(ledger: Ledger) -> dict[str, UUID]:
    """Every provider's system is connected (Art. 19), except SCGL's second, never connected."""
    systems: dict[str, UUID] = {}
    for department in sorted({str(body["department"]) for body in RESOURCES}):
        name = f"{dict((c, n) for c, n, *_ in DEPARTMENTS)[department]}业务系统"
        decision = _act(
            ledger,
            _staff(department),
            at("2025-02-17"),
            ledger.register_system,
            name,
            SystemStatus.EXISTING,
            False,
        )
        _act(
            ledger, INFO_CENTER, at("2025-02-18"), ledger.connect_system, decision.subject_id, None
        )
        systems[department] = decision.subject_id
    _act(
        ledger,
        _staff("SCGL"),
        at("2025-02-17", 11),
        ledger.register_system,
        "导游证管理系统",
        SystemStatus.EXISTING,
        False,
    )
    return systems


def _external_sharing(ledger: Ledger) -> None:
    """Art. 30: the office registers the provincial public security department's lodging
    records; SCGL asks the office for them before the 2025 National Day, the office forwards
    the request through the 省级共享系统, records SGAT's approval, and SCGL uses the data."""
    lodging = _act(
        ledger,
        OFFICE_ACTOR,
        at("2025-08-01"),
        ledger.register_external_resource,
        "SGAT",
        "旅馆业住宿登记信息",
        ShareType.CONDITIONAL,
        "全省旅馆业住宿登记的旅馆名称、入住人数（不含身份信息）",
        ["治安管理", "旅游安全监管"],
    ).subject_id
    asked = _act(
        ledger,
        _staff("SCGL"),
        at("2025-09-08"),
        ledger.request_external_data,
        lodging,
        "国庆假日旅游安全监管",
        "旅馆名称、入住人数",
    ).subject_id
    _act(ledger, OFFICE_ACTOR, at("2025-09-09"), ledger.forward_external_request, asked, None)
    reply = Reply(
        decision=ReplyDecision.APPROVE,
        granted_scope="旅馆名称、入住人数",
        granted_uses=("国庆假日旅游安全监管",),
        expires_at=at("2025-10-31", 0),
    )
    _act(ledger, OFFICE_ACTOR, at("2025-09-16"), ledger.record_external_reply, asked, reply, None)
    _use(
        ledger,
        "SCGL",
        asked,
        lodging,
        "国庆假日旅游安全监管",
        "2025-10-02",
        data_content="旅馆名称、入住人数",
    )


def _consistency_checks(ledger: Ledger, systems: dict[str, UUID]) -> None:
    """Art. 13, 2025: the office checks each connected system against the catalog (SCGL's
    never-connected second system stays unchecked, its yearly check overdue); ZYKF's system
    holds a table the catalog lacks, so the office recommends an update to the leading
    group, and ZYKF applies to update its catalog (Art. 12)."""
    for index, (department, system_id) in enumerate(sorted(systems.items())):
        differences = (
            [Difference(description="系统中的“景区客流实时监测表”未编入数据资源目录")]
            if department == "ZYKF"
            else []
        )
        recommendations = (
            ["建议资源开发处将景区客流实时监测数据编入目录并按日汇聚"] if differences else []
        )
        _act(
            ledger,
            OFFICE_ACTOR,
            at("2025-12-01", 9) + timedelta(minutes=index),
            ledger.record_consistency_check,
            system_id,
            2025,
            differences,
            recommendations,
        )
    _act(
        ledger,
        _staff("ZYKF"),
        at("2025-12-04"),
        ledger.apply_for_catalog_update,
        "一致性检测发现景区客流实时监测表未编目，申请更新目录",
        None,
    )


def _aggregations(
    ledger: Ledger, resources: dict[str, UUID], systems: dict[str, UUID], today: date
) -> None:
    """Data of each period arrives the day after it ends (Art. 19), up to the day the demo
    is loaded; 星级饭店名录's third quarter of 2025 never does (V03), and one delivery of
    文物保护单位名录 is rejected as unusable (V04)."""
    for body in RESOURCES:
        resource_id = resources[str(body["name"])]
        resource = ledger.get(resource_id, Resource)
        cycle = resource.fields.update_cycle
        if not resource.in_catalog or not has_periods(cycle) or resource.fields.classified:
            continue
        department = resource.department
        for period in periods_between(date(2025, 3, 3), today, cycle):
            if period.end >= today:
                continue
            if body["name"] == "星级饭店名录" and period.start == date(2025, 7, 1):
                continue
            received = datetime.combine(period.end + timedelta(days=1), time(9), SHANGHAI)
            decision = _act(
                ledger,
                INFO_CENTER,
                received,
                ledger.receive_aggregation,
                resource_id,
                systems[department],
                1000 + period.start.toordinal() % 500,
                (period.start, period.end),
                _checksum(resource_id, period.start),
                ChecksumAlgorithm.SHA256,
            )
            if body["name"] == "文物保护单位名录" and period.start == date(2025, 1, 1):
                _act(
                    ledger,
                    INFO_CENTER,
                    received + timedelta(hours=3),
                    ledger.reject_aggregation,
                    decision.subject_id,
                    "坐标字段全部为空，无法使用",
                    None,
                )


def _checksum(resource_id: UUID, start: date) -> str:
    return hashlib.sha256(f"{resource_id}:{start.isoformat()}".encode()).hexdigest()


def _sharing(ledger: Ledger, resources: dict[str, UUID]) -> None:
    complaints = resources["旅游投诉举报处理记录"]
    scenic = resources["A级旅游景区名录"]
    projects = resources["文化和旅游重点项目库"]
    security = resources["网络安全监测日志"]
    hotels = resources["星级饭店名录"]
    channel = ShareChannel.DEPARTMENT

    # SCGL asks for the complaint records; ZFJD grants them for supervision until year end.
    granted = _act(
        ledger,
        _staff("SCGL"),
        at("2025-04-07"),
        ledger.request_share,
        complaints,
        "行业监管",
        "受理编号、被投诉单位、投诉事由、处理结果",
        channel,
    ).subject_id
    reply = Reply(
        decision=ReplyDecision.APPROVE,
        granted_scope="受理编号、被投诉单位、投诉事由、处理结果",
        granted_uses=("行业监管",),
        expires_at=at("2025-12-31", 23),
    )
    _act(ledger, _staff("ZFJD"), at("2025-04-14"), ledger.reply_to_request, granted, reply, None)
    _use(ledger, "SCGL", granted, complaints, "行业监管", "2025-05-10")
    _use(ledger, "SCGL", granted, complaints, "招商宣传", "2025-06-15")  # not granted: V09

    # An unconditional list is granted at once (Art. 25), and used.
    open_request = _act(
        ledger,
        _staff("CYFZ"),
        at("2025-04-21"),
        ledger.request_share,
        scenic,
        "产业统计分析",
        "全部",
        channel,
    ).subject_id
    _use(ledger, "CYFZ", open_request, scenic, "产业统计分析", "2025-04-22")
    # Unconditional data of the unified catalog is also obtained directly (Art. 25).
    _use(ledger, "GGFW", None, scenic, "公共文化服务规划", "2025-04-23")
    _arrangements(ledger, complaints)
    # SCGL provides complaint figures to the tourism association; ZFJD, the provider,
    # consents once they have agreed it (Art. 32: 与提供部门协商解决).
    provided = _use(
        ledger, "SCGL", granted, complaints, "行业监管", "2025-05-20", recipient="吉林省旅游协会"
    )
    _act(
        ledger,
        _staff("ZFJD"),
        at("2025-05-22"),
        ledger.consent_to_third_party,
        provided,
        "吉林省旅游协会",
        "经协商，同意提供脱敏后的投诉统计用于行业自律",
        None,
    )

    # GGFW's request for the project library is never answered (Art. 26: V06) ...
    unanswered = _act(
        ledger,
        _staff("GGFW"),
        at("2025-05-12"),
        ledger.request_share,
        projects,
        "公共文化设施规划",
        "项目名称、建设进度",
        channel,
    ).subject_id
    # ... and SCGL's is refused, with the reason Art. 26 requires.
    refused = _act(
        ledger,
        _staff("SCGL"),
        at("2025-05-13"),
        ledger.request_share,
        projects,
        "市场主体监管",
        "投资主体、总投资",
        channel,
    ).subject_id
    refusal = Reply(
        decision=ReplyDecision.REFUSE,
        reason="涉及投资方商业秘密，依《反不正当竞争法》第九条不予提供",
    )
    _act(ledger, _staff("CYFZ"), at("2025-05-20"), ledger.reply_to_request, refused, refusal, None)

    # Not shared: negotiation fails, the leading group coordinates (Art. 27).
    disputed = _act(
        ledger,
        _staff("ZFJD"),
        at("2025-06-02"),
        ledger.request_share,
        security,
        "执法办案取证",
        "告警时间、源地址",
        channel,
    ).subject_id
    _act(
        ledger,
        _staff("ZFJD"),
        at("2025-06-05"),
        ledger.negotiate,
        disputed,
        "双方协商：信息中心认为涉及网络安全",
        None,
    )
    _act(
        ledger,
        _staff("ZFJD"),
        at("2025-06-09"),
        ledger.escalate_to_leading_group,
        disputed,
        "协商未果，执法确需",
        None,
    )
    _act(
        ledger,
        LEADING_GROUP,
        at("2025-06-16"),
        ledger.coordinate,
        disputed,
        CoordinationDecision.NOT_SHARE,
        "依《网络安全法》不予共享，可由信息中心出具核查意见",
        None,
    )

    # CYFZ doubts a hotel's star rating; SCGL corrects it in time (Art. 31).
    check = _act(
        ledger,
        _staff("CYFZ"),
        at("2025-07-01"),
        ledger.request_verification,
        hotels,
        "部分饭店星级与文旅部公告不一致",
    ).subject_id
    _act(
        ledger,
        _staff("SCGL"),
        at("2025-07-08"),
        ledger.answer_verification,
        check,
        VerificationOutcome.CORRECTED,
        "更正3家饭店星级，已同步至厅共享系统",
        None,
    )

    # The leading group finds CYFZ's silence and orders rectification; CYFZ reports it
    # rectified, the group rejects the report (the request is still unanswered), the date
    # passes without an accepted rectification, and criticism is circulated (Art. 39).
    finding = _act(
        ledger,
        LEADING_GROUP,
        at("2025-06-05"),
        ledger.record_finding,
        "CYFZ",
        Category.V06,
        [str(unanswered)],
        "对公共服务处的有条件共享申请逾期未予答复",
    ).subject_id
    _act(
        ledger,
        LEADING_GROUP,
        at("2025-06-06"),
        ledger.order_rectification,
        finding,
        date(2025, 6, 30),
        None,
    )
    _act(
        ledger,
        _staff("CYFZ"),
        at("2025-06-20"),
        ledger.report_rectification,
        finding,
        [str(unanswered), "吉文旅产〔2025〕9号"],
        "已建立共享申请受理台账，明确专人答复",
        None,
    )
    _act(
        ledger,
        LEADING_GROUP,
        at("2025-06-24"),
        ledger.review_rectification,
        finding,
        ReviewDecision.REJECTED,
        "台账已建立，但逾期的申请至今仍未答复，整改不到位",
        None,
    )
    _act(
        ledger,
        LEADING_GROUP,
        at("2025-07-03"),
        ledger.circulate_criticism,
        finding,
        "在全厅通报批评",
        None,
    )


def _use(
    ledger: Ledger,
    department: str,
    basis: UUID | None,
    resource_id: UUID,
    purpose: str,
    day: str,
    **fields: Any,
) -> UUID:
    """A use by the department's first staff member, approved by its head (Art. 36);
    ``basis`` is the share request (or, with ``arrangement=True``, the arrangement)."""
    under_arrangement = fields.pop("arrangement", False)
    use = DataUseFields(
        share_request_id=None if under_arrangement else basis,
        arrangement_id=basis if under_arrangement else None,
        resource_id=resource_id,
        purpose=purpose,
        user_person_id=PERSONS[department, STAFF[department]],
        approver_person_id=PERSONS[department, HEADS[department] or STAFF[department]],
        data_content=fields.pop(
            "data_content", "受理编号、被投诉单位" if department == "SCGL" else "景区名称、等级"
        ),
        obtained_at=at(day, 9),
        method=AcquisitionMethod.API,
        medium=MediumType.NETWORK,
        **fields,
    )
    return _act(ledger, _staff(department), at(day), ledger.record_data_use, use).subject_id


def _arrangements(ledger: Ledger, complaints: UUID) -> None:
    """Art. 28: for National Day 2025, ZFJD proposes and SCGL accepts; SCGL uses the data
    under it. For the 2026 Spring Festival, SCGL's proposal still awaits ZFJD's answer."""
    national_day = _act(
        ledger,
        _staff("ZFJD"),
        at("2025-09-24"),
        ledger.propose_arrangement,
        complaints,
        "SCGL",
        "国庆假日旅游市场监管",
        "受理编号、被投诉单位、投诉事由",
        AcquisitionMethod.API,
        at("2025-10-01", 0),
        at("2025-10-09", 0),
    ).subject_id
    _act(ledger, _staff("SCGL"), at("2025-09-25"), ledger.accept_arrangement, national_day, None)
    _use(
        ledger,
        "SCGL",
        national_day,
        complaints,
        "国庆假日旅游市场监管",
        "2025-10-03",
        arrangement=True,
    )
    _act(
        ledger,
        _staff("SCGL"),
        at("2026-01-20"),
        ledger.propose_arrangement,
        complaints,
        "ZFJD",
        "春节假日旅游市场监管",
        "受理编号、被投诉单位、投诉事由",
        AcquisitionMethod.API,
        at("2026-02-14", 0),
        at("2026-02-24", 0),
    )


def _usage_reports(ledger: Ledger) -> None:
    """Quarterly reports to the leading group (Art. 33); ZFJD misses the second quarter."""
    quarters = periods_between(date(2025, 1, 1), date(2026, 9, 30), UpdateCycle.QUARTERLY)
    for code, _, kind, _, _ in DEPARTMENTS:
        if kind is DepartmentKind.EXTERNAL:
            continue
        for quarter in quarters:
            if code == "ZFJD" and quarter.start == date(2025, 4, 1):
                continue
            filed = datetime.combine(quarter.end + timedelta(days=5), time(10), SHANGHAI)
            _act(
                ledger,
                _staff(code),
                filed,
                ledger.report_usage,
                quarter.start,
                quarter.end,
                f"{quarter.start:%Y}年第{(quarter.start.month - 1) // 3 + 1}季度开发应用情况",
            )
