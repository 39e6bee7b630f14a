"""The 通报 of a criticised finding (Art. 39), as a document to circulate: .docx or PDF."""

from __future__ import annotations

from enum import Enum
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.auth import Authenticated, ledger_of, may_see
from api.names import DepartmentNames
from api.notice import DOCX, PDF, facts_of, notice_docx, notice_pdf
from domain.errors import NotFound
from domain.findings import Finding

router = APIRouter(prefix="/v1", tags=["supervision"])


class NoticeFormat(str, Enum):
    docx = "docx"
    pdf = "pdf"


@router.get(
    "/findings/{finding_id}/notice",
    response_class=Response,
    responses={200: {"description": "通报文件", "content": {DOCX: {}, PDF: {}}}},
)
def read_notice(
    finding_id: UUID,
    request: Request,
    principal: Authenticated,
    format: Annotated[
        NoticeFormat | None, Query(description="文件格式：docx（默认）或 pdf；也可用 Accept 头")
    ] = None,
) -> Response:
    """The notice circulating the criticism of a finding: the department and the category,
    the article broken, the evidence and the dates. Overseers and the department concerned."""
    ledger = ledger_of(request)
    finding = ledger.find(finding_id)
    if not isinstance(finding, Finding) or not may_see(principal, finding.department):
        raise NotFound(f"no finding with id {finding_id}")
    names = DepartmentNames(ledger)
    facts = facts_of(finding_id, list(ledger.events.get(finding_id)), names(finding.department))
    chosen = format or (NoticeFormat.pdf if PDF in request.headers.get("accept", "") else None)
    if chosen is NoticeFormat.pdf:
        body, media = notice_pdf(facts), PDF
    else:
        chosen, body, media = NoticeFormat.docx, notice_docx(facts), DOCX
    name = f"notice-{finding.department}-{facts.criticised_on:%Y%m%d}.{chosen.value}"
    return Response(
        body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
