"""Working days (工作日) under the State Council's yearly holiday schedules.

Why this module exists
----------------------
Several articles of the measures set deadlines in *working days* (each period is declared
once in ``domain/rules``; docs/RULES.md lists them). Chinese law counts a period the way
民法典 第201条 does: the day on which the period starts is not counted; and 行政许可法 第82条
counts working days excluding statutory holidays. Which days are holidays, and which weekend
days are turned into working days (调休上班日), is not a rule but a decision the State
Council General Office publishes each year (usually in November/December for the following
year). So:

* a working day is Monday–Friday that is not a listed holiday, or a weekend day the schedule
  declares a working day;
* counting starts the day *after* the clock starts (in Asia/Shanghai: an event stamped
  2025-09-25T17:30Z happened on 2025-09-26 in Beijing);
* the deadline ends at 24:00 Asia/Shanghai of the Nth working day (i.e. 00:00 of the next day);
* a count that touches a year whose schedule has not been published is **never guessed**: that year
  is counted with weekends only and the result is marked ``provisional``.  Because the count is a
  pure function of the calendar, recomputing it with a calendar in which the year is published
  gives the final due date.

This module is pure: no I/O, no clock reads.  Time is always passed in.

Schedule text format (``parse_schedule_file``)
----------------------------------------------
One directive per line; ``#`` starts a comment (whole line or trailing); blank lines are ignored;
keywords are lower-case; dates are ISO ``YYYY-MM-DD``; ``A..B`` is an inclusive range::

    # 2027 schedule (fictional example)
    year 2027                         # optional; if present it must equal the expected year
    source 国务院办公厅关于2027年部分节假日安排的通知   # optional free text, kept for provenance
    holiday 2027-01-01..2027-01-03    # 元旦
    holiday 2027-02-05..2027-02-11    # 春节
    workday 2027-02-13                # 调休上班日 (must be a Saturday or Sunday)

* ``holiday D`` / ``holiday A..B`` — days off (weekend days inside a holiday period may be listed;
  they are harmless).
* ``workday D`` / ``workday A..B`` — 调休上班日; every date must be a Saturday or Sunday.
* ``year Y`` — at most once; ``source TEXT`` — at most once.

Every date must fall in the schedule's year; a date may not be both a holiday and a workday; the
file must contain at least one ``holiday`` line (a real schedule always has 元旦, and an empty file
would otherwise silently "publish" a year with no holidays).  Any error raises
:class:`InvalidScheduleError` naming the line number.

The same data as JSON (``schedule_from_mapping(json.loads(text))``)::

    {"year": 2027, "holidays": ["2027-01-01", ...], "adjusted_workdays": ["2027-02-13"],
     "source": "..."}

``adjusted_workdays`` and ``source`` are optional; unknown keys are refused (a typo such as
``"workdays"`` must not silently publish a schedule without its 调休 days).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "SHANGHAI",
    "Due",
    "HolidaySchedule",
    "InvalidScheduleError",
    "WorkingDayCalendar",
    "due_end_of",
    "month_ends",
    "parse_schedule_file",
    "schedule_from_mapping",
    "seed_schedules",
    "shanghai_date",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
"""Deadlines are counted and end in Beijing time, whatever zone an event was stamped in."""

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


class InvalidScheduleError(ValueError):
    """A holiday schedule (or a schedule file) that cannot be right.

    ``date`` is the offending date and ``line`` the 1-based line of a schedule file, when known.
    """

    def __init__(self, message: str, *, date: date | None = None, line: int | None = None) -> None:
        if line is not None:
            message = f"line {line}: {message}"
        super().__init__(message)
        self.date = date
        self.line = line


# --------------------------------------------------------------------------------------------
# Schedules
# --------------------------------------------------------------------------------------------


def _is_weekend(d: date) -> bool:
    return d.weekday() >= _SATURDAY


def _as_date_set(values: Iterable[date], what: str) -> frozenset[date]:
    """Coerce to a frozenset of plain dates.

    ``datetime`` is a subclass of ``date`` but never equals one, so a datetime in the set would
    silently never match: refuse it.
    """
    result = frozenset(values)
    for d in result:
        if isinstance(d, datetime) or not isinstance(d, date):
            raise InvalidScheduleError(f"{what}: {d!r} is not a date", date=None)
    return result


@dataclass(frozen=True)
class HolidaySchedule:
    """One year's published holiday arrangement (国务院办公厅 部分节假日安排).

    ``holidays`` are days off; ``adjusted_workdays`` are the weekend days declared working days
    (调休上班日).  ``source`` records where the schedule came from (the notice, a package version),
    because a deadline computed from it may have to be justified later.
    """

    year: int
    holidays: frozenset[date]
    adjusted_workdays: frozenset[date] = field(default_factory=frozenset)
    source: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise InvalidScheduleError(f"year must be an int, got {self.year!r}")
        object.__setattr__(self, "holidays", _as_date_set(self.holidays, "holidays"))
        object.__setattr__(
            self, "adjusted_workdays", _as_date_set(self.adjusted_workdays, "adjusted_workdays")
        )
        self._check_in_year()
        self._check_no_overlap()
        self._check_workdays_are_weekend_days()

    def _check_in_year(self) -> None:
        for d in sorted(self.holidays | self.adjusted_workdays):
            if d.year != self.year:
                raise InvalidScheduleError(
                    f"{d.isoformat()} is outside the {self.year} schedule", date=d
                )

    def _check_no_overlap(self) -> None:
        both = self.holidays & self.adjusted_workdays
        if both:
            d = min(both)
            raise InvalidScheduleError(
                f"{d.isoformat()} is both a holiday and an adjusted workday", date=d
            )

    def _check_workdays_are_weekend_days(self) -> None:
        # A 调休上班日 exists only to turn a weekend day into a working day; a weekday listed
        # there is a data error (most likely a mistyped date).
        for d in sorted(self.adjusted_workdays):
            if not _is_weekend(d):
                raise InvalidScheduleError(
                    f"adjusted workday {d.isoformat()} is a {d.strftime('%A')}, "
                    "not a Saturday or Sunday",
                    date=d,
                )


# --------------------------------------------------------------------------------------------
# Time helpers
# --------------------------------------------------------------------------------------------


def shanghai_date(at: datetime) -> date:
    """The calendar date of an instant in Beijing time — the date on which a clock "starts".

    Naive datetimes are refused: guessing their zone could move the start across midnight and
    shift a deadline by a day.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"aware datetime required, got naive {at!r}")
    return at.astimezone(SHANGHAI).date()


