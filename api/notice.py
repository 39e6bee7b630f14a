"""The 通报 (circulated criticism, Art. 39) of a finding, as a .docx (python-docx) and a PDF
(reportlab, with its built-in CJK font STSong-Light): the department, the category and the
article it breaks, the evidence on the record, and the dates of finding, order and criticism.
Both documents say the same words, from ``notice_text``."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from domain.calendar import shanghai_date
from domain.errors import Conflict
from domain.findings import (
    Category,
    CriticismCirculated,
    FindingRecorded,
    RectificationOrdered,
)

MEASURES = "《关于建立健全政务数据共享协调机制加快推进数据有序共享的实施意见》"
ISSUER = "吉林省文化和旅游厅网信领导小组"
ITEMS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一")
CJK_FONT = "STSong-Light"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


class NotCriticised(Conflict):
    title = "Only a criticised finding has a notice (Art. 39)"
    title_zh = "只有已通报批评的违规发现才有通报"


def article_of(category: Category) -> str:
    """Art. 39 lists the eleven categories in order: V06 is its item (六)."""
    return f"第三十九条第（{ITEMS[list(Category).index(category)]}）项"


@dataclass(frozen=True)
class NoticeFacts:
    finding_id: UUID
    department: str
    department_name: str
    category: Category
    description: str
    evidence: tuple[str, ...]
    found_on: date
    ordered_on: date | None
    due_date: date | None
    criticised_on: date
    note: str


def facts_of(
    finding_id: UUID, events: Sequence[object], department_name: str | None
) -> NoticeFacts:
    """What the notice says, from the finding's own events; refused before criticism."""
    recorded = next(e for e in events if isinstance(e, FindingRecorded))
    ordered = next((e for e in events if isinstance(e, RectificationOrdered)), None)
    criticism = next((e for e in events if isinstance(e, CriticismCirculated)), None)
    if criticism is None:
        raise NotCriticised(f"finding {finding_id} has not been criticised; it has no notice")
    return NoticeFacts(
        finding_id=finding_id,
        department=recorded.department,
        department_name=department_name or recorded.department,
        category=recorded.category,
        description=recorded.description,
        evidence=recorded.evidence,
        found_on=_day(recorded.occurred_at),
        ordered_on=_day(ordered.occurred_at) if ordered else None,
        due_date=ordered.due_date if ordered else None,
        criticised_on=_day(criticism.occurred_at),
        note=criticism.note,
    )


def _day(at: datetime) -> date:
    return shanghai_date(at)


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def notice_text(facts: NoticeFacts) -> tuple[str, list[str]]:
    """The title and the paragraphs, in the order they are read."""
    title = f"关于{facts.department_name}{facts.category.label}问题的通报"
    order = (
        f"{chinese_date(facts.ordered_on)}通知整改，整改期限为{chinese_date(facts.due_date)}，"
        "逾期未完成整改。"
        if facts.ordered_on and facts.due_date
        else ""
    )
    paragraphs = [
        "厅属各处室、直属各单位：",
        f"经查，{facts.department_name}（{facts.department}）存在“{facts.category.label}”"
        f"的问题（违规类别 {facts.category.value}），违反{MEASURES}{article_of(facts.category)}"
        "的规定。",
        f"问题情况：{facts.description}",
        "证据（账本记录）：" + "；".join(facts.evidence),
        f"{chinese_date(facts.found_on)}发现该问题；{order}",
        f"根据{MEASURES}第三十九条，现予以通报批评。{facts.note}",
        f"违规发现编号：{facts.finding_id}",
    ]
    return title, paragraphs


def notice_docx(facts: NoticeFacts) -> bytes:
    title, paragraphs = notice_text(facts)
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(14)
    # Word picks the font of Chinese text from the East Asian slot, not from ``font.name``.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(20)
    for text in paragraphs:
        document.add_paragraph(text)
    signature = document.add_paragraph(f"{ISSUER}\n{chinese_date(facts.criticised_on)}")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def notice_pdf(facts: NoticeFacts) -> bytes:
    title, paragraphs = notice_text(facts)
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    body = ParagraphStyle("body", fontName=CJK_FONT, fontSize=14, leading=24, wordWrap="CJK")
    heading = ParagraphStyle("title", parent=body, fontSize=20, leading=30, alignment=TA_CENTER)
    right = ParagraphStyle("signature", parent=body, alignment=2)
    story = [Paragraph(title, heading), Spacer(1, 12)]
    story += [Paragraph(_escape(text), body) for text in paragraphs]
    story += [Spacer(1, 24), Paragraph(ISSUER, right)]
    story += [Paragraph(chinese_date(facts.criticised_on), right)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title, author=ISSUER).build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
