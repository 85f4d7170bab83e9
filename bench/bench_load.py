"""Load and fault benchmark: gunicorn (2 sync workers) on SQLite and on PostgreSQL.

    make bench-load                                  # both databases when PostgreSQL answers
    python -m bench.bench_load --db sqlite --seconds 20

For each database it builds a fresh database with the demo data plus a pool of submitted
comments and suggestions to decide, starts ``gunicorn --workers 2 wsgi:app`` on a free port
of 127.0.0.1 and then:

1. baseline: the same number of clients hitting ``/healthz`` (no session, no database) for
   a few seconds, so the mixed figures can be read as a ratio on a noisy machine;
2. mixed traffic for ``--seconds``: 70 % page reads (report, section, dashboard, review
   queue, the feedback API), 25 % new comments, 5 % decisions (accept or reject a
   suggestion, answer a comment), from ``--clients`` concurrent clients. Reports req/s,
   p50/p95/p99 and the errors (a 5xx or a broken connection; a 409 for a suggestion
   that no longer applies is a correct answer and counted apart);
3. integrity: the comments and decisions stored equal the successful write responses, every
   accepted suggestion made exactly one section version, and no section has a version gap;
4. fault, worker killed: SIGKILL one worker while decisions are in flight; every request that
   lost its connection is retried and must then succeed (or find the decision already
   recorded, if the kill came after the commit), no half-written decision is left, and the
   master starts a new worker;
5. fault, PostgreSQL restarted (PostgreSQL only, needs ``pg_ctlcluster``): errors only while
   the server is down, none afterwards (``pool_pre_ping`` drops the stale connections).

The clients run in this process (threads), on the same two cores as the server: the
figures are a floor, not what a separate load generator would see. Results are printed and
written to ``bench/results/load-<db>.json``. Exit status 1 when an integrity check fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
PASSWORD = "Demo@2025"
SEED_DEPARTMENTS = ["SXD", "SGTVT", "SNN", "STNMT", "SGDDT", "SYT", "SLDTBXH"]
SEED_PER_DEPARTMENT = 30  # suggestions per department, and three times as many comments
PAGE_USERS = ["tosoanthao", "tosoanthao2", "chutich"] + [
    f"{c.lower()}.canbo" for c in SEED_DEPARTMENTS
]


# --------------------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _flask(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.stdout


class Server:
    """gunicorn with two sync workers, as ``make run`` starts it."""

    def __init__(self, env: dict, log_path: Path, app: str = "wsgi:app"):
        self.env, self.port = env, _free_port()
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--timeout", "60"]
            + ["--bind", f"127.0.0.1:{self.port}", app],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while not self.healthy():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"gunicorn did not start; see {log_path}")
            time.sleep(0.2)
        while len(self.workers()) < 2:
            time.sleep(0.1)

    def healthy(self) -> bool:
        try:
            return request(self.port, "GET", "/healthz", timeout=2).status == 200
        except OSError:
            return False

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except FileNotFoundError:
            return []

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


# --------------------------------------------------------------------------- HTTP


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict


def request(port, method, path, *, body=None, headers=None, timeout=30) -> Response:
    """One request on a fresh connection (sync workers close it after each response)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = None
        headers = dict(headers or {})
        if isinstance(body, dict):
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif isinstance(body, str):
            payload = body.encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=payload, headers=headers)
        reply = connection.getresponse()
        return Response(reply.status, reply.read(), {k.lower(): v for k, v in reply.getheaders()})
    finally:
        connection.close()


def log_in(port: int, username: str, password: str = PASSWORD) -> str:
    """Log in through the form, as a browser does; returns the session cookie."""
    from urllib.parse import urlencode

    page = request(port, "GET", "/login")
    cookie = page.headers["set-cookie"].split(";", 1)[0]
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.body).group(1).decode()
    form = urlencode({"csrf_token": token, "username": username, "password": password})
    done = request(port, "POST", "/login", body=form, headers={"Cookie": cookie})
    if done.status != 302:
        raise RuntimeError(f"login of {username} failed: {done.status}")
    return done.headers["set-cookie"].split(";", 1)[0]


