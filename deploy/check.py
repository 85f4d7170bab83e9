"""``make deploy-check``: the reference deployment, for real, on this machine's loopback.

It starts what deploy/ describes, from the same files:

* a fresh PostgreSQL database on the local server (``DEPLOY_CHECK_PG``, default
  ``postgresql+psycopg://postgres@127.0.0.1:5432``), migrated by ``deploy/entrypoint.sh
  migrate`` and loaded with the demo;
* the local Redis (``DEPLOY_CHECK_REDIS``, default ``redis://127.0.0.1:6379/13``: a
  database number of its own, emptied first) for the shared login throttle;
* two application instances, ``deploy/entrypoint.sh web`` (gunicorn with
  deploy/gunicorn.conf.py) on two ports, and one ``deploy/entrypoint.sh worker``;
* nginx (Debian's) as a foreground process with deploy/nginx/feedback.conf and its two
  snippets, rewritten only for loopback ports, a temporary folder and a self-signed
  certificate made with openssl; the upstream lists both instances.

Then, through nginx over TLS with real HTTP: people log in (a page session and API
tokens), the departments that have not answered yet comment and propose changes
concurrently and their leads submit, both drafters accept suggestions and answer comments
concurrently, and one instance is killed with SIGKILL in the middle of that decision
traffic (clients retry what was cut off with the same Idempotency-Key, as the API
documents). The killed instance is started again; an edition is issued and exported.

Checked against the database at the end, and the exit status is 1 on any difference:
the stored comments and suggestions are exactly the acknowledged ones; every suggestion
and comment was decided exactly once; every section's versions are gap-free; the same
session cookie works on both instances (and on the restarted one); the throttle counted in
Redis; nginx served static files compressed, refused nothing the app accepts, and passed
its request id. The figures are printed.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_SERVER = os.environ.get("DEPLOY_CHECK_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("DEPLOY_CHECK_REDIS", "redis://127.0.0.1:6379/13")
NGINX = os.environ.get("NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
PASSWORD = "Demo@2025"
COMMENTS_PER_DEPARTMENT = 10
SUGGESTIONS_PER_DEPARTMENT = 6
CLIENTS = 6
TIME_LIMIT = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- processes


class Process:
    """A child in its own process group (so SIGKILL takes gunicorn's workers with it),
    its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict, logs: Path):
        self.name, self.log_path = name, logs / f"{name}.log"
        self.argv, self.env = argv, env
        self.start()

    def start(self) -> None:
        self.log = open(self.log_path, "a")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole group: the gunicorn master and every worker, no goodbye."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self) -> None:
        if self.alive():
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=40)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill()
                return
        if not self.log.closed:
            self.log.close()


def entrypoint(role: str) -> list[str]:
    return ["sh", str(ROOT / "deploy" / "entrypoint.sh"), role]


def plain_get(port: int, path: str, headers: dict | None = None, timeout: float = 5):
    """A GET straight to one instance (not through nginx)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        reply = connection.getresponse()
        return reply.status, reply.read()
    finally:
        connection.close()


def wait_ready(port: int, process: Process, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not process.alive():
            raise RuntimeError(f"{process.name} exited; see {process.log_path}")
        try:
            if plain_get(port, "/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{process.name} not ready after {seconds:.0f} s; see {process.log_path}")


# --------------------------------------------------------------------------- nginx


def make_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost"]
        + ["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


def nginx_site(folder: Path, *, http_port: int, https_port: int, cert: Path, key: Path) -> str:
    """deploy/nginx/feedback.conf with loopback ports, this run's files and certificate;
    nothing else changed."""
    site = (ROOT / "deploy" / "nginx" / "feedback.conf").read_text()
    replacements = [
        (r"listen \[::\]:80;\n", ""),
        (r"listen \[::\]:443 ssl http2;\n", ""),
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        (r"ssl_certificate /etc/ssl/feedback/fullchain.pem;", f"ssl_certificate {cert};"),
        (r"ssl_certificate_key /etc/ssl/feedback/privkey.pem;", f"ssl_certificate_key {key};"),
        (r"alias /srv/feedback/feedback/static/", f"alias {ROOT}/feedback/static/"),
        (r"/etc/nginx/snippets/", f"{folder}/"),
    ]
    for pattern, replacement in replacements:
        site, found = re.subn(pattern, replacement, site)
        if not found:
            raise RuntimeError(f"deploy/nginx/feedback.conf no longer has {pattern!r}")
    return site


def nginx_config(folder: Path, ports: list[int], **site_args) -> Path:
    shutil.copy(ROOT / "deploy" / "nginx" / "feedback-proxy.conf", folder)
    upstream = (ROOT / "deploy" / "nginx" / "feedback-upstream.conf").read_text()
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in ports)
    upstream, found = re.subn(r"    server 127\.0\.0\.1:8000[^\n]*\n", servers, upstream)
    if not found:
        raise RuntimeError("deploy/nginx/feedback-upstream.conf no longer has its server line")
    (folder / "feedback-upstream.conf").write_text(upstream)
    (folder / "site.conf").write_text(nginx_site(folder, **site_args))
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = f"""{user}worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format check '$remote_addr $request_id $upstream_addr "$request" $status';
    access_log {folder}/nginx-access.log check;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""
    path = folder / "nginx.conf"
    path.write_text(main)
    return path


