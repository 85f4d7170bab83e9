"""Decisions under real concurrency: threads with their own connections race on one section.

SQLite serialises writers with BEGIN IMMEDIATE, PostgreSQL with SELECT ... FOR UPDATE
(CI runs this file on both). Each run writes its figures to test-artifacts/.
"""

import json
import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from feedback.auth.models import User
from feedback.errors import InvalidTransition
from feedback.extensions import db
from feedback.reports import queries as report_queries
from feedback.reports import services as report_services
from feedback.review import consultation, decisions, services
from feedback.review.models import Comment, Suggestion

from ..review_helpers import open_round, section

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PARAGRAPHS = [
    f"Đoạn {i}: chỉ tiêu số {i} của tỉnh đạt {i},5% so với kế hoạch năm." for i in range(1, 13)
]


def _race(app, jobs):
    """Run every job at once in its own thread, app context and database connection."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        with app.app_context():
            barrier.wait()
            try:
                job()
                db.session.commit()
                results[index] = "ok"
            except InvalidTransition:
                db.session.rollback()
                results[index] = "409"
            except Exception as error:  # noqa: BLE001 - anything else is a failure of the test
                db.session.rollback()
                results[index] = f"error: {type(error).__name__}: {error}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def _save_figures(name: str, figures: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    dialect = db.engine.dialect.name
    (ARTIFACTS / f"concurrency-{name}-{dialect}.json").write_text(
        json.dumps(figures, ensure_ascii=False, indent=2)
    )


@pytest.fixture
def setup(people, report):
    target = section(report, 2)
    report_services.save_section(
        people.drafter, target, text="\n\n".join(PARAGRAPHS), base_version=1
    )
    round_ = open_round(people, report)
    db.session.commit()
    return target, round_


def _submit(people, target, round_, edits):
    ids = []
    for i in edits:
        text = target.current.text.replace(
            PARAGRAPHS[i], PARAGRAPHS[i].replace("so với kế hoạch", "so với kế hoạch điều chỉnh")
        )
        ids.append(
            services.add_suggestion(
                people.reviewer, target, base_version=target.current_version, text=text
            ).id
        )
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    return ids


def test_racing_accepts_and_rejects_decide_exactly_once(app, people, setup):
    target, round_ = setup
    (sid,) = _submit(people, target, round_, [0])
    drafter_id = people.drafter.id

    def accept():
        decisions.accept_suggestion(
            db.session.get(User, drafter_id), db.session.get(Suggestion, sid)
        )

    def reject():
        decisions.reject_suggestion(
            db.session.get(User, drafter_id), db.session.get(Suggestion, sid), reason="Không."
        )

    jobs = [accept, reject] * 10
    results = _race(app, jobs)
    counts = Counter(results)
    _save_figures("one-suggestion", {"attempts": len(jobs), "outcomes": dict(counts)})
    assert counts == {"ok": 1, "409": len(jobs) - 1}, results
    db.session.commit()  # end our read snapshot so we see what the threads wrote
    suggestion = db.session.get(Suggestion, sid)
    numbers = sorted(v.number for v in report_queries.versions(target))
    expected_last = 3 if suggestion.status == "accepted" else 2
    assert numbers == list(range(1, expected_last + 1))
    assert target.current_version == expected_last


def test_concurrent_accepts_of_different_suggestions_all_land_without_gaps(app, people, setup):
    target, round_ = setup
    ids = _submit(people, target, round_, range(8))
    drafter_id = people.drafter.id

    def accept(sid):
        return lambda: decisions.accept_suggestion(
            db.session.get(User, drafter_id), db.session.get(Suggestion, sid)
        )

    # Every suggestion is raced by two drafters: one accept each must win.
    jobs = [accept(sid) for sid in ids for _ in range(2)]
    results = _race(app, jobs)
    counts = Counter(results)
    _save_figures("eight-suggestions", {"attempts": len(jobs), "outcomes": dict(counts)})
    assert counts == {"ok": len(ids), "409": len(ids)}, results
    db.session.commit()  # end our read snapshot so we see what the threads wrote
    statuses = set(db.session.scalars(select(Suggestion.status).where(Suggestion.id.in_(ids))))
    assert statuses == {"accepted"}
    numbers = sorted(v.number for v in report_queries.versions(target))
    assert numbers == list(range(1, 2 + len(ids) + 1))  # import, setup edit, one per suggestion
    final = target.current.text
    for i in range(8):
        assert PARAGRAPHS[i].replace("so với kế hoạch", "so với kế hoạch điều chỉnh") in final


def test_concurrent_writes_queue_for_the_lock_instead_of_failing(app, api, people, setup):
    """Many departments posting at once: every comment is stored, none gets a 500.

    On SQLite a deferred transaction that read before another writer committed cannot
    wait for the lock ("database is locked" at once); state-changing requests therefore
    begin with BEGIN IMMEDIATE. Found by the load benchmark (14 of 208 comments failed)."""
    target, _round = setup
    tokens = [api.as_(people.reviewer).token, api.as_(people.other_reviewer).token]
    sid = target.id  # read here: the test's session must not be used from the threads
    attempts = 24
    barrier = threading.Barrier(attempts)
    statuses = [None] * attempts

    def post(index):
        with app.app_context():
            _post(index)

    def _post(index):
        client = app.test_client()
        barrier.wait()
        try:
            response = client.post(
                f"/api/v1/sections/{sid}/comments",
                json={"body": f"Góp ý đồng thời số {index}: đề nghị làm rõ số liệu tăng trưởng."},
                headers={"Authorization": f"Bearer {tokens[index % 2]}"},
            )
            statuses[index] = response.status_code
        except Exception as error:  # noqa: BLE001 - reported in the assertion
            statuses[index] = f"{type(error).__name__}: {error}"

    threads = [threading.Thread(target=post, args=(i,)) for i in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    db.session.rollback()
    stored = db.session.scalar(
        select(func.count(Comment.id)).where(Comment.body.like("Góp ý đồng thời số %"))
    )
    _save_figures(
        "comments", {"attempts": attempts, "statuses": dict(Counter(statuses)), "stored": stored}
    )
    assert statuses == [201] * attempts
    assert stored == attempts
