"""Reports for a meeting: every report as CSV (UTF-8 with a BOM) and as .xlsx, over HTTP and
from the CLI, with 中文 headers; the supervision sheet with names, legend and totals; a
criticised finding's 通报 as .docx and PDF naming department, category, article, evidence
and dates (Art. 39). The xlsx is read back with openpyxl, the docx with python-docx."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from api.cli import app as cli
from api.exports import XLSX
from domain.ledger import Ledger
from tests.support.portal import (
    AUDITOR,
    LEADING_GROUP,
    OFFICE,
    SCGL_STAFF,
    ZYKF_STAFF,
    Portal,
    auth,
    created,
)

CATALOGED = "2025-09-01T09:00:00+08:00"


@pytest.fixture
def portal(client: TestClient, ledger: Ledger) -> Portal:
    return Portal(client, ledger).staffed(OFFICE, LEADING_GROUP, AUDITOR, ZYKF_STAFF, SCGL_STAFF)


@pytest.fixture
def story(portal: Portal) -> dict[str, str]:
    """A resource in the catalog, a request its provider never answers (Art. 26), and the
    leading group's finding about it, ordered rectified and then criticised (Art. 39)."""
    resource = portal.in_catalog(
        portal.tokens["孙悦"], portal.tokens["李静"], "ZYKF", occurred_at=CATALOGED
    )
    request = created(portal.request_share(portal.tokens["高远"], resource, occurred_at=CATALOGED))[
        "id"
    ]
    lead = portal.tokens["张立新"]
    finding = created(
        portal.post(
            lead,
            "/v1/findings",
            {
                "department": "ZYKF",
                "category": "V06",
                "evidence": [request],
                "description": "共享申请逾期未答复",
                "occurred_at": "2025-09-20T09:00:00+08:00",
            },
        )
    )["id"]
    order = {"due_date": "2025-09-30", "occurred_at": "2025-09-22T09:00:00+08:00"}
    created(portal.post(lead, f"/v1/findings/{finding}/rectification-order", order))
    criticism = {"note": "请引以为戒。", "occurred_at": "2025-10-09T10:00:00+08:00"}
    created(portal.post(lead, f"/v1/findings/{finding}/criticism", criticism))
    return {"resource": resource, "request": request, "finding": finding}


def _csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel on Windows needs for UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx(content: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]  # type: ignore[union-attr]


def test_the_catalog_as_csv_with_a_bom_and_chinese_headers(portal: Portal, story: Any) -> None:
    answer = portal.get(portal.tokens["高远"], "/v1/catalog", format="csv", at="2025-12-31")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "catalog-20251231.csv" in answer.headers["content-disposition"]
    rows = _csv(answer.content)
    assert rows[0][0].startswith("业务时点：2025-12-31T23:59:59.999999+08:00")
    header = rows[1]
    assert header[:4] == ["资源代码", "资源名称", "提供部门代码", "提供部门"]
    [entry] = rows[2:]
    assert entry[1:4] == ["A级旅游景区名录", "ZYKF", "资源开发处"]
    assert entry[header.index("共享属性")] == "有条件共享"


