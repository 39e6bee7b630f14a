"""The audit page's downloads are the query it shows, recorded like it; the workbench inbox
names what awaits a reply as an official knows it, not by its id."""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import quote

import httpx
import orjson
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.console.conftest import Console, screenshot, sign_in
from tests.support.portal import resource_body

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def v1(console: Console, token: str, path: str, **params: str) -> Any:
    answer = httpx.get(
        f"{console.base_url}/v1{path}", params=params,
        headers={"Authorization": f"Bearer {token}"}, timeout=60,
    )
    assert answer.status_code == 200, answer.text
    return answer


def head_position(page: Page) -> int:
    page.goto("/ledger")
    return int(page.locator("#head-position").inner_text())


def forensic_queries(console: Console, token: str, after: int) -> list[dict[str, Any]]:
    """The forensic queries recorded after a position (the feed's own read left out)."""
    lines = v1(console, token, "/events", after=str(after)).content.splitlines()
    events = [orjson.loads(line) for line in lines if line]
    return [
        e["state"] for e in events
        if e["topic"].endswith("ForensicQueryMade") and e["state"]["query"] != "event_feed"
    ]


def table_of(rows: list[list[Any]]) -> tuple[list[str], list[list[Any]]]:
    """A trail sheet's header and rows: the instant is said above the header, 位置 first."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == "位置")
    header = [str(cell) for cell in rows[start]]
    return header, [row for row in rows[start + 1:] if any(c not in (None, "") for c in row)]


def downloaded(page: Page, label: str) -> tuple[str, list[list[Any]]]:
    with page.expect_download() as download:
        page.locator("p.exports").get_by_role("link", name=label).click()
    data = download.value.path().read_bytes()
    name = download.value.suggested_filename
    if name.endswith(".xlsx"):
        assert data.startswith(b"PK")
        sheet = load_workbook(io.BytesIO(data), read_only=True).active
        assert sheet is not None
        return name, [list(row) for row in sheet.iter_rows(values_only=True)]
    assert name.endswith(".csv")
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so that Excel reads the Chinese
    return name, list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def column(header: list[str], rows: list[list[Any]], title: str) -> list[str]:
    index = header.index(title)
    return [str(row[index]) for row in rows]


def check_downloads(
    page: Page,
    console: Console,
    token: str,
    before: int,
    query: str,
    shown: list[str],
    title: str,
) -> None:
    """Both downloads hold exactly the rows shown (by ``title``'s column), and the page's
    query and each download are recorded with the same parameters and count."""
    parameters = None
    for label, suffix in (("Excel（xlsx）", ".xlsx"), ("CSV", ".csv")):
        name, rows = downloaded(page, label)
        assert name.endswith(suffix) and name.startswith(query.replace("_", "-")), name
        header, items = table_of(rows)
        assert column(header, items, title) == shown, (query, label)
    recorded = [q for q in forensic_queries(console, token, before) if q["query"] == query]
    assert len(recorded) == 3, recorded  # the page's query, then the xlsx and the CSV
    for made in recorded:
        parameters = parameters or made["parameters"]
        assert made["parameters"] == parameters
        assert made["result_count"] == len(shown)


def test_each_audit_query_downloads_as_xlsx_and_csv_of_what_it_shows__art34(
    page: Page, console: Console
) -> None:
    # Art. 34: every fact names the person, department and role behind it; an investigator's
    # reading of that record is a fact too (reads of audit data are audited, the ledger's own
    # rule), so each download is recorded on the ledger with the query the page ran.
    token = console.token("auditor")
    catalog = v1(console, token, "/catalog").json()["items"]
    projects = next(e for e in catalog if e["name"] == "文化和旅游重点项目库")
    sign_in(page, token)

    # A resource's history, asked through the form (the page's instant: today's date).
    before = head_position(page)
    page.goto("/audit?query=history")
    page.get_by_label("数据资源（信息资源代码或名称）").fill(projects["id"])  # an id still finds it
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"subject="))
    positions = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert positions and all(p.isdigit() for p in positions), positions
    events = page.locator("table tbody tr td:nth-child(2)").all_inner_texts()
    assert "编目数据资源" in events
    links = page.locator("p.exports a")
    expect(links).to_have_count(2)
    for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        # The downloads name the resource by its code, as the form then shows it.
        assert f"subject={quote(projects['code'], safe='')}" in href, href
        assert "query=history" in href, href
        assert re.search(r"at=\d{4}-\d{2}-\d{2}T\d{2}%3A\d{2}%3A\d{2}", href), href
    check_downloads(page, console, token, before, "resource_history", positions, "位置")
    screenshot(page, "audit-history", console)

    # A person's trail, the person picked from the register, at the end of a day in 2025.
    before = head_position(page)
    page.goto("/audit?query=person&at=2025-12-31")
    sun = page.locator("#subject option", has_text="孙悦（资源开发处").first.get_attribute("value")
    assert sun is not None
    page.get_by_label("人员", exact=True).select_option(sun)
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"query=person.*subject="))
    positions = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert positions, "孙悦 acted in the demo"
    expect(page.locator("tbody tr").first).to_contain_text("孙悦（资源开发处）")
    check_downloads(page, console, token, before, "actor_trail", positions, "位置")

    # Anomalies: the demo's use outside the granted purpose (Art. 32), one row per use.
    before = head_position(page)
    page.goto("/audit?query=anomalies")
    page.get_by_label("异常类型").select_option(label="超出授权用途或范围使用")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"subject=use_outside_purpose"))
    purposes = page.locator("table tbody tr td:nth-child(2)").all_inner_texts()
    assert "招商宣传" in purposes, purposes
    check_downloads(page, console, token, before, "anomalies", purposes, "具体用途")


def test_an_auditor_picks_a_resource_by_its_code_or_name_for_its_history__art35_art36(
    page: Page, console: Console
) -> None:
    # Art. 35/36: a resource's history is the forensic record of who did what to it and
    # when. An auditor knows a resource by its name and its catalog code, not by an id: the
    # form offers the resources the auditor may see, drafts and retired ones too; what is
    # typed is found by code, else by a name one resource alone bears; anything else is
    # refused at the field, in Chinese.
    token = console.token("auditor")
    catalog = v1(console, token, "/catalog").json()["items"]
    projects = next(e for e in catalog if e["name"] == "文化和旅游重点项目库")
    scenic = next(e for e in catalog if e["name"] == "A级旅游景区名录")
    # Another department's draft of the same name as ZYKF's list of scenic areas.
    scgl = console.token("department", "SCGL")
    draft = httpx.post(
        f"{console.base_url}/v1/resources",
        json=resource_body("SCGL", name=scenic["name"], code="3/10300209901"),
        headers={"Authorization": f"Bearer {scgl}"}, timeout=60,
    )
    assert draft.status_code in (200, 201), draft.text
    sign_in(page, token)
    page.goto("/audit?query=history")
    field = page.get_by_label("数据资源（信息资源代码或名称）")
    picks = page.locator("datalist#resource-picks option")
    offered = picks.evaluate_all("options => options.map(o => [o.value, o.label])")
    assert [projects["code"], "文化和旅游重点项目库（产业发展处）"] in offered, offered
    assert ["3/10300209901", "A级旅游景区名录（市场管理处，待报送）"] in offered, offered
    assert not UUID_TEXT.search(str(offered)), offered

    # By its name: the resource's history, under its name, code and department.
    field.fill("文化和旅游重点项目库")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"subject="))
    chosen = page.locator("#chosen-resource")
    expect(chosen).to_contain_text("文化和旅游重点项目库")
    expect(chosen).to_contain_text(projects["code"])
    expect(chosen).to_contain_text("产业发展处")
    expect(field).to_have_value(projects["code"])
    events = page.locator("table tbody tr td:nth-child(2)").all_inner_texts()
    assert "编目数据资源" in events, events
    by_name = page.locator("table tbody tr td:first-child").all_inner_texts()
    screenshot(page, "audit-history-by-name", console)

    # By its code, as the list offers it: the same history.
    field.fill(projects["code"])
    page.get_by_role("button", name="查询").click()
    expect(chosen).to_contain_text("文化和旅游重点项目库")
    assert page.locator("table tbody tr td:first-child").all_inner_texts() == by_name

    # A name two resources bear: the auditor is asked to pick one by its code.
    field.fill(scenic["name"])
    page.get_by_role("button", name="查询").click()
    error = page.locator("#err-subject")
    expect(error).to_have_text(re.compile(r"有 2 个数据资源的名称为“A级旅游景区名录”.*代码"))
    expect(field).to_have_attribute("aria-describedby", "err-subject")
    expect(page.locator("table")).to_have_count(0)

    # A code no resource has: refused at the field, the form still there to try again.
    field.fill("9999999999/999999")
    page.get_by_role("button", name="查询").click()
    expect(error).to_have_text(re.compile(r"未找到信息资源代码或名称为“9999999999/999999”的数据资源"))
    expect(field).to_have_value("9999999999/999999")
    expect(page.locator("#chosen-resource")).to_have_count(0)
    screenshot(page, "audit-history-unknown", console)


def test_the_inbox_names_the_resource_and_the_department_asking__art26_art31(
    page: Page, console: Console
) -> None:
    # Art. 26: the provider answers a conditional request within 10 working days; Art. 31:
    # it answers a verification within 10 working days. The inbox says what each is about
    # as its officials know it: the resource by name with its code, the department asking
    # by name; never an id.
    cyfz = console.token("department", "CYFZ")
    scgl = console.token("department", "SCGL")
    catalog = v1(console, cyfz, "/catalog").json()["items"]
    resource = next(e for e in catalog if e["department"] == "CYFZ")
    answer = httpx.post(
        f"{console.base_url}/v1/verification-requests",
        json={"resource_id": resource["id"], "description": "部分信息项与备案材料不一致"},
        headers={"Authorization": f"Bearer {scgl}"}, timeout=60,
    )
    assert answer.status_code in (200, 201), answer.text
    sign_in(page, cyfz)
    page.goto("/workbench")
    inbox = page.locator("table#inbox")
    # The demo's request of 公共服务处 for CYFZ's project library, never answered.
    reply = inbox.locator("tbody tr", has_text="共享申请答复")
    expect(reply).to_contain_text("文化和旅游重点项目库 3030010001/000001")
    expect(reply.locator("td").nth(5)).to_have_text("公共服务处")
    check = inbox.locator("tbody tr", has_text="数据校核")
    expect(check).to_contain_text(f"{resource['name']} {resource['code']}")
    expect(check.locator("td").nth(5)).to_have_text("市场管理处")
    text = inbox.inner_text()
    assert not UUID_TEXT.search(text), text
    screenshot(page, "workbench-inbox", console)
