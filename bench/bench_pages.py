"""Page throughput under load: gunicorn (2 sync workers) driven by wrk, as ratios of /healthz.

    make bench-pages                                  # SQLite in a temporary folder
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/<empty db> make bench-pages
    BENCH_SECONDS=3 BENCH_RUNS=1 make bench-pages     # a quick look while working

Generates the provincial-scale data set of ``make bench`` (150 sections, 6,000 comments,
2,000 suggestions, 3 editions; one section carries 100 feedback items), fills the stored
renderings (``flask renders rebuild``, as ``make migrate`` does), starts
``gunicorn --workers 2 bench.pages_wsgi:app``, logs in as the chair and as a drafter, and
drives each page with ``wrk -t2 -c8`` for BENCH_SECONDS (10) after a 2 s warm-up, in the
same run as ``/healthz`` (no session, no database) and as ``/bench/reference`` (200 rows of
one query through a Jinja template, registered only in bench/pages_wsgi.py). It repeats
that BENCH_RUNS (3) times and prints the medians: req/s, p50, p99 and the ratio to
/healthz of the same run. The load average is printed with each run: the machine is shared.

Targets (issue 16): every page at >= 0.2 of /healthz and p99 < 100 ms; where a page cannot,
at least the reference page's ratio. Needs ``wrk`` (Debian package). Results are also
written to ``bench/results/pages-<database>.json``.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_load import Server, log_in, request  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "2"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
PASSWORD = "Bench-pass-1"
TARGET_RATIO, TARGET_P99_MS = 0.2, 100.0


def build_database(url: str) -> dict:
    """The data set of ``make bench`` and its stored renderings; returns the ids."""
    import logging

    from flask_migrate import upgrade

    from bench.bench_app import generate
    from feedback import create_app
    from feedback.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        started = time.perf_counter()
        ids = generate()
        db.session.commit()
        print(f"generated the data set in {time.perf_counter() - started:.0f} s", flush=True)
        db.engine.dispose()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "renders", "rebuild"],
        cwd=ROOT,
        env=_env(url),
        check=True,
        capture_output=True,
        timeout=1800,
    )
    print(f"stored renderings rebuilt in {time.perf_counter() - started:.0f} s", flush=True)
    return ids


def _env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "FEEDBACK_ENV": "development",
        "FEEDBACK_LOGIN_LIMIT": "1000 per minute",
        "FEEDBACK_LOGIN_IP_LIMIT": "1000 per minute",
    }


def cases(ids: dict, chair: str, drafter: str) -> dict[str, tuple[str, str | None]]:
    rid, sid = ids["report"], ids["busy_section"]
    return {
        "/healthz": ("/healthz", None),
        "reference page (200 rows)": ("/bench/reference", None),
        "section page, 100 feedback items": (f"/sections/{sid}", drafter),
        "chair dashboard": (f"/reports/{rid}/dashboard", chair),
        "report page": (f"/reports/{rid}", chair),
        "review queue": (f"/reports/{rid}/review", drafter),
        "edition .docx, second download": (f"/reports/{rid}/editions/3/export.docx", chair),
    }


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(port: int, path: str, cookie: str | None, seconds: float) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--latency"]
    command += ["--timeout", "30s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    out = done.stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)[ \t]*$", out, re.MULTILINE))
    if "Requests/sec" not in out or len(latency) < 2:
        raise RuntimeError(f"wrk on {path} gave no figures:\n{out}\n{done.stderr}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "non_2xx": int(bad.group(1)) if bad else 0,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def drain(port: int) -> None:
    """Wait until the server has answered what wrk left queued (a slow page's backlog
    would otherwise be measured as the next case's time)."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        started = time.perf_counter()
        request(port, "GET", "/healthz", timeout=180)
        if time.perf_counter() - started < 0.05:
            return
        time.sleep(0.5)


def one_run(port: int, table: dict) -> dict:
    results = {}
    for name, (path, cookie) in table.items():
        if WARMUP:
            wrk(port, path, cookie, WARMUP)
            drain(port)
        results[name] = wrk(port, path, cookie, SECONDS)
        drain(port)
    base = results["/healthz"]["rps"]
    for row in results.values():
        row["ratio"] = row["rps"] / base if base else 0.0
    return results


def summarise(runs: list[dict]) -> dict:
    summary = {}
    for name in runs[0]:
        rows = [run[name] for run in runs]
        summary[name] = {
            key: statistics.median(row[key] for row in rows)
            for key in ("rps", "p50_ms", "p99_ms", "ratio")
        }
        summary[name]["non_2xx"] = sum(row["non_2xx"] + row["timeouts"] for row in rows)
    return summary


def print_table(summary: dict, database: str) -> None:
    reference = summary["reference page (200 rows)"]["ratio"]
    print(f"\n{database}: median of {RUNS} runs, wrk -t2 -c{CONNECTIONS} -d{SECONDS:g}s")
    print(f"{'page':36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>7}  verdict")
    for name, row in summary.items():
        verdict = ""
        if name not in ("/healthz", "reference page (200 rows)"):
            if row["ratio"] >= TARGET_RATIO and row["p99_ms"] < TARGET_P99_MS:
                verdict = "target met"
            elif row["ratio"] >= reference:
                verdict = "at or above the reference page"
            else:
                verdict = "below the reference page"
        if row["non_2xx"]:
            verdict += f" ({row['non_2xx']} non-2xx answers or timeouts!)"
        print(
            f"{name:36} {row['rps']:8.1f} {row['p50_ms']:8.1f} {row['p99_ms']:8.1f}"
            f" {row['ratio']:7.3f}  {verdict}"
        )


def main() -> int:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    folder = Path(tempfile.mkdtemp(prefix="feedback-bench-pages-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    database = url.split(":")[0].split("+")[0]
    server = None
    try:
        ids = build_database(url)
        server = Server(_env(url), folder / "gunicorn.log", app="bench.pages_wsgi:app")
        chair = log_in(server.port, "chair", PASSWORD)
        drafter = log_in(server.port, "drafter", PASSWORD)
        table = cases(ids, chair, drafter)
        for path, cookie in table.values():  # every page answers 200, and the first download
            status = request(server.port, "GET", path, headers={"Cookie": cookie or ""}).status
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
        runs, loads = [], []
        for n in range(RUNS):
            load = os.getloadavg()
            runs.append(one_run(server.port, table))
            loads.append([round(x, 2) for x in (*load, *os.getloadavg())])
            print(f"run {n + 1}: load average before {load[0]:.2f}, after {loads[-1][3]:.2f}")
        summary = summarise(runs)
        print_table(summary, database)
    finally:
        if server:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"pages-{database}.json").write_text(
        json.dumps(
            {
                "database": database,
                "seconds": SECONDS,
                "runs": runs,
                "median": summary,
                "load_average": loads,
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
