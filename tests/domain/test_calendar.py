"""Working-day deadlines (docs/DOMAIN.md "Deadlines"; Art. 12, 26, 29, 31; 民法典 第201条, 第203条).

The 2025 and 2026 expectations below follow the State Council General Office notices on the 2025
and 2026 holiday arrangements, as shipped by the installed ``chinesecalendar`` package.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import (
    SHANGHAI,
    Due,
    HolidaySchedule,
    InvalidScheduleError,
    WorkingDayCalendar,
    due_end_of,
    parse_schedule_file,
    schedule_from_mapping,
    seed_schedules,
    shanghai_date,
)

UTC = UTC
CAL = WorkingDayCalendar(seed_schedules())

# A plausible 2027 schedule written for these tests — NOT the State Council's (not yet published)
# arrangement.  It only has to be valid and to make 2027-01-01 a holiday.
FICTIONAL_2027 = """\
# fictional 2027 schedule (test fixture)
year 2027
source test fixture, fictional
holiday 2027-01-01..2027-01-03   # 元旦, Fri-Sun
holiday 2027-02-05..2027-02-12   # 春节
workday 2027-02-20               # Saturday 调休
holiday 2027-04-03..2027-04-05   # 清明
holiday 2027-05-01..2027-05-05   # 劳动节
workday 2027-05-08               # Saturday 调休
"""


def bj(text: str) -> datetime:
    """A Beijing-time instant, e.g. bj('2025-09-26 10:00')."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def d(text: str) -> date:
    return date.fromisoformat(text)


# ----------------------------------------------------------------------------------------------
# Table: the counting rule across the 2025 and 2026 holidays and 调休 days
# ----------------------------------------------------------------------------------------------

