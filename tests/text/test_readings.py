"""Golden tests for audiopaper.text.readings: scores, models, units and names read from context.

The table (readings_golden.tsv) gives, for each printed form, what the offline voice (letters
spelled) and the online voice (letters as written) are sent. Rows of kind ``undecided`` keep
today's reading and must be listed for the editor.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from audiopaper.errors import ProfileError
from audiopaper.text.lexicon import LEXICON_FILE, load_lexicon
from audiopaper.text.normalize import normalize
from audiopaper.text.readings import model_number, parse_readings, reading_lists, undecided_readings

GOLDEN_FILE = Path(__file__).with_name("readings_golden.tsv")
LEXICON = load_lexicon(Path(__file__).parents[2] / "voices" / LEXICON_FILE)
KINDS = ("score", "range", "model", "vehicle", "unit", "named", "service", "generation")
CASES_PER_KIND = 15


def _golden() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in GOLDEN_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            kind, text, offline, online = line.split("\t")
            rows.append((kind, text, offline, offline if online == "=" else online))
    return rows


GOLDEN = _golden()


@pytest.mark.parametrize(("kind", "text", "offline", "online"), GOLDEN)
def test_both_voices_get_the_presenters_reading(kind: str, text: str, offline: str, online: str) -> None:
    assert normalize(text, spell_letters=True, lexicon=LEXICON) == offline, kind
    assert normalize(text, spell_letters=False, lexicon=LEXICON) == online, kind


@pytest.mark.parametrize(("kind", "text"), [(kind, text) for kind, text, _, _ in GOLDEN])
def test_only_undecided_items_are_listed_for_the_editor(kind: str, text: str) -> None:
    assert bool(undecided_readings(text)) == (kind == "undecided"), undecided_readings(text)


def test_golden_table_covers_every_kind() -> None:
    counts = Counter(kind for kind, _, _, _ in GOLDEN)
    assert set(counts) == {*KINDS, "undecided"}
    for kind in KINDS:
        assert counts[kind] >= CASES_PER_KIND, kind
    assert len({text for _, text, _, _ in GOLDEN}) == len(GOLDEN), "a printed text appears twice"
    for _, _, offline, _ in GOLDEN:
        assert not re.search(r"[0-9A-Za-z]", offline), offline


@pytest.mark.parametrize(
    ("digits", "spoken"),
    [("5", "五"), ("20", "二十"), ("10", "十"), ("41", "四十一"), ("03", "零三"), ("001", "零零一"),
     ("737", "七三七"), ("919", "九一九"), ("600", "六百"), ("9000", "九千"), ("9300", "九三零零")],
)  # fmt: skip
def test_numbers_inside_model_names(digits: str, spoken: str) -> None:
    assert model_number(digits) == spoken


def test_the_shipped_lists_are_loaded_and_units_are_longest_first() -> None:
    lists = reading_lists()
    assert "比分" in lists.words("scores", "cues") and "东风" in lists.words(
        "designations", "chinese_prefixes"
    )
    lengths = [len(symbol) for symbol, _ in lists.units]
    assert lengths == sorted(lengths, reverse=True)


@pytest.mark.parametrize("text", ['[scores]\ncues = "比分"', "[scores\n", '[scores]\ncues = [""]'])
def test_bad_lists_are_refused_with_the_file_named(text: str) -> None:
    with pytest.raises(ProfileError, match=r"readings\.toml: invalid reading lists"):
        parse_readings(text, "readings.toml")