# --------------------------------------------------------------------------- HTTP


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict

    def json(self):
        return json.loads(self.body)


@dataclass
class Traffic:
    """Every request sent through nginx, and what came back."""

    port: int
    context: ssl.SSLContext
    statuses: Counter = field(default_factory=Counter)
    cut_off: int = 0  # 502s and broken connections while an instance was dead
    retried: int = 0
    replayed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, method, path, *, body=None, headers=None, timeout=60) -> Reply:
        connection = http.client.HTTPSConnection(
            "localhost", self.port, context=self.context, timeout=timeout
        )
        headers = dict(headers or {})
        payload = body
        if isinstance(body, (dict, list)):
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif isinstance(body, str):
            payload = body.encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=payload, headers=headers)
            answer = connection.getresponse()
            reply = Reply(
                answer.status, answer.read(), {k.lower(): v for k, v in answer.getheaders()}
            )
        finally:
            connection.close()
        with self.lock:
            self.statuses[reply.status] += 1
        return reply

    def api(self, token, method, path, body=None, *, retry=True) -> Reply:
        """An API call; a POST carries an Idempotency-Key and is retried with it when the
        instance serving it died (502 from nginx, or a broken connection)."""
        headers = {"Authorization": f"Bearer {token}"}
        if method == "POST":
            headers["Idempotency-Key"] = uuid.uuid4().hex
        for attempt in range(6):
            try:
                reply = self.send(method, path, body=body, headers=headers)
            except OSError:
                reply = None
            if reply is not None and reply.status not in (502, 503, 504):
                if attempt:
                    with self.lock:
                        self.retried += 1
                        self.replayed += reply.headers.get("idempotent-replayed") == "true"
                return reply
            with self.lock:
                self.cut_off += 1
            if not retry:
                return reply
            time.sleep(0.3 * (attempt + 1))
        raise RuntimeError(f"{method} {path} failed six times")


def page_login(traffic: Traffic, username: str) -> str:
    """Log in through the login form, as a browser does; the session cookie."""
    page = traffic.send("GET", "/login")
    cookie = page.headers["set-cookie"].split(";", 1)[0]
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.body).group(1).decode()
    form = urlencode({"csrf_token": token, "username": username, "password": PASSWORD})
    referer = f"https://localhost:{traffic.port}/login"
    done = traffic.send("POST", "/login", body=form, headers={"Cookie": cookie, "Referer": referer})
    if done.status not in (302, 303):
        raise RuntimeError(f"login of {username} answered {done.status}")
    return done.headers["set-cookie"].split(";", 1)[0]


def api_token(traffic: Traffic, username: str) -> str:
    reply = traffic.send(
        "POST", "/api/v1/tokens", body={"username": username, "password": PASSWORD}
    )
    if reply.status != 201:
        raise RuntimeError(f"token for {username}: {reply.status} {reply.body[:200]!r}")
    return reply.json()["token"]


# --------------------------------------------------------------------------- the scenario


@dataclass
class Ledger:
    """What the server acknowledged, to compare with what it stored."""

    run: str
    comments: set = field(default_factory=set)
    suggestions: set = field(default_factory=set)
    decided: dict = field(default_factory=dict)  # ("s"|"c", id) -> (drafter, action)
    double_wins: list = field(default_factory=list)
    unexpected: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note_unexpected(self, what: str, reply: Reply) -> None:
        with self.lock:
            self.unexpected.append(f"{what}: {reply.status} {reply.body[:160]!r}")


def edit_places(sections: list[dict], count: int) -> list[tuple[dict, int]]:
    """(section, word index) pairs far enough apart that any two insertions merge."""
    places = []
    for section in sections:
        words = section["text"].split(" ")
        if len(words) > 30:
            places += [(section, i) for i in range(4, len(words) - 4, 6)]
    random.Random(17).shuffle(places)
    if len(places) < count:
        raise RuntimeError(f"only {len(places)} places to edit for {count} suggestions")
    return places[:count]


