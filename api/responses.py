"""What every GET answers, as pydantic models: objects at an instant, reports, trails."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import ReportFields, object_out, shown
from domain.aggregation import AggregationReceipt
from domain.arrangements import TimeSensitiveArrangement
from domain.data_uses import DataUse
from domain.resources import ResourceFields
from domain.share_requests import ShareRequest
from domain.source_conflicts import SourceConflict
from domain.systems import InformationSystem
from domain.usage_reports import UsageReport
from domain.verification import VerificationRequest

STATUS = (str, Field(description="状态", examples=["received"]))

AggregationOut = object_out("AggregationOut", AggregationReceipt, status=STATUS)
ArrangementOut = object_out("ArrangementOut", TimeSensitiveArrangement)
DataUseOut = object_out("DataUseOut", DataUse)
ShareRequestOut = object_out("ShareRequestOut", ShareRequest, drop=frozenset({"last_occurred_at"}))
SourceConflictOut = object_out("SourceConflictOut", SourceConflict)
SystemOut = object_out(
    "SystemOut",
    InformationSystem,
    connected=(bool, Field(description="是否已接入厅共享系统（第19条）", examples=[True])),
)
UsageReportOut = object_out("UsageReportOut", UsageReport)
VerificationRequestOut = object_out("VerificationRequestOut", VerificationRequest, status=STATUS)

_Fields = shown(ResourceFields)


class ResourceOut(ReportFields, _Fields):  # type: ignore[valid-type, misc]
    """A data resource at the instant: its current fields, and those the office approved."""

    id: str
    version: int
    status: str
    in_catalog: bool
    approved: _Fields | None = None  # type: ignore[valid-type]
    approved_at: datetime | None = None
    approved_by_submission: str | None = None
    retired_at: datetime | None = None
    retirement_reason: str | None = None
    created_at: datetime


class Page(ReportFields):
    next_cursor: str | None = Field(
        default=None, description="下一页的游标；null 表示没有更多", examples=[None]
    )


class CatalogEntry(_Fields):  # type: ignore[valid-type, misc]
    id: str
    department_name: str | None = None
    approved_at: datetime | None = None
    status: str


class CatalogOut(Page):
    items: list[CatalogEntry]


class DeadlineItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    obligation_id: str
    kind: str
    kind_label: str
    department: str
    department_name: str | None = None
    subject_id: str
    started_at: datetime
    due_date: date
    provisional: bool
    unpublished_years: list[int] = Field(default_factory=list)
    status: str
    discharged_at: datetime | None = None
    working_days_left: int | None = None
    period_start: date | None = None
    period_end: date | None = None


class PoliciesApplied(BaseModel):
    """Which policies a report applied (those in force at ``at`` as known at ``known_at``)."""

    policy_position: int | None = Field(
        default=None,
        description="报告所适用的最近一次政策发布的位置；各项政策均为默认值时为 null",
        examples=[512],
    )
    policies: dict[str, int | str] = Field(
        default_factory=dict,
        description="报告所适用的各项政策取值（政策名称 → 值）",
        examples=[{"first_catalog_grace": 20, "usage_report_period": "quarterly"}],
    )


class DeadlinesOut(PoliciesApplied, Page):
    items: list[DeadlineItem]


class CategoryCount(BaseModel):
    code: str
    label: str
    detected: int
    found: int


class SupervisionCell(BaseModel):
    model_config = ConfigDict(extra="allow")

    detected: int
    found: int
    rectification_ordered: int = 0
    rectified: int = 0
    overdue: int = 0
    criticised: int = 0
    withdrawn: int = 0


class DepartmentRow(BaseModel):
    model_config = ConfigDict(extra="allow")

    department: str
    department_name: str | None = None
    counts: dict[str, SupervisionCell]


class SupervisionOut(PoliciesApplied, ReportFields):
    categories: list[CategoryCount]
    departments: list[DepartmentRow]


class TrendMonth(PoliciesApplied, ReportFields):
    """One month end of a trend: the grid's category totals then."""

    categories: list[CategoryCount]


class SupervisionTrendOut(BaseModel):
    at: datetime = Field(description="趋势的最后时点（北京时间）")
    known_at: datetime = Field(description="“按现在所知”时各月末所依据的账本记录时点")
    known: str = Field(description="then：各月末按当时所知；now：按 known_at 所知")
    months: list[TrendMonth]


class EventActor(BaseModel):
    person: str
    department: str
    role: str


class TrailItem(BaseModel):
    """One row of a forensic trail: an event, or an Art. 36 record of use."""

    model_config = ConfigDict(extra="allow")

    position: int
    event_type: str | None = None
    event_type_label: str | None = None
    object_id: str | None = None
    object_version: int | None = None
    occurred_at: datetime | None = None
    recorded_at: datetime | None = None
    actor: EventActor | None = None
    command_id: str | None = None
    details: dict[str, Any] | None = None
    use_id: str | None = None
    resource_id: str | None = None
    share_request_id: str | None = None
    arrangement_id: str | None = None
    department: str | None = None
    department_name: str | None = None
    provider: str | None = None
    provider_name: str | None = None
    purpose: str | None = None
    user_person: str | None = None
    approver: str | None = None
    user_person_id: str | None = Field(default=None, description="使用人员编号 (registered person)")
    approver_person_id: str | None = Field(
        default=None, description="批准人员编号 (registered person)"
    )
    data_content: str | None = None
    obtained_at: datetime | None = None
    method: str | None = None
    medium: str | None = None
    recipient: str | None = None
    marks: list[str] | None = None
    anomaly: str | None = None
    working_days_late: int | None = None


class TrailOut(Page):
    items: list[TrailItem]
