"""Pages run a fixed number of queries, however much feedback a report has."""

import pytest
from sqlalchemy import event

from feedback.extensions import db
from feedback.review import consultation, decisions, services

from ..review_helpers import open_round, section


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def _count(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)


def _feedback(people, report, round_, n):
    target = section(report, 2)
    for i in range(n):
        comment = services.add_comment(
            people.reviewer, target, body=f"Ý kiến số {i}.", quote="dịch vụ tăng 11,2%/năm"
        )
        services.add_reply(people.reviewer, comment, body="Bổ sung.")
        services.add_suggestion(
            people.other_reviewer,
            target,
            base_version=1,
            text=target.current.text + f"\n\nĐề xuất {i}.",
        )
    consultation.submit_response(people.lead, round_)
    consultation.submit_response(people.other_lead, round_)
    db.session.commit()
    first = services.add_report_comment(people.chair, report, body="Chung.")
    db.session.commit()
    decisions.resolve_comment(people.drafter, first, disposition="noted")
    db.session.commit()
    return target


def _count(app, client, url):
    with QueryCounter(db.engine) as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("page", ["section", "dashboard", "queue", "report", "dispositions"])
def test_query_count_does_not_grow_with_feedback(app, client, auth, people, report, page):
    round_ = open_round(people, report)
    target = _feedback(people, report, round_, 3)
    auth.login("chair" if page != "queue" else "drafter")
    urls = {
        "section": f"/sections/{target.id}",
        "dashboard": f"/reports/{report.id}/dashboard",
        "queue": f"/reports/{report.id}/review",
        "report": f"/reports/{report.id}",
        "dispositions": f"/reports/{report.id}/dispositions",
    }
    few = _count(app, client, urls[page])
    # Ten times the feedback (sent again by the same departments): the same number of queries.
    _feedback(people, report, round_, 30)
    many = _count(app, client, urls[page])
    assert many == few, (few, many)