def department_feedback(traffic, ledger, tokens, code, round_id, places) -> None:
    """One department: its reviewer's comments and suggestions, then its lead submits."""
    reviewer = tokens[f"{code.lower()}.canbo"]
    for n in range(COMMENTS_PER_DEPARTMENT):
        section = places[n % len(places)][0]
        body = {
            "body": f"Đề nghị làm rõ số liệu đoạn này [{ledger.run}-{code}-{n}].",
            "kind": "figures",
        }
        reply = traffic.api(reviewer, "POST", f"/api/v1/sections/{section['id']}/comments", body)
        if reply.status == 201:
            with ledger.lock:
                ledger.comments.add(reply.json()["id"])
        else:
            ledger.note_unexpected(f"comment by {code}", reply)
    for section, index in places:
        words = section["text"].split(" ")
        words.insert(index, f"(bổ sung {ledger.run} {code} {index})")
        body = {
            "base_version": section["version"],
            "text": " ".join(words),
            "rationale": "Cập nhật theo số liệu của ngành.",
        }
        reply = traffic.api(reviewer, "POST", f"/api/v1/sections/{section['id']}/suggestions", body)
        if reply.status == 201:
            with ledger.lock:
                ledger.suggestions.add(reply.json()["id"])
        else:
            ledger.note_unexpected(f"suggestion by {code}", reply)
    lead = tokens[f"{code.lower()}.lanhdao"]
    reply = traffic.api(
        lead, "POST", f"/api/v1/rounds/{round_id}/response", {"dispatch_number": f"{code}-1"}
    )
    if reply.status != 201:
        ledger.note_unexpected(f"response of {code}", reply)


def decide(traffic, ledger, token, drafter, kind, ident) -> None:
    """One drafter's attempt; the other drafter makes the opposite attempt at the same time."""
    if kind == "s":
        accept = drafter == "tosoanthao"
        action = "accepted" if accept else "rejected"
        path = f"/api/v1/suggestions/{ident}/{'accept' if accept else 'reject'}"
        body = (
            {"note": "Tiếp thu."} if accept else {"reason": "Không phù hợp với số liệu chính thức."}
        )
    else:
        action = "noted" if drafter == "tosoanthao" else "explained"
        path = f"/api/v1/comments/{ident}/resolve"
        body = {"disposition": action, "response": "Đã giải trình trong báo cáo."}
    reply = traffic.api(token, "POST", path, body)
    if reply.status == 200:
        with ledger.lock:
            if (kind, ident) in ledger.decided:
                ledger.double_wins.append((kind, ident))
            ledger.decided[(kind, ident)] = (drafter, action)
    elif reply.status != 409:
        ledger.note_unexpected(f"{action} {kind}{ident} by {drafter}", reply)


def decision_traffic(traffic, ledger, tokens, victim: Process) -> dict:
    """Both drafters race on every item; one instance is SIGKILLed a third of the way in."""
    items = [("s", i) for i in sorted(ledger.suggestions)] + [
        ("c", i) for i in sorted(ledger.comments)
    ]
    random.Random(3).shuffle(items)
    attempts = [(d, k, i) for k, i in items for d in ("tosoanthao", "tosoanthao2")]
    kill_after = len(attempts) // 3
    done = Counter()
    kill = {}

    def attempt(job):
        drafter, kind, ident = job
        decide(traffic, ledger, tokens[drafter], drafter, kind, ident)
        with ledger.lock:
            done["n"] += 1
            due = done["n"] == kill_after
        if due:
            kill["at_attempt"] = kill_after
            kill["in_flight_before"] = traffic.statuses.total()
            kill["time"] = time.monotonic()
            victim.kill()

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(attempt, attempts))
    kill["attempts"] = len(attempts)
    kill["items"] = len(items)
    kill["seconds"] = round(time.monotonic() - started, 1)
    return kill


# --------------------------------------------------------------------------- the database


def conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def stored(db_url: str, ledger: Ledger) -> dict:
    """What PostgreSQL holds of this run."""
    import psycopg

    marker = f"%[{ledger.run}-%"
    with psycopg.connect(conninfo(db_url)) as conn:
        comments = {
            r[0] for r in conn.execute("SELECT id FROM comment WHERE body LIKE %s", (marker,))
        }
        suggestions = {
            r[0]
            for r in conn.execute(
                "SELECT id FROM suggestion WHERE text LIKE %s", (f"%(bổ sung {ledger.run} %",)
            )
        }
        decisions = Counter()
        actions = {}
        for comment_id, suggestion_id, action in conn.execute(
            "SELECT comment_id, suggestion_id, action FROM decision"
        ):
            key = ("c", comment_id) if comment_id else ("s", suggestion_id)
            decisions[key] += 1
            actions[key] = action
        versions: dict[int, list[int]] = {}
        for section_id, number in conn.execute("SELECT section_id, number FROM section_version"):
            versions.setdefault(section_id, []).append(number)
        current = dict(conn.execute("SELECT id, current_version FROM section").fetchall())
        accepted = conn.execute(
            "SELECT count(*) FROM decision WHERE action = 'accepted' AND suggestion_id = ANY(%s)",
            (sorted(ledger.suggestions),),
        ).fetchone()[0]
        sessions = conn.execute(
            "SELECT count(*) FROM login_session WHERE ended_at IS NULL"
        ).fetchone()[0]
    gaps = [
        sid
        for sid, found in versions.items()
        if sorted(found) != list(range(1, len(found) + 1)) or current.get(sid) != max(found)
    ]
    return {
        "comments": comments,
        "suggestions": suggestions,
        "decisions": decisions,
        "actions": actions,
        "versions": sum(len(v) for v in versions.values()),
        "gaps": gaps,
        "accepted": accepted,
        "sessions": sessions,
    }


def compare(ledger: Ledger, found: dict) -> list[str]:
    """Every difference between what was acknowledged and what is stored."""
    problems = list(ledger.unexpected)
    if found["comments"] != ledger.comments:
        problems.append(
            f"comments: acknowledged {len(ledger.comments)}, stored {len(found['comments'])}"
            f" (missing {sorted(ledger.comments - found['comments'])[:5]},"
            f" unacknowledged {sorted(found['comments'] - ledger.comments)[:5]})"
        )
    if found["suggestions"] != ledger.suggestions:
        problems.append(
            f"suggestions: acknowledged {len(ledger.suggestions)}, stored {len(found['suggestions'])}"
        )
    items = [("s", i) for i in ledger.suggestions] + [("c", i) for i in ledger.comments]
    for key in items:
        count = found["decisions"].get(key, 0)
        if count != 1:
            problems.append(f"{key}: {count} decisions stored, expected exactly one")
        elif key not in ledger.decided:
            problems.append(f"{key}: decided in the database, but no drafter was told so")
        elif ledger.decided[key][1] != found["actions"][key]:
            problems.append(
                f"{key}: stored {found['actions'][key]}, acknowledged {ledger.decided[key]}"
            )
    for key in ledger.double_wins:
        problems.append(f"{key}: both drafters were told they decided it")
    if found["gaps"]:
        problems.append(f"sections whose versions have gaps: {found['gaps']}")
    return problems


# --------------------------------------------------------------------------- e-mail


