"""The schema is made by migrations only, and they agree with the models."""

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from feedback import create_app
from feedback.config import TestConfig
from feedback.database import include_name
from feedback.extensions import db

from . import pgadmin


@pytest.fixture
def empty_database_url(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield "sqlite:///" + str(tmp_path / "migrations.sqlite3")
        return
    server, _db = base.rsplit("/", 1)
    name = f"feedback_mig_{uuid.uuid4().hex[:12]}"
    pgadmin.create(server, name)
    try:
        yield f"{server}/{name}"
    finally:
        pgadmin.drop(server, name)


def test_upgrade_from_empty_matches_the_models_and_downgrades_cleanly(empty_database_url):
    app = create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
        }
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": include_name}
            )
            assert compare_metadata(context, db.metadata) == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()


def test_version_reasons_become_codes_and_come_back(empty_database_url):
    """The stored sentences of both languages become codes with parameters; anything else
    is kept word for word as a custom reason; the downgrade writes the sentences back."""
    from sqlalchemy import text

    app = create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
        }
    )
    old_reasons = {
        1: ("import", "Nhập từ Markdown"),
        2: ("accept", "Chấp nhận đề xuất sửa đổi #12 của Sở Tài chính"),
        3: ("accept", "Accepted suggestion #7 from Cục Thống kê, with edits"),
        4: ("restore", "Khôi phục phiên bản 2"),
        5: ("edit", "Số liệu mới của Cục Thống kê"),
        6: ("rename", ""),
    }
    with app.app_context():
        upgrade(revision="abd4ac3e03dc")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO user_account (id, username, name, role, password_hash, active,"
                    " session_token, created_at) VALUES (1, 'd', 'D', 'drafter', 'x', true, 't',"
                    " CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO report (id, title, status, numbering, departments_see_each_other,"
                    " created_by_id, created_at) VALUES (1, 'R', 'drafting', 'roman', true, 1,"
                    " CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO section (id, report_id, position, level, numbered,"
                    " current_version, created_at) VALUES (1, 1, 1, 1, true, 6, CURRENT_TIMESTAMP)"
                )
            )
            for number, (kind, reason) in old_reasons.items():
                connection.execute(
                    text(
                        "INSERT INTO section_version (section_id, number, heading, text, kind,"
                        " reason, author_id, created_at) VALUES (1, :n, 'H', 'T', :kind, :reason,"
                        " 1, CURRENT_TIMESTAMP)"
                    ),
                    {"n": number, "kind": kind, "reason": reason},
                )
        upgrade()
        from feedback.reports.models import SectionVersion

        rows = {
            v.number: (v.reason_code, v.reason_params)
            for v in db.session.scalars(db.select(SectionVersion))
        }
        assert rows == {
            1: ("imported", {"source": "markdown"}),
            2: ("accepted", {"id": 12, "department": "Sở Tài chính"}),
            3: ("accepted_with_edits", {"id": 7, "department": "Cục Thống kê"}),
            4: ("restored", {"version": 2}),
            5: ("custom", {"text": "Số liệu mới của Cục Thống kê"}),
            6: ("renamed", {}),
        }
        db.session.remove()
        downgrade(revision="abd4ac3e03dc")
        with db.engine.connect() as connection:
            back = dict(
                connection.execute(text("SELECT number, reason FROM section_version")).all()
            )
        assert back[2] == "Chấp nhận đề xuất sửa đổi #12 của Sở Tài chính"
        assert back[5] == "Số liệu mới của Cục Thống kê"
        db.session.remove()
        db.engine.dispose()


def test_login_sessions_migration_keeps_passwords_and_gives_tokens_an_expiry(
    empty_database_url,
):
    """Existing tokens get 90 days from their issue; an old scrypt password still logs in
    (and is rehashed with argon2id); the downgrade gives every user a session token back."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import text
    from werkzeug.security import generate_password_hash

    app = create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
        }
    )
    issued = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    with app.app_context():
        upgrade(revision="5d1c0a7e9b21")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO user_account (id, username, name, role, password_hash, active,"
                    " session_token, created_at) VALUES (1, 'chair', 'C', 'chair', :hash, true,"
                    " 't', CURRENT_TIMESTAMP)"
                ),
                {"hash": generate_password_hash("Mật khẩu cũ vẫn dùng được", method="scrypt")},
            )
            connection.execute(
                text(
                    "INSERT INTO api_token (user_id, token_hash, created_at) VALUES (1, 'h', :at)"
                ),
                {
                    "at": issued
                    if db.engine.dialect.name != "sqlite"
                    else issued.replace(tzinfo=None)
                },
            )
        upgrade()
        from feedback.auth import services
        from feedback.auth.models import ApiToken

        token = db.session.scalar(db.select(ApiToken))
        assert token.expires_at == issued + timedelta(days=90) and token.source == "login"
        user = services.authenticate("chair", "Mật khẩu cũ vẫn dùng được")
        assert user is not None and user.password_hash.startswith("$argon2id$")
        assert not user.must_change_password and user.last_login_at is None
        db.session.commit()
        db.session.remove()
        downgrade(revision="5d1c0a7e9b21")
        with db.engine.connect() as connection:
            tokens = connection.execute(text("SELECT session_token FROM user_account")).all()
        assert len(tokens) == 1 and len(tokens[0][0]) > 20
        db.session.remove()
        db.engine.dispose()


def test_existing_editions_get_their_reports_document_format(empty_database_url):
    """Reports get the type "BÁO CÁO"; an edition issued before the settings existed gets a
    copy of its report's values (it was issued under them)."""
    from sqlalchemy import text

    app = create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
        }
    )
    with app.app_context():
        upgrade(revision="9c4e2a7b1d30")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO user_account (id, username, name, role, password_hash, active,"
                " must_change_password, mail_frequency, created_at) VALUES (1, 'd', 'D',"
                " 'drafter', 'x', true, false, 'immediate', CURRENT_TIMESTAMP)",
                "INSERT INTO report (id, title, status, numbering, departments_see_each_other,"
                " created_by_id, created_at) VALUES (1, 'Báo cáo', 'drafting', 'roman', true, 1,"
                " CURRENT_TIMESTAMP)",
                "INSERT INTO edition (id, report_id, number, note, title, status, created_at,"
                " created_by_id) VALUES (1, 1, 1, '', 'Báo cáo', 'issued', CURRENT_TIMESTAMP, 1)",
            ):
                connection.execute(text(statement))
        upgrade(revision="6b8e0f3a2c47")
        with db.engine.begin() as connection:
            report = connection.execute(
                text("SELECT document_type, issuing_body, recipients FROM report")
            ).one()
            edition = connection.execute(
                text("SELECT document_type, issuing_body, recipients FROM edition")
            ).one()
        assert tuple(report) == tuple(edition) == ("BÁO CÁO", "", "")
        db.engine.dispose()