# --------------------------------------------------------------------------- data


def _app(url: str):
    from feedback import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": False})


def seed(url: str) -> dict:
    """Submitted comments and suggestions to decide, and the tokens the clients use.

    Every suggestion inserts a phrase after a different word of its section, so any two
    merge cleanly whatever order they are accepted in."""
    from sqlalchemy import select

    from feedback.auth import services as accounts
    from feedback.auth.models import User
    from feedback.extensions import db
    from feedback.reports import queries as outline
    from feedback.reports.models import Report
    from feedback.review import consultation
    from feedback.review import rounds as review_rounds
    from feedback.review import services as review

    app = _app(url)
    with app.app_context():
        user = lambda name: db.session.scalar(select(User).where(User.username == name))  # noqa: E731
        report = db.session.scalar(select(Report).order_by(Report.id))
        round_ = review_rounds.find_open_round(report.id)
        entries = [e for e in outline.outline(report) if len(e.version.text.split()) > 20]
        slots = []  # (section, word index), spaced so that no two edits touch
        for entry in entries:
            words = entry.version.text.split(" ")
            slots += [(entry, i) for i in range(3, len(words) - 3, 4)]
        random.Random(11).shuffle(slots)
        need = SEED_PER_DEPARTMENT * len(SEED_DEPARTMENTS)
        if len(slots) < need:
            raise RuntimeError(f"only {len(slots)} places to edit for {need} suggestions")
        slot = iter(slots)
        for code in SEED_DEPARTMENTS:
            reviewer = user(f"{code.lower()}.canbo")
            for k in range(SEED_PER_DEPARTMENT):
                entry, i = next(slot)
                words = entry.version.text.split(" ")
                words.insert(i, f"(bổ sung của {code} số {k})")
                review.add_suggestion(
                    reviewer,
                    entry.section,
                    base_version=entry.version.number,
                    text=" ".join(words),
                    rationale="Cập nhật theo số liệu của ngành.",
                )
                for n in range(3):
                    review.add_comment(
                        reviewer,
                        entry.section,
                        body=f"Đề nghị rà soát lại số liệu đoạn này (ý kiến {code} số {k}.{n}).",
                    )
            db.session.flush()
            consultation.submit_response(
                user(f"{code.lower()}.lanhdao"), round_, dispatch_number=code
            )
        db.session.commit()
        tokens = {
            "drafter": accounts.issue_token(user("tosoanthao")),
            "reviewers": [
                accounts.issue_token(user(f"{code.lower()}.canbo")) for code in SEED_DEPARTMENTS
            ],
        }
        db.session.commit()
        ids = {
            "report": report.id,
            "round": round_.id,
            "sections": [e.section.id for e in outline.outline(report)],
        }
    _dispose(app)
    return {**ids, "tokens": tokens}


def pending_work(url: str) -> list[tuple[str, int]]:
    from sqlalchemy import select

    from feedback.extensions import db
    from feedback.review.models import Comment, Suggestion

    app = _app(url)
    with app.app_context():
        suggestions = db.session.scalars(
            select(Suggestion.id).where(Suggestion.status == "pending")
        ).all()
        comments = db.session.scalars(
            select(Comment.id).where(
                Comment.disposition.is_(None),
                Comment.status == "submitted",
                Comment.section_id.isnot(None),
            )
        ).all()
    _dispose(app)
    work = [("suggestion", i) for i in suggestions] + [("comment", i) for i in comments]
    random.Random(5).shuffle(work)
    return work


