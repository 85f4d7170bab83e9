"""feedback/textdiff.py stays pure: stdlib and the diff-match-patch packages only, so the
benchmark and any worker can use it without Flask, SQLAlchemy or the rest of the app."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

MODULE = Path(__file__).resolve().parents[2] / "feedback" / "textdiff.py"
ALLOWED_THIRD_PARTY = {"fast_diff_match_patch", "diff_match_patch"}
FORBIDDEN = ("flask", "sqlalchemy", "feedback")

# Loaded by file path, so feedback/__init__.py (which imports Flask) never runs; then
# exercised, so that lazy imports inside functions would show up too.
PROBE = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("textdiff_probe", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
spec.loader.exec_module(module)
module.render_html(module.diff_words("Tốc độ tăng 10,7%", "Tốc độ tăng 10,9%"))
module.conflict_html(module.rebase("a b c", "a x c", "a y c"), "current")
module.reanchor(module.make_anchor("một hai ba", 4, 7), "một hai bốn")
print(json.dumps(sorted(sys.modules)))
"""


def test_loading_and_using_it_imports_no_app_code() -> None:
    run = subprocess.run(
        [sys.executable, "-I", "-c", PROBE, str(MODULE)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    loaded = json.loads(run.stdout)
    offending = [
        name
        for name in loaded
        if name != "textdiff_probe" and name.split(".")[0].lower().startswith(FORBIDDEN)
    ]
    assert offending == []


def test_imports_are_stdlib_or_diff_match_patch() -> None:
    tree = ast.parse(MODULE.read_text(encoding="utf-8"))
    imported = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"relative import from {node.module!r}"
            imported.append(node.module or "")
    roots = {name.split(".")[0] for name in imported}
    assert roots, "no imports found: is the path right?"
    assert roots - sys.stdlib_module_names - {"__future__"} <= ALLOWED_THIRD_PARTY
