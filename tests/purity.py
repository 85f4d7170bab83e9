"""What the purity tests share: a module's imports read from its source, and the modules a
probe script loads in a fresh interpreter (so imports inside functions show up too)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

# Packages whose import would mean the app (or its web and database stack) came along.
APP_LIBRARIES = ("flask", "sqlalchemy", "werkzeug", "jinja2")
# "from feedback import textdiff" names a module, not a package's attribute.
PACKAGES = ("feedback", "feedback.richtext", "feedback.indicators")


def imports_of(path: Path) -> list[str]:
    """Absolute names of what the module at *path* imports (a relative import fails)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"relative import from {node.module!r} in {path.name}"
            module = node.module or ""
            if module in PACKAGES:
                imported += [f"{module}.{alias.name}" for alias in node.names]
            else:
                imported.append(module)
    return imported


def loaded_by(probe: str, argument: Path) -> list[str]:
    """The names in sys.modules after *probe* ran in an isolated interpreter; the probe
    prints them as JSON."""
    run = subprocess.run(
        [sys.executable, "-I", "-c", probe, str(argument)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(run.stdout)


def app_modules(loaded: list[str], pure: set[str]) -> list[str]:
    """What of *loaded* is the app's stack, or a module of feedback outside *pure*."""
    return [
        name
        for name in loaded
        if name.split(".")[0].lower() in APP_LIBRARIES
        or (name.startswith("feedback.") and name not in pure)
    ]
