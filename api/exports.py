"""Reports for a meeting: the same rows as the JSON, as CSV (UTF-8 with a BOM, so Excel on
Windows reads the Chinese) or as an ``.xlsx`` workbook (openpyxl), with 中文 headers. One
implementation for HTTP (``?format=csv|xlsx`` or ``Accept``) and the ``ledger`` CLI."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from api.times import localise
from domain.findings import SHORT_LABELS, Category

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"


class ExportFormat(str, Enum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


@dataclass(frozen=True)
class Sheet:
    """A report as a table: a title, the columns (key → 中文 header), the rows, and lines
    said before the table (the instant) and after it (a legend)."""

    title: str
    columns: dict[str, str]
    rows: Sequence[dict[str, Any]]
    preamble: Sequence[str] = ()
    legend: Sequence[str] = field(default_factory=tuple)

    def cells(self, row: dict[str, Any]) -> list[Any]:
        return [_cell(row.get(key)) for key in self.columns]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(_cell(item)) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def as_csv(sheet: Sheet) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    for line in sheet.preamble:
        writer.writerow([line])
    writer.writerow(list(sheet.columns.values()))
    for row in sheet.rows:
        writer.writerow(sheet.cells(row))
    for line in sheet.legend:
        writer.writerow([line])
    return buffer.getvalue().encode("utf-8")


def as_xlsx(sheet: Sheet) -> bytes:
    book = Workbook()
    work = book.active
    assert work is not None  # a new workbook has one sheet
    work.title = sheet.title[:31]  # Excel's limit on a sheet's name
    for line in sheet.preamble:
        work.append([line])
    work.append(list(sheet.columns.values()))
    header_row = work.max_row
    for cell in work[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in sheet.rows:
        work.append(sheet.cells(row))
    for line in sheet.legend:
        work.append([line])
    work.freeze_panes = work.cell(row=header_row + 1, column=1)
    for index, header in enumerate(sheet.columns.values(), start=1):
        widest = max([len(str(header))] + [len(str(sheet.cells(r)[index - 1])) for r in sheet.rows])
        work.column_dimensions[get_column_letter(index)].width = min(60, 4 + 2 * widest)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(sheet: Sheet, fmt: ExportFormat, filename: str) -> Response:
    """The sheet as a download named ``filename`` (without extension)."""
    body, media = (as_xlsx(sheet), XLSX) if fmt is ExportFormat.xlsx else (as_csv(sheet), CSV)
    disposition = f'attachment; filename="{filename}.{fmt.value}"'
    media_type = media if fmt is ExportFormat.xlsx else f"{media}; charset=utf-8"
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})


async def export_format(  # reads only the request: on the event loop (api/auth.require)
    request: Request,
    format: Annotated[
        ExportFormat | None,
        Query(description="导出格式：json（默认）、csv（UTF-8 带 BOM）或 xlsx；也可用 Accept 头"),
    ] = None,
) -> ExportFormat:
    if format is not None:
        return format
    accept = request.headers.get("accept", "")
    if XLSX in accept:
        return ExportFormat.xlsx
    if CSV in accept:
        return ExportFormat.csv
    return ExportFormat.json


Export = Annotated[ExportFormat, Depends(export_format)]


def filename(report: str, body: dict[str, Any]) -> str:
    """E.g. ``supervision-20251231``: the report and the day of its instant, in Jilin."""
    at = str(localise({"at": body.get("at")})["at"] or "")
    return f"{report}-{at[:10].replace('-', '')}" if at else report


# -- the sheets of each report ----------------------------------------------------------------


def instant_lines(body: dict[str, Any]) -> list[str]:
    shown = localise({k: body.get(k) for k in ("at", "known_at")})
    return [
        f"业务时点：{shown['at']}　账本记录时点：{shown['known_at']}　位置：{body.get('position')}"
    ]


CATALOG_COLUMNS = {
    "code": "资源代码",
    "name": "资源名称",
    "department": "提供部门代码",
    "department_name": "提供部门",
    "category_label": "分类",
    "summary": "信息摘要",
    "format_label": "资源格式",
    "share_type_label": "共享属性",
    "share_method_label": "共享方式",
    "open_type_label": "开放属性",
    "update_cycle_label": "更新周期",
    "usage_requirements": "使用要求",
    "classified": "涉密",
    "publication_date": "发布日期",
    "approved_at": "审核通过时间",
}


def catalog_sheet(body: dict[str, Any]) -> Sheet:
    return Sheet("数据资源目录", CATALOG_COLUMNS, localise(body["items"]), instant_lines(body))


DEADLINE_STATUS = {"open": "未到期", "met": "已履行", "breached": "已逾期"}

DEADLINE_COLUMNS = {
    "kind_label": "义务类别",
    "department": "部门代码",
    "department_name": "部门",
    "subject_id": "所涉对象",
    "started_at": "起算时间",
    "due_date": "到期日",
    "working_days_left": "剩余工作日",
    "provisional": "暂定",
    "status_label": "状态",
    "discharged_at": "履行时间",
}


def deadlines_sheet(body: dict[str, Any]) -> Sheet:
    rows = [
        {**row, "status_label": DEADLINE_STATUS.get(row["status"], row["status"])}
        for row in localise(body["items"])
    ]
    legend = ["到期日以北京时间该日 24 时为止；暂定：计算涉及尚未公布节假日安排的年份"]
    return Sheet("期限", DEADLINE_COLUMNS, rows, instant_lines(body), legend)


def supervision_sheet(body: dict[str, Any]) -> Sheet:
    """Department × V01–V11, each cell "detected/found", with totals and the legend."""
    columns = {"department": "部门代码", "department_name": "部门"}
    columns |= {c.value: f"{c.value} {SHORT_LABELS[c]}" for c in Category}
    columns["total"] = "合计"
    rows = []
    for entry in body["departments"]:
        counts = entry["counts"]
        row: dict[str, Any] = {
            "department": entry["department"],
            "department_name": entry.get("department_name"),
        }
        for c in Category:
            row[c.value] = f"{counts[c.value]['detected']}/{counts[c.value]['found']}"
        row["total"] = "{}/{}".format(
            sum(counts[c.value]["detected"] for c in Category),
            sum(counts[c.value]["found"] for c in Category),
        )
        rows.append(row)
    totals: dict[str, Any] = {"department": "合计", "department_name": ""}
    for category in body["categories"]:
        totals[category["code"]] = f"{category['detected']}/{category['found']}"
    totals["total"] = "{}/{}".format(
        sum(c["detected"] for c in body["categories"]),
        sum(c["found"] for c in body["categories"]),
    )
    legend = [
        "每格为「账本发现数/认定数」（detected/found）：发现数由账本依据事件与期限自动得出；"
        "认定数为厅网信领导小组记录的违规发现（不含已撤销）",
        *(f"{c.value}：{c.label}（第三十九条第（{_ITEM[i]}）项）" for i, c in enumerate(Category)),
    ]
    return Sheet("违规情况", columns, [*rows, totals], instant_lines(body), legend)


_ITEM = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一")

TRAIL_COLUMNS = {
    "position": "位置",
    "event_type": "事件类型代码",
    "event_type_label": "事件类型",
    "object_id": "对象",
    "occurred_at": "发生时间",
    "recorded_at": "记录时间",
    "actor_person": "操作人",
    "actor_department": "操作部门",
    "actor_role": "角色",
    "details": "内容",
}

USE_COLUMNS = {
    "position": "位置",
    "use_id": "使用记录",
    "resource_id": "数据资源",
    "department": "使用部门代码",
    "department_name": "使用部门",
    "provider": "提供部门代码",
    "provider_name": "提供部门",
    "purpose": "具体用途",
    "user_person": "使用人员",
    "user_person_id": "使用人员编号",
    "approver": "批准人员",
    "approver_person_id": "批准人员编号",
    "data_content": "数据内容",
    "obtained_at": "获取时间",
    "method": "获取方式",
    "medium": "介质类型",
    "share_request_id": "所依据的共享申请",
    "arrangement_id": "所依据的时效性安排",
    "recipient": "第三方接收方",
    "marks": "标记",
    "recorded_at": "记录时间",
}


def trail_sheet(title: str, body: dict[str, Any]) -> Sheet:
    """A forensic trail: events (who did what, when), or Art. 36 records of use."""
    items = localise(body["items"])
    uses = bool(items) and "use_id" in items[0]
    columns = dict(USE_COLUMNS if uses else TRAIL_COLUMNS)
    if any("anomaly" in item for item in items):
        columns["anomaly"] = "异常类别"
    if any("working_days_late" in item for item in items):
        columns["working_days_late"] = "迟报工作日数"
    rows = [_flatten_actor(item) for item in items]
    return Sheet(title, columns, rows, instant_lines(body))


def _flatten_actor(item: dict[str, Any]) -> dict[str, Any]:
    actor = item.get("actor") or {}
    return {
        **item,
        "actor_person": actor.get("person"),
        "actor_department": actor.get("department"),
        "actor_role": actor.get("role"),
    }
