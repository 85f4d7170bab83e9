"""The indicator package stays pure (no Flask, no database), so the services, the API, the
CLI and a benchmark can all use the same rules: its modules import only the standard
library and one another."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.purity import app_modules, imports_of, loaded_by

PACKAGE = Path(__file__).resolve().parents[2] / "feedback"
INDICATORS = PACKAGE / "indicators"
MODULES = sorted(p.stem for p in INDICATORS.glob("*.py"))
OURS = {"feedback.indicators", *(f"feedback.indicators.{m}" for m in MODULES)}

# A bare "feedback" package stands in for feedback/__init__.py (which imports Flask).
PROBE = """
import json, sys, types
package = types.ModuleType("feedback")
package.__path__ = [sys.argv[1]]
sys.modules["feedback"] = package
from feedback.indicators import consistency, identity, numbers, tables
text = "| Chỉ tiêu | Mục tiêu | Thực hiện |\\n|---|---|---|\\n| GRDP (USD) | 8.000 | 7.150 |\\n"
table = tables.find_tables(text)[0]
rows = tables.indicator_rows(table, tables.recognise_columns(table.header))
counts = consistency.count([numbers.assess(r.target, r.actual, None) for r in rows])
consistency.check_text(text + "Có 1/1 chỉ tiêu chưa đạt; GRDP đạt 7.200 USD.", counts, rows)
identity.match_rows(["a"], ["b"])
tables.replace_cells(text, 0, 0, {2: "7.200"})
print(json.dumps(sorted(sys.modules)))
"""


@pytest.mark.parametrize("name", MODULES)
def test_modules_import_only_the_standard_library_and_each_other(name: str) -> None:
    imported = imports_of(INDICATORS / f"{name}.py")
    ours = {n for n in imported if n.split(".")[0] == "feedback"}
    others = {n.split(".")[0] for n in imported} - {"feedback", "__future__"}
    assert ours <= OURS, f"{name} imports app code: {ours - OURS}"
    assert others <= sys.stdlib_module_names


def test_using_the_package_loads_no_app_code() -> None:
    loaded = loaded_by(PROBE, PACKAGE)
    assert app_modules(loaded, OURS) == []
    assert {f"feedback.indicators.{m}" for m in ("consistency", "numbers", "tables")} <= set(loaded)
