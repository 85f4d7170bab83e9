"""The consolidation table's downloads are kept in the database until the feedback they
show changes (issue 16): a second download builds nothing, an answer makes a new one."""

from feedback.consolidation import exports
from feedback.extensions import db
from feedback.review import consultation, decisions, services

from ..review_helpers import open_round, section


def test_a_download_is_kept_until_the_rounds_feedback_changes(
    client, auth, api, people, report, monkeypatch
):
    round_ = open_round(people, report)
    comment = services.add_comment(people.reviewer, section(report, 1), body="Cần bổ sung số liệu.")
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    auth.login("drafter")
    url = f"/reports/{report.id}/dispositions.csv"
    first = client.get(url)
    assert first.status_code == 200 and "Cần bổ sung số liệu." in first.get_data(as_text=True)
    assert "bang-tong-hop-y-kien" in first.headers["Content-Disposition"]

    built = []
    original = exports.disposition_download
    monkeypatch.setattr(
        exports,
        "disposition_download",
        lambda *a, **k: built.append(a[2]) or original(*a, **k),
    )
    again = client.get(url)
    assert again.status_code == 200 and again.data == first.data and not built
    assert again.headers["Content-Disposition"] == first.headers["Content-Disposition"]
    # The API serves the same stored copy (same language).
    assert api.as_(people.drafter).get(f"/reports/{report.id}/dispositions.csv").data == first.data
    assert not built

    decisions.resolve_comment(
        people.drafter, comment, disposition="explained", response="Đã có ở phụ lục 2."
    )
    db.session.commit()
    changed = client.get(url)
    assert built == ["csv"] and "Đã có ở phụ lục 2." in changed.get_data(as_text=True)
    # Per round, and a round of another report is still not found.
    assert client.get(f"{url}?round={round_.id}").status_code == 200
    assert client.get(f"{url}?round=999").status_code == 404
