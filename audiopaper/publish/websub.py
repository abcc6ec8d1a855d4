"""WebSub (PubSubHubbub) publish pings: tell the show's hub the feed changed, so apps hear now.

An app subscribed through the hub gets the new episode at once instead of at its next poll,
hours later. The ping is the publish request hubs accept (Superfeedr, Google's, WebSub.rocks):
a form POST of ``hub.mode=publish`` and ``hub.url=<feed URL>``, answered with any 2xx. The
standard library's urllib does it; no client library adds anything for one POST. A ping that
fails is retried a few times here, then reported to the caller, never raised: a hub that is
down must never stop a release (the watcher tries again on its next pass).
"""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlparse

from audiopaper.errors import OptionError

_LOGGER = logging.getLogger(__name__)

PING_ATTEMPTS = 3
"""Tries per ping before it is reported failed."""

PING_BACKOFF_S = 0.5
"""Wait before the second try (seconds); doubled before each later one."""

PING_TIMEOUT_S = 5.0
"""How long one try may take (seconds), connecting and answering."""


@dataclass(frozen=True)
class PingResult:
    """How a ping went."""

    ok: bool
    """True when the hub answered 2xx."""

    detail: str
    """``pinged`` or ``failed: <why>`` (for status.json)."""

    attempts: int
    """Tries made."""


def check_hub_url(url: str) -> None:
    """Refuse a hub address that is not an absolute http(s) URL."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise OptionError(f"--websub-hub must be an absolute http(s) URL, got {url!r}")


def _post(hub_url: str, feed_url: str, timeout_s: float) -> int:
    body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": feed_url}).encode("ascii")
    request = urllib.request.Request(
        hub_url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "audiopaper"},
    )
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        status: int = response.status
        return status


def ping_hub(
    hub_url: str,
    feed_url: str,
    *,
    attempts: int = PING_ATTEMPTS,
    backoff_s: float = PING_BACKOFF_S,
    timeout_s: float = PING_TIMEOUT_S,
    sleep: Callable[[float], None] = time.sleep,
) -> PingResult:
    """Send the hub its publish ping for ``feed_url``, retrying; never raises for a failed hub."""
    why = ""
    for attempt in range(1, attempts + 1):
        try:
            status = _post(hub_url, feed_url, timeout_s)
            if 200 <= status < 300:
                _LOGGER.info("WebSub hub %s pinged for %s", hub_url, feed_url)
                return PingResult(True, "pinged", attempt)
            why = f"the hub answered {status}"
        except urllib.error.HTTPError as error:
            why = f"the hub answered {error.code}"
        except (urllib.error.URLError, OSError, ValueError) as error:
            why = f"cannot reach the hub ({getattr(error, 'reason', error)})"
        if attempt < attempts:
            sleep(backoff_s * 2 ** (attempt - 1))
    _LOGGER.warning("WebSub ping to %s failed after %d tries: %s", hub_url, attempts, why)
    return PingResult(False, f"failed: {why}", attempts)
