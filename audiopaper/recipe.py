"""An edition's recipe: everything its files are made from, and the content hash of it.

``render`` and ``archive`` record the hash in edition.json (``source_hash``); an archive
rerun skips a date whose hash is already published, so whatever changes an edition's
files must go in here: the date, the pages' bytes, the options, the engines' identities,
the cover, the lexicon entries its pages use, and audiopaper's version.
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
from audiopaper.text.lexicon import Lexicon
from audiopaper.text.page import Page, PageFile
from audiopaper.voice.engine import EngineIdentity
from audiopaper.voice.registry import engine_lexicon

HASH_SCHEME = "audiopaper-edition-v2"
"""Changes whenever what goes into :func:`source_hash` changes, so older hashes never match.
v2: pages are hashed by their file name (not the folders above it) and bytes, so ``render``
and ``archive`` give one page the same hash; the lexicon entries the pages use are in it."""


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


def lexicon_entries(pages: Sequence[Page], lexicon: Lexicon | None = None) -> tuple[str, ...]:
    """The lexicon entries (``lexicon``, default the engines') whose words occur in the pages:
    what an editor's lexicon change does to this edition, and nothing it does to others.

    Words are looked for in the text as read, before numbers are spelled out: an entry for a
    word that appears only after normalization (三号 from 3号) is not seen here (its lines
    are still redone, by their cache keys, whenever the edition is rendered)."""
    text = "\n".join(block.text for page in pages for block in page.blocks)
    return (lexicon or engine_lexicon()).described(text)


def source_hash(
    day: date, pages: Sequence[PageFile], settings: dict[str, Any], lexicon: Sequence[str] = ()
) -> str:
    """A content hash of the date, the pages (file name and bytes, in order), ``settings`` and the
    ``lexicon`` entries the pages use (:func:`lexicon_entries`)."""
    digest = hashlib.sha256()
    header = json.dumps(
        {"scheme": HASH_SCHEME, "day": day.isoformat(), "settings": settings, "lexicon": list(lexicon)},
        sort_keys=True,
        default=str,
    )
    digest.update(header.encode("utf-8"))
    for page in pages:
        for part in (Path(page.name).name.encode("utf-8"), page.data):
            digest.update(len(part).to_bytes(8, "big"))  # lengths first: no two inputs give one stream
            digest.update(part)
    return digest.hexdigest()
