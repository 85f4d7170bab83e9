"""LibreOffice and poppler for the document tests: convert with a private profile, read
a PDF's text back, write PNGs of its pages under test-artifacts/documents/.

A machine without them skips those tests, saying why; in CI (env CI set) that is a
failure instead: .ci/run installs them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
TOOLS = ("pdftotext", "pdftoppm", "pdfinfo")


def soffice() -> str:
    """The LibreOffice executable, or skip (fail in CI) when it is not installed."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if found is None or missing:
        what = "LibreOffice (soffice)" if found is None else ", ".join(missing)
        message = f"{what} not installed: apt-get install libreoffice-writer-nogui poppler-utils"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI must run the document tests)")
        pytest.skip(message)
    return found


def convert(sources: list[Path], target: str, outdir: Path) -> list[Path]:
    """``sources`` converted to ``target`` ("pdf", "docx") in one LibreOffice run, with a
    profile of its own (a shared one locks, and a user's settings would leak in)."""
    executable = soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [
                executable,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(outdir),
                *map(str, sources),
            ],
            check=True,
            capture_output=True,
            timeout=240,
        )
    results = [outdir / f"{source.stem}.{target}" for source in sources]
    for result in results:
        assert result.exists(), f"LibreOffice wrote no {result.name}"
    return results


def pdf_text(pdf: Path, page: int | None = None) -> str:
    """The PDF's text in NFC (pdftotext may decompose), one space for any run of blanks
    within a line; lines kept."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(
        ["pdftotext", "-layout", *pages, str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    lines = (" ".join(line.split()) for line in unicodedata.normalize("NFC", out).splitlines())
    return "\n".join(line for line in lines if line)


def flat(text: str) -> str:
    """Text with every line break a space: a phrase wrapped by the layout still matches."""
    return " ".join(text.split())


def page_count(pdf: Path) -> int:
    info = subprocess.run(
        ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def snapshots(pdf: Path, name: str, pages: int = 2) -> list[Path]:
    """PNGs of the first ``pages`` pages at 60 dpi, for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = ARTIFACTS / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", str(pages), str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))