def census(url: str) -> dict:
    """What the database holds, and whether section versions are gap-free."""
    from sqlalchemy import func, select

    from feedback.extensions import db
    from feedback.reports.models import Section, SectionVersion
    from feedback.review.models import Comment, Decision, Suggestion

    app = _app(url)
    with app.app_context():
        count = lambda q: db.session.scalar(q)  # noqa: E731
        numbers = defaultdict(list)
        for section_id, number in db.session.execute(
            select(SectionVersion.section_id, SectionVersion.number)
        ):
            numbers[section_id].append(number)
        current = dict(db.session.execute(select(Section.id, Section.current_version)).all())
        gaps = [
            sid
            for sid, found in numbers.items()
            if sorted(found) != list(range(1, len(found) + 1)) or current.get(sid) != max(found)
        ]
        result = {
            "comments": count(select(func.count(Comment.id))),
            "decisions": count(select(func.count(Decision.id))),
            "versions": count(select(func.count(SectionVersion.id))),
            "accepted": count(
                select(func.count(Suggestion.id)).where(Suggestion.status == "accepted")
            ),
            "rejected": count(
                select(func.count(Suggestion.id)).where(Suggestion.status == "rejected")
            ),
            "answered": count(
                select(func.count(Comment.id)).where(Comment.disposition.isnot(None))
            ),
            "sections_with_gaps": gaps,
        }
    _dispose(app)
    return result


def _dispose(app) -> None:
    from feedback.extensions import db

    with app.app_context():
        db.engine.dispose()


# --------------------------------------------------------------------------- traffic


@dataclass
class Tally:
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    outcomes: Counter = field(default_factory=Counter)
    errors: list = field(default_factory=list)  # (time, what)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, started: float, outcome: str) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies[kind].append(elapsed)
            self.outcomes[f"{kind}:{outcome}"] += 1
            if outcome == "error":
                self.errors.append((time.monotonic(), kind))


