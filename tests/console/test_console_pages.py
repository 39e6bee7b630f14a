"""The console in a browser: who sees what, the time bar, evidence, the resource form, CSRF."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.console.conftest import Console, official_context, screenshot, sign_in

EVERY_PAGE = {"监督总览", "期限", "发现与整改", "部门工作台", "审计", "账本"}
# What the API admits each role to, page by page (DOMAIN.md roles; api/routes guards):
# the workbench is the catalog_resource route's (departments), the audit page the forensic
# routes' (auditor, leading group).
MENUS = {
    "department": EVERY_PAGE - {"审计"},
    "office": EVERY_PAGE - {"部门工作台", "审计"},
    "info_center": EVERY_PAGE - {"部门工作台", "审计"},
    "leading_group": EVERY_PAGE - {"部门工作台"},
    "auditor": EVERY_PAGE - {"部门工作台"},
}


def menu_of(page: Page) -> set[str]:
    return set(page.get_by_role("navigation", name="主菜单").get_by_role("link").all_inner_texts())


def grid_rows(page: Page) -> list[str]:
    return page.locator("table.grid tbody th[scope=row] small").all_inner_texts()


def found_in(page: Page, department: str, category: str) -> int:
    text = page.locator(f'td[data-cell="{department}-{category}"]').inner_text().strip()
    return int(text.split("/")[1])


def head_position(page: Page) -> int:
    page.goto("/ledger")
    return int(page.locator("#head-position").inner_text())


def test_each_role_sees_exactly_the_pages_the_api_admits_it_to(
    page: Page, console: Console
) -> None:
    for role, expected in MENUS.items():
        page.context.clear_cookies()
        sign_in(page, console.token(role))
        assert menu_of(page) == expected, role
        if role == "department":
            # A department sees its own row of the grid only, as over the API.
            assert len(grid_rows(page)) == 1
        else:
            assert len(grid_rows(page)) > 1
        for path, label in (("/workbench", "部门工作台"), ("/audit", "审计")):
            response = page.goto(path)
            assert response is not None
            assert response.status == (200 if label in expected else 403), (role, path)
            if label not in expected:
                expect(page.get_by_role("heading", level=1)).to_contain_text("无权查看或操作")


def test_the_session_cookie_is_httponly_and_samesite_strict_and_sign_out_ends_it(
    page: Page, console: Console
) -> None:
    sign_in(page, console.token("office"))
    cookie = next(c for c in page.context.cookies() if c["name"] == "ledger_session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login")
    page.goto("/supervision")
    assert page.url.endswith("/login")


def test_a_wrong_token_is_refused_in_chinese(page: Page, console: Console) -> None:
    page.goto("/login")
    page.get_by_label("访问令牌").fill("lgr_not-a-token")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("令牌无效")
    screenshot(page, "login", console)


def test_moving_the_time_bar_shows_a_backdated_finding_from_the_day_it_says(
    page: Page, console: Console
) -> None:
    # Art. 39: the leading group records a finding; one recorded today about 15 June counts
    # from 15 June as known now, and not at all as the ledger knew it then.
    sign_in(page, console.token("leading_group"))
    page.goto("/supervision?at=2026-06-15&known=now")
    before = found_in(page, "ZYKF", "V11")
    page.goto("/findings")
    page.get_by_label("部门", exact=True).select_option("ZYKF")
    page.get_by_label("类别").select_option("V11")
    page.get_by_label("其他证据（事件位置或对象标识，每行一个）").fill("1")
    page.get_by_label("情况说明").fill("未按要求指定数据专员，经核查属实")
    page.get_by_label("发生日期（可补录，默认今日）").fill("2026-06-15")
    page.get_by_role("button", name="记录", exact=True).click()
    page.wait_for_url("**/findings?done=1")
    screenshot(page, "findings", console)

    page.goto("/supervision")
    date = page.get_by_label("业务时点")
    date.fill("2026-06-14")
    page.wait_for_url(re.compile(r"at=2026-06-14"))
    assert found_in(page, "ZYKF", "V11") == before
    page.get_by_label("业务时点").fill("2026-06-15")
    page.wait_for_url(re.compile(r"at=2026-06-15"))
    assert found_in(page, "ZYKF", "V11") == before + 1
    # The slider moves the same instant a day at a time, from the keyboard.
    page.get_by_label("在账本时间范围内拖动").press("ArrowLeft")
    page.wait_for_url(re.compile(r"at=2026-06-14"))
    assert found_in(page, "ZYKF", "V11") == before
    # As the ledger knew it on 15 June, the finding (recorded today) was not there: this
    # ledger recorded its first event later, so its grid at that instant is empty.
    page.get_by_label("按当时所知").check()
    page.wait_for_url(re.compile(r"known=then"))
    expect(page.locator('td[data-cell="ZYKF-V11"]')).to_have_count(0)


def test_a_chosen_date_reads_in_chinese_whatever_the_browsers_locale__art39(
    browser: Browser, page: Page, console: Console
) -> None:
    # Art. 39: a finding may be backdated; the leading group must see which day it chose,
    # in Chinese, even where the browser draws the date input as mm/dd/yyyy.
    assert page.evaluate("navigator.language") == "zh-CN"
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "Asia/Shanghai"
    english = browser.new_context(base_url=console.base_url, locale="en-US", timezone_id="UTC")
    try:
        for tab in (page, english.new_page()):
            sign_in(tab, console.token("leading_group"))
            tab.goto("/findings")
            tab.get_by_label("发生日期（可补录，默认今日）").fill("2026-06-05")
            expect(tab.locator('.date-zh[data-date-for="f-when"]')).to_have_text("2026年6月5日")
            tab.goto("/supervision?at=2025-06-30")
            expect(tab.locator('.date-zh[data-date-for="at-date"]')).to_have_text("2025年6月30日")
            expect(tab.locator("#at-shown")).to_contain_text("2025年6月30日 23:59")
            tab.goto("/audit?at=2025-06-30")
            expect(tab.locator('.date-zh[data-date-for="at-date"]')).to_have_text("2025年6月30日")
    finally:
        english.close()


def api_post(console: Console, token: str, path: str, body: dict[str, object]) -> str:
    answer = httpx.post(
        f"{console.base_url}/v1{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert answer.status_code in (200, 201), answer.text
    return str(answer.json().get("subject_id") or answer.json().get("id"))


def test_the_leading_group_reviews_a_rectification_report_on_the_findings_page__art39(
    page: Page, console: Console
) -> None:
    # Art. 39: a finding's rectification is reported by the department and accepted or
    # rejected (with a reason) by the leading group; the category reads by its name.
    group = console.token("leading_group")
    finding = api_post(console, group, "/findings", {
        "department": "ZYKF", "category": "V10", "evidence": ["1"],
        "description": "开发应用情况报告内容不完整",
    })
    api_post(console, group, f"/findings/{finding}/rectification-order", {
        "due_date": "2099-12-31",
    })
    staff = console.token("department", "ZYKF")
    report = {"evidence": ["吉文旅资〔2026〕3号"], "description": "已补报开发应用情况"}
    api_post(console, staff, f"/findings/{finding}/rectification", report)
    sign_in(page, group)
    page.goto("/findings")
    row = page.locator(f"#f-{finding}")
    expect(row.locator("td.category")).to_contain_text("V10 开发应用")
    expect(row.locator("td.category")).to_contain_text("未按要求开展数据资源开发应用")
    expect(row).to_contain_text("已报告整改，待审核")
    # Rejected without a reason: refused at the reason, in Chinese, and nothing changes.
    row.get_by_label("整改不通过").check()
    row.get_by_role("button", name="审核整改").click()
    row = page.locator(f"#f-{finding}")
    expect(row.locator(".field-error")).to_contain_text("理由")
    expect(row).to_contain_text("已报告整改，待审核")
    expect(row.get_by_label("整改不通过")).to_be_checked()
    screenshot(page, "findings-review", console)
    row.get_by_label("审核意见（不通过须说明理由）").fill("未附补报的报告正文")
    row.get_by_role("button", name="审核整改").click()
    page.wait_for_url(f"**/findings?done=1#f-{finding}")
    row = page.locator(f"#f-{finding}")
    expect(row).to_contain_text("退回 1 次，最近理由：未附补报的报告正文")
    expect(row.get_by_role("button", name="审核整改")).to_have_count(0)
    # Reported again, and accepted: rectified.
    api_post(console, staff, f"/findings/{finding}/rectification", report)
    page.reload()
    row = page.locator(f"#f-{finding}")
    row.get_by_label("整改通过").check()
    row.get_by_role("button", name="审核整改").click()
    page.wait_for_url(f"**/findings?done=1#f-{finding}")
    expect(page.locator(f"#f-{finding}")).to_contain_text("已整改")


def test_a_criticism_offers_its_notice_as_word_and_pdf__art39(
    page: Page, console: Console
) -> None:
    # Art. 39: the demo's criticism of CYFZ is circulated as a 通报, downloadable.
    sign_in(page, console.token("leading_group"))
    page.goto("/findings")
    row = page.locator("tr", has_text="对公共服务处的有条件共享申请逾期未予答复")
    expect(row.locator("td.category")).to_contain_text("V06 申请答复")
    for link, suffix, magic in (("下载 Word", "docx", b"PK"), ("下载 PDF", "pdf", b"%PDF")):
        with page.expect_download() as download:
            row.get_by_role("link", name=link).click()
        path = download.value.path()
        assert download.value.suggested_filename.endswith(f".{suffix}")
        assert path.read_bytes().startswith(magic)


def test_a_cells_evidence_is_verified_against_the_latest_signed_checkpoint(
    page: Page, console: Console
) -> None:
    sign_in(page, console.token("office"))
    page.goto("/ledger")
    page.get_by_role("button", name="签署检查点").click()
    page.wait_for_url("**/ledger")
    expect(page.locator("table")).to_contain_text("下载")
    # V08: the whole chain recomputed on demand, and found intact.
    page.get_by_role("link", name="完整核验账本").click()
    expect(page.get_by_role("status")).to_contain_text("核验通过 ✓")
    screenshot(page, "ledger", console)
    page.goto("/supervision")
    # The trend arrives after the grid: one small chart per category (V01-V11). It is twelve
    # reports, so it may take a while on a busy machine.
    expect(page.locator("#trend figure svg.trend")).to_have_count(11, timeout=90_000)
    screenshot(page, "supervision", console)
    page.locator("table.grid tbody td a").first.click()
    page.wait_for_url("**/supervision/evidence**")
    expect(page.get_by_text("已核验 ✓").first).to_be_visible()
    expect(page.locator(".checkpoint")).to_contain_text("签名有效")
    screenshot(page, "evidence", console)


def test_evidence_names_every_fact_and_role_in_chinese__art39(
    page: Page, console: Console
) -> None:
    # Art. 39: the demo's finding on CYFZ's unanswered request went through a rectification
    # report and its rejection; the leading group reads each step by its 中文 name.
    sign_in(page, console.token("leading_group"))
    page.goto("/supervision/evidence?department=CYFZ&category=V06&at=2025-12-31")
    events = page.locator("section.card tbody tr td:nth-child(2)")
    expect(events.filter(has_text="报告整改")).not_to_have_count(0)
    expect(events.filter(has_text="审核整改")).not_to_have_count(0)
    actors = page.locator("section.card tbody tr td:nth-child(3)")
    for text in [*events.all_inner_texts(), *actors.all_inner_texts()]:
        assert not re.search(r"[A-Za-z]{3,}", text), text


def test_a_not_shared_resource_needs_a_legal_basis_shown_at_the_field__art24_1(
    page: Page, console: Console
) -> None:
    sign_in(page, console.token("department", "ZYKF"))
    page.goto("/workbench")
    code = "3/10300200099"
    page.get_by_label("信息资源代码").fill(code)
    page.get_by_label("名称", exact=True).fill("文物安全检查记录")
    page.get_by_label("分类").select_option("department")
    page.get_by_label("来源").select_option("collected")
    page.get_by_label("信息摘要").fill("全省文物安全检查的时间、对象与结论")
    page.get_by_label("格式").select_option("database")
    page.get_by_label("信息项 1 名称").fill("检查对象")
    page.get_by_label("共享方式").select_option("api")
    page.get_by_label("开放属性").select_option("not_open")
    page.get_by_label("更新周期").select_option("monthly")
    page.get_by_label("使用要求").fill("仅限履职使用")
    page.get_by_label("共享属性").select_option("not_shared")
    expect(page.get_by_text("第二十四条第（一）项：列为不予共享的")).to_have_class(re.compile("active"))
    # Art. 24(1): no basis at all is refused at the basis, in Chinese, naming the article.
    page.get_by_role("button", name="编目").click()
    error = page.locator("#err-legal_basis")
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile(r"[\u4e00-\u9fff].*第(二十四|24)条"))
    # The basis is an instrument of the office's register, offered by its title ...
    instrument = page.get_by_label("所依据的法律法规（厅办公室登记册）")
    options = instrument.locator("option").all_inner_texts()
    assert any("中华人民共和国网络安全法（法律" in text for text in options), options
    instrument.select_option(label=next(t for t in options if "网络安全法" in t))
    page.get_by_role("button", name="编目").click()
    # ... and its article, without which it is refused at the article's field.
    error = page.locator("#err-legal_basis-article")
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile(r"条款.*第(二十四|24)条"))
    screenshot(page, "workbench-error", console)
    page.get_by_label("依据条款").fill("第二十一条")
    page.get_by_role("button", name="编目").click()
    page.wait_for_url("**/workbench?done=resource**")
    row = page.locator(f'tr[data-code="{code}"]')
    expect(row).to_contain_text("待报送")
    screenshot(page, "workbench", console)
    # Art. 11: the department submits it to the office for review.
    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="报送所选资源（第十一条）").click()
    expect(page.get_by_role("status")).to_contain_text("目录已报送厅办公室审核")


def test_a_refused_form_says_why_in_chinese_only_beside_each_field__art10(
    page: Page, console: Console
) -> None:
    # Art. 10: a catalog entry states its name, category, summary and data items; the form
    # says what is missing at each field, in the one language its officials read.
    sign_in(page, console.token("department", "ZYKF"))
    page.goto("/workbench")
    page.get_by_label("信息资源代码").fill("3/10300200098")
    page.get_by_role("button", name="编目").click()
    beside_name = page.locator(".row", has=page.locator("#r-name")).locator(".field-error")
    expect(beside_name).to_have_text("缺少必填字段")
    errors = page.locator("#new-resource .field-error").all_inner_texts()
    assert len(errors) >= 5
    for text in errors:
        assert re.search(r"[\u4e00-\u9fff]", text), text
        assert not re.search(r"[A-Za-z]{2,}", text), text


def granted_and_persons(
    console: Console, token: str
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """What 市场管理处's use may rely on and name (Art. 36), as the API lists them: its
    granted requests, and its persons' ids by name."""
    headers = {"Authorization": f"Bearer {token}"}
    v1 = f"{console.base_url}/v1"
    granted = httpx.get(
        f"{v1}/share-requests",
        params={"department": "SCGL", "role": "requester", "status": "granted"},
        headers=headers, timeout=60,
    ).json()["items"]
    persons = httpx.get(
        f"{v1}/persons", params={"department": "SCGL"}, headers=headers, timeout=60
    ).json()["items"]
    return granted, {p["name"]: p["id"] for p in persons}