@lru_cache(maxsize=1 << 14)  # every period's clock and deadline ends on one of few days
def due_end_of(d: date) -> datetime:
    """24:00 Asia/Shanghai of ``d`` (= 00:00 of the next day): the last instant a deadline is met.

    民法典 第203条: a period ending on a day ends at 24:00 of that day.
    """
    return datetime.combine(d + _ONE_DAY, time(0), tzinfo=SHANGHAI)


# --------------------------------------------------------------------------------------------
# The calendar
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """The result of counting working days.

    ``provisional`` is True when the count touched a year without a published schedule (counted
    with weekends only); ``unpublished_years`` lists those years.  Recompute once they are
    published.
    """

    due_date: date
    due_end: datetime
    provisional: bool
    unpublished_years: frozenset[int]


class WorkingDayCalendar:
    """Working days over the years whose schedules are known.

    Immutable: publishing a new year gives a new calendar (:meth:`with_schedule`), so a due date
    computed earlier can always be reproduced from the calendar it was computed with.
    """

    __slots__ = ("_counted", "_holidays", "_schedules", "_workdays")

    def __init__(self, schedules: Mapping[int, HolidaySchedule]) -> None:
        for year, schedule in schedules.items():
            if schedule.year != year:
                raise InvalidScheduleError(
                    f"schedule for {schedule.year} registered under year {year}"
                )
        self._schedules: dict[int, HolidaySchedule] = dict(sorted(schedules.items()))
        # Flattened sets: one O(1) lookup per day while counting.
        self._holidays: frozenset[date] = frozenset().union(
            *(s.holidays for s in self._schedules.values())
        )
        self._workdays: frozenset[date] = frozenset().union(
            *(s.adjusted_workdays for s in self._schedules.values())
        )
        # Counts already made, by (start date, n): registers count from the same days often.
        self._counted: dict[tuple[date, int], Due] = {}

    def __repr__(self) -> str:
        years = sorted(self._schedules)
        span = f"{years[0]}..{years[-1]}" if years else "none"
        return f"WorkingDayCalendar(published={span}, years={len(years)})"

    @property
    def published_years(self) -> frozenset[int]:
        return frozenset(self._schedules)

    def schedule(self, year: int) -> HolidaySchedule | None:
        return self._schedules.get(year)

    def is_published(self, year: int) -> bool:
        return year in self._schedules

    def with_schedule(self, schedule: HolidaySchedule) -> WorkingDayCalendar:
        """A new calendar with ``schedule`` published (replacing any earlier one for its year)."""
        return WorkingDayCalendar({**self._schedules, schedule.year: schedule})

    def is_working_day(self, d: date) -> bool:
        """Mon–Fri not a holiday, or a weekend day declared a 调休 working day.

        For a year without a published schedule this is the weekends-only answer; callers that
        must not guess use :meth:`add_working_days`, which reports such counts as provisional.
        """
        if d in self._workdays:
            return True
        if d in self._holidays:
            return False
        return not _is_weekend(d)

    def add_working_days(self, start: datetime, n: int) -> Due:
        """The due date ``n`` working days after the clock starts at ``start``.

        民法典 第201条: the start day does not count, so counting begins the next day (in Beijing
        time).  The deadline ends at 24:00 Asia/Shanghai of the Nth working day.  O(n) days.
        """
        _require_positive_count(n)
        first = shanghai_date(start)
        counted = self._counted.get((first, n))
        if counted is None:
            counted = self._counted[first, n] = self._count(first, n)
        return counted

    def _count(self, first: date, n: int) -> Due:
        day = first
        unpublished: set[int] = set()
        checked_year: int | None = None
        remaining = n
        while remaining:
            day += _ONE_DAY
            if day.year != checked_year:
                checked_year = day.year
                if checked_year not in self._schedules:
                    unpublished.add(checked_year)
            if self.is_working_day(day):
                remaining -= 1
        return Due(
            due_date=day,
            due_end=due_end_of(day),
            provisional=bool(unpublished),
            unpublished_years=frozenset(unpublished),
        )

    def working_days_between(self, after: date, through: date) -> int:
        """How many working days lie in (after, through] — the inverse view of the count."""
        return sum(1 for d in _days(after + _ONE_DAY, through) if self.is_working_day(d))


