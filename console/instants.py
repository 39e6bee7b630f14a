"""The instant a page shows, held in its URL so a view can be shared.

``?at=2025-06-30`` is the end of that day in Asia/Shanghai, ``?at=2025-06-30T12:00`` that
minute there; ``&known=then`` replays what the ledger knew at that instant (no hindsight),
``known=now`` (the default) what it knows now about that instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from urllib.parse import urlencode

from fastapi import Request

from api.runtime import utc_now
from domain.calendar import SHANGHAI
from domain.errors import RuleViolation
from replays.asof import Instant


@dataclass(frozen=True)
class PageInstant:
    at: datetime
    known_then: bool
    given: bool  # the URL named an instant (else: now)

    @property
    def instant(self) -> Instant:
        return Instant(at=self.at, known_at=self.at if self.known_then else utc_now())

    @property
    def local(self) -> datetime:
        return self.at.astimezone(SHANGHAI)

    def query(self, **extra: str) -> str:
        """This instant as a query string, for links that keep it (to the second: a day's
        end is 23:59:59, and what was recorded in its last minute is on the page)."""
        params = {"at": self.local.strftime("%Y-%m-%dT%H:%M:%S"), "known": self.known}
        params.update(extra)
        return urlencode(params) if self.given or extra else urlencode(extra)

    @property
    def known(self) -> str:
        return "then" if self.known_then else "now"


def parse_at(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)
        value = datetime.fromisoformat(text)
    except ValueError:
        msg = "时间格式应为 2025-06-30 或 2025-06-30T12:00（北京时间）"
        raise RuleViolation(msg, field="at") from None
    return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)


def page_instant(request: Request) -> PageInstant:
    """The page's instant from its URL; an instant in the future is now."""
    now = utc_now()
    at = parse_at(request.query_params.get("at"))
    known_then = request.query_params.get("known") == "then"
    if at is None or at > now:
        return PageInstant(now, known_then, given=at is not None)
    return PageInstant(at, known_then, given=True)
