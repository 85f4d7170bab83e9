"""Provincial-scale benchmark of the pages the chair and drafting team use most.

    make bench            # SQLite in a temporary folder
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/<db> make bench

Generates 40 departments, 150 sections of 2-20 KB, 6,000 comments, 2,000 suggestions,
600 section versions and 3 editions, then times real requests through the app
(in-process test client, so the figures are the app's own time, without network)
and prints medians. It also counts SQL queries per page. Not a test: it reports.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feedback import create_app  # noqa: E402
from feedback.auth.models import Department, User  # noqa: E402
from feedback.extensions import db  # noqa: E402

TARGETS_MS = {
    "dashboard": 100,
    "section page (100 feedback items)": 100,
    "outstanding list (API)": 200,
    "review queue page": None,
    "edition creation": 1000,
    ".docx export of the whole edition": 3000,
    "disposition table CSV": None,
}


_WORDS = (ROOT / "feedback" / "demo_report.md").read_text(encoding="utf-8").split()


def vietnamese_text(size: int, seed: int) -> str:
    """About ``size`` characters of report-like Vietnamese prose in paragraphs."""
    rng = random.Random(seed)
    paragraphs, length = [], 0
    while length < size:
        words = [rng.choice(_WORDS) for _ in range(rng.randint(25, 70))]
        paragraph = " ".join(words).replace("#", "").strip() + "."
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def _config(url: str) -> dict:
    return {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": url,
        # What a page costs to build (a first visit after a write): the same page served
        # again from memory is what `make bench-pages` measures.
        "FEEDBACK_PAGE_CACHE_MB": 0,
    }


def generate(seed: int = 7) -> dict:
    """Write the provincial-scale data set with bulk inserts; returns ids the timings need."""
    from feedback.auth import services as accounts
    from feedback.consolidation import services as editions
    from feedback.reports.models import Report, Section, SectionVersion
    from feedback.review.models import (
        Comment,
        Round,
        RoundDepartment,
        RoundSection,
        Submission,
        Suggestion,
    )

    rng = random.Random(seed)
    now = datetime.now(UTC)
    departments = [
        accounts.create_department(None, f"D{i:02d}", f"Sở thử nghiệm số {i}") for i in range(40)
    ]
    drafter = accounts.create_user(
        None, username="drafter", name="Tổ soạn thảo", role="drafter", password="Bench-pass-1"
    )
    chair = accounts.create_user(
        None, username="chair", name="Chủ tịch", role="chair", password="Bench-pass-1"
    )
    reviewers = [
        accounts.create_user(
            None,
            username=f"d{i:02d}.canbo",
            name=f"Cán bộ {i}",
            role="reviewer",
            password="Bench-pass-1",
            department=d,
        )
        for i, d in enumerate(departments)
    ]
    db.session.flush()
    report = Report(title="Báo cáo quy mô tỉnh (benchmark)", created_by_id=drafter.id)
    db.session.add(report)
    db.session.flush()

    section_ids, texts = [], {}
    for i in range(150):
        level = 1 if i % 10 == 0 else 2
        parent = section_ids[i - i % 10] if level == 2 else None
        section = Section(
            report_id=report.id, parent_id=parent, position=i, level=level, current_version=1
        )
        db.session.add(section)
        db.session.flush()
        section_ids.append(section.id)
        texts[section.id] = vietnamese_text(rng.randint(2_000, 20_000), seed=seed + i)
    db.session.execute(
        insert(SectionVersion),
        [
            {
                "section_id": sid,
                "number": 1,
                "heading": f"Mục {n + 1}",
                "text": texts[sid],
                "kind": "import",
                "reason_code": "imported",
                "reason_params": {"source": "markdown"},
                "author_id": drafter.id,
                "created_at": now - timedelta(days=30),
            }
            for n, sid in enumerate(section_ids)
        ],
    )
    # 450 more versions: 600 in all.
    versions = {sid: 1 for sid in section_ids}
    rows = []
    for k in range(450):
        sid = section_ids[k % 150]
        versions[sid] += 1
        texts[sid] = texts[sid].replace(" ", "  ", 1) + f"\n\nBổ sung lần {versions[sid]}."
        rows.append(
            {
                "section_id": sid,
                "number": versions[sid],
                "heading": f"Mục {section_ids.index(sid) + 1}",
                "text": texts[sid],
                "kind": "edit",
                "reason_code": "custom",
                "reason_params": {"text": "Biên tập"},
                "author_id": drafter.id,
                "created_at": now - timedelta(days=20, minutes=-k),
            }
        )
    db.session.execute(insert(SectionVersion), rows)
    for sid, number in versions.items():
        db.session.get(Section, sid).current_version = number
    db.session.flush()

    round_ = Round(
        report_id=report.id,
        number=1,
        title="Đợt 1",
        deadline=now + timedelta(days=3),
        opened_by_id=drafter.id,
    )
    round_.invitations = [RoundDepartment(department_id=d.id) for d in departments]
    round_.section_versions = [RoundSection(section_id=sid, version=1) for sid in section_ids]
    db.session.add(round_)
    db.session.flush()
    submissions = {}
    for d, reviewer in zip(departments[:36], reviewers[:36], strict=True):
        s = Submission(
            round_id=round_.id,
            department_id=d.id,
            submitted_by_id=reviewer.id,
            submitted_at=now,
            dispatch_number=f"{rng.randint(100, 9999)}/{d.code}",
        )
        db.session.add(s)
        db.session.flush()
        submissions[d.id] = s.id

    dispositions = [None, None, "absorbed", "partly_absorbed", "explained", "noted", "escalated"]
    busy_section = section_ids[17]
    comment_rows = []
    for k in range(6_000):
        reviewer = reviewers[k % 36]
        sid = busy_section if k < 70 else rng.choice(section_ids + [None])
        disposition = rng.choice(dispositions)
        comment_rows.append(
            {
                "report_id": report.id,
                "section_id": sid,
                "department_id": reviewer.department_id,
                "author_id": reviewer.id,
                "kind": rng.choice(["general", "wording", "figures", "structure"]),
                "body": vietnamese_text(rng.randint(80, 600), seed=k),
                "base_version": 1 if sid else None,
                "status": "submitted",
                "round_id": round_.id,
                "submission_id": submissions[reviewer.department_id],
                "submitted_at": now,
                "disposition": disposition,
                "response": "Đã tiếp thu và chỉnh sửa." if disposition else None,
                "decided_by_id": drafter.id if disposition else None,
                "decided_at": now if disposition else None,
                "created_at": now,
                "updated_at": now,
            }
        )
    db.session.execute(insert(Comment), comment_rows)
    suggestion_rows = []
    for k in range(2_000):
        reviewer = reviewers[k % 36]
        sid = busy_section if k < 30 else rng.choice(section_ids)
        status = rng.choice(["pending", "pending", "accepted", "rejected"])
        suggestion_rows.append(
            {
                "report_id": report.id,
                "section_id": sid,
                "department_id": reviewer.department_id,
                "author_id": reviewer.id,
                "base_version": 1,
                "text": texts[sid][:-40] + " (đề xuất sửa).",
                "rationale": vietnamese_text(200, seed=10_000 + k),
                "status": status,
                "round_id": round_.id,
                "submission_id": submissions[reviewer.department_id],
                "submitted_at": now,
                "decided_by_id": drafter.id if status != "pending" else None,
                "decided_at": now if status != "pending" else None,
                "decision_note": "Không phù hợp." if status == "rejected" else None,
                "result_version": versions[sid] if status == "accepted" else None,
                "accepted_with_edits": False,
                "created_at": now,
                "updated_at": now,
            }
        )
    db.session.execute(insert(Suggestion), suggestion_rows)
    db.session.commit()
    for _ in range(3):
        editions.issue_edition(drafter, report, note="Dự thảo")
        db.session.commit()
    return {
        "report": report.id,
        "busy_section": busy_section,
        "chair": chair.id,
        "drafter": drafter.id,
    }


def _median_ms(fn, reps: int) -> float:
    fn()  # warm-up: caches, connections
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


class _Queries:
    def __init__(self):
        self.n = 0

    def __call__(self, *args, **kwargs):
        self.n += 1


def main() -> int:
    url = os.environ.get("BENCH_DATABASE_URL")
    folder = tempfile.mkdtemp(prefix="feedback-bench-")
    url = url or f"sqlite:///{folder}/bench.sqlite3"
    app = create_app(_config(url))
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        if db.session.scalar(select(User.id).limit(1)) is None:
            start = time.perf_counter()
            ids = generate()
            print(
                f"generated the data set in {time.perf_counter() - start:.1f} s on {db.engine.dialect.name}"
            )
        else:
            raise SystemExit("BENCH_DATABASE_URL must point at an empty database")
        departments = db.session.scalar(select(db.func.count()).select_from(Department))

    rid, sid = ids["report"], ids["busy_section"]
    chair = app.test_client()
    chair.post("/login", data={"username": "chair", "password": "Bench-pass-1"})
    drafter = app.test_client()
    drafter.post("/login", data={"username": "drafter", "password": "Bench-pass-1"})
    with app.app_context():
        from feedback.auth.services import issue_token

        token = issue_token(db.session.get(User, ids["chair"]))
        db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}

    def get(client, path, **kw):
        def run():
            response = client.get(path, **kw)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return run

    def issue():
        response = drafter.post(f"/reports/{rid}/editions", data={"note": "bench"})
        assert response.status_code == 302, response.status_code

    cases = {
        "dashboard": (get(chair, f"/reports/{rid}/dashboard"), 7),
        "section page (100 feedback items)": (get(chair, f"/sections/{sid}"), 7),
        "outstanding list (API)": (
            get(chair, f"/api/v1/reports/{rid}/outstanding", headers=bearer),
            7,
        ),
        "review queue page": (get(drafter, f"/reports/{rid}/review"), 5),
        "edition creation": (issue, 5),
        ".docx export of the whole edition": (
            get(chair, f"/reports/{rid}/editions/3/export.docx"),
            3,
        ),
        "disposition table CSV": (get(chair, f"/reports/{rid}/dispositions.csv"), 3),
    }
    results = {}
    print(
        f"\n{departments} departments, 150 sections, 6,000 comments, 2,000 suggestions, 600 versions, "
        f"3 editions; {url.split(':')[0]}\n"
    )
    print(f"{'case':40} {'median ms':>10} {'queries':>8} {'target':>8}  result")
    ok = True
    for name, (fn, reps) in cases.items():
        median = _median_ms(fn, reps)
        with app.app_context():
            counter = _Queries()
            event.listen(db.engine, "before_cursor_execute", counter)
            try:
                fn()
            finally:
                event.remove(db.engine, "before_cursor_execute", counter)
        target = TARGETS_MS.get(name)
        verdict = "" if target is None else ("PASS" if median <= target else "FAIL")
        ok &= verdict != "FAIL"
        results[name] = {"median_ms": round(median, 1), "queries": counter.n, "target_ms": target}
        print(f"{name:40} {median:10.1f} {counter.n:8d} {target or '':>8}  {verdict}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "app.json").write_text(
        json.dumps({"database": url.split(":")[0], "results": results}, indent=2)
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
