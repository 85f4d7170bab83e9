"""The operator's account commands: ``flask users list``, ``flask users set-password``,
``flask departments list``; clear errors and a non-zero exit code on bad input."""

from sqlalchemy import select

from feedback.audit.models import AuditEvent
from feedback.auth.models import User
from feedback.extensions import db

from . import factories

NEW_PASSWORD = "Sông-Hồng-chảy-qua-Hà-Nội"


def _run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def _lines(output: str) -> list[str]:
    return output.strip().splitlines()


def test_users_list_shows_every_account_and_filters(app, people):
    people.other_reviewer.active = False
    db.session.commit()
    result = _run(app, "users", "list")
    assert result.exit_code == 0, result.output
    lines = _lines(result.output)
    assert lines[0].split()[:5] == ["USERNAME", "ROLE", "DEPARTMENT", "STATUS", "LAST"]
    assert lines[-1] == "7 user(s)."
    rows = {line.split()[0]: line for line in lines[1:-1]}
    assert set(rows) == {u.username for u in db.session.scalars(select(User))}
    assert rows["stc.lead"].split()[1:4] == ["lead", "STC", "active"]
    assert rows["stc.lead"].endswith("Nguyễn Thị Lan")
    assert rows["sct.reviewer"].split()[3] == "inactive"
    assert rows["admin"].split()[2] == "-"

    by_department = _lines(_run(app, "users", "list", "--department", "stc").output)
    assert [line.split()[0] for line in by_department[1:-1]] == ["stc.lead", "stc.reviewer"]
    by_role = _lines(_run(app, "users", "list", "--role", "lead").output)
    assert [line.split()[0] for line in by_role[1:-1]] == ["sct.lead", "stc.lead"]


def test_users_list_with_an_unknown_department_is_an_error(app, people):
    result = _run(app, "users", "list", "--department", "KHONGCO")
    assert result.exit_code != 0
    assert "KHONGCO" in result.output


def test_set_password_from_stdin_ends_sessions_and_tokens(app, people, api):
    lead = api.as_(people.lead)
    assert lead.get("/me").status_code == 200
    result = _run(app, "users", "set-password", "STC.Lead", "--password-stdin", input=NEW_PASSWORD)
    assert result.exit_code == 0, result.output
    assert "stc.lead" in result.output
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.username == "stc.lead"))
    assert user.check_password(NEW_PASSWORD)
    assert not user.must_change_password
    assert lead.get("/me").status_code == 401
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_reset"))
    assert event is not None and event.actor_id is None


def test_set_password_prompts_twice(app, people):
    typed = f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
    result = _run(app, "users", "set-password", "chair", input=typed)
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, people.chair.id).check_password(NEW_PASSWORD)


def test_set_password_keeps_the_strength_rules(app, people):
    for weak in ("ngắn", "Trần Văn Minh", "1234567890"):
        result = _run(app, "users", "set-password", "chair", "--password-stdin", input=weak)
        assert result.exit_code != 0, weak
        assert "Error:" in result.output
    db.session.expire_all()
    chair = db.session.get(User, people.chair.id)
    assert chair.check_password(factories.PASSWORD)


def test_set_password_of_an_unknown_user_is_refused(app, people):
    result = _run(app, "users", "set-password", "khong.co", "--password-stdin", input=NEW_PASSWORD)
    assert result.exit_code != 0
    assert "No user named 'khong.co'." in result.output


def test_set_password_with_nothing_on_stdin_is_refused(app, people):
    result = _run(app, "users", "set-password", "chair", "--password-stdin", input="")
    assert result.exit_code != 0
    assert "No password on standard input." in result.output


def test_departments_list(app, people):
    people.other_reviewer.active = False
    db.session.commit()
    result = _run(app, "departments", "list")
    assert result.exit_code == 0, result.output
    lines = _lines(result.output)
    assert lines[0].split() == ["CODE", "ACTIVE", "USERS", "MAILBOX", "NAME"]
    assert lines[1].split()[:3] == ["SCT", "1", "-"] and lines[1].endswith("Sở Công Thương")
    assert lines[2].split()[:3] == ["STC", "2", "-"] and lines[2].endswith("Sở Tài chính")
    assert lines[-1] == "2 department(s)."
