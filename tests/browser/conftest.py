"""Browser tests: the app under gunicorn with the demo data, driven by Debian's Chromium.

Chromium is launched by Playwright with ``executable_path`` (never ``playwright
install``). Without Chromium the tests are skipped with a message -- except in CI
(``CI`` set), where they must run. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def pytest_collection_modifyitems(config, items):
    if _chromium() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(
        reason="Chromium is not installed (apt-get install chromium); browser tests skipped"
    )
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _flask(env, *args):
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """gunicorn with two workers on a fresh database loaded with the demo data."""
    yield from serve_demo(tmp_path_factory)


def serve_demo(tmp_path_factory):
    """Start gunicorn on a fresh demo database, yield its address, stop it. A module
    whose test changes the demo's figures serves its own copy (a module-scoped
    ``live_server``), so the other modules still see the demo as loaded."""
    env = dict(
        os.environ,
        SECRET_KEY="browser-tests",
        FEEDBACK_ENV="development",
        FEEDBACK_LOGIN_LIMIT="1000 per minute",
        FEEDBACK_LOGIN_IP_LIMIT="1000 per minute",
    )
    cleanup = None
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        from tests import pgadmin

        server, _name = base.rsplit("/", 1)
        name = f"feedback_browser_{uuid.uuid4().hex[:10]}"
        pgadmin.create(server, name)
        env["DATABASE_URL"] = f"{server}/{name}"
        cleanup = lambda: pgadmin.drop(server, name)  # noqa: E731
    else:
        env["DATABASE_URL"] = "sqlite:///" + str(
            tmp_path_factory.mktemp("browser") / "demo.sqlite3"
        )
    _flask(env, "db", "upgrade")
    _flask(env, "demo", "load")
    port = _free_port()
    log = open(tmp_path_factory.mktemp("gunicorn") / "gunicorn.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/login", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("gunicorn did not start; see " + log.name) from None
            time.sleep(0.2)
    yield {"url": url, "env": env}
    process.terminate()
    process.wait(timeout=15)
    log.close()
    if cleanup:
        cleanup()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    if executable is None:
        pytest.fail("CI is set but Chromium is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


# Any Content-Security-Policy violation becomes a console error, which fails the test.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def new_page(browser, live_server, request):
    """Pages in fresh contexts with other settings (``locale="en-US"``, a phone's
    ``viewport``, ``java_script_enabled=False``): ``new_page(**context_options)``. The
    test fails on any JavaScript error, console error or Content-Security-Policy
    violation in any of them."""
    contexts, errors = [], []

    def open_page(**options):
        options = {"locale": "vi-VN", "accept_downloads": True, **options}
        context = browser.new_context(base_url=live_server["url"], **options)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                errors.append(f"console {message.type}: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.shots = Screenshots(
            page, request.node.name + (f"-{len(contexts)}" if len(contexts) > 1 else "")
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert errors == [], errors


@pytest.fixture
def page(new_page):
    """A fresh browser context; the test fails on any JavaScript error, console error or
    Content-Security-Policy violation."""
    return new_page()


@pytest.fixture
def page_without_javascript(new_page):
    """A browser context with JavaScript off: the pages must still work."""
    return new_page(java_script_enabled=False)


class Screenshots:
    def __init__(self, page, test_name: str):
        self.page = page
        self.prefix = test_name
        self.n = 0

    def __call__(self, name: str, full_page: bool = True) -> None:
        """The whole page, or (``full_page=False``) what the window shows now."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.n += 1
        self.page.screenshot(
            path=str(ARTIFACTS / f"{self.prefix}-{self.n:02d}-{name}.png"), full_page=full_page
        )


def login(page, username: str, password: str = "Demo@2025") -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    # Each role begins its day where its work is: the chair on the dashboard of the
    # report in consultation, everyone else on the report list.
    page.wait_for_url(lambda url: not url.endswith("/login") and "/start" not in url)


def logout(page) -> None:
    page.click("header form[action='/logout'] button")
    page.wait_for_url("**/login")
