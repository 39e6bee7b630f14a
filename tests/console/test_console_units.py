"""The console's small pieces, without a browser: guards read from the API's routes, the
instant a URL names, 中文 article numbers, the trend chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from api.routes import deadlines, forensics, resources, supervision
from console.bridge import admits, enforce, guard_of
from console.chart import trend_svg
from console.instants import parse_at
from console.labels import article_label, rule_label
from domain.calendar import SHANGHAI, month_ends, next_month_start
from domain.errors import Forbidden, RuleViolation
from domain.findings import FindingStatus
from domain.principals import Principal
from domain.rules import RULES
from domain.rules.systems import SYSTEM_CONNECTION
from domain.vocabulary import Role


def principal(role: Role, department: str = "ZYKF") -> Principal:
    return Principal(
        id=uuid4(), version=1, created_at=datetime.now(UTC), name="某人",
        department=department, role=role, token_hash="0" * 64,
    )


def test_the_console_applies_the_role_a_route_declares__art39() -> None:
    # Only the leading group records findings (Art. 39): the console reads that from the route.
    assert admits(supervision.record_finding, principal(Role.LEADING_GROUP))
    assert not admits(supervision.record_finding, principal(Role.OFFICE))
    with pytest.raises(Forbidden):
        enforce(supervision.record_finding, principal(Role.DEPARTMENT))


def test_routes_open_to_anyone_signed_in_have_no_guard() -> None:
    assert guard_of(supervision.read_violations) is None
    assert guard_of(deadlines.read_deadlines) is None


def test_only_investigators_reach_forensics_and_only_departments_catalog() -> None:
    for role in Role:
        assert admits(forensics.resource_history, principal(role)) == (
            role in (Role.AUDITOR, Role.LEADING_GROUP)
        )
        assert admits(resources.catalog_resource, principal(role)) == (role is Role.DEPARTMENT)


def test_a_date_in_the_url_is_the_end_of_that_day_in_jilin() -> None:
    at = parse_at("2025-06-30")
    assert at == datetime(2025, 6, 30, 23, 59, 59, tzinfo=SHANGHAI)
    assert parse_at("2025-06-30T12:00") == datetime(2025, 6, 30, 12, 0, tzinfo=SHANGHAI)
    assert parse_at("") is None
    with pytest.raises(RuleViolation) as refused:
        parse_at("30/06/2025")
    assert refused.value.field == "at"


def test_the_trend_covers_twelve_month_ends_up_to_the_instant() -> None:
    ends = month_ends(datetime(2025, 3, 15, 10, 0, tzinfo=SHANGHAI))
    assert len(ends) == 12
    assert ends[0] == datetime(2024, 4, 30, 23, 59, 59, tzinfo=SHANGHAI)
    assert ends[-2] == datetime(2025, 2, 28, 23, 59, 59, tzinfo=SHANGHAI)
    assert ends[-1] == datetime(2025, 3, 15, 10, 0, tzinfo=SHANGHAI)


def test_articles_and_rules_read_in_chinese() -> None:
    assert article_label("24(1)") == "第二十四条第（一）项"
    assert article_label("39") == "第三十九条"
    assert article_label("10") == "第十条"
    assert rule_label("share_reply_overdue") == "共享申请答复逾期"
    assert rule_label("no_grant+after_expiry") == "数据使用：无有效共享授权、超过授权有效期"


def test_a_rule_reads_as_the_measures_declare_it() -> None:
    # Art. 19 and 39: the evidence page names each counted rule as domain/rules declares it,
    # with its articles, and each finding's standing as the domain's status.
    assert rule_label("not_connected") == f"{SYSTEM_CONNECTION.description_zh}（第十九条）"
    for rule in RULES:
        assert rule_label(rule.code).startswith(rule.description_zh), rule.code
    assert rule_label("rectification_reported") == FindingStatus.RECTIFICATION_REPORTED.label
    assert rule_label("overdue") == "逾期未整改"


def test_the_chart_says_every_month_in_words_for_screen_readers() -> None:
    svg = trend_svg([0, 2], [1, 0], ["2025-01", "2025-02"])
    assert 'role="img"' in svg
    assert "2025-01 检出0 认定1；2025-02 检出2 认定0" in svg


def test_a_month_ends_the_second_before_the_next_one_starts_in_jilin__art39() -> None:
    # Art. 39: a trend's month ends are Jilin's; the fold kept before the first event of the
    # next month is kept at exactly that month's end.
    ends = month_ends(datetime(2026, 1, 15, tzinfo=SHANGHAI), 2)
    assert next_month_start(ends[0]) == datetime(2026, 1, 1, tzinfo=SHANGHAI)
    assert ends[0] == next_month_start(ends[0]) - timedelta(seconds=1)
    # 2025-12-31T16:30Z is already January 1st in Jilin.
    assert next_month_start(datetime(2025, 12, 31, 16, 30, tzinfo=UTC)) == datetime(
        2026, 2, 1, tzinfo=SHANGHAI
    )
