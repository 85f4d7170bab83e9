"""Where a page's time goes: pyinstrument over in-process requests (not a test).

    python -m bench.profile_pages [page ...]          # pages: section dashboard report queue docx
    BENCH_PROFILE_DB=/tmp/pages.sqlite3 python -m bench.profile_pages section
    BENCH_PAGE_CACHE_MB=0 python -m bench.profile_pages section   # building, not serving

Builds the data set of ``make bench-pages`` (kept in BENCH_PROFILE_DB when given, and
reused next time), then prints pyinstrument's call tree of BENCH_PROFILE_REPS (20) requests
to each page, after a warm-up. Needs ``pip install pyinstrument`` (not a dependency).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_pages import PASSWORD, build_database  # noqa: E402

REPS = int(os.environ.get("BENCH_PROFILE_REPS", "20"))


def main(pages: list[str]) -> int:
    from pyinstrument import Profiler

    from feedback import create_app

    path = Path(os.environ.get("BENCH_PROFILE_DB") or tempfile.mktemp(suffix=".sqlite3"))
    url = f"sqlite:///{path}"
    if not path.exists():
        build_database(url)
    # BENCH_PAGE_CACHE_MB=0: what a page costs to build, not to serve again from memory.
    cache = int(os.environ.get("BENCH_PAGE_CACHE_MB", "32"))
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "FEEDBACK_PAGE_CACHE_MB": cache}
    )
    clients = {}
    for name in ("chair", "drafter"):
        client = app.test_client()
        page = client.get("/login").data
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
        done = client.post(
            "/login", data={"csrf_token": token, "username": name, "password": PASSWORD}
        )
        assert done.status_code == 302, done.status_code
        clients[name] = client
    urls = {
        "section": ("drafter", "/sections/18"),
        "dashboard": ("chair", "/reports/1/dashboard"),
        "report": ("chair", "/reports/1"),
        "queue": ("drafter", "/reports/1/review"),
        "docx": ("chair", "/reports/1/editions/3/export.docx"),
    }
    for page in pages or list(urls):
        who, target = urls[page]
        client = clients[who]
        assert client.get(target).status_code == 200
        profiler = Profiler(interval=0.0005)
        started, cpu = time.perf_counter(), time.process_time()
        profiler.start()
        for _ in range(REPS):
            client.get(target)
        profiler.stop()
        per = (time.perf_counter() - started) * 1000 / REPS
        cpu = (time.process_time() - cpu) * 1000 / REPS
        print(
            f"\n===== {page} {target}: {per:.1f} ms ({cpu:.1f} ms CPU) per request (profiled) ====="
        )
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
