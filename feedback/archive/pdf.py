"""PDFs of .docx files made by LibreOffice (``soffice --headless --convert-to pdf``).

Run as a separate program with a profile of its own in a temporary directory (a shared
profile locks, and a user's settings would leak in), all files in one run.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 300


def executable(configured: str | None = None) -> str | None:
    """The LibreOffice program to run, or None when it is not installed."""
    if configured:
        return shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(program: str, documents: dict[str, bytes]) -> dict[str, bytes]:
    """Each .docx of ``documents`` (name -> bytes; names are plain file stems) as PDF
    bytes, by name. Raises ``RuntimeError`` with LibreOffice's words when it fails."""
    if not documents:
        return {}
    with tempfile.TemporaryDirectory(prefix="archive-pdf-") as work:
        root = Path(work)
        sources = []
        for name, data in documents.items():
            source = root / "in" / f"{name}.docx"
            source.parent.mkdir(exist_ok=True)
            source.write_bytes(data)
            sources.append(source)
        out = root / "out"
        try:
            subprocess.run(
                [
                    program,
                    f"-env:UserInstallation=file://{root / 'profile'}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(out),
                    *map(str, sources),
                ],
                check=True,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise RuntimeError(f"LibreOffice could not convert the editions: {error}") from error
        results = {}
        for name in documents:
            pdf = out / f"{name}.pdf"
            if not pdf.exists():
                raise RuntimeError(f"LibreOffice wrote no PDF of {name}.docx")
            results[name] = pdf.read_bytes()
        return results
