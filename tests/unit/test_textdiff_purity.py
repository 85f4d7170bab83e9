"""The diff engine stays pure, so the benchmark and any worker can use it without Flask,
SQLAlchemy or the rest of the app: feedback/textdiff.py imports only the standard library
and the diff-match-patch packages; the rich-text package (feedback/richtext: the block
model, the structured diff and its HTML) only the standard library, markdown, nh3,
textdiff and its own modules."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.purity import app_modules, imports_of, loaded_by

PACKAGE = Path(__file__).resolve().parents[2] / "feedback"
MODULE = PACKAGE / "textdiff.py"
ALLOWED_THIRD_PARTY = {"fast_diff_match_patch", "diff_match_patch"}
FORBIDDEN = ("flask", "sqlalchemy", "feedback")

# The rich-text package: its modules may import one another and textdiff, nothing else
# of feedback.
RICHTEXT = PACKAGE / "richtext"
STRUCTURED = tuple(sorted(p.stem for p in RICHTEXT.glob("*.py") if p.stem != "__init__"))
PURE = {"feedback.textdiff", "feedback.richtext", *(f"feedback.richtext.{n}" for n in STRUCTURED)}
STRUCTURED_THIRD_PARTY = {"markdown", "nh3"}

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

# The structured modules import "feedback.x": a bare package module stands in for
# feedback/__init__.py (which imports Flask), so only what they import themselves loads.
STRUCTURED_PROBE = """
import importlib, json, sys, types
package = types.ModuleType("feedback")
package.__path__ = [sys.argv[1]]
sys.modules["feedback"] = package
from feedback.richtext import blocks, diff, render
old = "# Chỉ tiêu\\n\\n| A | B |\\n|---|--:|\\n| 1 | **48,5** |\\n\\n- một\\n    - hai\\n\\n    mã"
new = old.replace("48,5", "48,2") + "\\n\\n<table><tr><th colspan=2>x</th></tr></table>"
blocks.canonical(new)
render.render_html(diff.diff(old, new))
print(json.dumps(sorted(sys.modules)))
"""


def test_loading_and_using_it_imports_no_app_code() -> None:
    loaded = loaded_by(PROBE, MODULE)
    offending = [
        name
        for name in loaded
        if name != "textdiff_probe" and name.split(".")[0].lower().startswith(FORBIDDEN)
    ]
    assert offending == []


def test_imports_are_stdlib_or_diff_match_patch() -> None:
    roots = {name.split(".")[0] for name in imports_of(MODULE)}
    assert roots, "no imports found: is the path right?"
    assert roots - sys.stdlib_module_names - {"__future__"} <= ALLOWED_THIRD_PARTY


@pytest.mark.parametrize("name", STRUCTURED)
def test_structured_diff_modules_import_only_pure_code(name: str) -> None:
    imported = imports_of(RICHTEXT / f"{name}.py")
    ours = {n for n in imported if n.startswith("feedback.")}
    others = {n.split(".")[0] for n in imported if not n.startswith("feedback")}
    assert ours <= PURE, f"{name} imports app code: {ours - PURE}"
    assert "feedback" not in {n for n in imported}, "import feedback itself runs Flask"
    assert others - sys.stdlib_module_names - {"__future__"} <= STRUCTURED_THIRD_PARTY


def test_using_the_structured_diff_imports_no_app_code() -> None:
    loaded = loaded_by(STRUCTURED_PROBE, PACKAGE)
    assert app_modules(loaded, PURE) == []
    assert {f"feedback.richtext.{name}" for name in ("blocks", "diff", "render")} <= set(loaded)
