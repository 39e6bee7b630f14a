"""Subscriptions for SQLite, which has no LISTEN/NOTIFY: poll, and wake early on local writes.

The library's ProjectionRunner needs ``recorder.subscribe``; its SQLite recorder raises
NotImplementedError. This subscription reuses the library's pull loop
(ListenNotifySubscription) and sets its "notified" flag from a timer, and at once when
this process writes, so read models in the API's own process follow within milliseconds.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import ListenNotifySubscription

POLL_SECONDS = 0.2


class PollingSubscription(ListenNotifySubscription[Any]):
    def __init__(self, recorder: Any, gt: int | None = None, topics: Sequence[str] = ()) -> None:
        self._stop_polling = threading.Event()
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        self._poll_thread = threading.Thread(target=self._poll, daemon=True)
        self._poll_thread.start()
        _local_subscriptions.add(self)

    def _poll(self) -> None:
        while not self._stop_polling.wait(POLL_SECONDS):
            self._has_been_notified.set()

    def stop(self) -> None:
        super().stop()
        self._stop_polling.set()

    def wake(self) -> None:
        self._has_been_notified.set()

    def __exit__(self, *args: object, **kwargs: Any) -> None:
        try:
            super().__exit__(*args, **kwargs)
        finally:
            self._poll_thread.join()


_local_subscriptions: weakref.WeakSet[PollingSubscription] = weakref.WeakSet()


def wake_local_subscriptions() -> None:
    """Called after this process commits events: its subscribers pull at once."""
    if not _local_subscriptions:
        return
    for subscription in list(_local_subscriptions):
        subscription.wake()