def test_the_deadlines_as_xlsx_by_accept(portal: Portal, story: Any) -> None:
    headers = {**auth(portal.tokens["李静"]), "Accept": XLSX}
    answer = portal.client.get("/v1/deadlines", params={"kind": "share_reply"}, headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == XLSX
    rows = _xlsx(answer.content)
    header = rows[1]
    assert header[:3] == ["义务类别", "部门代码", "部门"]
    [reply] = [r for r in rows[2:] if r[0] == "共享申请答复"]
    assert reply[1:3] == ["ZYKF", "资源开发处"]
    assert reply[header.index("到期日")] == "2025-09-15"  # 10 working days (Art. 26)
    assert reply[header.index("状态")] == "已逾期"


def test_the_supervision_sheet_has_names_legend_and_totals(portal: Portal, story: Any) -> None:
    answer = portal.get(portal.tokens["张立新"], "/v1/supervision/violations", format="xlsx")
    rows = _xlsx(answer.content)
    header = rows[1]
    assert header[:2] == ["部门代码", "部门"] and header[-1] == "合计"
    assert "V06 申请答复" in header
    by_code = {row[0]: row for row in rows[2:] if row[0]}
    v06 = header.index("V06 申请答复")
    assert by_code["ZYKF"][1] == "资源开发处"
    assert by_code["ZYKF"][v06] == "1/1"  # detected by the ledger / found by the group
    assert by_code["合计"][v06] == "1/1"
    legend = [row[0] for row in rows if row[0] and str(row[0]).startswith("每格为")]
    assert legend and "detected/found" in legend[0]
    assert any(str(row[0]).startswith("V06：未按要求受理、答复、复核共享需求申请") for row in rows)


def test_a_forensic_trail_as_csv(portal: Portal, story: Any, live_client: TestClient) -> None:
    path = f"/v1/forensics/resources/{story['resource']}/history"
    params = {"format": "csv", "min_position": portal.position()}
    answer = live_client.get(path, params=params, headers=auth(portal.tokens["审计员"]))
    assert answer.status_code == 200, answer.text
    rows = _csv(answer.content)
    header = rows[1]
    assert header[:6] == ["位置", "事件类型代码", "事件类型", "对象", "发生时间", "记录时间"]
    events = rows[2:]
    assert events and events[0][1:3] == ["ResourceCataloged", "编目数据资源"]
    assert events[0][4] == CATALOGED


def test_the_cli_writes_the_same_sheets(
    portal: Portal, story: Any, database_url: str, tmp_path: Any
) -> None:
    env = {"LEDGER_DATABASE_URL": database_url}
    out = tmp_path / "supervision.xlsx"
    args = ["replay", "--report", "supervision", "--at", "2025-12-31", "--format", "xlsx"]
    result = CliRunner().invoke(cli, [*args, "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    rows = _xlsx(out.read_bytes())
    assert rows[1][:2] == ["部门代码", "部门"]
    assert any(row[1] == "资源开发处" for row in rows[2:])
    catalog = CliRunner().invoke(cli, ["replay", "--report", "catalog", "--format", "csv"], env=env)
    assert catalog.exit_code == 0, catalog.output
    assert catalog.stdout_bytes.startswith(b"\xef\xbb\xbf")
    assert "资源代码" in catalog.stdout_bytes.decode("utf-8-sig")


def test_the_notice_of_a_criticised_finding_as_docx__art39(portal: Portal, story: Any) -> None:
    answer = portal.get(portal.tokens["张立新"], f"/v1/findings/{story['finding']}/notice")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(answer.content)).paragraphs)
    assert "关于资源开发处未按要求受理、答复、复核共享需求申请问题的通报" in text
    assert "资源开发处（ZYKF）" in text
    assert "第三十九条第（六）项" in text
    assert story["request"] in text  # the evidence on the record
    assert "共享申请逾期未答复" in text
    assert "2025年9月20日发现" in text
    assert "2025年9月22日通知整改，整改期限为2025年9月30日" in text
    assert "2025年10月9日" in text and "请引以为戒。" in text


def test_the_notice_as_a_pdf_with_a_cjk_font(portal: Portal, story: Any) -> None:
    path = f"/v1/findings/{story['finding']}/notice"
    answer = portal.get(portal.tokens["孙悦"], path, format="pdf")  # the department itself
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert b"STSong-Light" in answer.content


def test_a_notice_is_for_criticised_findings_and_their_readers(portal: Portal, story: Any) -> None:
    lead = portal.tokens["张立新"]
    other = created(
        portal.post(
            lead,
            "/v1/findings",
            {
                "department": "ZYKF",
                "category": "V11",
                "evidence": [story["resource"]],
                "description": "其他问题",
                "occurred_at": "2025-09-20T09:00:00+08:00",
            },
        )
    )["id"]
    early = portal.get(lead, f"/v1/findings/{other}/notice")
    assert early.status_code == 409
    assert early.json()["detail"].startswith(f"违规发现 {other} 尚未通报批评")
    hidden = portal.get(portal.tokens["高远"], f"/v1/findings/{story['finding']}/notice")
    assert hidden.status_code == 404  # another department's finding is not found


def test_the_cli_writes_a_forensic_trail_and_records_the_query(
    portal: Portal, story: Any, database_url: str, tmp_path: Any, ledger: Ledger
) -> None:
    env = {"LEDGER_DATABASE_URL": database_url, "LEDGER_PROJECTIONS": "inprocess"}
    out = tmp_path / "history.xlsx"
    args = ["trail", "history", "--resource-id", story["resource"], "--format", "xlsx"]
    result = CliRunner().invoke(cli, [*args, "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    rows = _xlsx(out.read_bytes())
    assert rows[1][:6] == ["位置", "事件类型代码", "事件类型", "对象", "发生时间", "记录时间"]
    assert rows[2][1:3] == ["ResourceCataloged", "编目数据资源"] and rows[2][4] == CATALOGED
    # Reads of audit data are audited, from the command line too.
    head = ledger.recorder.head().position  # type: ignore[attr-defined]
    last = ledger.recorder.select_notifications(head, 1)[0]  # type: ignore[attr-defined]
    assert last.topic.endswith("ForensicQueryMade")
