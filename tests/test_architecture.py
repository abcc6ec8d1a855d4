"""The package's shape: imports point one way along the stages, no cycles, small modules.

Walks every import with ``ast``, including imports inside functions, so a lazy import
cannot hide a dependency against the stage order.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "audiopaper"

STAGE_RANK = {
    "errors": 0,
    "profiles": 0,
    "memo": 0,
    "values": 0,
    "text": 1,
    "voice": 2,
    "audio": 3,
    "publish": 4,
    "pipeline": 5,
    "recipe": 5,
    "archive": 6,
    "watch": 6,
    "cli": 7,
    "command_options": 7,
}
"""Where each top-level part sits: a module may import only parts of its own rank or lower
(errors, profiles, memo and values are leaves everyone may use)."""

ENGINE_IMPLEMENTATIONS = {"audiopaper.voice.offline", "audiopaper.voice.edge", "audiopaper.voice.fake"}
"""Modules only the registry may import."""

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
WAIVER = "# long:"
"""A comment starting so, on a function's def line or the line above it, says why it is longer."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, name: str) -> set[str]:
    """Every audiopaper module ``path`` imports, wherever the import statement is."""
    found: set[str] = set()
    known = modules()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in known else base)
    return {module for module in found if module in known and module != name}


def graph() -> dict[str, set[str]]:
    return {name: imports_of(path, name) for name, path in modules().items()}


def part(module: str) -> str:
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "package"


def test_every_part_has_a_rank() -> None:
    unranked = {part(m) for m in modules()} - set(STAGE_RANK) - {"package"}
    assert not unranked, f"give these a stage rank: {unranked}"


def test_imports_follow_the_stage_order() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        for target in targets
        if part(module) != "package"
        and part(target) != "package"
        and STAGE_RANK[part(target)] > STAGE_RANK[part(module)]
    ]
    assert not wrong, "\n".join(wrong)


def test_there_is_no_import_cycle() -> None:
    edges = graph()
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not cycles, "\n".join(cycles)


def test_only_the_registry_imports_engine_implementations() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        for target in targets & ENGINE_IMPLEMENTATIONS
        if module != "audiopaper.voice.registry"
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(modules()))
def test_modules_and_functions_are_small(name: str) -> None:
    path = modules()[name]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_MODULE_LINES or any(WAIVER in line for line in lines[:12]), (
        f"{name} has {len(lines)} lines; split it, or say why at its top with '{WAIVER}'"
    )
    long_functions = []
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            nearby = lines[max(0, first - 2) : node.lineno]
            if length > MAX_FUNCTION_LINES and not any(WAIVER in line for line in nearby):
                long_functions.append(f"{node.name} ({length} lines)")
    assert not long_functions, f"{name}: split these or say why with '{WAIVER}': {long_functions}"


def test_the_walker_sees_imports_inside_functions(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text(
        "def f():\n    from audiopaper.voice import registry\n    import audiopaper.text.clean\n"
    )
    assert imports_of(source, "probe") == {"audiopaper.voice.registry", "audiopaper.text.clean"}
