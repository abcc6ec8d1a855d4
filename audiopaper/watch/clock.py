"""The watcher's clock: the time now, and a wait that a stop request cuts short.

Injected so a test can run a night in milliseconds: its clock jumps ahead on every wait.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    """What the watcher needs to know about time."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...

    def wait(self, seconds: float, stop: threading.Event) -> None:
        """Let ``seconds`` pass, or less when ``stop`` is set meanwhile."""
        ...


class SystemClock:
    """The real clock: UTC now, and an interruptible sleep (SIGTERM sets ``stop``)."""

    def now(self) -> datetime:
        """The current time in UTC."""
        return datetime.now(UTC)

    def wait(self, seconds: float, stop: threading.Event) -> None:
        """Sleep up to ``seconds``; return at once when ``stop`` is set."""
        stop.wait(max(0.0, seconds))


def release_time(day: date, publish_hour: int, zone: ZoneInfo) -> datetime:
    """When the edition of ``day`` goes out: ``publish_hour`` on that date in the paper's zone."""
    return datetime.combine(day, time(publish_hour), tzinfo=zone)


def seconds_until(moment: datetime, now: datetime) -> float:
    """Seconds from ``now`` to ``moment`` (negative when it has passed)."""
    return (moment - now) / timedelta(seconds=1)
