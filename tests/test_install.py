"""The package as users install it: a wheel in a fresh virtualenv, run from another directory.

Everything the program reads (profiles, lexicon, the voice's models) must come from the
installed package, not from this checkout.

Installing every dependency into a fresh virtualenv costs about 600 MB of copying and
minutes, so the fast check installs the wheel alone (``--no-deps``) into a new
virtualenv that borrows this one's dependencies through a path file, and proves the
program then runs from the wheel's files. Under .ci/run (``AUDIOPAPER_CI``) the full
install, dependencies and all, runs too, on a second Python version where the machine has
one (pyenv keeps several).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import CI_ENV, under_ci

ROOT = Path(__file__).resolve().parent.parent
SUPPORTED = ("3.11", "3.12", "3.13")

PAGE = "## 河边新修步道\n\n本报讯 河边新修了一条步道，全长三公里，晚上散步的人多了。\n"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(directory),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = directory.glob("audiopaper-*.whl")
    return built


def candidates(version: str) -> list[str]:
    """Where a Python of ``version`` may be: on PATH, or among pyenv's versions (whose PATH
    shims refuse versions that are not selected)."""
    found = [path for path in [shutil.which(f"python{version}")] if path]
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found += [str(path) for path in sorted(root.glob(f"{version}.*/bin/python{version}"))]
    return found


def other_python() -> str | None:
    """An interpreter of another supported minor version than this one, if the machine has one."""
    mine = f"{sys.version_info.major}.{sys.version_info.minor}"
    for version in SUPPORTED:
        if version == mine:
            continue
        for found in candidates(version):
            probe = subprocess.run([found, "-c", "import sys"], capture_output=True)
            if probe.returncode == 0:
                return found
    return None


def borrowing_venv(work: Path) -> Path:
    """A new virtualenv of this interpreter, without pip, that sees this environment's
    dependencies after its own site-packages (a .pth line adds a path, but runs none of
    that directory's own .pth files, so this checkout's editable install stays invisible)."""
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (site_packages,) = venv.glob("lib/python*/site-packages")
    ours = [path for path in sys.path if path.endswith("site-packages") and Path(path).is_dir()]
    (site_packages / "borrowed-dependencies.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    return venv


def install_wheel(venv: Path, wheel: Path, *, with_dependencies: bool) -> None:
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet"]
    if not with_dependencies:
        pip.append("--no-deps")
    done = subprocess.run([*pip, str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def fresh_venv(python: str, work: Path) -> Path:
    venv = work / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    return venv


def run_from_elsewhere(venv: Path, work: Path) -> None:
    """The installed program, from a directory with no voices/ that is not the checkout,
    imports audiopaper from the virtualenv, lists the packaged profiles and renders."""
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "page.md").write_text(PAGE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AUDIOPAPER_VOICES")}
    env["AUDIOPAPER_CACHE_DIR"] = str(work / "cache")

    def run(program: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(venv / "bin" / program), *args], cwd=elsewhere, env=env, capture_output=True, text=True
        )

    where = run("python", "-c", "import audiopaper; print(audiopaper.__file__)")
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).resolve().is_relative_to(venv.resolve()), where.stdout
    voices = run("audiopaper", "voices")
    assert voices.returncode == 0, voices.stderr
    assert "standard" in voices.stdout and "elder" in voices.stdout
    rendered = run(
        "audiopaper", "render", "page.md", "--date", "2025-03-14", "--out", "out", "--engine", "offline",
        "--jobs", "1",
    )  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr
    mp3 = Path(elsewhere / rendered.stdout.strip())
    assert mp3.is_file() and mp3.stat().st_size > 10_000


def test_every_package_directory_goes_into_the_wheel() -> None:
    """pyproject.toml lists the packages by hand (voices/ is mapped in): a new one must be added."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        listed = set(tomllib.load(file)["tool"]["setuptools"]["packages"])
    found = {
        ".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "audiopaper").rglob("__init__.py")
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"


def test_every_data_file_goes_into_the_wheel() -> None:
    """Rules kept as data (TOML), the player's CSS and JS: each must match package-data, or an
    installed audiopaper fails where a clone works."""
    import fnmatch

    with (ROOT / "pyproject.toml").open("rb") as file:
        patterns = tomllib.load(file)["tool"]["setuptools"]["package-data"]
    missing = []
    for path in (ROOT / "audiopaper").rglob("*"):
        if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(ROOT)
        package = ".".join(relative.parent.parts)
        owners = [(name, glob) for name, globs in patterns.items() for glob in globs]
        if not any(
            package.startswith(name) and fnmatch.fnmatch(str(relative.relative_to(*name.split("."))), glob)
            for name, glob in owners
        ):
            missing.append(str(relative))
    assert missing == [], "add these to [tool.setuptools.package-data] in pyproject.toml"


@pytest.mark.slow
def test_wheel_installs_and_runs_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    venv = borrowing_venv(tmp_path)
    install_wheel(venv, wheel, with_dependencies=False)
    run_from_elsewhere(venv, tmp_path)


@pytest.mark.slow
def test_wheel_installs_with_its_dependencies_on_a_second_python(wheel: Path, tmp_path: Path) -> None:
    """Every dependency from the wheel's own metadata, on another Python version where the
    machine has one (else this one): only under .ci/run."""
    if not under_ci():
        pytest.skip(f"the full install runs under .ci/run ({CI_ENV}=1): about 600 MB")
    python = other_python() or sys.executable
    venv = fresh_venv(python, tmp_path)
    install_wheel(venv, wheel, with_dependencies=True)
    run_from_elsewhere(venv, tmp_path)
