"""A non-editable install works: ``python -m tests.check_install`` (``make check-install``).

Installs the locked dependencies and then the package itself with ``pip install .`` (a
built wheel, not the checkout) into a fresh virtualenv, checks that every file git tracks
under feedback/, templates/ and migrations/ is in it, then, from a folder outside the
checkout: migrates a new SQLite database, loads the demo, starts gunicorn on
``feedback:create_app()`` and checks the login page (in Vietnamese, from the compiled
catalogue), a static file, and a login through the API. Exits 1 on any failure.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str, cwd: Path, env: dict | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"FAIL {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    return done.stdout


def installed_name(tracked: str) -> str:
    """Where a tracked file lands in site-packages (setup.py's package_dir)."""
    for top in ("templates/", "migrations/"):
        if tracked.startswith(top):
            return "feedback/" + tracked
    return tracked


def check_files(site: Path) -> None:
    tracked = run("git", "ls-files", "feedback", "templates", "migrations", cwd=ROOT).split()
    missing = [t for t in tracked if not (site / installed_name(t)).is_file()]
    if missing:
        sys.exit(f"FAIL the wheel lacks {len(missing)} tracked files, e.g. {missing[:5]}")
    catalogue = site / "feedback/translations/vi/LC_MESSAGES/messages.mo"
    if not catalogue.is_file():
        sys.exit("FAIL the wheel has no compiled catalogue (messages.mo)")
    print(f"PASS all {len(tracked)} tracked files and the compiled catalogue are installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, data: dict | None = None) -> tuple[int, str]:
    body = json.dumps(data).encode() if data is not None else None
    headers = {"Content-Type": "application/json"} if body else {}
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def serve_and_check(venv: Path, work: Path, env: dict) -> None:
    port = free_port()
    server = subprocess.Popen(
        [str(venv / "bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "feedback:create_app()"],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        status, page = get(base + "/login")
        if status != 200 or "Đăng nhập" not in page:
            sys.exit(f"FAIL /login: {status}\n{page[:500]}")
        print("PASS /login is served, in Vietnamese")
        status, css = get(base + "/static/app.css")
        if status != 200 or not css.strip():
            sys.exit(f"FAIL /static/app.css: {status}")
        print("PASS /static/app.css is served")
        status, token = get(
            base + "/api/v1/tokens", {"username": "chutich", "password": "Demo@2025"}
        )
        if status not in (200, 201) or "token" not in token:
            sys.exit(f"FAIL API login: {status} {token[:300]}")
        print("PASS a demo user logs in through the API")
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="feedback-install-") as tmp:
        work = Path(tmp)
        venv = work / "venv"
        run(sys.executable, "-m", "venv", str(venv), cwd=work)
        pip = [str(venv / "bin/pip"), "install", "-q", "--disable-pip-version-check"]
        run(*pip, "--require-hashes", "-r", str(ROOT / "requirements.lock"), cwd=work)
        run(*pip, "--no-deps", str(ROOT), cwd=work)
        python = str(venv / "bin/python")
        where = run(python, "-c", "import feedback; print(feedback.__file__)", cwd=work)
        site = Path(where.strip()).parent.parent
        if ROOT in Path(where.strip()).parents:
            sys.exit(f"FAIL the checkout was imported, not the wheel: {where}")
        print(f"PASS pip install . (not editable): {site}")
        check_files(site)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "FEEDBACK_"))},
            "DATABASE_URL": "sqlite:///" + str(work / "check.sqlite3"),
            "FLASK_APP": "feedback",
        }
        flask = str(venv / "bin/flask")
        for command in (("db", "upgrade"), ("demo", "load"), ("renders", "rebuild")):
            run(flask, *command, cwd=work, env=env)
        print("PASS flask db upgrade, demo load, renders rebuild from outside the checkout")
        serve_and_check(venv, work, env)
    print("check-install: all passed")


if __name__ == "__main__":
    main()
