"""Benchmark the Word import: a ~60-page report .docx, built from the demo report
repeated, read and imported.

Run from the repository root:  python -m bench.bench_import   (make bench-import)

The document is written by pandoc from feedback/demo_report.md repeated (headings with
typed numbers, the indicator table, lists), its pages counted by LibreOffice's PDF
(pdfinfo) when both are installed. Timed, as medians of 3 runs:

- ``read``: feedback.wordimport.reader.read_docx (checks, structure, pandoc, split);
- ``import``: the whole use case (uploads.import_draft) into a fresh SQLite database,
  flushed and committed, as POST /api/v1/reports/import does it.

Target: the import under 10 s. Writes bench/results/import.json; exits 1 over target.
"""

from __future__ import annotations

import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pypandoc  # noqa: E402

from feedback import create_app  # noqa: E402
from feedback.extensions import db  # noqa: E402
from feedback.wordimport.reader import read_docx  # noqa: E402

TARGET_S = 10.0
PAGES = 60


def report_markdown(copies: int) -> str:
    demo = (ROOT / "feedback" / "demo_report.md").read_text(encoding="utf-8")
    lines = demo.split("\n")
    title, body = lines[0], "\n".join(lines[1:])
    parts = [title] + [body.replace("## I. ", f"## {copy}.I. ") for copy in range(1, copies + 1)]
    return "\n".join(parts)


def build_docx(copies: int, folder: Path) -> Path:
    target = folder / f"report-{copies}.docx"
    source = folder / f"report-{copies}.md"
    source.write_text(report_markdown(copies), encoding="utf-8")
    subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", "markdown", "-o", str(target), str(source)],
        check=True,
    )
    return target


def pages(docx: Path) -> int | None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if not office or not shutil.which("pdfinfo"):
        return None
    subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(docx.parent), str(docx)],
        check=True,
        capture_output=True,
    )
    info = subprocess.run(
        ["pdfinfo", str(docx.with_suffix(".pdf"))], check=True, capture_output=True, text=True
    ).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))


def sixty_pages(folder: Path) -> tuple[Path, int | None]:
    one = build_docx(1, folder)
    per_copy = pages(one)
    if per_copy is None:
        return build_docx(12, folder), None
    copies = max(1, -(-PAGES // per_copy))
    document = build_docx(copies, folder)
    count = pages(document)
    while count is not None and count < PAGES:
        copies += 1
        document = build_docx(copies, folder)
        count = pages(document)
    return document, count


def _median(run, times: int = 3) -> float:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def time_import(data: bytes, folder: Path) -> float:
    from flask_migrate import upgrade

    from feedback.auth.services import create_user
    from feedback.reports import uploads

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/import.sqlite3",
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        drafter = create_user(
            None,
            username="drafter",
            name="Tổ soạn thảo",
            role="drafter",
            password="Bench-pass-1",
            skip_password_policy=True,
        )
        db.session.commit()

        def run():
            uploads.import_draft(drafter, title=None, filename="bao-cao.docx", data=data)
            db.session.commit()

        return _median(run)


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="feedback-import-bench-"))
    document, page_count = sixty_pages(folder)
    data = document.read_bytes()
    draft = read_docx(data)
    read_s = _median(lambda: read_docx(data))
    import_s = time_import(data, folder)
    result = {
        "machine": platform.platform(),
        "pages": page_count,
        "bytes": len(data),
        "sections": len(draft.sections),
        "tables": sum(s.tables for s in draft.sections),
        "read_s": round(read_s, 2),
        "import_s": round(import_s, 2),
        "target_s": TARGET_S,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "import.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if import_s < TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
