"""Policies the office publishes (each grace period, the usage-report period, the late-entry
threshold), and the values in force."""

from __future__ import annotations

import threading
from datetime import date, datetime

from eventsourcing.utils import get_topic

from domain.aggregate import Command
from domain.facts import PolicyValue
from domain.policies import (
    InForce,
    PolicyPublished,
    Publication,
    PublishedPolicy,
    in_force,
    policy_id,
    publication_of,
    publish_policy,
)
from domain.verbs.base import Decision, LedgerBase

POLICY_TOPICS = [get_topic(PolicyPublished)]


class PolicyVerbs(LedgerBase):
    _policy_lock = threading.Lock()
    _policy_cache: tuple[int, tuple[Publication, ...]] = (0, ())

    def publications(self, upto: int | None = None) -> tuple[Publication, ...]:
        """Every policy publication recorded so far (at or before position ``upto``), in the
        order recorded. Kept in memory: there are a handful, and a command reads them."""
        with self._policy_lock:
            self._policy_cache = self.caught_up(self._policy_cache, POLICY_TOPICS, _publication)
            _, known = self._policy_cache
        if upto is None:
            return known
        return tuple(p for p in known if p.position <= upto)

    def policies_in_force(self, at: datetime, upto: int | None = None) -> InForce:
        """The policies in force at ``at`` as the ledger knew them at position ``upto`` (now,
        for a command)."""
        return in_force(self.publications(upto), at)

    def publish_policy(
        self, cmd: Command, name: str, value: object, effective_from: date
    ) -> Decision:
        subject = policy_id(name)
        existing = self.get(subject, PublishedPolicy) if self.exists(subject) else None
        event = publish_policy(cmd, existing, name, value, effective_from)
        return Decision(subject, [event], (PolicyValue(name, event.value, effective_from),))


def _publication(
    known: tuple[Publication, ...], event: object, position: int
) -> tuple[Publication, ...]:
    assert isinstance(event, PolicyPublished)
    return (*known, publication_of(event, position))