class Traffic:
    def __init__(self, port: int, data: dict, work: list, clients: int):
        self.port, self.data, self.clients = port, data, clients
        self.work = deque(work)
        self.work_lock = threading.Lock()
        self.tally = Tally()
        self.sessions = [log_in(port, PAGE_USERS[i % len(PAGE_USERS)]) for i in range(clients)]
        self.decided: list[tuple[str, int, str]] = []
        self.retried: list[dict] = []

    # one request of each kind -------------------------------------------------------

    def _call(self, kind, method, path, *, body=None, headers=None, ok=(200,), refused=()):
        started = time.perf_counter()
        try:
            reply = request(self.port, method, path, body=body, headers=headers)
        except OSError:
            self.tally.add(kind, started, "error")
            return None
        if reply.status in ok:
            outcome = "ok"
        elif reply.status in refused:
            outcome = f"refused {reply.status}"
        else:
            outcome = "error" if reply.status >= 500 else f"unexpected {reply.status}"
        self.tally.add(kind, started, outcome)
        return reply

    def read(self, rng: random.Random, client: int) -> None:
        rid, sid = self.data["report"], rng.choice(self.data["sections"])
        cookie = {"Cookie": self.sessions[client]}
        drafter_or_chair = PAGE_USERS[client % len(PAGE_USERS)] in PAGE_USERS[:3]
        pages = [f"/reports/{rid}", f"/sections/{sid}", f"/sections/{sid}"]
        if drafter_or_chair:
            pages += [f"/reports/{rid}/dashboard", f"/reports/{rid}/review"]
        choice = rng.randrange(len(pages) + 1)
        if choice == len(pages):
            token = rng.choice(self.data["tokens"]["reviewers"])
            self._call(
                "read",
                "GET",
                f"/api/v1/sections/{sid}/feedback",
                headers={"Authorization": f"Bearer {token}"},
            )
        else:
            self._call("read", "GET", pages[choice], headers=cookie)

    def comment(self, rng: random.Random) -> None:
        token = rng.choice(self.data["tokens"]["reviewers"])
        sid = rng.choice(self.data["sections"])
        self._call(
            "comment",
            "POST",
            f"/api/v1/sections/{sid}/comments",
            body={
                "body": f"Góp ý thử tải: đề nghị làm rõ số liệu ({uuid.uuid4().hex[:8]}).",
                "kind": "figures",
            },
            headers={"Authorization": f"Bearer {token}"},
            ok=(201,),
        )

    def next_work(self):
        with self.work_lock:
            return self.work.popleft() if self.work else None

    def decide(self, rng: random.Random, *, retry_on_error: bool = False) -> bool:
        item = self.next_work()
        if item is None:
            return False
        what, ident = item
        if what == "suggestion" and rng.random() < 0.7:
            path, body, action = (
                f"/api/v1/suggestions/{ident}/accept",
                {"note": "Tiếp thu."},
                "accept",
            )
        elif what == "suggestion":
            path, body, action = (
                f"/api/v1/suggestions/{ident}/reject",
                {"reason": "Giữ như dự thảo: số liệu đã cập nhật."},
                "reject",
            )
        else:
            path, body, action = (
                f"/api/v1/comments/{ident}/resolve",
                {"disposition": "noted", "response": "Tổ soạn thảo ghi nhận."},
                "resolve",
            )
        headers = {"Authorization": f"Bearer {self.data['tokens']['drafter']}"}
        reply = self._call("decision", "POST", path, body=body, headers=headers, refused=(409,))
        if reply is None and retry_on_error:
            for _ in range(50):  # the master needs a moment to replace the worker
                try:
                    reply = request(self.port, "POST", path, body=body, headers=headers)
                    break
                except OSError:
                    time.sleep(0.1)
            self.retried.append(
                {
                    "item": f"{what} {ident}",
                    "action": action,
                    "retry_status": reply.status if reply else None,
                    "code": _error_code(reply),
                }
            )
        if reply is not None and reply.status == 200:
            self.decided.append((what, ident, action))
        elif reply is not None and _error_code(reply) == "merge_conflict":
            # Nothing changes in the text, but the conflict is recorded in the history
            # (the dashboard lists it as waiting for a hand merge).
            self.decided.append((what, ident, "conflict"))
        return True

    # loops ------------------------------------------------------------------------

    def run_mixed(self, seconds: float) -> float:
        stop = time.monotonic() + seconds

        def client(n):
            rng = random.Random(n)
            while time.monotonic() < stop:
                roll = rng.random()
                if roll < 0.70:
                    self.read(rng, n)
                elif roll < 0.95:
                    self.comment(rng)
                elif not self.decide(rng):
                    self.read(rng, n)

        return _run_threads(client, self.clients)

    def run_decisions(self, seconds: float, threads: int, *, retry_on_error: bool) -> float:
        stop = time.monotonic() + seconds

        def client(n):
            rng = random.Random(100 + n)
            while time.monotonic() < stop and self.decide(rng, retry_on_error=retry_on_error):
                pass

        return _run_threads(client, threads)


def _error_code(reply: Response | None) -> str | None:
    if reply is None or reply.status < 400:
        return None
    try:
        return json.loads(reply.body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def _run_threads(target, count: int) -> float:
    threads = [threading.Thread(target=target, args=(n,)) for n in range(count)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def hello(port: int, clients: int, seconds: float) -> dict:
    tally, stop = Tally(), time.monotonic() + seconds

    def client(_n):
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                ok = request(port, "GET", "/healthz").status == 200
            except OSError:
                ok = False
            tally.add("hello", started, "ok" if ok else "error")

    elapsed = _run_threads(client, clients)
    return {**summary(tally.latencies["hello"], elapsed), "errors": len(tally.errors)}


def summary(latencies: list[float], elapsed: float) -> dict:
    if not latencies:
        return {"requests": 0}
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "req_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "p99_ms": round(q[98], 1),
    }


# --------------------------------------------------------------------------- scenarios


def database(kind: str, folder: Path) -> tuple[str, callable]:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'load.sqlite3'}", lambda: None
    from tests import pgadmin

    name = f"feedback_load_{uuid.uuid4().hex[:8]}"
    pgadmin.create(PG_SERVER, name)
    return f"{PG_SERVER}/{name}", lambda: pgadmin.drop(PG_SERVER, name)


