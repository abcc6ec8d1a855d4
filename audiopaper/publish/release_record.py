"""``release.json`` beside an edition: when it first went out, its corrections, whether it was withdrawn.

edition.json describes one render; this record describes the episode across renders. A
podcast app knows an episode by its GUID and sorts it by its pubDate, so a correction must
keep both: the first release time lives here, not in the render. The old MP3s' names are
kept so their URLs keep working for listeners who downloaded them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from audiopaper.errors import ManifestError
from audiopaper.publish.outdir import atomic_write_text

_LOGGER = logging.getLogger(__name__)

RELEASE_NAME = "release.json"
"""The record's file name inside an edition directory."""


@dataclass(frozen=True)
class Correction:
    """One correction of a released edition."""

    at: str
    """When the corrected edition went out (ISO 8601 with the paper's offset)."""

    articles: tuple[str, ...]
    """Titles of the articles whose text changed (added or removed ones too)."""


@dataclass(frozen=True)
class ReleaseRecord:
    """An episode's history; an edition without release.json was released when it was rendered."""

    released: str = ""
    """When the episode first went out (ISO 8601); "" for editions published before records."""

    revision: int = 1
    """1 for the first release, +1 per correction: the MP3's name carries it from 2 on."""

    corrections: tuple[Correction, ...] = ()
    """Corrections in order."""

    previous_audio: tuple[str, ...] = ()
    """Earlier edition MP3s kept in the directory, so their URLs still answer."""

    withdrawn: str = ""
    """When it was taken out of the feed and pages (ISO 8601), or "" while listed."""

    def corrected(self, at: str, articles: tuple[str, ...], old_audio: str) -> ReleaseRecord:
        """The record after a correction going out at ``at``."""
        return replace(
            self,
            revision=self.revision + 1,
            corrections=(*self.corrections, Correction(at, articles)),
            previous_audio=(*self.previous_audio, old_audio),
            withdrawn="",
        )

    def correction_lines(self) -> tuple[str, ...]:
        """One dated 更正 line per correction, for the show notes and the listening page."""
        return tuple(
            f"更正（{c.at[:16].replace('T', ' ')}）：{''.join(f'《{t}》' for t in c.articles)}的文字已更正。"
            for c in self.corrections
        )

    def to_json(self) -> str:
        """release.json's text."""
        document: dict[str, Any] = {
            "released": self.released,
            "revision": self.revision,
            "corrections": [{"at": c.at, "articles": list(c.articles)} for c in self.corrections],
            "previous_audio": list(self.previous_audio),
            "withdrawn": self.withdrawn,
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def read(cls, edition_dir: Path) -> ReleaseRecord:
        """The record in ``edition_dir``; an empty one when there is none."""
        path = edition_dir / RELEASE_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                released=str(data.get("released", "")),
                revision=int(data.get("revision", 1)),
                corrections=tuple(
                    Correction(str(c["at"]), tuple(str(t) for t in c["articles"]))
                    for c in data.get("corrections", ())
                ),
                previous_audio=tuple(str(name) for name in data.get("previous_audio", ())),
                withdrawn=str(data.get("withdrawn", "")),
            )
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
            raise ManifestError(f"cannot read {path}: {error}; fix or delete it") from error

    def write(self, edition_dir: Path) -> None:
        """Replace release.json in ``edition_dir`` atomically."""
        atomic_write_text(edition_dir / RELEASE_NAME, self.to_json())
