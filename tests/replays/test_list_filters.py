"""What a list keeps of the objects it folds: the filters on the folded state (pure)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from domain.share_requests import ShareRequest
from domain.vocabulary import Role, ShareChannel, ShareRequestStatus, ShareType
from projections.listings import DEPARTMENTS, SHARE_REQUESTS, SYSTEMS
from replays.lists import Filters, matches

NOW = datetime(2025, 10, 1, tzinfo=UTC)


def request(status: ShareRequestStatus) -> ShareRequest:
    return ShareRequest(
        id=uuid4(),
        version=1,
        created_at=NOW,
        resource_id=uuid4(),
        resource_code="3/10300200001",
        provider="ZYKF",
        requester="SCGL",
        requester_role=Role.DEPARTMENT,
        purpose="行业监管",
        scope="名称",
        channel=ShareChannel.DEPARTMENT,
        share_type=ShareType.CONDITIONAL,
        status=status,
        last_occurred_at=NOW,
    )


def test_a_department_filter_keeps_the_objects_it_is_a_party_to() -> None:
    pending = request(ShareRequestStatus.PENDING)
    assert matches(SHARE_REQUESTS, pending, Filters(department="SCGL"))
    assert matches(SHARE_REQUESTS, pending, Filters(department="ZYKF"))
    assert not matches(SHARE_REQUESTS, pending, Filters(department="CYFZ"))


def test_a_side_is_the_role_the_department_plays__art26() -> None:
    pending = request(ShareRequestStatus.PENDING)
    assert matches(SHARE_REQUESTS, pending, Filters(department="ZYKF", side="provider"))
    assert not matches(SHARE_REQUESTS, pending, Filters(department="ZYKF", side="requester"))
    assert matches(SHARE_REQUESTS, pending, Filters(department="SCGL", side="requester"))


def test_a_status_filter_compares_the_status_at_the_instant() -> None:
    granted = request(ShareRequestStatus.GRANTED)
    assert matches(SHARE_REQUESTS, granted, Filters(status="granted"))
    assert not matches(SHARE_REQUESTS, granted, Filters(status="pending"))


def test_every_status_a_list_filters_by_has_a_chinese_label() -> None:
    for kind in (SHARE_REQUESTS, SYSTEMS, DEPARTMENTS):
        assert kind.statuses and all(kind.statuses.values())
    assert SHARE_REQUESTS.status_label(request(ShareRequestStatus.PENDING)) == "待答复"