# (start, n working days, expected due date). Each comment numbers the working days counted.
# Rule: the start day does not count (民法典 第201条); Mon–Fri not holidays + 调休 weekend days
# count; the deadline ends 24:00 Beijing time on the Nth working day (民法典 第203条).
CASES = [
    pytest.param(
        bj("2025-09-26 10:00"),
        10,
        "2025-10-16",
        # Art. 26/29 example in docs/DOMAIN.md. Fri start not counted; 09-28 Sun 调休 (1), 29 (2),
        # 30 (3); 10-01..08 National Day + Mid-autumn off; 10-09 (4), 10 (5), 10-11 Sat 调休 (6),
        # 13 (7), 14 (8), 15 (9), 16 (10).
        id="2025-national-day-domain-example-10wd",
    ),
    pytest.param(
        bj("2025-01-24 10:00"),
        10,
        "2025-02-13",
        # Spring Festival 2025: 01-26 Sun 调休 (1), 27 (2); 01-28..02-04 off; 02-05 (3), 06 (4),
        # 07 (5), 02-08 Sat 调休 (6), 10 (7), 11 (8), 12 (9), 13 (10).
        id="2025-spring-festival-10wd",
    ),
    pytest.param(
        bj("2025-04-25 10:00"),
        10,
        "2025-05-13",
        # Labour Day 2025: 04-27 Sun 调休 (1), 28 (2), 29 (3), 30 (4); 05-01..05 off; 06 (5),
        # 07 (6), 08 (7), 09 (8), 12 (9), 13 (10).
        id="2025-labour-day-10wd",
    ),
    pytest.param(
        bj("2025-04-03 10:00"),
        7,
        "2025-04-15",
        # Art. 12 (catalog update, 7 wd) over Qingming 2025: 04-04 Fri off, 05-06 off;
        # 04-07 (1), 08 (2), 09 (3), 10 (4), 11 (5), 14 (6), 15 (7).
        id="2025-qingming-7wd-art12",
    ),
    pytest.param(
        bj("2025-05-30 10:00"),
        7,
        "2025-06-11",
        # Art. 12 over Dragon Boat 2025: 05-31..06-02 off; 06-03 (1), 04 (2), 05 (3), 06 (4),
        # 09 (5), 10 (6), 11 (7).
        id="2025-dragon-boat-7wd-art12",
    ),
    pytest.param(
        bj("2025-10-03 10:00"),
        10,
        "2025-10-21",
        # Received on a holiday (National Day): the start day does not count anyway; 10-09 (1),
        # 10 (2), 10-11 Sat 调休 (3), 13 (4), 14 (5), 15 (6), 16 (7), 17 (8), 20 (9), 21 (10).
        id="2025-start-on-a-holiday",
    ),
    pytest.param(
        bj("2025-10-11 10:00"),
        10,
        "2025-10-24",
        # Received on a Saturday 调休 working day: it is the start day, so it does not count;
        # 10-13..17 (1-5), 10-20..24 (6-10).
        id="2025-start-on-a-saturday-workday",
    ),
    pytest.param(
        bj("2025-09-30 10:00"),
        1,
        "2025-10-09",
        # One working day across the whole National Day break: 10-01..08 off; 10-09 (1).
        id="2025-one-working-day-across-national-day",
    ),
    pytest.param(
        bj("2025-03-03 10:00"),
        10,
        "2025-03-17",
        # No holiday in sight: two plain weeks. 03-04..07 (1-4), 10..14 (5-9), 17 (10).
        id="2025-plain-weeks",
    ),
    pytest.param(
        bj("2025-12-31 10:00"),
        7,
        "2026-01-12",
        # Art. 12 across New Year 2026 (both years published): 01-01..03 off; 01-04 Sun 调休 (1),
        # 05 (2), 06 (3), 07 (4), 08 (5), 09 (6), 12 (7).
        id="2025-2026-new-year-7wd-art12",
    ),
    pytest.param(
        bj("2026-02-13 10:00"),
        10,
        "2026-03-05",
        # Spring Festival 2026: 02-14 Sat 调休 (1); 02-15..23 off; 24 (2), 25 (3), 26 (4), 27 (5),
        # 02-28 Sat 调休 (6), 03-02 (7), 03 (8), 04 (9), 05 (10).
        id="2026-spring-festival-10wd",
    ),
    pytest.param(
        bj("2026-02-14 10:00"),
        10,
        "2026-03-06",
        # Received on Saturday 02-14, a 调休 working day: still the start day, not counted;
        # 02-15..23 off; 24 (1), 25 (2), 26 (3), 27 (4), 02-28 Sat 调休 (5), 03-02..06 (6-10).
        id="2026-start-on-a-saturday-workday",
    ),
    pytest.param(
        bj("2026-04-03 10:00"),
        10,
        "2026-04-20",
        # Art. 31 (verification, 10 wd) over Qingming 2026: 04-04..06 off; 04-07..10 (1-4),
        # 13..17 (5-9), 20 (10).
        id="2026-qingming-10wd-art31",
    ),
    pytest.param(
        bj("2026-04-30 10:00"),
        7,
        "2026-05-13",
        # Art. 12 over Labour Day 2026: 05-01..05 off; 06 (1), 07 (2), 08 (3), 05-09 Sat 调休 (4),
        # 11 (5), 12 (6), 13 (7).
        id="2026-labour-day-7wd-art12",
    ),
    pytest.param(
        bj("2026-06-18 10:00"),
        7,
        "2026-06-30",
        # Art. 12 over Dragon Boat 2026: 06-19..21 off; 22..26 (1-5), 29 (6), 30 (7).
        id="2026-dragon-boat-7wd-art12",
    ),
    pytest.param(
        bj("2026-09-18 10:00"),
        10,
        "2026-10-09",
        # 2026: Mid-autumn (09-25..27) and National Day (10-01..07) are separate breaks.
        # 09-20 Sun 调休 (1), 21..24 (2-5); 25..27 off; 28 (6), 29 (7), 30 (8); 10-01..07 off;
        # 10-08 (9), 10-09 (10) — the 10-10 Saturday 调休 is not reached.
        id="2026-mid-autumn-and-national-day-10wd",
    ),
    pytest.param(
        bj("2026-09-23 10:00"),
        10,
        "2026-10-14",
        # 09-24 (1); 25..27 off; 28 (2), 29 (3), 30 (4); 10-01..07 off; 08 (5), 09 (6),
        # 10-10 Sat 调休 (7), 12 (8), 13 (9), 14 (10).
        id="2026-national-day-10wd",
    ),
    pytest.param(
        datetime(2025, 9, 25, 17, 30, tzinfo=UTC),
        10,
        "2025-10-16",
        # 17:30Z on 09-25 is 01:30 on Fri 09-26 in Beijing: the clock starts on the 26th, which
        # gives the docs/DOMAIN.md example's due date (counting from the UTC date would give 10-15).
        id="utc-evening-is-next-day-in-beijing",
    ),
    pytest.param(
        datetime(2025, 9, 25, 15, 59, 59, tzinfo=UTC),
        10,
        "2025-10-15",
        # 23:59:59 Thu 09-25 in Beijing: start 09-25; 09-26 (1), 09-28 Sun 调休 (2), 29 (3),
        # 30 (4), 10-09 (5), 10 (6), 11 Sat 调休 (7), 13 (8), 14 (9), 15 (10).
        id="one-second-before-beijing-midnight",
    ),
    pytest.param(
        datetime(2025, 9, 28, 16, 30, tzinfo=UTC),
        10,
        "2025-10-20",
        # 16:30Z Sun 09-28 = 00:30 Mon 09-29 Beijing: 09-30 (1), 10-09 (2), 10 (3), 11 Sat (4),
        # 13..17 (5-9), 20 (10).  (From the UTC date 09-28 it would have been 10-17.)
        id="utc-sunday-evening-is-beijing-monday",
    ),
    pytest.param(
        datetime(2025, 9, 26, 9, 0, tzinfo=ZoneInfo("America/New_York")),
        10,
        "2025-10-16",
        # 09:00 EDT Fri = 21:00 Fri Beijing: same Beijing date as the docs/DOMAIN.md example.
        id="non-utc-foreign-zone",
    ),
]


