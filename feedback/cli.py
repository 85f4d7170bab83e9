"""Command-line interface: ``flask --app wsgi users|departments|reports|demo|notifications|worker ...``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from .extensions import db

ROLES = ["admin", "drafter", "chair", "lead", "reviewer"]


def _fail(message: str):
    raise click.ClickException(message)


def _run(fn):
    """Run a service call, committing on success and turning domain errors into CLI errors."""
    from .errors import DomainError

    try:
        result = fn()
    except DomainError as error:
        db.session.rollback()
        _fail(error.message)
    db.session.commit()
    return result


def _user(username: str):
    from .auth.models import User

    user = db.session.scalar(select(User).where(User.username == username.lower()))
    if user is None:
        _fail(f"No user named {username!r}.")
    return user


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Columns padded to their widest cell, the last one (a free-text name) left ragged."""
    widths = [max(len(str(r[k])) for r in (header, *rows)) for k in range(len(header) - 1)]
    for row in (header, *rows):
        cells = [str(c).ljust(w) for c, w in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, str(row[-1])]))


@click.group("users", help="Manage user accounts.")
def users_cli():
    pass


@users_cli.command("create")
@click.argument("username")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option(
    "--department", "department_code", default=None, help="Department code (lead, reviewer)."
)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(username, name, role, department_code, password):
    """Create a user."""
    from .auth import services

    def run():
        department = services.get_department(department_code) if department_code else None
        return services.create_user(
            None, username=username, name=name, role=role, password=password, department=department
        )

    user = _run(run)
    click.echo(f"Created {user.username} ({user.role}).")


@users_cli.command("token")
@click.argument("username")
@click.option(
    "--expires-in",
    "days",
    type=int,
    default=None,
    help="Days the token lasts (default FEEDBACK_TOKEN_DAYS, 90; at most 3650).",
)
def user_token(username, days):
    """Print a new API token for USERNAME, for an integration (on the last line).

    The administrators are told in the app 14 days before it expires."""
    from .auth import sessions
    from .auth.models import TokenSource

    row, token = _run(
        lambda: sessions.issue_token(_user(username), days=days, source=TokenSource.CLI)
    )
    click.echo(
        f"API token for {username}, valid until {row.expires_at:%Y-%m-%d %H:%M} UTC "
        "(shown once; store it safely):"
    )
    click.echo(token)


@users_cli.command("revoke-tokens")
@click.argument("username")
def revoke_tokens(username):
    """Revoke every API token of USERNAME."""
    from .auth import sessions

    count = _run(lambda: sessions.revoke_user_tokens(None, _user(username)))
    click.echo(f"Revoked {count} API token(s) of {username}.")


@users_cli.command("notify-expiring")
def notify_expiring():
    """Tell the administrators now about integration tokens that expire within 14 days
    (the app also does it whenever an administrator logs in)."""
    from .auth import sessions

    count = _run(sessions.notify_expiring_tokens)
    click.echo(f"{count} expiring token(s) announced.")


@users_cli.command("deactivate")
@click.argument("username")
def deactivate_user(username):
    """Deactivate USERNAME; their sessions and API tokens end at once."""
    user = _user(username)

    def run():
        from .audit.services import record
        from .auth import sessions

        user.active = False
        sessions.end_everything(user)
        record(None, "user.updated", user, object_type="user", active=False, via="cli")

    _run(run)
    click.echo(f"Deactivated {username}.")


@users_cli.command("list")
@click.option("--role", type=click.Choice(ROLES), default=None)
@click.option("--department", "department_code", default=None, help="Department code.")
def list_users(role, department_code):
    """List the accounts: username, role, department, active or not, last login (UTC)."""
    from .auth import services
    from .auth.models import User

    query = select(User).order_by(User.username)
    if role:
        query = query.where(User.role == role)
    if department_code:
        department = _run(lambda: services.get_department(department_code))
        query = query.where(User.department_id == department.id)
    rows = [
        (
            user.username,
            user.role,
            user.department.code if user.department else "-",
            "active" if user.active else "inactive",
            f"{user.last_login_at:%Y-%m-%d %H:%M}" if user.last_login_at else "never",
            user.name,
        )
        for user in db.session.scalars(query)
    ]
    _table(("USERNAME", "ROLE", "DEPARTMENT", "STATUS", "LAST LOGIN", "NAME"), rows)
    click.echo(f"{len(rows)} user(s).")


@users_cli.command("set-password")
@click.argument("username")
@click.option(
    "--password-stdin",
    "from_stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts).",
)
def set_password(username, from_stdin):
    """Set USERNAME's password (the same strength rules as on the pages); every session
    and API token of theirs ends. Prompts for it twice unless --password-stdin."""
    from .auth import services

    user = _user(username)
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            _fail("No password on standard input.")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True, err=True)
    _run(lambda: services.set_password_from_console(user, password))
    click.echo(f"Password of {user.username} set; their sessions and API tokens ended.")


