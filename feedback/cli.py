"""Command-line interface: ``flask --app wsgi users|departments|reports|demo|notifications|worker ...``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from .extensions import db


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


@click.group("users", help="Manage user accounts.")
def users_cli():
    pass


@users_cli.command("create")
@click.argument("username")
@click.option("--name", required=True)
@click.option(
    "--role", required=True, type=click.Choice(["admin", "drafter", "chair", "lead", "reviewer"])
)
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
    changes, every pending suggestion's preview, and the HTML of every section version,
    comment, reply and rationale. Run after an upgrade; idempotent."""
    from .renders import markdown
    from .review import previews

    suggestions, pending = _run(previews.rebuild)
    click.echo(f"Rendered {suggestions} suggestions and {pending} pending previews.")
    texts = _run(markdown.rebuild)
    click.echo(f"Rendered {texts} texts (section versions, comments, replies, rationales).")


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
    from .worker import notifications_cli, worker_command

    groups = (users_cli, departments_cli, reports_cli, demo_cli, renders_cli, search_cli)
    for group in (*groups, notifications_cli):
        app.cli.add_command(group)
    app.cli.add_command(worker_command)