@pytest.mark.parametrize(("start", "n", "expected"), CASES)
def test_due_date_counts_working_days_under_the_published_schedule(
    start: datetime, n: int, expected: str
) -> None:
    # Art. 12 (7 wd), Art. 26/29/31 (10 wd); 民法典 第201条 counting.
    due = CAL.add_working_days(start, n)
    assert due.due_date == d(expected)
    assert due.due_end == due_end_of(d(expected))
    assert due.provisional is False
    assert due.unpublished_years == frozenset()


def test_domain_example_deadline_ends_at_24_00_beijing_time__art26() -> None:
    # 民法典 第203条: the period ends at 24:00 of its last day — 16:00Z of that day.
    due = CAL.add_working_days(bj("2025-09-26 10:00"), 10)
    assert due == Due(
        due_date=d("2025-10-16"),
        due_end=datetime(2025, 10, 17, 0, 0, tzinfo=SHANGHAI),
        provisional=False,
        unpublished_years=frozenset(),
    )
    assert due.due_end == datetime(2025, 10, 16, 16, 0, tzinfo=UTC)


def test_start_day_does_not_count__art26() -> None:
    # 民法典 第201条: received Monday morning or Monday night, 1 working day is due Tuesday.
    assert CAL.add_working_days(bj("2025-03-03 00:00"), 1).due_date == d("2025-03-04")
    assert CAL.add_working_days(bj("2025-03-03 23:59"), 1).due_date == d("2025-03-04")


def test_start_date_is_taken_in_beijing_time() -> None:
    assert shanghai_date(datetime(2025, 9, 26, 16, 0, tzinfo=UTC)) == d("2025-09-27")
    assert shanghai_date(datetime(2025, 9, 26, 15, 59, tzinfo=UTC)) == d("2025-09-26")


def test_due_end_of_is_midnight_after_the_day_in_beijing() -> None:
    end = due_end_of(d("2025-12-31"))
    assert end == datetime(2026, 1, 1, 0, 0, tzinfo=SHANGHAI)
    assert end.utcoffset() == timedelta(hours=8)


