"""Share of the reading tables right, for whichever audiopaper is importable.

Usage: python scripts/reading_shares.py [TESTS_DIR] [LEXICON]

Scores tests/text/readings_golden.tsv (both voices' text), tests/voice/sandhi_golden.tsv
(every syllable) and tests/voice/wei_golden.tsv (the syllable of each 为) through the
front end's per-run path, which an older checkout also has. To measure a base commit, put
its tree first on PYTHONPATH (``git archive BASE | tar -x -C /tmp/base``) and pass this
checkout's tests/ and the base's lexicon. Prints one JSON object.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from audiopaper.text.lexicon import load_lexicon
from audiopaper.text.normalize import normalize
from audiopaper.voice.offline import front_end

_HAN = re.compile(r"[\u4e00-\u9fff]+")


def _rows(path: Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def main() -> None:
    tests = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("tests")
    lexicon = load_lexicon(Path(sys.argv[2]) if len(sys.argv) > 2 else Path("voices/lexicon.toml"))
    shares: dict[str, list[int]] = {}
    for kind, text, offline, online in _rows(tests / "text" / "readings_golden.tsv"):
        right = normalize(text, spell_letters=True, lexicon=lexicon) == offline and normalize(
            text, spell_letters=False, lexicon=lexicon
        ) == (offline if online == "=" else online)
        shares.setdefault(f"readings:{kind}", []).append(int(right))
    phonemizer = front_end(lexicon)

    def syllables(text: str) -> list[str]:
        return [
            s for run in _HAN.findall(text) for s in phonemizer._run_syllables(run, phonemizer.words(run))
        ]

    for table in ("sandhi", "wei"):
        for kind, text, want in _rows(tests / "voice" / f"{table}_golden.tsv"):
            got = syllables(text)
            if table == "wei":
                got = [s for char, s in zip("".join(_HAN.findall(text)), got, strict=True) if char == "为"]
            shares.setdefault(f"{table}:{kind}", []).append(int(got == want.split()))
    summary = {key: f"{sum(v)}/{len(v)}" for key, v in shares.items()}
    for table in ("readings", "sandhi", "wei"):
        values = [x for key, v in shares.items() if key.startswith(table + ":") for x in v]
        summary[table] = f"{sum(values)}/{len(values)} = {sum(values) / len(values):.1%}"
    print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