def _require_positive_count(n: int) -> None:
    # Every working-day period in the measures is at least one day; 0 or a bool is a caller bug.
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, got {n!r}")
    if n < 1:
        raise ValueError(f"n must be at least 1 working day, got {n}")


def _days(first: date, last: date) -> Iterator[date]:
    d = first
    while d <= last:
        yield d
        d += _ONE_DAY


# --------------------------------------------------------------------------------------------
# Seed data
# --------------------------------------------------------------------------------------------


def seed_schedules() -> dict[int, HolidaySchedule]:
    """Schedules for the years the installed ``chinesecalendar`` package ships (2004–2026 in 1.11).

    The package's ``holidays`` dict lists statutory holiday dates (sometimes including weekend
    days inside a holiday period) and ``workdays`` the 调休 working days.  Dates are grouped by
    their own calendar year: a December date announced in the following year's notice (e.g. the
    2018-12-29 workday of the 2019 元旦 arrangement) belongs to the December year's schedule.
    """
    import chinese_calendar
    from chinese_calendar import constants

    source = f"chinesecalendar {chinese_calendar.__version__}"
    holidays_by_year = _group_by_year(constants.holidays)
    workdays_by_year = _group_by_year(constants.workdays)
    years = sorted(set(holidays_by_year) | set(workdays_by_year))
    return {
        year: HolidaySchedule(
            year=year,
            holidays=frozenset(holidays_by_year.get(year, ())),
            adjusted_workdays=frozenset(workdays_by_year.get(year, ())),
            source=source,
        )
        for year in years
    }


def _group_by_year(dates: Iterable[date]) -> dict[int, set[date]]:
    grouped: dict[int, set[date]] = {}
    for d in dates:
        grouped.setdefault(d.year, set()).add(d)
    return grouped


# --------------------------------------------------------------------------------------------
# Parsing published schedules
# --------------------------------------------------------------------------------------------

_MAPPING_KEYS = frozenset({"year", "holidays", "adjusted_workdays", "source"})


def schedule_from_mapping(data: Mapping[str, Any], year: int | None = None) -> HolidaySchedule:
    """A schedule from JSON-shaped data (ISO date strings or ``date`` objects).

    If ``year`` is given it must match ``data["year"]``: a file filed under the wrong year must not
    publish that year.
    """
    unknown = set(data) - _MAPPING_KEYS
    if unknown:
        raise InvalidScheduleError(f"unknown keys: {', '.join(sorted(unknown))}")
    for key in ("year", "holidays"):
        if key not in data:
            raise InvalidScheduleError(f"missing key {key!r}")
    declared = data["year"]
    if year is not None and declared != year:
        raise InvalidScheduleError(f"schedule is for {declared!r}, expected {year}")
    source = data.get("source", "")
    if not isinstance(source, str):
        raise InvalidScheduleError(f"source must be a string, got {source!r}")
    return HolidaySchedule(
        year=declared,
        holidays=_dates_from_list(data["holidays"], "holidays"),
        adjusted_workdays=_dates_from_list(data.get("adjusted_workdays", []), "adjusted_workdays"),
        source=source,
    )


def _dates_from_list(values: Any, key: str) -> frozenset[date]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InvalidScheduleError(f"{key} must be a list of dates, got {values!r}")
    return frozenset(_coerce_date(v, key) for v in values)