def scenario(kind: str, seconds: float, clients: int, faults: bool) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"feedback-load-{kind}-"))
    url, drop = database(kind, folder)
    env = dict(
        os.environ,
        DATABASE_URL=url,
        SECRET_KEY="load-benchmark",
        FEEDBACK_ENV="development",
        FEEDBACK_LOGIN_LIMIT="10000 per minute",
        FEEDBACK_LOGIN_IP_LIMIT="10000 per minute",
    )
    result: dict = {"database": kind, "clients": clients, "seconds": seconds}
    server = None
    try:
        _flask(env, "db", "upgrade")
        _flask(env, "demo", "load")
        data = seed(url)
        before = census(url)
        server = Server(env, folder / "gunicorn.log")
        print(f"[{kind}] gunicorn on :{server.port}, workers {server.workers()}", flush=True)

        result["hello"] = hello(server.port, clients, min(10.0, seconds))
        print(f"[{kind}] /healthz: {result['hello']}", flush=True)

        traffic = Traffic(server.port, data, pending_work(url), clients)
        elapsed = traffic.run_mixed(seconds)
        tally = traffic.tally
        everything = [x for values in tally.latencies.values() for x in values]
        result["mixed"] = {
            **summary(everything, elapsed),
            "errors": len(tally.errors),
            "by_kind": {k: summary(v, elapsed) for k, v in tally.latencies.items()},
            "outcomes": dict(sorted(tally.outcomes.items())),
        }
        result["mixed"]["ratio_to_hello"] = round(
            result["mixed"]["req_per_s"] / result["hello"]["req_per_s"], 3
        )
        print(f"[{kind}] mixed: {json.dumps(result['mixed'], ensure_ascii=False)}", flush=True)

        after = census(url)
        result["integrity"] = integrity(before, after, tally.outcomes, traffic.decided)
        print(f"[{kind}] integrity: {result['integrity']}", flush=True)

        if faults:
            result["worker_kill"] = kill_worker(server, traffic, url)
            print(f"[{kind}] worker kill: {result['worker_kill']}", flush=True)
            if kind == "postgresql":
                result["pg_restart"] = restart_postgres(server, data, clients)
                print(f"[{kind}] postgres restart: {result['pg_restart']}", flush=True)
    finally:
        if server:
            server.stop()
            shutil.copy(folder / "gunicorn.log", RESULTS / f"gunicorn-{kind}.log")
        drop()
        shutil.rmtree(folder, ignore_errors=True)
    return result


def integrity(before: dict, after: dict, outcomes: Counter, decided: list) -> dict:
    actions = Counter(action for _what, _id, action in decided)
    comments_ok = outcomes["comment:ok"]
    checks = {
        "comments stored == 201 responses": after["comments"] - before["comments"] == comments_ok,
        "decisions stored == 200 responses": after["decisions"] - before["decisions"]
        == len(decided),
        "accepted suggestions == accept responses": after["accepted"] - before["accepted"]
        == actions["accept"],
        "rejected suggestions == reject responses": after["rejected"] - before["rejected"]
        == actions["reject"],
        "answered comments == resolve responses": after["answered"] - before["answered"]
        == actions["resolve"],
        "one new version per accepted suggestion": after["versions"] - before["versions"]
        == actions["accept"],
        "no version gaps": not after["sections_with_gaps"],
    }
    return {
        "comments_created": comments_ok,
        "decisions": dict(actions),
        "checks": checks,
        "passed": all(checks.values()),
    }