class MailSink:
    """A real SMTP server on loopback (aiosmtpd) that keeps the Message-ID of every mail."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.message_ids: list[str] = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
                from email import message_from_bytes

                message = message_from_bytes(envelope.content)
                sink.message_ids.append(message["Message-ID"])
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


def give_everyone_an_address(db_url: str) -> None:
    """Every demo user gets each notice by e-mail at once, so the worker has mail to send."""
    import psycopg

    with psycopg.connect(conninfo(db_url)) as conn:
        conn.execute(
            "UPDATE user_account SET email = username || '@example.gov.vn',"
            " mail_frequency = 'immediate'"
        )


def outbox(db_url: str) -> Counter:
    import psycopg

    with psycopg.connect(conninfo(db_url)) as conn:
        return Counter(
            dict(
                conn.execute(
                    "SELECT status, count(*) FROM outgoing_mail GROUP BY status"
                ).fetchall()
            )
        )


def wait_for_the_outbox(db_url: str, seconds: float = 60) -> Counter:
    """Until the worker has sent everything due (or the time is up)."""
    deadline = time.monotonic() + seconds
    while True:
        counts = outbox(db_url)
        if not (counts["pending"] or counts["sending"]) or time.monotonic() > deadline:
            return counts
        time.sleep(1)


def mail_problems(counts: Counter, sink: MailSink) -> list[str]:
    problems = []
    repeated = [mid for mid, n in Counter(sink.message_ids).items() if n > 1]
    if repeated:
        problems.append(f"{len(repeated)} mails were sent more than once")
    if counts["sent"] != len(sink.message_ids):
        problems.append(
            f"outbox says {counts['sent']} sent, the mail server got {len(sink.message_ids)}"
        )
    if counts["pending"] or counts["sending"] or counts["failed"]:
        problems.append(f"mails not sent: {dict(counts)}")
    if not counts["sent"]:
        problems.append("the worker sent no mail")
    return problems


# --------------------------------------------------------------------------- the run


def environment(db_url: str, folder: Path, base_url: str, smtp_port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FEEDBACK_", "RATELIMIT_"))}
    env.update(
        {
            "FEEDBACK_ENV": "production",
            "SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
            "DATABASE_URL": db_url,
            "FEEDBACK_REDIS_URL": REDIS_URL,
            "FEEDBACK_PROXY_HOPS": "1",
            "FEEDBACK_BASE_URL": base_url,
            "FEEDBACK_LOG_FORMAT": "json",
            "FEEDBACK_WORKER_INTERVAL": "2",
            "FEEDBACK_VENV": sys.prefix,
            "WEB_CONCURRENCY": "2",
            "FEEDBACK_SMTP_HOST": "127.0.0.1",
            "FEEDBACK_SMTP_PORT": str(smtp_port),
            "FEEDBACK_SMTP_SECURITY": "none",
            "FEEDBACK_MAIL_FROM": "Hệ thống góp ý dự thảo <gopy@example.gov.vn>",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def prepare_database(env: dict, logs: Path) -> None:
    """Migrations by the entry script, as the units and containers run them; then the demo
    (which refuses to load in production, so that one command runs as development)."""
    with open(logs / "migrate.log", "w") as log:
        subprocess.run(entrypoint("migrate"), cwd=ROOT, env=env, check=True, stdout=log, stderr=log)
        demo_env = {**env, "FEEDBACK_ENV": "development"}
        subprocess.run(
            [f"{sys.prefix}/bin/flask", "--app", "wsgi", "demo", "load"],
            cwd=ROOT,
            env=demo_env,
            check=True,
            stdout=log,
            stderr=log,
        )


def empty_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).flushdb()


def redis_keys() -> int:
    import redis

    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).dbsize()


def plain_post(port: int, path: str, body: bytes, headers: dict, timeout: float = 60):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        reply = connection.getresponse()
        return reply.status, reply.read(), dict(reply.getheaders())
    finally:
        connection.close()


def hidden_fields(page: bytes) -> dict[str, str]:
    fields = {}
    for tag in re.findall(rb"<input[^>]*>", page):
        name = re.search(rb'name="([^"]+)"', tag)
        value = re.search(rb'value="([^"]*)"', tag)
        if name and b'type="hidden"' in tag:
            fields[name.group(1).decode()] = value.group(1).decode() if value else ""
    return fields


def upload_across_instances(apps: dict, cookie: str) -> bool:
    """A Word draft previewed on instance a, "Create the report" sent to instance b: the
    waiting upload is in Redis, so b finds it and makes the report."""
    import html

    jar = {"Cookie": cookie}

    def keep_cookie(headers: dict) -> None:
        if headers.get("Set-Cookie"):
            jar["Cookie"] = headers["Set-Cookie"].split(";", 1)[0]

    connection = http.client.HTTPConnection("127.0.0.1", apps["a"], timeout=30)
    connection.request("GET", "/reports/new", headers=jar)
    reply = connection.getresponse()
    page = reply.read()
    keep_cookie(dict(reply.getheaders()))
    connection.close()
    fields = {k: html.unescape(v) for k, v in hidden_fields(page).items()}
    docx = (ROOT / "tests" / "fixtures" / "docx" / "lo_merged_table.docx").read_bytes()
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in {**fields, "title": ""}.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="du-thao.docx"\r\n'
        "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        "\r\n\r\n".encode()
        + docx
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    multipart = {**jar, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    status, preview, answer = plain_post(apps["a"], "/reports/new", body, multipart)
    keep_cookie(answer)
    confirm = {k: html.unescape(v) for k, v in hidden_fields(preview).items()}
    if status != 200 or not confirm.get("upload"):
        return False
    confirm["title"] = "Dự thảo tải lên ở máy chủ a, tạo ở máy chủ b"
    form = {**jar, "Content-Type": "application/x-www-form-urlencoded"}
    status, _, answer = plain_post(apps["b"], "/reports/new", urlencode(confirm).encode(), form)
    return status in (302, 303) and "/reports/" in answer.get("Location", "")


def logged_in_on(port: int, cookie: str, name: str) -> bool:
    status, body = plain_get(port, "/", headers={"Cookie": cookie})
    return status == 200 and name.encode() in body


def requests_served(log: Path) -> int:
    if not log.exists():
        return 0
    return sum('"logger": "feedback.requests"' in line for line in log.read_text().splitlines())


class Deployment:
    """Everything started for the check, stopped in reverse order whatever happens."""

    def __init__(self, folder: Path):
        self.folder, self.logs = folder, folder / "logs"
        self.logs.mkdir()
        self.processes: list[Process] = []

    def start(self, name: str, argv: list[str], env: dict) -> Process:
        process = Process(name, argv, env, self.logs)
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()


def scenario(traffic: Traffic, deployment: Deployment, apps: dict, figures: dict) -> Ledger:
    """Logins, the departments' feedback, the drafters' race with a kill, an edition."""
    ledger = Ledger(run=uuid.uuid4().hex[:8])
    cookie = page_login(traffic, "tosoanthao")
    figures["session on both instances"] = all(
        logged_in_on(port, cookie, "Phạm Thu Hà") for port in apps.values()
    )
    usernames = ["tosoanthao", "tosoanthao2"] + [
        f"{code}.{role}" for code in DEPARTMENTS for role in ("canbo", "lanhdao")
    ]
    with ThreadPoolExecutor(CLIENTS) as pool:
        tokens = dict(
            zip(usernames, pool.map(lambda u: api_token(traffic, u), usernames), strict=True)
        )
    drafter = tokens["tosoanthao"]
    report = traffic.api(drafter, "GET", "/api/v1/reports").json()
    rid = (report["items"] if isinstance(report, dict) else report)[0]["id"]
    detail = traffic.api(drafter, "GET", f"/api/v1/reports/{rid}").json()
    round_id = detail["current_round"]["id"]
    round_ = traffic.api(drafter, "GET", f"/api/v1/rounds/{round_id}").json()
    waiting = [
        r["department"]["code"] if isinstance(r["department"], dict) else r["department"]
        for r in round_["responses"]
        if r["status"] in ("not_started", "drafting")
    ]
    waiting = [code for code in waiting if code.lower() in DEPARTMENTS]
    places = edit_places(detail["sections"], SUGGESTIONS_PER_DEPARTMENT * len(waiting))
    figures["section"] = places[0][0]["id"]
    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(
            pool.map(
                lambda i: department_feedback(
                    traffic,
                    ledger,
                    tokens,
                    waiting[i],
                    round_id,
                    places[i * SUGGESTIONS_PER_DEPARTMENT : (i + 1) * SUGGESTIONS_PER_DEPARTMENT],
                ),
                range(len(waiting)),
            )
        )
    figures["departments that answered"] = len(waiting)
    figures["feedback phase (s)"] = round(time.monotonic() - started, 1)
    figures["upload previewed on a, created on b"] = upload_across_instances(apps, cookie)
    victim = deployment.processes[0]
    figures["kill"] = decision_traffic(traffic, ledger, tokens, victim)
    # The killed instance comes back; the session cookie still works there.
    restarted = deployment.start("app-a-restarted", victim.argv, victim.env)
    wait_ready(apps["a"], restarted)
    figures["session on the restarted instance"] = logged_in_on(apps["a"], cookie, "Phạm Thu Hà")
    edition = traffic.api(
        drafter, "POST", f"/api/v1/reports/{rid}/editions", {"note": "Bản tổng hợp sau góp ý"}
    )
    if edition.status != 201:
        ledger.note_unexpected("edition", edition)
    else:
        number = edition.json()["number"]
        docx = traffic.api(drafter, "GET", f"/api/v1/reports/{rid}/editions/{number}/export.docx")
        figures["edition"] = number
        figures["edition .docx bytes"] = len(docx.body)
        if docx.status != 200 or not docx.body.startswith(b"PK"):
            ledger.note_unexpected("edition export", docx)
    figures["report"], figures["round"] = rid, round_id
    return ledger


DEPARTMENTS = ["stc", "sct", "sxd", "sgtvt", "snn", "stnmt", "sgddt", "syt", "sldtbxh", "ctk"]


def in_access_log(log: Path, request_id: str) -> bool:
    """nginx writes the line just after the answer: give it a moment."""
    for _ in range(20):
        if request_id in log.read_text():
            return True
        time.sleep(0.1)
    return False


def fingerprinted_static(traffic: Traffic, page: str) -> list[str]:
    """The page's stylesheet by its fingerprinted name: nginx finds the plain file and
    lets browsers keep it a year."""
    link = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    if link is None:
        return ["the login page links to no fingerprinted stylesheet"]
    static = traffic.send("GET", link[1])
    cache = static.headers.get("cache-control", "")
    if static.status != 200 or "immutable" not in cache:
        return [f"fingerprinted static file: {static.status} {cache!r}"]
    if "content-security-policy" in static.headers:
        return ["fingerprinted static file came from the app, not nginx"]
    return []


def nginx_checks(traffic: Traffic, folder: Path, section_id: int, token: str) -> list[str]:
    """What nginx itself is for: static files compressed, limits, the request id."""
    problems = []
    static = traffic.send("GET", "/static/editor.js", headers={"Accept-Encoding": "gzip"})
    if static.status != 200 or static.headers.get("content-encoding") != "gzip":
        problems.append(f"static file not served compressed: {static.status} {static.headers}")
    if "content-security-policy" in static.headers:
        problems.append("static file came from the app, not nginx")
    page = traffic.send("GET", "/login", headers={"Accept-Encoding": "gzip"})
    if page.headers.get("content-encoding"):
        problems.append("a page was compressed (BREACH)")
    problems += fingerprinted_static(traffic, page.body.decode("utf-8", "replace"))
    request_id = page.headers.get("x-request-id", "")
    if not re.fullmatch(r"[0-9a-f]{32}", request_id):
        problems.append(f"no nginx request id returned: {request_id!r}")
    elif not in_access_log(folder / "nginx-access.log", request_id):
        problems.append("the returned request id is not in nginx's access log")
    path = f"/api/v1/sections/{section_id}/comments"
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    big = traffic.send(
        "POST", path, body=b"{" + b" " * (2 * 1024 * 1024 + 100) + b"}", headers=auth
    )
    if big.status != 413 or b'"error"' not in big.body:
        problems.append(f"a 2 MiB body should get the app's own 413: {big.status}")
    huge = traffic.send("POST", path, body=b"{" + b" " * (4 * 1024 * 1024) + b"}", headers=auth)
    if huge.status != 413:
        problems.append(f"a 4 MiB body should be stopped by nginx: {huge.status}")
    return problems


def run(folder: Path, db_url: str) -> int:
    started = time.monotonic()
    deployment = Deployment(folder)
    https_port, http_port = free_port(), free_port()
    apps = {"a": free_port(), "b": free_port()}
    sink = MailSink()
    env = environment(db_url, folder, f"https://localhost:{https_port}", sink.port)
    cert, key = make_certificate(folder)
    prepare_database(env, deployment.logs)
    give_everyone_an_address(db_url)
    figures: dict = {}
    problems: list[str] = []
    try:
        for name, port in apps.items():
            deployment.start(
                f"app-{name}", entrypoint("web"), {**env, "FEEDBACK_BIND": f"127.0.0.1:{port}"}
            )
        worker = deployment.start("worker", entrypoint("worker"), env)
        config = nginx_config(
            folder,
            list(apps.values()),
            http_port=http_port,
            https_port=https_port,
            cert=cert,
            key=key,
        )
        subprocess.run([NGINX, "-t", "-q", "-c", str(config)], check=True, capture_output=True)
        nginx = deployment.start("nginx", [NGINX, "-c", str(config)], env)
        for process, port in zip(deployment.processes, apps.values(), strict=False):
            wait_ready(port, process)
        context = ssl.create_default_context(cafile=str(cert))
        traffic = Traffic(https_port, context)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                traffic.send("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        figures["setup (s)"] = round(time.monotonic() - started, 1)
        # A cron-style sender beside the worker, as the README allows: still one mail each.
        cron = deployment.start(
            "cron-sender",
            [f"{sys.prefix}/bin/flask", "--app", "wsgi", "worker", "--interval", "1"],
            env,
        )
        ledger = scenario(traffic, deployment, apps, figures)
        figures["outbox"] = wait_for_the_outbox(db_url)
        figures["mails received"] = len(sink.message_ids)
        problems += mail_problems(figures["outbox"], sink)
        cron.stop()
        drafter_token = api_token(traffic, "tosoanthao")
        problems += nginx_checks(traffic, folder, figures["section"], drafter_token)
        if not figures["session on both instances"]:
            problems.append("the session cookie made on one instance did not work on the other")
        if not figures["upload previewed on a, created on b"]:
            problems.append("an upload previewed on one instance was not found by the other")
        if not figures["session on the restarted instance"]:
            problems.append("the session cookie did not work on the restarted instance")
        if not worker.alive() or not nginx.alive():
            problems.append("the worker or nginx stopped")
        figures["redis keys (throttle)"] = redis_keys()
        if not figures["redis keys (throttle)"]:
            problems.append("nothing was counted in Redis: the login throttle is per process")
        found = stored(db_url, ledger)
        problems += compare(ledger, found)
    finally:
        deployment.stop()
        sink.stop()
    # After nginx stopped: its access log is complete.
    report(figures, traffic, ledger, found, deployment, folder)
    elapsed = time.monotonic() - started
    print(f"  total time                  {elapsed:.0f} s (limit {TIME_LIMIT} s)")
    if elapsed > TIME_LIMIT:
        problems.append(f"took {elapsed:.0f} s, more than {TIME_LIMIT} s")
    for problem in problems:
        print(f"  DIFFERENCE: {problem}")
    print("deploy-check: " + ("FAILED" if problems else "passed: nothing lost, nothing doubled"))
    return 1 if problems else 0


def report(figures, traffic, ledger, found, deployment, folder) -> None:
    kill = figures["kill"]
    served = {
        name: requests_served(deployment.logs / f"{name}.log")
        for name in ("app-a", "app-b", "app-a-restarted")
    }
    nginx_lines = len((folder / "nginx-access.log").read_text().splitlines())
    print("deploy-check: nginx (TLS) -> 2 gunicorn instances, 1 worker, PostgreSQL, Redis")
    print(f"  setup                       {figures['setup (s)']} s (migrate, demo, start)")
    print(
        f"  requests through nginx      {sum(traffic.statuses.values())} sent, {nginx_lines} in nginx's log (static files are not logged)"
    )
    print(f"  statuses                    {dict(sorted(traffic.statuses.items()))}")
    print(
        f"  served by instance          a: {served['app-a']} (killed), b: {served['app-b']},"
        f" a restarted: {served['app-a-restarted']}"
    )
    print(
        f"  the kill                    SIGKILL of instance a after {kill['at_attempt']} of"
        f" {kill['attempts']} decision attempts ({kill['items']} items, {kill['seconds']} s)"
    )
    print(
        f"  cut off by the kill         {traffic.cut_off} (502 or broken connection), retried"
        f" {traffic.retried} with the same Idempotency-Key, {traffic.replayed} answered from the record"
    )
    print(
        f"  departments answering       {figures['departments that answered']} ({figures['feedback phase (s)']} s)"
    )
    print(
        f"  comments                    acknowledged {len(ledger.comments)}, stored {len(found['comments'])}"
    )
    print(
        f"  suggestions                 acknowledged {len(ledger.suggestions)}, stored {len(found['suggestions'])}"
    )
    decided = Counter(action for _, action in ledger.decided.values())
    print(
        f"  decisions acknowledged      {len(ledger.decided)} {dict(decided)}; double wins {len(ledger.double_wins)}"
    )
    stored_ours = sum(
        found["decisions"].get(key, 0)
        for key in [("s", i) for i in ledger.suggestions] + [("c", i) for i in ledger.comments]
    )
    print(
        f"  decisions stored            {stored_ours} for those items (exactly one each expected)"
    )
    print(
        f"  section versions            {found['versions']}, sections with gaps: {len(found['gaps'])}"
    )
    print(
        f"  sessions                    one cookie on both instances: {figures['session on both instances']},"
        f" on the restarted one: {figures['session on the restarted instance']}; open sessions {found['sessions']}"
    )
    print(
        f"  Redis (db of its own)       {figures['redis keys (throttle)']} keys (throttle);"
        f" upload previewed on a, created on b: {figures['upload previewed on a, created on b']}"
    )
    print(
        f"  e-mail                      outbox {dict(figures['outbox'])}, the mail server received"
        f" {figures['mails received']} (the worker and a second sender at once; each mail once)"
    )
    print(
        f"  edition                     no. {figures.get('edition')}, .docx {figures.get('edition .docx bytes')} bytes"
    )


def main() -> int:
    import psycopg

    sys.path.insert(0, str(ROOT))
    from tests import pgadmin

    missing = [tool for tool in (NGINX, "openssl") if not shutil.which(tool)]
    if missing:
        print(f"deploy-check: not installed: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        empty_redis()
    except Exception as error:  # noqa: BLE001 - any failure: say which server and stop
        print(f"deploy-check: no Redis at {REDIS_URL}: {error}", file=sys.stderr)
        return 2
    name = f"feedback_deploycheck_{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}"
    try:
        pgadmin.create(PG_SERVER, name)
    except psycopg.OperationalError as error:
        print(f"deploy-check: no PostgreSQL at {PG_SERVER}: {error}", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="deploy-check-"))
    keep = os.environ.get("DEPLOY_CHECK_KEEP") == "1"
    try:
        return run(folder, f"{PG_SERVER}/{name}")
    finally:
        pgadmin.drop(PG_SERVER, name)
        if keep:
            print(f"  logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