def test_naive_start_is_refused_rather_than_guessing_its_zone() -> None:
    with pytest.raises(ValueError, match="aware"):
        CAL.add_working_days(datetime(2025, 9, 26, 10, 0), 10)


@pytest.mark.parametrize("n", [0, -1])
def test_count_must_be_at_least_one_working_day(n: int) -> None:
    with pytest.raises(ValueError):
        CAL.add_working_days(bj("2025-09-26 10:00"), n)


def test_count_must_be_an_int() -> None:
    with pytest.raises(TypeError):
        CAL.add_working_days(bj("2025-09-26 10:00"), True)


# ----------------------------------------------------------------------------------------------
# is_working_day
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2025-10-01", False),  # National Day, a Wednesday
        ("2025-10-06", False),  # Mid-autumn inside the National Day break
        ("2025-09-28", True),  # Sunday 调休 working day
        ("2025-10-11", True),  # Saturday 调休 working day
        ("2025-10-18", False),  # ordinary Saturday
        ("2025-10-15", True),  # ordinary Wednesday
        ("2026-02-28", True),  # Saturday 调休 after Spring Festival 2026
        ("2026-02-23", False),  # last day of Spring Festival 2026, a Monday
        ("2027-01-01", True),  # Friday in unpublished 2027: weekends-only answer
        ("2027-01-02", False),  # Saturday in unpublished 2027
    ],
)
def test_working_day_is_weekday_not_holiday_or_adjusted_weekend_day(
    day: str, working: bool
) -> None:
    # docs/DOMAIN.md: Mon–Fri not statutory holidays, plus the weekend days declared working days.
    assert CAL.is_working_day(d(day)) is working


def test_working_days_between_counts_the_half_open_interval() -> None:
    # (09-26, 10-16] holds exactly the 10 working days of the docs/DOMAIN.md example.
    assert CAL.working_days_between(d("2025-09-26"), d("2025-10-16")) == 10
    assert CAL.working_days_between(d("2025-09-30"), d("2025-10-08")) == 0


# ----------------------------------------------------------------------------------------------
# Unpublished years: provisional, never guessed
# ----------------------------------------------------------------------------------------------


def test_count_into_unpublished_year_is_provisional_weekends_only() -> None:
    # docs/DOMAIN.md: a count running into a year with no published schedule is not guessed.
    # Thu 2026-12-24: 12-25 (1), 28..31 (2-5); 2027 unpublished, weekends only: 01-01 Fri (6),
    # 01-04..07 (7-10).
    due = CAL.add_working_days(bj("2026-12-24 10:00"), 10)
    assert due.due_date == d("2027-01-07")
    assert due.provisional is True
    assert due.unpublished_years == frozenset({2027})


def test_publishing_the_year_gives_the_final_due_date() -> None:
    # Same count once 2027 is published: 01-01 is a holiday, so 01-04..08 are (6-10).
    published = CAL.with_schedule(parse_schedule_file(FICTIONAL_2027, 2027))
    due = published.add_working_days(bj("2026-12-24 10:00"), 10)
    assert due.due_date == d("2027-01-08")
    assert due.due_end == datetime(2027, 1, 9, 0, 0, tzinfo=SHANGHAI)
    assert due.provisional is False
    assert due.unpublished_years == frozenset()


def test_publishing_returns_a_new_calendar_and_leaves_the_old_one_alone() -> None:
    published = CAL.with_schedule(parse_schedule_file(FICTIONAL_2027, 2027))
    assert published.is_published(2027)
    assert not CAL.is_published(2027)
    assert CAL.add_working_days(bj("2026-12-24 10:00"), 10).provisional is True


def test_count_ending_on_31_december_of_last_published_year_is_final() -> None:
    # Only the days counted are "touched": Thu 12-17: 12-18 (1), 21..25 (2-6), 28..31 (7-10).
    due = CAL.add_working_days(bj("2026-12-17 10:00"), 10)
    assert due.due_date == d("2026-12-31")
    assert due.provisional is False


