"""An edition's recipe: everything its files are made from, and the content hash of it.

``render`` and ``archive`` record the hash in edition.json (``source_hash``); an archive
rerun skips a date whose hash is already published, so whatever changes an edition's
files must go in here: the date, the pages' bytes, the options, the engines' identities,
the cover and audiopaper's version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from audiopaper import __version__
from audiopaper.profiles import Profile
from audiopaper.text.page import PageFile
from audiopaper.voice.engine import EngineIdentity

HASH_SCHEME = "audiopaper-edition-v2"
"""Changes whenever what goes into :func:`source_hash` changes, so older hashes never match.
v2: pages are hashed by their file name (not the folders above it) and bytes, so ``render``
and ``archive`` give one page the same hash."""


def settings_identity(
    *,
    paper: str,
    profile: Profile,
    lead_first: bool,
    engine: EngineIdentity,
    presenter: EngineIdentity | None,
    cover_jpeg: bytes,
    version: str = __version__,
) -> dict[str, Any]:
    """Everything besides the pages that changes an edition's files, as JSON-ready data."""
    return {
        "paper": paper,
        "profile": dataclasses.asdict(profile),
        "lead_first": lead_first,
        "engine": dataclasses.asdict(engine),
        "presenter": dataclasses.asdict(presenter) if presenter is not None else None,
        "cover": hashlib.sha256(cover_jpeg).hexdigest(),
        "version": version,
    }


def source_hash(day: date, pages: Sequence[PageFile], settings: dict[str, Any]) -> str:
    """A content hash of the date, the pages (file name and bytes, in order) and ``settings``."""
    digest = hashlib.sha256()
    header = json.dumps(
        {"scheme": HASH_SCHEME, "day": day.isoformat(), "settings": settings}, sort_keys=True, default=str
    )
    digest.update(header.encode("utf-8"))
    for page in pages:
        for part in (Path(page.name).name.encode("utf-8"), page.data):
            digest.update(len(part).to_bytes(8, "big"))  # lengths first: no two inputs give one stream
            digest.update(part)
    return digest.hexdigest()
