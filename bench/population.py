"""Who and what the synthetic ledger holds: sizes, departments, people, resources, words.

Everything here is a pure function of a seeded ``random.Random``, so one seed gives one
ledger. The vocabulary is the province's own (处室, 厅直属事业单位, 厅外政务部门) and the
resources look like the demo catalog's (api/demo.py), multiplied.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from domain.legal_instruments import legal_instrument_id
from domain.vocabulary import (
    BasicDataKind,
    DepartmentKind,
    ResourceCategory,
    ResourceFormat,
    ResourceSource,
    ShareMethod,
    ShareType,
    UpdateCycle,
)


@dataclass(frozen=True)
class Size:
    """The population, and the total the data-use records fill the ledger up to."""

    name: str
    events: int
    departments: int
    external: int
    resources: int
    requests: int
    verifications: int
    findings: int


SIZES = {
    # The population (40 departments, 3,000 resources, 20,000 requests) at both
    # sizes: what grows with the years is the use of shared data.
    "100k": Size("100k", 100_000, 40, 6, 3_000, 20_000, 2_000, 300),
    "1m": Size("1m", 1_000_000, 40, 6, 3_000, 20_000, 2_000, 300),
    # Smaller ones for --quick and the smoke test: the same shape, scaled down.
    "20k": Size("20k", 20_000, 40, 6, 600, 4_000, 400, 60),
    "tiny": Size("tiny", 2_500, 12, 2, 60, 300, 30, 8),
}

# Share types of the catalog, hence of the requests that pick resources at random
# (the issue: about 60% unconditional, 35% conditional, 5% not shared).
SHARE_MIX = (
    (ShareType.UNCONDITIONAL, 0.60),
    (ShareType.CONDITIONAL, 0.35),
    (ShareType.NOT_SHARED, 0.05),
)

# Most catalog entries are updated irregularly or yearly; few are kept monthly. Each
# cycle but "irregular" owes an aggregation per period (Art. 19), which the info center
# records, so this mix decides the receipts' share of the log.
CYCLE_MIX = (
    (UpdateCycle.IRREGULAR, 0.50),
    (UpdateCycle.YEARLY, 0.30),
    (UpdateCycle.HALF_YEARLY, 0.08),
    (UpdateCycle.QUARTERLY, 0.10),
    (UpdateCycle.MONTHLY, 0.02),
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏辉建国志刚立新洪涛"
    "晓梅文博振华德明永胜明远国栋丽华"
)

DIVISION_NAMES = [
    "办公室",
    "政策法规处",
    "资源开发处",
    "产业发展处",
    "公共服务处",
    "艺术处",
    "市场管理处",
    "科技教育处",
    "非物质文化遗产处",
    "文物保护与考古处",
    "文化市场综合执法监督局",
    "财务处",
    "人事处",
    "对外交流与合作处",
    "宣传推广处",
    "安全监管处",
    "规划建设处",
    "机关党委",
    "审计处",
    "离退休干部处",
    "红色旅游处",
    "乡村旅游处",
    "冰雪旅游处",
    "博物馆处",
]
UNIT_NAMES = [
    "信息中心",
    "艺术研究院",
    "图书馆",
    "文化馆",
    "博物院",
    "美术馆",
    "旅游发展研究中心",
    "文化艺术干部学校",
    "非物质文化遗产保护中心",
    "文物考古研究所",
    "演艺集团",
    "群众艺术馆",
    "少儿图书馆",
    "旅游质量监督管理所",
    "文化市场服务中心",
    "文物保护中心",
]
EXTERNAL_NAMES = [
    "吉林省公安厅",
    "吉林省市场监督管理厅",
    "吉林省统计局",
    "吉林省财政厅",
    "吉林省教育厅",
    "吉林省自然资源厅",
    "吉林省商务厅",
    "吉林省交通运输厅",
    "吉林省应急管理厅",
]

SUBJECTS = [
    "A级旅游景区",
    "旅行社",
    "导游人员",
    "营业性演出",
    "文物保护单位",
    "星级饭店",
    "旅游投诉",
    "行政处罚案件",
    "非物质文化遗产项目",
    "旅游统计",
    "重点项目",
    "艺术创作扶持项目",
    "公共文化设施",
    "网络安全监测",
    "娱乐场所",
    "互联网上网服务场所",
    "博物馆藏品",
    "古籍普查",
    "文化产业园区",
    "乡村旅游重点村",
    "冰雪旅游度假区",
    "演出经纪机构",
    "文艺表演团体",
    "美术馆展览",
    "图书馆借阅",
    "文化志愿者",
    "旅游民宿",
    "研学旅行基地",
    "红色旅游经典景区",
    "夜间文旅消费集聚区",
]
ASPECTS = [
    "名录",
    "基础信息",
    "许可信息",
    "年度统计",
    "监管记录",
    "评定结果",
    "经营信息",
    "备案信息",
]
ITEMS = [
    ("名称", "C"),
    ("统一社会信用代码", "C"),
    ("所在地区", "C"),
    ("详细地址", "C"),
    ("等级", "C"),
    ("评定日期", "D"),
    ("法定代表人", "C"),
    ("联系电话", "C"),
    ("经营范围", "M"),
    ("许可证编号", "C"),
    ("许可日期", "D"),
    ("有效期至", "D"),
    ("从业人数", "I"),
    ("接待人次", "I"),
    ("营业收入", "Y"),
    ("建筑面积", "F"),
    ("开放时间", "C"),
    ("处理结果", "M"),
    ("受理日期", "D"),
    ("检查时间", "T"),
    ("违法事实", "M"),
    ("处罚种类", "C"),
    ("保护级别", "C"),
    ("年代", "C"),
    ("类别", "C"),
]
PURPOSES = [
    "行业监管",
    "统计分析",
    "执法办案",
    "项目审批",
    "资金监管",
    "公共服务",
    "应急处置",
    "政策研究",
    "信用评价",
    "安全检查",
    "规划编制",
    "考核评估",
]
BASIC_KINDS = list(BasicDataKind)
FORMATS = [
    ResourceFormat.DATABASE,
    ResourceFormat.API,
    ResourceFormat.FILE,
    ResourceFormat.SPREADSHEET,
]
SOURCES = [ResourceSource.COLLECTED, ResourceSource.AUTHORISED, ResourceSource.SYSTEM_GENERATED]
METHODS = [ShareMethod.API, ShareMethod.FILE, ShareMethod.DATABASE]


@dataclass(frozen=True)
class Dept:
    code: str
    name: str
    kind: DepartmentKind
    head: str | None  # None: no responsible person designated (Art. 38, V11)
    staff: tuple[str, ...]

    @property
    def internal(self) -> bool:
        return self.kind is not DepartmentKind.EXTERNAL


def pick(rng: random.Random, mix: tuple[tuple[Any, float], ...]) -> Any:
    roll, total = rng.random(), 0.0
    for value, weight in mix:
        total += weight
        if roll < total:
            return value
    return mix[-1][0]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))


def departments(rng: random.Random, size: Size) -> list[Dept]:
    """The office (BGS) and information center (XXZX) first, then divisions, units, externals."""
    internal = size.departments - size.external
    divisions = max(2, internal * 2 // 3)
    depts = [
        Dept("BGS", "办公室", DepartmentKind.DIVISION, person(rng), (person(rng),)),
        Dept("XXZX", "信息中心", DepartmentKind.AFFILIATED_UNIT, person(rng), (person(rng),)),
    ]
    for n in range(1, internal - 1):
        kind = DepartmentKind.DIVISION if n < divisions else DepartmentKind.AFFILIATED_UNIT
        names = DIVISION_NAMES if kind is DepartmentKind.DIVISION else UNIT_NAMES
        name = names[n % len(names)] + ("" if n < len(names) else f"（{n // len(names) + 1}）")
        prefix = "CS" if kind is DepartmentKind.DIVISION else "ZS"
        # One in ten has designated no responsible person yet: supervision reports V11.
        head = None if rng.random() < 0.1 else person(rng)
        staff = tuple(person(rng) for _ in range(rng.randint(1, 3)))
        depts.append(Dept(f"{prefix}{n:02d}", name, kind, head, staff))
    for n in range(size.external):
        name = EXTERNAL_NAMES[n % len(EXTERNAL_NAMES)]
        depts.append(Dept(f"WB{n + 1:02d}", name, DepartmentKind.EXTERNAL, None, (person(rng),)))
    return depts


# The laws the office registers first (Art. 24(1)), which not-shared resources cite.
LAWS = (
    "中华人民共和国网络安全法",
    "中华人民共和国个人信息保护法",
    "中华人民共和国保守国家秘密法",
)


def resource_body(
    rng: random.Random, index: int, department: str, system_id: str | None
) -> dict[str, Any]:
    """One catalog entry with the Art. 10 fields and the guide's code, Art. 24 rules kept."""
    share_type: ShareType = pick(rng, SHARE_MIX)
    basic = share_type is ShareType.UNCONDITIONAL and rng.random() < 0.3
    category = (
        ResourceCategory.BASIC
        if basic
        else rng.choice(
            (ResourceCategory.THEME, ResourceCategory.DEPARTMENT, ResourceCategory.DEPARTMENT)
        )
    )
    digit = {"basic": "1", "theme": "2", "department": "3"}[category.value]
    subject = rng.choice(SUBJECTS)
    items = rng.sample(ITEMS, rng.randint(4, 8))
    body: dict[str, Any] = {
        "code": f"{digit}{rng.randint(1, 99):02d}{rng.randint(1, 999):03d}{index:04d}/{index:06d}",
        "name": f"{subject}{rng.choice(ASPECTS)}",
        "category": category.value,
        "department": department,
        "source": rng.choice(SOURCES).value,
        "format": rng.choice(FORMATS).value,
        "summary": f"全省{subject}的{'、'.join(name for name, _ in items[:4])}等信息",
        "data_items": [{"name": name, "type": kind} for name, kind in items],
        "share_type": share_type.value,
        "share_method": rng.choice(METHODS).value,
        "open_type": "unconditional_open" if share_type is ShareType.UNCONDITIONAL else "not_open",
        "update_cycle": pick(rng, CYCLE_MIX).value,
        "usage_requirements": rng.choice(("仅限履职使用", "不得向第三方提供", "引用须注明来源")),
        "system_id": system_id,
    }
    if basic:
        body["basic_data_kind"] = rng.choice(BASIC_KINDS).value
    if share_type is ShareType.CONDITIONAL:
        body["share_conditions"] = {
            "scope": "相关业务处室",
            "content": "、".join(name for name, _ in items),
            "uses": rng.sample(PURPOSES, 2),
        }
    if share_type is ShareType.NOT_SHARED:
        body["legal_basis"] = {
            "instrument_id": str(legal_instrument_id(rng.choice(LAWS))),
            "article": f"第{rng.randint(2, 40)}条",
        }
    return body
