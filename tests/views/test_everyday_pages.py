"""Each role's day (issue 12): no risky defaults, dates day first, a readable audit trail,
charts and tables every reader can use."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from feedback.audit import wording
from feedback.auth.models import Department
from feedback.consolidation.models import Edition
from feedback.dashboard import charts
from feedback.extensions import db
from feedback.i18n import utc_to_local
from feedback.models_base import utcnow
from feedback.review import consultation, decisions, services
from feedback.review.models import Comment, Round, Submission

from ..review_helpers import open_round, section

ROOT = Path(__file__).resolve().parents[2]


def _submitted_comment(people, report, body="Đề nghị nêu rõ nguồn số liệu."):
    round_ = open_round(people, report)
    comment = services.add_comment(people.reviewer, section(report, 1), body=body)
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    return round_, comment


def _followed(client, response) -> str:
    assert response.status_code == 302, response.status_code
    return client.get(response.headers["Location"]).get_data(as_text=True)


# 4. Risky defaults -------------------------------------------------------------------


def test_no_answer_is_preselected_and_an_answer_not_chosen_is_refused(client, auth, people, report):
    _round, comment = _submitted_comment(people, report)
    auth.login("drafter")
    page = client.get(f"/sections/{comment.section_id}").get_data(as_text=True)
    select_ = re.search(r'<select name="disposition"[^>]*>(.*?)</select>', page, re.S)
    assert select_ is not None and "required" in select_.group(0)
    options = re.findall(r"<option([^>]*)>([^<]*)</option>", select_.group(1))
    assert options[0] == (' value="" selected', "— chọn —")
    assert all("selected" not in attrs for attrs, _text in options[1:])

    page = _followed(
        client,
        client.post(
            f"/comments/{comment.id}/resolve",
            data={"disposition": "", "response": "Đã bổ sung.", "form_token": "tok-unchosen-1"},
        ),
    )
    assert "Vui lòng chọn hình thức trả lời" in page
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).disposition is None
    # The refusal kept the form's token: the same form, now with an answer, goes through.
    client.post(
        f"/comments/{comment.id}/resolve",
        data={"disposition": "absorbed", "response": "Đã bổ sung.", "form_token": "tok-unchosen-1"},
    )
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).disposition == "absorbed"


def test_the_chairs_answer_form_preselects_nothing_either(client, auth, people, report):
    _round, comment = _submitted_comment(people, report)
    decisions.resolve_comment(
        people.drafter, comment, disposition="escalated", response="Xin ý kiến."
    )
    db.session.commit()
    auth.login("chair")
    page = client.get(f"/reports/{report.id}/dashboard").get_data(as_text=True)
    assert '<select name="disposition" required><option value="" selected>' in page


def test_noted_without_text_reads_as_the_standard_sentence(client, auth, people, report):
    _round, comment = _submitted_comment(people, report)
    decisions.resolve_comment(people.drafter, comment, disposition="noted", response="")
    db.session.commit()
    auth.login("drafter")
    page = client.get(f"/reports/{report.id}/dispositions").get_data(as_text=True)
    assert "Tổ soạn thảo ghi nhận ý kiến." in page
    csv = client.get(f"/reports/{report.id}/dispositions.csv").get_data(as_text=True)
    assert "Tổ soạn thảo ghi nhận ý kiến." in csv


def test_the_round_form_ticks_no_department_and_all_departments_invites_each(
    client, auth, people, report
):
    auth.login("drafter")
    form = client.get(f"/reports/{report.id}/rounds/new").get_data(as_text=True)
    boxes = re.findall(r'<input[^>]*name="departments"[^>]*>', form)
    assert len(boxes) == 2 and not any("checked" in box for box in boxes)
    assert "Tất cả các sở, ngành (2)" in form
    assert "phát hành thành dự thảo lần 1" in form  # the page says the draft is issued with it
    deadline = f"05/12/{utcnow().year + 1} 17:00"
    nobody = client.post(f"/reports/{report.id}/rounds/new", data={"deadline": deadline})
    assert nobody.status_code == 422
    assert "Vui lòng chọn ít nhất một sở, ngành." in nobody.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Edition)) == 0
    page = _followed(
        client,
        client.post(
            f"/reports/{report.id}/rounds/new",
            data={"deadline": deadline, "all_departments": "y"},
        ),
    )
    round_ = db.session.scalar(select(Round))
    invited = {i.department.code for i in round_.invitations}
    assert invited == set(db.session.scalars(select(Department.code))) == {"STC", "SCT"}
    assert round_.edition_number == 1
    assert "dự thảo lần 1" in page


def test_the_api_round_names_its_draft(api, people, report):
    drafter = api.as_(people.drafter)
    response = drafter.post(
        f"/reports/{report.id}/rounds",
        json={"deadline": f"{utcnow().year + 1}-12-05T17:00:00+07:00", "departments": ["STC"]},
    )
    assert response.status_code == 201 and response.json["edition"] == 1
    assert drafter.get(f"/rounds/{response.json['id']}").json["edition"] == 1
    assert drafter.get(f"/reports/{report.id}/editions").json[0]["number"] == 1


# 8. Dates day first ---------------------------------------------------------------------


def test_the_dispatch_date_is_typed_day_first(client, auth, people, report):
    round_ = open_round(people, report)
    services.add_comment(people.reviewer, section(report, 1), body="Bổ sung số liệu quý IV.")
    db.session.commit()
    auth.login("stc.lead")
    form = client.get(f"/rounds/{round_.id}/respond").get_data(as_text=True)
    assert 'name="dispatch_date"' in form and 'placeholder="dd/mm/yyyy"' in form
    refused = client.post(
        f"/rounds/{round_.id}/respond",
        data={
            "dispatch_number": "12/STC",
            "dispatch_date": "12/31/2019",
            "submit_feedback": "y",
            "confirm": "y",
        },
    )
    assert refused.status_code == 422
    assert "không có trong lịch" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
    client.post(
        f"/rounds/{round_.id}/respond",
        data={
            "dispatch_number": "12/STC",
            "dispatch_date": "10/12/2019",
            "submit_feedback": "y",
            "confirm": "y",
        },
    )
    assert db.session.scalar(select(Submission.dispatch_date)) == date(2019, 12, 10)


def test_a_deadline_not_understood_keeps_the_form_and_says_how_to_type_it(
    client, auth, people, report
):
    auth.login("drafter")
    response = client.post(
        f"/reports/{report.id}/rounds/new",
        data={"deadline": "12/31/2027 5:00 PM", "departments": ["STC"]},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "dd/mm/yyyy hh:mm" in page and 'value="12/31/2027 5:00 PM"' in page
    assert db.session.scalar(select(func.count()).select_from(Round)) == 0


def test_no_page_uses_the_browsers_locale_dependent_date_inputs():
    """Every date a page asks for is a day-first text field (feedback.datefields)."""
    for path in (ROOT / "feedback").rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        assert not names & {"DateField", "DateTimeField", "DateTimeLocalField", "TimeField"}, path
    for path in (ROOT / "templates").rglob("*.html"):
        assert not re.search(r'type="(date|datetime-local|time|month|week)"', path.read_text()), (
            path
        )


# 7. The audit trail in words --------------------------------------------------------------


def test_the_audit_trail_reads_as_sentences_with_local_times_and_links(
    client, auth, people, report
):
    round_, comment = _submitted_comment(people, report)
    decisions.resolve_comment(people.drafter, comment, disposition="noted", response="")
    db.session.commit()
    auth.login("chair")
    page = client.get("/audit").get_data(as_text=True)
    table = page[page.index("<table") : page.index("</table>")]
    assert "mở đợt lấy ý kiến" in table and "trả lời ý kiến" in table
    assert "round.opened" not in table and "\\u" not in table and "{" not in table
    deadline = utc_to_local(round_.deadline)
    assert deadline.strftime("%d/%m/%Y %H:%M") in table  # Vietnam time, not the UTC ISO string
    assert f'href="/rounds/{round_.id}"' in table
    assert f'href="/reports/{report.id}/editions/1"' in table
    assert f'href="/sections/{comment.section_id}?c={comment.id}#c{comment.id}"' in table
    assert "ghi nhận" in table  # the disposition's label, not "noted"
    # The filter offers actions by name; the codes stay the values.
    assert '<option value="round.opened">mở đợt lấy ý kiến</option>' in page


def test_the_admin_reads_logins_with_a_link_to_the_account(client, auth, people):
    auth.login("drafter")
    auth.logout()
    auth.login("admin")
    page = client.get("/audit").get_data(as_text=True)
    assert "đăng nhập" in page and f'href="/admin/users/{people.drafter.id}"' in page
    auth.logout()
    auth.login("chair")
    assert f'href="/admin/users/{people.drafter.id}"' not in client.get("/audit").get_data(
        as_text=True
    )


def test_the_api_keeps_codes_and_adds_the_label(api, people, report):
    open_round(people, report)
    items = api.as_(people.chair).get(f"/reports/{report.id}/audit").json["items"]
    opened = next(i for i in items if i["action"] == "round.opened")
    assert opened["label"] == "mở đợt lấy ý kiến"
    assert opened["details"]["deadline"].endswith("+00:00") and opened["details"]["edition"] == 1


def _recorded_actions() -> set[str]:
    """Every action the code records: record(actor, "kind.verb", ...) literals, and the
    section save's f"section.{kind}ed" names."""
    found = set()
    for path in (ROOT / "feedback").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "record"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)
            ):
                found.add(node.args[1].value)
    return found | {"section.edited", "section.renamed"}