def test_a_use_relies_on_a_granted_request_and_names_persons_of_the_register__art36(
    page: Page, console: Console
) -> None:
    # Art. 36: a use records the request it relies on, and who used and who approved it,
    # chosen from the department's own persons, so the record names them by id.
    token = console.token("department", "SCGL")
    headers = {"Authorization": f"Bearer {token}"}
    v1 = f"{console.base_url}/v1"
    granted, persons = granted_and_persons(console, token)
    assert granted and {"高远", "林国栋"} <= persons.keys()
    sign_in(page, token)
    page.goto("/workbench#uses")
    # The outbox names each requested resource as the catalog does, its code beside it.
    outbox = page.locator('table[aria-labelledby="outbox-h"]')
    expect(outbox).to_contain_text("旅游投诉举报处理记录 3080010001/000001")
    uses = page.locator("#uses")
    offered = uses.get_by_label("所依据的共享申请").locator("option").evaluate_all(
        "options => options.map(o => o.value).filter(v => v)"
    )
    assert sorted(offered) == sorted(r["id"] for r in granted)
    request = granted[0]
    uses.get_by_label("所依据的共享申请").select_option(request["id"])
    uses.get_by_label("使用人员").select_option(label="高远（科员）")
    uses.get_by_label("批准人员").select_option(label="林国栋（处长）")
    uses.get_by_label("具体用途").fill(request["purpose"])
    uses.get_by_label("数据内容").fill("受理编号、处理结果")
    uses.get_by_label("获取时间").fill("2025-08-01T09:30")
    expect(uses.locator('.date-zh[data-date-for="u-when"]')).to_have_text("2025年8月1日 09:30")
    uses.get_by_label("获取方式").select_option("api")
    uses.get_by_label("介质类型").select_option("network")
    screenshot(page, "workbench-use", console)
    uses.get_by_role("button", name="记录使用").click()
    expect(page.get_by_role("status")).to_contain_text("数据使用已记录")
    recorded = httpx.get(
        f"{v1}/data-uses", params={"department": "SCGL"}, headers=headers, timeout=60
    ).json()["items"]
    use = next(u for u in recorded if u["obtained_at"].startswith("2025-08-01T09:30"))
    assert use["share_request_id"] == request["id"]
    assert use["resource_id"] == request["resource_id"]
    assert use["user_person_id"] == persons["高远"]
    assert use["approver_person_id"] == persons["林国栋"]


