"""The publications a command reads (policies, holiday schedules) are folds kept in memory
and brought up to date from the log; on both backends each resumes at the head it last
saw, so a ledger where none was ever published is not scanned again on every command.

Art. 33 leaves the usage-report period to the department (a policy) and Art. 26's working
days follow the State Council's schedules: both are read by every command that counts."""

from __future__ import annotations

from domain.ledger import Ledger
from tests.store.test_group_commit import person_event


def test_kept_publications_resume_at_the_head_not_at_their_last_event(ledger: Ledger) -> None:
    for _ in range(5):
        ledger.record([person_event()])
    assert ledger.publications() == ()
    ledger.calendar()
    head = ledger.recorder.max_notification_id()
    assert ledger._policy_cache[0] == head
    assert ledger._holidays[0] == head
    ledger.record([person_event()])
    ledger.publications()
    assert ledger._policy_cache[0] == head + 1