def test_every_action_recorded_has_words():
    actions = _recorded_actions()
    assert len(actions) > 40  # the scan finds them
    assert sorted(actions - set(wording.ACTIONS)) == []


# 10, 11. Charts and tables every reader can use --------------------------------------------


def test_charts_keep_their_text_size_and_name_their_links():
    series = [charts.Series("open", "ý kiến chưa trả lời", "s-open")]
    svg = str(
        charts.stacked_bars(
            [("I.1. Kết quả thực hiện các chỉ tiêu chủ yếu năm 2025", {"open": 3}, "/sections/2")],
            series,
            name="Ý kiến theo từng mục",
        )
    )
    assert "viewBox" not in svg  # drawn at the page's scale: text is not shrunk on a phone
    assert 'role="group" aria-label="Ý kiến theo từng mục"' in svg
    assert 'aria-label="I.1. Kết quả thực hiện các chỉ tiêu chủ yếu năm 2025: ý kiến' in svg
    picture = str(charts.stacked_bars([("Sở, ngành", {"open": 2}, None)], series, name="Trả lời"))
    assert 'role="img" aria-label="Trả lời. Sở, ngành: ý kiến chưa trả lời 2"' in picture


def test_no_table_has_an_empty_header_cell():
    for path in (ROOT / "templates").rglob("*.html"):
        assert not re.search(r"<th[^>]*>\s*</th>", path.read_text()), path