def test_a_use_names_its_resource_by_catalog_code_and_an_unknown_one_is_refused__art36(
    page: Page, console: Console
) -> None:
    # Art. 36: the record names the resource used. Officials know it by its catalog code
    # (a large catalog is offered as codes to type, not as a list): the form takes the code
    # and records the resource's id; a code the catalog lacks is refused at the field.
    token = console.token("department", "SCGL")
    headers = {"Authorization": f"Bearer {token}"}
    v1 = f"{console.base_url}/v1"
    granted, persons = granted_and_persons(console, token)
    request = granted[0]
    sign_in(page, token)
    page.goto("/workbench#uses")
    csrf = page.locator('#uses input[name="csrf_token"]').get_attribute("value") or ""
    form = {
        "csrf_token": csrf,
        "share_request_id": request["id"],
        "purpose": request["purpose"],
        "user_person_id": persons["高远"],
        "approver_person_id": persons["林国栋"],
        "data_content": "受理编号",
        "obtained_at": "2025-08-04T10:15",
        "method": "api",
        "medium": "network",
    }
    origin = {"Origin": console.base_url}
    before = head_position(page)
    unknown = page.request.post(
        "/workbench/data-uses", form={**form, "resource_id": "0000000000/999999"}, headers=origin
    )
    assert unknown.status == 422
    assert "未找到信息资源代码或名称为“0000000000/999999”的数据资源" in unknown.text()
    assert head_position(page) == before
    recorded = page.request.post(
        "/workbench/data-uses",
        form={**form, "resource_id": request["resource_code"]},
        headers=origin,
    )
    assert recorded.ok
    uses = httpx.get(
        f"{v1}/data-uses", params={"department": "SCGL"}, headers=headers, timeout=60
    ).json()["items"]
    use = next(u for u in uses if u["obtained_at"].startswith("2025-08-04T10:15"))
    assert use["resource_id"] == request["resource_id"]


