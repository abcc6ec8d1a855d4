"""A seeded fuzzer per input form: every damaged page ends in a clean script or one line.

Each form starts from pages of our own (tests/fixtures) and is damaged by a seeded
generator the way files get damaged: cut short, bytes flipped, runs of bytes repeated,
hostile strings (control characters, markup, deep nesting, huge numbers) inserted. The
outcome must be either a script with every spoken line within the engine's limit or an
AudiopaperError whose message is one line. A second test runs a batch in a subprocess and
checks its peak memory and wall time against the limits of docs/reliability.md.
"""

from __future__ import annotations

import io
import random
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from audiopaper.errors import AudiopaperError
from audiopaper.text.clean import clean_pages
from audiopaper.text.ingest import parse_page
from audiopaper.text.script import SpeechOptions, build_script

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

FORMS = {
    "markdown": ["forms/markdown-damage.md", "forms/post-yaml-subheads.md", "forms/post-toml.md"],
    "plain": ["forms/plain-untitled-subheads.txt", "forms/plain-comment-headline.txt", "forms/list-dump.txt"],
    "html": ["forms/html-jsp-article.html", "forms/epaper-article.html", "forms/wechat-article.html"],
    "feed-json": ["forms/feed-rss-items.xml", "forms/feed-atom.xml", "forms/json-wordpress.json"],
    "pdf": ["printed/fpdf2-3col.pdf"],
}
"""Seed pages of each form."""

HOSTILE = [b"\x00", b"\x0b\x1b[31m", b"<script>alert(1)</script>", b"]]>", b"&lol;", b"\xef\xbb\xbf",
           b"<" * 300, b"{" * 3000, b"[" * 3000, b"9" * 5000, "\u202e\u200b".encode(), b"\r\n" * 500,
           b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", "标题".encode() * 2000]  # fmt: skip
"""Strings inserted into pages."""

CASES_PER_FORM = 40
"""Damaged pages per form and run (seeded, so every run tries the same ones)."""


def damaged(data: bytes, rng: random.Random) -> bytes:
    """``data`` damaged one random way."""
    choice = rng.randrange(5)
    where = rng.randrange(len(data) + 1)
    if choice == 0:
        return data[:where]
    if choice == 1:
        flipped = bytearray(data)
        for _ in range(rng.randrange(1, 50)):
            if flipped:
                flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        return bytes(flipped)
    if choice == 2:
        run = data[where : where + rng.randrange(1, 200)]
        return data[:where] + run * rng.randrange(2, 200) + data[where:]
    if choice == 3:
        return data[:where] + rng.choice(HOSTILE) + data[where:]
    return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4000)))


def docx_seed() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("河畔夜市重新开张", level=1)
    document.add_paragraph("本报讯（记者 田野）经过两个月的整修，河畔夜市前天晚上重新开张。")
    document.add_heading("公园晨练区改造完工", level=1)
    document.add_paragraph("本报讯 滨江公园的晨练区完成改造，新铺设的塑胶地面更适合老人活动。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def damaged_docx(data: bytes, rng: random.Random) -> bytes:
    """A .docx whose document.xml (or the zip itself) is damaged."""
    if rng.random() < 0.3:
        return damaged(data, rng)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                content = damaged(content, rng)
            target.writestr(info.filename, content)
    return out.getvalue()


def outcome(data: bytes, suffix: str) -> str:
    """Return "script" or "error"; anything else (an escaped exception, a bad script) fails."""
    options = SpeechOptions(spell_letters=True, engine_limit_chars=60)
    try:
        page = parse_page(data, f"fuzz{suffix}", suffix)
        script = build_script(clean_pages([page]).articles, options)
    except AudiopaperError as error:
        assert "\n" not in str(error) and str(error).strip(), repr(error)
        return "error"
    for article in script.articles:
        assert article.title_spoken.strip()
        assert all(0 < len(s.spoken) <= 4 * 60 for s in article.sentences)
    return "script"


def cases(form: str, seed: int, count: int = CASES_PER_FORM) -> list[tuple[bytes, str]]:
    rng = random.Random(f"{form}-{seed}")
    if form == "docx":
        seed_page = docx_seed()
        return [(damaged_docx(seed_page, rng), ".docx") for _ in range(count)]
    seeds = [(FIXTURES / name).read_bytes() for name in FORMS[form]]
    suffixes = [Path(name).suffix for name in FORMS[form]]
    chosen = [rng.randrange(len(seeds)) for _ in range(count)]
    return [(damaged(seeds[i], rng), suffixes[i]) for i in chosen]


@pytest.mark.slow
@pytest.mark.parametrize("form", [*FORMS, "docx"])
def test_every_damaged_page_gives_a_script_or_one_line(form: str) -> None:
    if form == "pdf" and not (FIXTURES / FORMS["pdf"][0]).exists():
        pytest.skip("no PDF seed")
    results = [outcome(data, suffix) for data, suffix in cases(form, seed=28)]
    assert set(results) <= {"script", "error"}


_BATCH = """
import sys, time
from tests.text.test_fuzz_forms import FORMS, cases, outcome
started = time.monotonic()
for form in [*FORMS, "docx"]:
    for data, suffix in cases(form, seed=7, count=10):
        outcome(data, suffix)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec, so it would report the
# (large) pytest process this one was forked from instead of this batch's own peak.
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(peak_kb, time.monotonic() - started)
"""


@pytest.mark.slow
def test_a_fuzz_batch_stays_within_memory_and_time() -> None:
    project = Path(__file__).resolve().parent.parent.parent
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-c", _BATCH], capture_output=True, text=True, cwd=project, timeout=600, check=False
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    peak_kb, _ = completed.stdout.split()
    assert int(peak_kb) / 1024 < 1024, f"peak {int(peak_kb) / 1024:.0f} MB"
    assert time.monotonic() - started < 300