def test_start_day_year_need_not_be_published_because_it_does_not_count() -> None:
    # 民法典 第201条: counting starts on 2026-01-01, so 2025 being unknown does not matter.
    only_2026 = WorkingDayCalendar({2026: CAL.schedule(2026)})
    due = only_2026.add_working_days(bj("2025-12-31 10:00"), 7)
    assert due.due_date == d("2026-01-12")
    assert due.provisional is False


def test_every_unpublished_year_touched_is_listed() -> None:
    only_2025 = WorkingDayCalendar({2025: CAL.schedule(2025)})
    due = only_2025.add_working_days(bj("2025-12-20 10:00"), 300)
    assert due.provisional is True
    assert due.unpublished_years == frozenset({2026, 2027})


def test_empty_calendar_counts_everything_provisionally() -> None:
    due = WorkingDayCalendar({}).add_working_days(bj("2025-09-26 10:00"), 10)
    # Weekends only: 09-29..10-03 (1-5), 10-06..10 (6-10).
    assert due.due_date == d("2025-10-10")
    assert due.unpublished_years == frozenset({2025})


# ----------------------------------------------------------------------------------------------
# Seed data (chinesecalendar)
# ----------------------------------------------------------------------------------------------


def test_seed_covers_2004_to_2026() -> None:
    assert set(seed_schedules()) == set(range(2004, 2027))
    assert CAL.published_years == frozenset(range(2004, 2027))


def test_seed_2025_matches_the_state_council_2025_arrangement() -> None:
    s = seed_schedules()[2025]
    expected_off = {
        "2025-01-01",
        *(f"2025-01-{x}" for x in (28, 29, 30, 31)),
        *(f"2025-02-0{x}" for x in (1, 2, 3, 4)),
        "2025-04-04",
        "2025-04-05",
        "2025-04-06",
        *(f"2025-05-0{x}" for x in (1, 2, 3, 4, 5)),
        "2025-05-31",
        "2025-06-01",
        "2025-06-02",
        *(f"2025-10-0{x}" for x in range(1, 9)),
    }
    assert s.holidays == {d(x) for x in expected_off}
    assert s.adjusted_workdays == {
        d(x) for x in ("2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11")
    }
    assert s.source.startswith("chinesecalendar ")


def test_seed_2026_matches_the_state_council_2026_arrangement() -> None:
    s = seed_schedules()[2026]
    assert s.adjusted_workdays == {
        d(x)
        for x in (
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10",
        )
    }
    weekday_holidays = sorted(x.isoformat() for x in s.holidays if x.weekday() < 5)
    assert weekday_holidays == [
        "2026-01-01",
        "2026-01-02",  # 元旦
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
        "2026-02-23",
        "2026-04-06",  # 清明
        "2026-05-01",
        "2026-05-04",
        "2026-05-05",  # 劳动节
        "2026-06-19",  # 端午
        "2026-09-25",  # 中秋
        "2026-10-01",
        "2026-10-02",
        "2026-10-05",
        "2026-10-06",
        "2026-10-07",  # 国庆
    ]


def test_seed_keeps_december_dates_of_next_years_notice_in_their_own_year() -> None:
    # 2019's 元旦 notice made Sat 2018-12-29 a working day and 12-31 a holiday.
    seeded = seed_schedules()
    assert d("2018-12-29") in seeded[2018].adjusted_workdays
    assert d("2018-12-31") in seeded[2018].holidays


# ----------------------------------------------------------------------------------------------
# Schedule validation
# ----------------------------------------------------------------------------------------------


def test_schedule_date_outside_its_year_is_refused() -> None:
    with pytest.raises(InvalidScheduleError, match="2026-12-31") as info:
        HolidaySchedule(year=2027, holidays=frozenset({d("2027-01-01"), d("2026-12-31")}))
    assert info.value.date == d("2026-12-31")


