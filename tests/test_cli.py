"""Tests for audiopaper.cli through typer's CliRunner (the fake engine keeps renders fast)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from typer.testing import CliRunner

from audiopaper.cli import app
from tests.conftest import EXAMPLE_PAGE, assert_user_error

runner = CliRunner()


def test_script_json_on_the_example_page() -> None:
    result = runner.invoke(app, ["script", str(EXAMPLE_PAGE), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    titles = [a["title"] for a in document["articles"]]
    assert titles[0] == "青梅港区一季度外贸进出口同比增长12.6%"  # the lead story comes first
    assert len(titles) == 4
    first = document["articles"][0]
    assert first["byline"] == "本报记者 许文涛"
    assert set(first) == {"title", "byline", "paragraphs", "spoken"}
    assert any("C2" in p for p in first["paragraphs"])
    assert any("二零二五" in s or "百分之十二点六" in s for s in first["spoken"])
    assert document["articles"][-1]["title"] == "滨河步道 晨练正好"


def test_script_proof_lists_changes() -> None:
    result = runner.invoke(app, ["script", str(EXAMPLE_PAGE)])
    assert result.exit_code == 0, result.output
    assert "1. 青梅港区一季度外贸进出口同比增长12.6%" in result.stdout
    assert "[joined]" in result.stdout


def test_script_proof_lists_latin_words_it_had_to_spell(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "## 新剧将在 Netflix 和 Spotify 上线\n\n■记者 王一\n\n"
        "本报讯 该剧将在 Netflix 播出，原声专辑同步登陆 Spotify，GDP 数据显示消费回暖。\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["script", str(page)])
    assert result.exit_code == 0, result.output
    assert "spelled: Spotify — add it to voices/lexicon.toml" in result.stdout
    assert result.stdout.count("spelled: Spotify") == 1  # once per article, not per sentence
    assert "spelled: Netflix" not in result.stdout  # the shipped lexicon reads it 奈飞
    assert "spelled: GDP" not in result.stdout  # acronyms are spelled without a warning
    assert "在奈飞播出" in result.stdout


def test_script_proof_lists_readings_it_could_not_decide(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "## 港区篮球联赛收官\n\n■记者 王一\n\n本报讯 决赛中港区队以68-60夺冠。展板编号为3-1，位于东侧。\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["script", str(page)])
    assert result.exit_code == 0, result.output
    assert "以六十八比六十夺冠" in result.stdout  # a score in a sentence about a match
    assert "undecided: 3-1（读作“到”" in result.stdout
    assert "68-60" not in result.stdout.split("undecided", 1)[-1]


def test_script_proof_lists_what_was_dropped_with_kind_and_text() -> None:
    page = Path(__file__).resolve().parent / "fixtures" / "forms" / "markdown-damage.md"
    result = runner.invoke(app, ["script", str(page)])
    assert result.exit_code == 0, result.output
    proof = result.stdout.split("清理记录")[1]
    assert "[web furniture] line 32 (source, date or staff line): “责任编辑：李六”" in proof
    assert "[figures] table of 4 rows, line 23 to line 26" in proof
    assert "      | 周一 18 9 3" in proof
    assert "[photo credit]" in proof and "[repeated sentence]" in proof and "[dateline]" in proof


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("page.bin", bytes(range(256)) * 8, "binary"),
        ("page.docx", "这不是 Word 文件".encode(), "not a Word .docx file"),
        ("page.html", b"<html><body><div><a href='a'>menu</a></div></body></html>", "no article"),
    ],
)
def test_bad_input_ends_in_one_line(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert_user_error(runner.invoke(app, ["script", str(path)]), message)


def test_script_on_the_sample_page(sample_page: Path) -> None:
    result = runner.invoke(app, ["script", str(sample_page), "--json"])
    assert result.exit_code == 0, result.output
    articles = json.loads(result.stdout)["articles"]
    assert len(articles) == 8
    assert articles[-1]["title"] == "全方位 多角度 港区深入推进“平安三率”宣传工作"


def test_render_with_fake_engine(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["render", str(EXAMPLE_PAGE), "--date", "2025-03-14", "--out", str(out), "--engine", "fake",
              "--paper", "青梅日报", "--base-url", "https://example.org/qm/"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    edition = out / "editions" / "2025-03-14"
    assert result.stdout.strip() == str(edition / "qing-mei-ri-bao-2025-03-14.mp3")
    manifest = json.loads((edition / "edition.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == "fake"
    assert len(manifest["articles"]) == 4
    for article in manifest["articles"]:
        assert (edition / article["file"]).exists()
    assert (
        len(ID3(str(edition / "qing-mei-ri-bao-2025-03-14.mp3")).getall("CHAP")) == 6
    )  # opening, 4, closing
    assert manifest["audio"] == "qing-mei-ri-bao-2025-03-14.mp3"
    assert not (edition / "edition.mp3").exists()  # no old name for an edition never published with it
    feed = (out / "feed.xml").read_text()
    assert "https://example.org/qm/editions/2025-03-14/qing-mei-ri-bao-2025-03-14.mp3" in feed
    assert "done: 4 articles" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render", "missing.md", "--engine", "fake"], "no such file"),
        (["script", "missing.md"], "no such file"),
        (["render", "{page}", "--engine", "fake", "--date", "2025-13-40"], "not a date"),
        (["render", "{page}", "--engine", "fake", "--profile", "loud"], "unknown profile 'loud'"),
        (["render", "{page}", "--engine", "fake", "--base-url", "example.org"], "absolute http"),
        (["render", "{page}", "--engine", "shouty"], "unknown engine"),
        (["render", "{page}", "--engine", "fake", "--date", "2025-W11-5"], "use YYYY-MM-DD"),
        (["render", "{page}", "--engine", "fake", "--date", "20250314"], "use YYYY-MM-DD"),
        (["render", "{page}", "--engine", "fake", "--date", "0001-01-01"], "outside 1900-2100"),
        (
            ["render", "{page}", "--engine", "fake", "--paper", "青梅\n日报"],
            "--paper holds the control character U+000A",
        ),
        (["render", "{page}", "--engine", "fake", "--paper", "青梅\x0b日报"], "U+000B"),
        (
            ["render", "{page}", "--engine", "fake", "--author", "记者\x01"],
            "--author holds the control character",
        ),
        (["render", "{page}", "--engine", "fake", "--owner-name", "\x1b[31m"], "--owner-name holds"),
        (["render", "{page}", "--engine", "fake", "--owner-email", "a@b.c\x0b"], "--owner-email holds"),
        (["render", "{page}", "--engine", "fake", "--base-url", "https://x.org/\x0b"], "--base-url holds"),
        (["archive", "{page}", "--since", "2025-W11-5"], "--since '2025-W11-5' is not a date"),
    ],
)
def test_user_errors_are_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    args = [a.replace("{page}", str(EXAMPLE_PAGE)) for a in args] + ["--out", str(tmp_path / "out")] * (
        args[0] in ("render", "feed")
    )
    assert_user_error(runner.invoke(app, args), message)
    assert not (tmp_path / "out" / "feed.xml").exists()


@pytest.mark.parametrize("size", ["abc", "-1", "0", "99999999999999999999999"])
def test_a_bad_cache_size_setting_is_one_line(
    size: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUDIOPAPER_CACHE_MB", size)
    result = runner.invoke(
        app, ["render", str(EXAMPLE_PAGE), "--engine", "fake", "--out", str(tmp_path / "out")]
    )
    assert_user_error(result, "AUDIOPAPER_CACHE_MB=")
    assert "must be a whole number of megabytes from 1 to 1048576" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        ("——\n".encode(), "no articles"),
        ("## 只有标题\n".encode(), "no articles"),
        (b"\x00\x01\x02binary", "binary"),
        ("## 标题\n\n正文。\n".encode("utf-16"), "binary"),
    ],
)
def test_bad_pages_are_refused(content: bytes, message: str, tmp_path: Path) -> None:
    page = tmp_path / "bad.md"
    page.write_bytes(content)
    result = runner.invoke(app, ["render", str(page), "--engine", "fake", "--out", str(tmp_path / "out")])
    assert_user_error(result, message)
    assert not (tmp_path / "out" / "feed.xml").exists()


def test_voices_lists_profiles() -> None:
    result = runner.invoke(app, ["voices"])
    assert result.exit_code == 0, result.output
    assert "standard" in result.stdout and "elder" in result.stdout


def test_feed_rebuilds_from_out(tmp_path: Path) -> None:
    out = tmp_path / "out"
    rendered = runner.invoke(
        app,
        [
            "render",
            str(EXAMPLE_PAGE),
            "--date",
            "2025-03-14",
            "--out",
            str(out),
            "--engine",
            "fake",
        ],
    )
    assert rendered.exit_code == 0, rendered.output
    (out / "feed.xml").unlink()
    result = runner.invoke(app, ["feed", "--out", str(out), "--base-url", "https://news.example/"])
    assert result.exit_code == 0, result.output
    assert (
        "https://news.example/editions/2025-03-14/jin-ri-xin-wen-2025-03-14.mp3"
        in (out / "feed.xml").read_text()
    )


def test_version() -> None:
    from audiopaper import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"audiopaper {__version__}\n"


def test_feed_options_are_kept_and_checked(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "editions").mkdir(parents=True)
    result = runner.invoke(
        app, ["feed", "--out", str(out), "--owner-email", "radio@example.org", "--publish-hour", "7"]
    )
    assert result.exit_code == 0, result.output
    show = json.loads((out / "show.json").read_text(encoding="utf-8"))
    assert show["owner_email"] == "radio@example.org" and show["publish_hour"] == 7
    result = runner.invoke(app, ["feed", "--out", str(out), "--time-zone", "Nowhere/Land"])
    assert_user_error(result, "error: unknown time zone 'Nowhere/Land'; use a name like Asia/Shanghai")
    assert json.loads((out / "show.json").read_text(encoding="utf-8"))["publish_hour"] == 7


def test_sample_script_is_clean_for_the_offline_voice(sample_page: Path) -> None:
    from audiopaper.voice.offline import OFFLINE_TRAITS

    result = runner.invoke(app, ["script", str(sample_page), "--json"])
    assert result.exit_code == 0, result.output
    spoken = [s for a in json.loads(result.stdout)["articles"] for s in a["spoken"]]
    assert len(spoken) > 100
    for sentence in spoken:
        assert not re.search(r"[0-9A-Za-z]", sentence), sentence
        assert not re.search(r"[!-/:-@\[-`{-~]", sentence), sentence
        assert len(sentence) <= OFFLINE_TRAITS.max_sentence_chars, sentence


def test_script_reads_the_presenter_forms_page() -> None:
    page = Path(__file__).parent / "text" / "pages" / "presenter-forms.md"
    result = runner.invoke(app, ["script", str(page), "--json"])
    assert result.exit_code == 0, result.output
    spoken = "".join(s for a in json.loads(result.stdout)["articles"] for s in a["spoken"])
    assert not re.search(r"[0-9A-Za-z]", spoken)
    for reading in (
        "二零二五城市书香节将于七月二日",
        "（二零一九到二零二四）",
        "每两年",
        "兰亭路至世纪大道",
        "六二零杠二路",
        "高达九千万元",
        "每人每天二十元",
        "十毫克每千克",
        "据世卫组织建议",
    ):
        assert reading in spoken, reading


def test_an_escaped_exception_is_not_taken_for_a_user_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under CliRunner a crash also exits 1 without a traceback in the output: the check must see it."""
    import audiopaper.cli

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug, not a user error")

    monkeypatch.setattr(audiopaper.cli, "read_and_clean", crash)
    result = runner.invoke(app, ["script", str(EXAMPLE_PAGE)])
    assert result.exit_code == 1  # what the old checks looked at
    with pytest.raises(AssertionError, match="escaped: RuntimeError"):
        assert_user_error(result, "")


def test_a_user_error_through_the_installed_entry_point_is_one_line(tmp_path: Path) -> None:
    """The real program (not CliRunner): one `error:` line on stderr, nothing on stdout, exit 1."""
    import subprocess
    import sys

    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from audiopaper.cli import main; main()",
            "script",
            str(tmp_path / "missing.md"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("error: ") and "no such file" in line


def test_render_refuses_a_directory_that_is_not_an_audiopaper_output(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "letter.txt").write_text("mine", encoding="utf-8")
    (home / ".draft.tmp").write_text("mine too", encoding="utf-8")
    result = runner.invoke(app, ["render", str(EXAMPLE_PAGE), "--engine", "fake", "--out", str(home)])
    assert_user_error(result, "is not an audiopaper output")
    assert sorted(p.name for p in home.iterdir()) == [".draft.tmp", "letter.txt"]
