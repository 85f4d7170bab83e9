"""Packaging beyond what pyproject.toml can say: the top-level ``templates/`` and
``migrations/`` folders go into the wheel as ``feedback/templates`` and
``feedback/migrations`` (``feedback.resource_dir`` finds them there), and the
translation catalogues are compiled (.po -> .mo) before the package is built, so
``pip install .`` gives a package that starts, not only a checkout."""

from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# Every kind of file the package reads at run time (tests/check_install.py compares the
# wheel with the files git tracks, so a new kind is not forgotten).
DATA = [
    *("**/*.html", "**/*.txt", "**/*.md", "**/*.json", "**/*.xml", "**/*.docx"),
    *("**/*.mo", "**/*.po", "**/*.pot", "**/*.css", "**/*.js", "**/*.map", "**/*.svg"),
    *("**/*.png", "**/*.ico", "**/*.woff2", "**/*.ini", "**/*.mako", "README"),
]


def compile_catalogues() -> None:
    """What ``pybabel compile`` does (fuzzy entries left out), where a .mo is missing or
    older than its .po."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (ROOT / "feedback" / "translations").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        with mo.open("wb") as target:
            write_mo(target, catalog)


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        compile_catalogues()
        super().run()


setup(
    packages=[
        *find_packages(include=["feedback", "feedback.*"]),
        "feedback.templates",
        "feedback.migrations",
        "feedback.migrations.versions",
    ],
    package_dir={
        "feedback.templates": "templates",
        "feedback.migrations": "migrations",
    },
    package_data={"feedback": DATA, "feedback.templates": DATA, "feedback.migrations": DATA},
    include_package_data=False,
    cmdclass={"build_py": BuildWithCatalogues},
)