def test_schedule_date_both_holiday_and_adjusted_workday_is_refused() -> None:
    with pytest.raises(InvalidScheduleError, match="2027-01-02") as info:
        HolidaySchedule(
            year=2027,
            holidays=frozenset({d("2027-01-01"), d("2027-01-02")}),
            adjusted_workdays=frozenset({d("2027-01-02")}),
        )
    assert info.value.date == d("2027-01-02")


def test_adjusted_workday_must_be_a_saturday_or_sunday() -> None:
    # 调休上班日 only turns weekend days into working days; a Monday there is a typo.
    with pytest.raises(InvalidScheduleError, match="2027-01-04 is a Monday"):
        HolidaySchedule(
            year=2027,
            holidays=frozenset({d("2027-01-01")}),
            adjusted_workdays=frozenset({d("2027-01-04")}),
        )


def test_invalid_schedule_error_is_a_value_error() -> None:
    assert issubclass(InvalidScheduleError, ValueError)


def test_datetime_in_a_schedule_is_refused_because_it_would_never_match_a_date() -> None:
    with pytest.raises(InvalidScheduleError, match="not a date"):
        HolidaySchedule(year=2027, holidays=frozenset({datetime(2027, 1, 1, tzinfo=UTC)}))


def test_schedule_is_frozen() -> None:
    s = HolidaySchedule(year=2027, holidays=frozenset({d("2027-01-01")}))
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.year = 2028  # type: ignore[misc]


def test_calendar_refuses_a_schedule_filed_under_another_year() -> None:
    with pytest.raises(InvalidScheduleError, match="2025"):
        WorkingDayCalendar({2026: CAL.schedule(2025)})


# ----------------------------------------------------------------------------------------------
# Schedule files
# ----------------------------------------------------------------------------------------------


def test_schedule_file_ranges_are_inclusive_and_comments_ignored() -> None:
    s = parse_schedule_file(FICTIONAL_2027, 2027)
    assert s.year == 2027
    assert s.source == "test fixture, fictional"
    assert {d("2027-02-05"), d("2027-02-12")} <= s.holidays
    assert len(s.holidays) == 3 + 8 + 3 + 5
    assert s.adjusted_workdays == {d("2027-02-20"), d("2027-05-08")}


def test_schedule_file_tolerates_tabs_and_crlf_line_ends() -> None:
    s = parse_schedule_file("holiday\t2027-01-01..2027-01-03\r\nworkday   2027-02-13 \r\n", 2027)
    assert len(s.holidays) == 3
    assert s.adjusted_workdays == {d("2027-02-13")}


def test_schedule_file_and_json_describe_the_same_schedule() -> None:
    from_file = parse_schedule_file(FICTIONAL_2027, 2027)
    payload = json.dumps(
        {
            "year": 2027,
            "holidays": sorted(x.isoformat() for x in from_file.holidays),
            "adjusted_workdays": ["2027-02-20", "2027-05-08"],
            "source": "test fixture, fictional",
        }
    )
    assert schedule_from_mapping(json.loads(payload), 2027) == from_file


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("holiday 2027-01-01\nfeiertag 2027-01-02", 2, "unknown directive"),
        ("holiday 2027-13-01", 1, "not a YYYY-MM-DD date"),
        ("holiday 2027-1-1", 1, "not a YYYY-MM-DD date"),
        ("holiday 2027-01-01\n\n# comment\nholiday 2026-12-31", 4, "outside the 2027"),
        ("holiday 2027-01-01\nworkday 2027-01-04", 2, "2027-01-04 is a Monday"),
        ("holiday 2027-01-01..2027-01-03\nworkday 2027-01-02", 2, "see line 1"),
        ("workday 2027-01-02\nholiday 2027-01-01..2027-01-03", 2, "both a holiday and a workday"),
        ("holiday 2027-02-12..2027-02-05", 1, "ends before it starts"),
        ("year 2028\nholiday 2027-01-01", 1, "expected 2027"),
        ("year 2027\nyear 2027\nholiday 2027-01-01", 2, "given twice"),
        ("holiday", 1, "needs an argument"),
        ("holiday 2027-01-01 2027-01-02", 1, "unexpected text"),
        ("holiday 2027-01-01..", 1, "not a YYYY-MM-DD date"),
    ],
)
def test_schedule_file_error_names_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(InvalidScheduleError, match=fragment) as info:
        parse_schedule_file(text, 2027)
    assert info.value.line == line
    assert str(info.value).startswith(f"line {line}: ")