def test_a_post_without_the_csrf_token_is_refused_and_records_nothing(
    page: Page, console: Console
) -> None:
    sign_in(page, console.token("department", "ZYKF"))
    before = head_position(page)
    response = page.request.post(
        "/workbench/data-uses",
        form={"purpose": "x", "user_person": "x", "approver": "x", "data_content": "x"},
    )
    assert response.status == 403
    assert "CSRF" in response.text()
    # A valid token sent from another site's page is refused too.
    page.goto("/workbench")
    token = page.locator('#uses input[name="csrf_token"]').get_attribute("value")
    cross = page.request.post(
        "/workbench/data-uses",
        form={"csrf_token": token or "", "purpose": "x"},
        headers={"Origin": "http://elsewhere.example"},
    )
    assert cross.status == 403
    signed_out = httpx.post(f"{console.base_url}/login", data={"token": console.token("office")})
    assert signed_out.status_code == 403
    assert head_position(page) == before


def test_deadlines_and_audit_pages_answer_as_the_api(page: Page, console: Console) -> None:
    sign_in(page, console.token("auditor"))
    page.goto("/deadlines?view=breached")
    expect(page.get_by_role("heading", level=1)).to_have_text("期限")
    expect(page.locator("tbody tr").first).to_contain_text("逾期")
    screenshot(page, "deadlines", console)
    # Art. 36: the person is picked from the register, by id, not typed as a name.
    page.goto("/audit?query=person")
    sun = page.locator("#subject option", has_text="孙悦（资源开发处").first.get_attribute("value")
    page.get_by_label("人员", exact=True).select_option(sun)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("tbody tr").first).to_contain_text("孙悦（资源开发处）")
    expect(page.get_by_label("人员", exact=True)).to_have_value(sun or "")
    screenshot(page, "audit", console)
    # A name still finds the records made before persons had ids.
    page.get_by_label("或按姓名（人员尚无编号时的旧记录）").fill("孙悦")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("tbody tr").first).to_contain_text("孙悦")