def kill_worker(server: Server, traffic: Traffic, url: str) -> dict:
    """SIGKILL a worker, twice, while four clients post decisions; retry what broke."""
    before = census(url)
    decided_before, retried_before = len(traffic.decided), len(traffic.retried)
    victims: list[int] = []

    def killer():
        for delay in (1.0, 1.0):
            time.sleep(delay)
            victim = server.workers()[0]
            os.kill(victim, signal.SIGKILL)
            victims.append(victim)

    kills = threading.Thread(target=killer)
    kills.start()
    traffic.run_decisions(4.0, 4, retry_on_error=True)
    kills.join()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (
        len(server.workers()) < 2 or set(victims) & set(server.workers())
    ):
        time.sleep(0.2)
    after = census(url)
    decided = traffic.decided[decided_before:]
    retried = traffic.retried[retried_before:]
    actions = Counter(action for _w, _i, action in decided)
    # A retry answered 409 invalid_state ("already decided") means the first attempt had
    # committed before the kill: its decision is stored although its answer was lost.
    committed_before_kill = sum(1 for r in retried if r["code"] == "invalid_state")
    # A retried accept that conflicts may find the first attempt's conflict note too.
    conflict_retries = sum(1 for r in retried if r["code"] == "merge_conflict")
    expected = len(decided) + committed_before_kill
    stored = after["decisions"] - before["decisions"]
    checks = {
        "workers replaced": not set(victims) & set(server.workers()) and len(server.workers()) == 2,
        "app answers": server.healthy(),
        "every retry got an answer (200, or 409 already decided / conflict), no 5xx": all(
            r["retry_status"] == 200 or r["code"] in ("invalid_state", "merge_conflict")
            for r in retried
        ),
        "decisions stored == answered decisions (+ those committed before the kill)": expected
        <= stored
        <= expected + conflict_retries,
        "one version per accepted suggestion": after["versions"] - before["versions"]
        == after["accepted"] - before["accepted"],
        "no version gaps": not after["sections_with_gaps"],
    }
    return {
        "killed_pids": victims,
        "stored": {
            k: after[k] - before[k]
            for k in ("decisions", "versions", "accepted", "rejected", "answered")
        },
        "answered": dict(actions),
        "broken_connections_retried": retried,
        "checks": checks,
        "passed": all(checks.values()),
    }


def restart_postgres(server: Server, data: dict, clients: int) -> dict:
    """Read traffic through a PostgreSQL restart: errors only while it is down."""
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]
    if not shutil.which("pg_ctlcluster"):
        return {"skipped": "pg_ctlcluster not found"}
    tally, stop = Tally(), time.monotonic() + 14
    token = data["tokens"]["drafter"]
    window = {}

    def client(n):
        rng = random.Random(200 + n)
        while time.monotonic() < stop:
            sid = rng.choice(data["sections"])
            started = time.perf_counter()
            try:
                status = request(
                    server.port,
                    "GET",
                    f"/api/v1/sections/{sid}",
                    headers={"Authorization": f"Bearer {token}"},
                ).status
            except OSError:
                status = 0
            tally.add("read", started, "ok" if status == 200 else "error")

    def restarter():
        time.sleep(4)
        window["down"] = time.monotonic()
        subprocess.run(command, check=True, capture_output=True, timeout=60)
        window["up"] = time.monotonic()

    restart = threading.Thread(target=restarter)
    restart.start()
    _run_threads(client, max(4, clients // 2))
    restart.join()
    after_up = [t for t, _kind in tally.errors if t > window["up"] + 0.5]
    return {
        "requests": len(tally.latencies["read"]),
        "errors": len(tally.errors),
        "restart_seconds": round(window["up"] - window["down"], 2),
        "errors_after_restart": len(after_up),
        "passed": not after_up,
    }


def _postgres_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_SERVER.replace("+psycopg", "") + "/postgres", connect_timeout=3).close()
        return True
    except Exception:
        return False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--no-faults", action="store_true")
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    if "postgresql" in kinds and not _postgres_reachable():
        print(f"PostgreSQL does not answer at {PG_SERVER}; skipping it", flush=True)
        kinds.remove("postgresql")
    RESULTS.mkdir(parents=True, exist_ok=True)
    passed = True
    for kind in kinds:
        result = scenario(kind, args.seconds, args.clients, not args.no_faults)
        result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
        (RESULTS / f"load-{kind}.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        for part in ("integrity", "worker_kill", "pg_restart"):
            if part in result and not result[part].get("passed", True):
                print(f"[{kind}] FAIL: {part}", flush=True)
                passed = False
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
