"""The ids behind one cell of the supervision grid, a page at a time (Art. 39)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from api.auth import OVERSIGHT, Authenticated, ledger_of
from api.evidence import evidence_item, tree_size_at
from api.list_models import EvidencePage
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, page, resolve
from api.routes.common import AtInstant, report_fields
from api.runtime import recorder_of
from domain.errors import NotFound
from domain.findings import Category
from replays.reports import supervision_report

router = APIRouter(prefix="/v1", tags=["supervision"])


@router.get("/supervision/violations/{department}/{category}/evidence", response_model=EvidencePage)
def read_evidence(
    department: Annotated[str, Path(description="部门代码", examples=["ZYKF"])],
    category: Annotated[Category, Path(description="违规类别 V01–V11 (第三十九条)")],
    request: Request,
    principal: Authenticated,
    inst: AtInstant,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(description="上一页答复中的 next_cursor")] = None,
) -> dict[str, Any]:
    """What the cell (department, category) of GET /v1/supervision/violations counts at the
    instant: each detection and finding with a link to the object and to its event's
    inclusion proof. A department outside the oversight roles reads its own cells only."""
    if principal.role not in OVERSIGHT and principal.department != department:
        raise NotFound(f"no supervision cell for department {department}")
    inst, after = resolve(inst, cursor)
    ledger = ledger_of(request)
    recorder = recorder_of(ledger)
    report = supervision_report(
        recorder,
        ledger.mapper,
        inst,
        department=department,
        publications=ledger.publications(),
    )
    if department not in report.departments:
        raise NotFound(f"no supervision cell for department {department}")
    rows, next_cursor = page(report.evidence(department, category), _order, after, limit, inst)
    size = tree_size_at(recorder, report.position)
    return {
        **report_fields(inst, report.position),
        "department": department,
        "category": category.value,
        "category_label": category.label,
        "items": [
            evidence_item(row, department, category.value, recorder, inst, report.position, size)
            for row in rows
        ],
        "next_cursor": next_cursor,
    }


def _order(row: dict[str, Any]) -> str:
    return str(row["order"])