def test_deadlines_filter_by_department_name_and_count_in_working_days__art26(
    page: Page, console: Console
) -> None:
    # Art. 26: a share request is answered within 10 working days; the register says how
    # many working days are left or overdue, as it computes them, for a department chosen
    # by its name.
    sign_in(page, console.token("office"))
    page.goto("/deadlines?view=breached&at=2025-12-31")
    page.get_by_label("部门", exact=True).select_option(label="产业发展处")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"department=CYFZ"))
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("产业发展处")
    for row in rows.all():
        cells = row.locator("td").all_inner_texts()
        assert cells[0] == "产业发展处"
        assert re.fullmatch(r"逾期 \d+ 个工作日", cells[4]), cells[4]
    page.goto("/deadlines?view=open")
    for text in page.locator("tbody tr td:nth-child(5)").all_inner_texts():
        assert re.fullmatch(r"剩 \d+ 个工作日|—", text), text


def test_the_deadline_and_supervision_reports_download_as_the_apis_spreadsheets__art39(
    page: Page, console: Console
) -> None:
    # Art. 39: supervision reports circulate as spreadsheets; each page offers the API's own
    # xlsx and CSV of what it shows, at its instant and with its filters.
    sign_in(page, console.token("office"))
    for path, heading in (
        ("/deadlines?view=breached&department=CYFZ&at=2025-12-31", "产业发展处"),
        ("/supervision?at=2025-12-31", "产业发展处"),
    ):
        page.goto(path)
        exports = page.locator("p.exports")
        with page.expect_download() as xlsx:
            exports.get_by_role("link", name="Excel（xlsx）").click()
        assert xlsx.value.suggested_filename.endswith(".xlsx")
        assert xlsx.value.path().read_bytes().startswith(b"PK")
        with page.expect_download() as csv:
            exports.get_by_role("link", name="CSV").click()
        text = csv.value.path().read_bytes().decode("utf-8-sig")
        assert heading in text, path
        if path.startswith("/deadlines"):
            # The filter holds: only the department chosen.
            assert "资源开发处" not in text


def test_pages_work_from_the_keyboard_on_a_phone_and_in_print(
    browser: Browser, console: Console
) -> None:
    context = official_context(browser, console, {"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, console.token("leading_group"))
        # The first Tab reaches the skip link, which jumps over the menu to the content.
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="跳到正文")).to_be_focused()
        # On a phone the page itself never scrolls sideways; the wide grid scrolls in its box.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        screenshot(page, "supervision-phone", console, full_page=False)
        # Printed, the grid stays and the controls go.
        page.emulate_media(media="print")
        expect(page.locator("table.grid")).to_be_visible()
        expect(page.get_by_role("navigation", name="主菜单")).to_be_hidden()
        expect(page.get_by_role("form", name="时间轴")).to_be_hidden()
    finally:
        context.close()
