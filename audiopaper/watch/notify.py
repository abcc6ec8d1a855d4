"""The newsroom's own alert: a command run after each date, given a JSON summary on stdin.

The watcher does not know how a newsroom talks to itself (mail, a chat webhook, SMS), so it
runs whatever command it is given, through the shell as cron would, with one JSON object
on standard input. A command that fails or hangs is logged and noted in status.json; it
never stops the night's work.
"""

from __future__ import annotations

import json
import logging
import subprocess
from typing import Any

_LOGGER = logging.getLogger(__name__)

NOTIFY_TIMEOUT_S = 60.0
"""Longest a notify command may run (seconds) before it is killed."""


def notify(command: str, summary: dict[str, Any]) -> str:
    """Run ``command`` with ``summary`` as JSON on stdin; returns "" or one line saying why it failed."""
    document = json.dumps(summary, ensure_ascii=False, sort_keys=True) + "\n"
    try:
        result = subprocess.run(
            command,
            shell=True,
            input=document.encode("utf-8"),
            capture_output=True,
            timeout=NOTIFY_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        why = f"the notify command ran over {NOTIFY_TIMEOUT_S:g} s and was stopped"
    except OSError as error:
        why = f"the notify command could not start ({error.strerror})"
    else:
        if result.returncode == 0:
            return ""
        tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        why = f"the notify command exited {result.returncode} {tail[0]}".rstrip()
    _LOGGER.warning("%s", why)
    return why