@click.group("departments", help="Manage departments.")
def departments_cli():
    pass


@departments_cli.command("create")
@click.argument("code")
@click.argument("name")
def create_department(code, name):
    """Create a department with CODE and NAME."""
    from .auth import services

    department = _run(lambda: services.create_department(None, code, name))
    click.echo(f"Created department {department.code}.")


@departments_cli.command("list")
def list_departments():
    """List the departments: code, active users, mailbox, name."""
    from sqlalchemy import func

    from .auth.models import Department, User

    active = (
        select(func.count(User.id))
        .where(User.department_id == Department.id, User.active.is_(True))
        .scalar_subquery()
    )
    rows = [
        (department.code, str(users), department.mailbox or "-", department.name)
        for department, users in db.session.execute(
            select(Department, active).order_by(Department.code)
        )
    ]
    _table(("CODE", "ACTIVE USERS", "MAILBOX", "NAME"), rows)
    click.echo(f"{len(rows)} department(s).")


@click.group("reports", help="Manage reports.")
def reports_cli():
    pass


@reports_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", default=None, help="Title (default: the document's only top heading).")
@click.option("--by", "username", required=True, help="The drafting team member who imports it.")
def import_report(path: Path, title, username):
    """Create a report from a Markdown file, split at its headings."""
    from .reports import queries, services

    try:
        markdown = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        _fail(f"{path} is not UTF-8 text.")
    user = _user(username)
    report = _run(lambda: services.import_report(user, title=title, markdown=markdown))
    click.echo(
        f"Imported report {report.id}: {report.title} ({len(queries.outline(report))} sections)."
    )


@reports_cli.command("sync-figures")
def sync_figures():
    """Read every report's indicator tables from its current text (reports imported
    before the figures existed; new versions are read as they are made). Idempotent."""
    from .figures import sync
    from .reports.models import Report

    reports = list(db.session.scalars(select(Report).order_by(Report.id)))
    _run(lambda: [sync.sync_report(r) for r in reports])
    click.echo(f"Figures read from {len(reports)} report(s).")


@reports_cli.command("archive")
@click.argument("rid", type=int)
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--no-pdf", is_flag=True, help="Leave out the PDFs of approved editions.")
def archive_report(rid: int, path: Path, no_pdf: bool):
    """Write the whole record of report RID to PATH (a zip; see docs/archive-format.md)."""
    from .archive import writer
    from .reports import queries

    def run():
        return writer.build(queries.get_report(rid), made_by=None, with_pdf=not no_pdf)

    data, manifest = _run(run)
    path.write_bytes(data)
    click.echo(
        f"Archived report {rid} to {path} ({len(data)} bytes, {len(manifest['files'])} files)."
    )
    click.echo(f"PDFs: {manifest['pdf']['note']}")


@reports_cli.command("restore-archive")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_archive(path: Path):
    """Load a report's archive (made by `flask reports archive`) into this instance."""
    from .archive import restore

    rid = _run(lambda: restore.restore(path.read_bytes()))
    click.echo(f"Restored the archive as report {rid}.")


@click.group("demo", help="Demo data.")
def demo_cli():
    pass


@demo_cli.command("load")
def load_demo():
    """Load the demo province, departments, users and draft report (idempotent)."""
    from . import demo

    created = _run(demo.load)
    if created:
        click.echo("Demo data loaded.")
    else:
        click.echo("Demo data already present; nothing changed.")
    click.echo(demo.logins_text())


@click.group("renders", help="Stored renderings of tracked changes.")
def renders_cli():
    pass


@renders_cli.command("rebuild")
def rebuild_renders():
    """Render what the current renderers have not rendered yet: every suggestion's tracked
    changes, every pending suggestion's preview, the HTML of every section version,
    comment, reply and rationale, and the stored exports of every edition (.docx, .md,
    print page; plain and against the edition before). Run after an upgrade; idempotent."""
    from .consolidation import prebuild
    from .renders import markdown
    from .review import previews

    suggestions, pending = _run(previews.rebuild)
    click.echo(f"Rendered {suggestions} suggestions and {pending} pending previews.")
    texts = _run(markdown.rebuild)
    click.echo(f"Rendered {texts} texts (section versions, comments, replies, rationales).")
    built = _run(prebuild.rebuild_missing)
    click.echo(f"Built {built} edition exports.")


@click.group("search", help="The search index.")
def search_cli():
    pass


@search_cli.command("reindex")
def reindex_search():
    """Rebuild the search index of every report (after an upgrade; idempotent)."""
    from .search import indexing

    count = _run(indexing.reindex_all)
    click.echo(f"Indexed {count} sections, comments, suggestions and replies.")


def init_app(app: Flask) -> None:
    from .backup import backup_cli
    from .worker import notifications_cli, worker_command

    groups = (users_cli, departments_cli, reports_cli, demo_cli, renders_cli, search_cli)
    for group in (*groups, notifications_cli, backup_cli):
        app.cli.add_command(group)
    app.cli.add_command(worker_command)