def test_schedule_file_without_holidays_does_not_publish_the_year() -> None:
    with pytest.raises(InvalidScheduleError, match="no holiday"):
        parse_schedule_file("# nothing yet\n\nyear 2027\n", 2027)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"year": 2027, "holidays": ["2027-01-01"], "workdays": []}, "unknown keys: workdays"),
        ({"year": 2027}, "missing key 'holidays'"),
        ({"year": 2028, "holidays": ["2028-01-01"]}, "expected 2027"),
        ({"year": 2027, "holidays": ["01/01/2027"]}, "not a YYYY-MM-DD date"),
        ({"year": 2027, "holidays": "2027-01-01"}, "must be a list"),
        ({"year": 2027, "holidays": [20270101]}, "not a date"),
        (
            {"year": 2027, "holidays": ["2027-01-01"], "adjusted_workdays": ["2027-01-04"]},
            "Monday",
        ),
        ({"year": "2027", "holidays": ["2027-01-01"]}, "expected 2027"),
    ],
)
def test_schedule_mapping_errors_are_reported(data: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidScheduleError, match=fragment):
        schedule_from_mapping(data, 2027)


def test_schedule_mapping_year_must_be_an_int() -> None:
    with pytest.raises(InvalidScheduleError, match="int"):
        schedule_from_mapping({"year": "2027", "holidays": ["2027-01-01"]})


# ----------------------------------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------------------------------

ZONES = st.sampled_from(
    [UTC, SHANGHAI, ZoneInfo("America/New_York"), timezone(timedelta(hours=14))]
)
STARTS = st.datetimes(
    min_value=datetime(2003, 6, 1), max_value=datetime(2028, 6, 30), timezones=ZONES
)
COUNTS = st.integers(min_value=1, max_value=60)
CAL_2027 = CAL.with_schedule(parse_schedule_file(FICTIONAL_2027, 2027))


def _days(after: date, through: date) -> list[date]:
    return [after + timedelta(days=i) for i in range(1, (through - after).days + 1)]


@settings(max_examples=300)
@given(start=STARTS, n=COUNTS)
def test_due_date_is_the_nth_working_day_after_the_start_date(start: datetime, n: int) -> None:
    # 民法典 第201条 + Art. 12/26/29/31: exactly n working days lie in (start_date, due_date],
    # and the last of them is the due date.
    due = CAL.add_working_days(start, n)
    start_date = start.astimezone(SHANGHAI).date()
    counted = _days(start_date, due.due_date)
    assert due.due_date > start_date
    assert CAL.is_working_day(due.due_date)
    assert sum(CAL.is_working_day(x) for x in counted) == n
    assert due.due_end == datetime.combine(due.due_date + timedelta(days=1), time(0), SHANGHAI)
    # Provisional exactly when a counted day lies in an unpublished year.
    touched = {x.year for x in counted}
    assert due.unpublished_years == {y for y in touched if not CAL.is_published(y)}
    assert due.provisional == bool(due.unpublished_years)


@given(start=STARTS, n=COUNTS, m=COUNTS)
def test_counting_n_then_m_equals_counting_n_plus_m(start: datetime, n: int, m: int) -> None:
    first = CAL.add_working_days(start, n)
    then = CAL.add_working_days(datetime.combine(first.due_date, time(12), SHANGHAI), m)
    assert then.due_date == CAL.add_working_days(start, n + m).due_date


@given(start=STARTS, n=COUNTS)
def test_publishing_a_year_never_changes_a_final_due_date(start: datetime, n: int) -> None:
    # A non-provisional result is final: publishing another year cannot move it.
    due = CAL.add_working_days(start, n)
    if not due.provisional:
        assert CAL_2027.add_working_days(start, n) == due