def _coerce_date(value: Any, key: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return _parse_iso_date(value, key)
    raise InvalidScheduleError(f"{key}: {value!r} is not a date")


def _parse_iso_date(text: str, what: str, line: int | None = None) -> date:
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidScheduleError(
            f"{what}: {text!r} is not a YYYY-MM-DD date", line=line
        ) from None


@dataclass
class _ParseState:
    """Accumulates a schedule file; remembers the line of each date for error messages."""

    year: int
    holidays: dict[date, int] = field(default_factory=dict)
    workdays: dict[date, int] = field(default_factory=dict)
    declared_year: int | None = None
    source: str | None = None


def parse_schedule_file(text: str, year: int) -> HolidaySchedule:
    """Parse the line format described in the module docstring into ``year``'s schedule."""
    state = _ParseState(year=year)
    for number, raw in enumerate(text.splitlines(), start=1):
        content = raw.split("#", 1)[0].strip()
        if content:
            _parse_line(state, content, number)
    if not state.holidays:
        raise InvalidScheduleError(f"the {year} schedule lists no holiday")
    return HolidaySchedule(
        year=year,
        holidays=frozenset(state.holidays),
        adjusted_workdays=frozenset(state.workdays),
        source=state.source or "",
    )


def _parse_line(state: _ParseState, content: str, line: int) -> None:
    keyword, *rest = content.split(None, 1)
    argument = rest[0].strip() if rest else ""
    if not argument:
        raise InvalidScheduleError(f"{keyword!r} needs an argument", line=line)
    if keyword == "holiday":
        _add_dates(state, state.holidays, state.workdays, argument, line, is_workday=False)
    elif keyword == "workday":
        _add_dates(state, state.workdays, state.holidays, argument, line, is_workday=True)
    elif keyword == "year":
        _parse_year_line(state, argument, line)
    elif keyword == "source":
        if state.source is not None:
            raise InvalidScheduleError("'source' given twice", line=line)
        state.source = argument
    else:
        raise InvalidScheduleError(f"unknown directive {keyword!r}", line=line)


def _parse_year_line(state: _ParseState, argument: str, line: int) -> None:
    if state.declared_year is not None:
        raise InvalidScheduleError("'year' given twice", line=line)
    if not argument.isdigit() or len(argument) != 4:
        raise InvalidScheduleError(f"year {argument!r} is not a 4-digit year", line=line)
    state.declared_year = int(argument)
    if state.declared_year != state.year:
        raise InvalidScheduleError(
            f"file declares year {argument}, expected {state.year}", line=line
        )


def _add_dates(
    state: _ParseState,
    target: dict[date, int],
    other: dict[date, int],
    argument: str,
    line: int,
    *,
    is_workday: bool,
) -> None:
    for d in _parse_date_or_range(argument, line):
        if d.year != state.year:
            raise InvalidScheduleError(
                f"{d.isoformat()} is outside the {state.year} schedule", date=d, line=line
            )
        if is_workday and not _is_weekend(d):
            raise InvalidScheduleError(
                f"workday {d.isoformat()} is a {d.strftime('%A')}, not a Saturday or Sunday",
                date=d,
                line=line,
            )
        if d in other:
            raise InvalidScheduleError(
                f"{d.isoformat()} is both a holiday and a workday (see line {other[d]})",
                date=d,
                line=line,
            )
        target.setdefault(d, line)


def _parse_date_or_range(argument: str, line: int) -> list[date]:
    if len(argument.split()) != 1:
        raise InvalidScheduleError(f"unexpected text in {argument!r}", line=line)
    first_text, sep, last_text = argument.partition("..")
    first = _parse_iso_date(first_text, "date", line)
    if not sep:
        return [first]
    last = _parse_iso_date(last_text, "date", line)
    if last < first:
        raise InvalidScheduleError(f"range {argument} ends before it starts", date=last, line=line)
    return list(_days(first, last))


def next_month_start(instant: datetime) -> datetime:
    """The first instant of the month after ``instant``'s, in Jilin (a month's end, as
    ``month_ends`` gives it, is the second before)."""
    local = instant.astimezone(SHANGHAI)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (first + timedelta(days=32)).replace(day=1)


def month_ends(last: datetime, count: int = 12) -> list[datetime]:
    """The ends of the ``count`` months up to ``last`` (the last one is ``last`` itself)."""
    local = last.astimezone(SHANGHAI)
    ends: list[datetime] = []
    first_of_month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for _ in range(count - 1):
        ends.append(first_of_month - timedelta(seconds=1))
        first_of_month = (first_of_month - timedelta(days=1)).replace(day=1)
    return [*reversed(ends), local]
