"""The house rules a newcomer relies on, checked on every run (STYLE.md, issue 10):
no import cycle inside ``feedback/``, modules a reader can hold in their head, functions
cut into named steps, no tangle of branches above radon grade C."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from radon.complexity import cc_rank, cc_visit

PACKAGE = Path(__file__).resolve().parents[1] / "feedback"
MAX_MODULE_LINES = 500
LONG_MODULES_ALLOWED = {"feedback.textdiff"}  # the diff engine, one algorithm
MAX_FUNCTION_LINES = 80


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for _ in range(node.level - 1):
        package = package.rsplit(".", 1)[0]
    return f"{package}.{node.module}" if node.module else package


def _imports(module: str, path: Path) -> set[str]:
    """Every feedback module ``module`` imports, at the top or inside a function: the
    submodule when a name is one (``from . import rounds``), else the module or package
    the name comes from (``from . import bp`` imports the package's ``__init__``)."""
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, path, node)
            for alias in node.names:
                targets.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {t for t in targets if t in MODULES and t != module}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_finds_a_cycle_when_there_is_one():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_inside_the_package():
    graph = {module: _imports(module, path) for module, path in MODULES.items()}
    assert _cycles(graph) == []


def test_permissions_import_nothing_above_auth():
    allowed = {"feedback.auth.models", "feedback.errors", "feedback.extensions"}
    imported = _imports("feedback.permissions", MODULES["feedback.permissions"])
    assert imported <= allowed | {"feedback.models_base"}


def test_reports_never_use_review():
    for module, path in MODULES.items():
        if module.startswith("feedback.reports"):
            assert not {m for m in _imports(module, path) if m.startswith("feedback.review")}, (
                module
            )


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_short(module):
    if module in LONG_MODULES_ALLOWED:
        return
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= MAX_MODULE_LINES, f"{module} has {lines} lines; look for the seam"


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


@pytest.mark.parametrize("module", sorted(MODULES))
def test_functions_are_cut_into_named_steps(module):
    tree = ast.parse(MODULES[module].read_text())
    long = {
        f.name: f.end_lineno - f.lineno + 1
        for f in _functions(tree)
        if f.end_lineno - f.lineno + 1 > MAX_FUNCTION_LINES
    }
    assert long == {}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_function_above_complexity_grade_c(module):
    blocks = cc_visit(MODULES[module].read_text())
    tangled = {b.fullname: cc_rank(b.complexity) for b in blocks if cc_rank(b.complexity) > "C"}
    assert tangled == {}
