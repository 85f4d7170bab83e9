"""Draft-report feedback service: the application factory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from .config import Config
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .http import StrictRequest

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent


def resource_dir(name: str) -> Path:
    """``templates`` or ``migrations``: at the top of a checkout (and an editable
    install); inside the package in an installed wheel, where setup.py puts them."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PROJECT_ROOT / name


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: an id too large for an INTEGER column matches no
    route (404), instead of overflowing in the database driver."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(config: object | Mapping | None = None) -> Flask:
    """Build the app; ``config`` (an object or a mapping) overrides the defaults."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
    )
    app.request_class = StrictRequest
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_object(Config(app.instance_path))
    if isinstance(config, Mapping):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)

    _trust_proxies(app)
    _init_extensions(app)
    app.url_map.converters["int"] = IdConverter
    _register_blueprints(app)

    from . import cli, health, idempotency, observability, transaction, web

    observability.init_app(app)  # first: every later hook and error page has the request id
    health.init_app(app)
    transaction.init_app(app)
    web.init_app(app)
    idempotency.init_app(app)  # after the commit point's hooks: its answer is recorded first
    cli.init_app(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind FEEDBACK_PROXY_HOPS trusted proxies, the client's address and scheme are the
    ones they forward; without this every client looks like the proxy (and one person's
    failed logins would throttle everyone). The Host header is never taken from them."""
    hops = int(app.config.get("FEEDBACK_PROXY_HOPS") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _init_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext

    from .database import configure_engine, include_name
    from .i18n import select_locale, select_timezone

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(
        app,
        db,
        directory=str(resource_dir("migrations")),
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from flask import g

    from .auth import sessions
    from .auth.models import User

    @login_manager.user_loader
    def load_user(secret: str) -> User | None:
        """The cookie carries a login session's secret; an ended session loads nobody."""
        row = sessions.session_for_secret(secret)
        if row is None:
            return None
        g.login_session = row
        return row.user


def _register_deferred_work() -> None:
    """What follows, before a commit, from what a write changed (see feedback.deferred)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from . import deferred
    from .figures import checks as figure_checks
    from .figures import services as figures
    from .figures import sync as figure_sync
    from .reports.services import SECTION_PREVIEWS, SECTION_TEXT
    from .review import previews, response_parts
    from .search import indexing

    deferred.install()
    deferred.on(SECTION_PREVIEWS, previews.refresh_sections)
    # The indicators follow every new section text; then a just-adopted proposal
    # answers the others made for the same figure.
    deferred.on(SECTION_TEXT, figure_sync.sync_sections)
    deferred.on(SECTION_TEXT, figures.answer_other_proposals)
    response_parts.register(
        "figures",
        drafts=figure_checks.confirmation_drafts,
        publish=figure_checks.publish_checks,
    )
    if not event.contains(Session, "after_flush", indexing.collect):
        event.listen(Session, "after_flush", indexing.collect)
    deferred.on(indexing.KIND, indexing.reindex)
    _register_renderings()


def _register_renderings() -> None:
    """The Markdown texts whose HTML is stored when they are written (renders.markdown)."""
    from .renders import markdown
    from .reports.models import SectionVersion
    from .review.models import Comment, Reply, Suggestion

    markdown.watch(SectionVersion, "text")
    markdown.watch(Comment, "body")
    markdown.watch(Reply, "body")
    markdown.watch(Suggestion, "rationale")


def _register_blueprints(app: Flask) -> None:
    """Every blueprint, the view modules that add routes to them, the panels other
    domains add to report pages and the API's parts: all wired here, in one place."""
    from . import pagecache
    from .api import accounts as api_accounts
    from .api import archive as api_archive
    from .api import consolidation as api_consolidation
    from .api import decisions as api_decisions
    from .api import figures as api_figures
    from .api import markup as api_markup
    from .api import openapi as api_openapi
    from .api import reports as api_reports
    from .api import review as api_review
    from .api import search as api_search
    from .api.blueprint import bp as api_bp
    from .archive import views as archive_views
    from .audit.views import bp as audit_bp
    from .auth import account_views
    from .auth.admin_views import bp as admin_bp
    from .auth.views import bp as auth_bp
    from .consolidation import views as consolidation_views
    from .consolidation.blueprint import bp as consolidation_bp
    from .dashboard.views import bp as dashboard_bp
    from .figures import drafting_views as figure_drafting_views
    from .figures import views as figure_views
    from .figures.blueprint import bp as figures_bp
    from .notifications.views import bp as notifications_bp
    from .notifications.views import unread_count_processor
    from .reports import views as report_views
    from .reports.blueprint import bp as reports_bp
    from .review import decision_views, editor_views, feedback_views, markup_views, round_views
    from .review.blueprint import bp as review_bp
    from .search.views import bp as search_bp

    # Modules whose routes register on a blueprint they import (named so linters see them used).
    _view_modules = (
        account_views,
        report_views,
        round_views,
        feedback_views,
        decision_views,
        editor_views,
        markup_views,
        consolidation_views,
        archive_views,
        figure_views,
        figure_drafting_views,
        api_accounts,
        api_archive,
        api_consolidation,
        api_decisions,
        api_figures,
        api_markup,
        api_openapi,
        api_reports,
        api_review,
        api_search,
    )
    del _view_modules
    for blueprint in (
        auth_bp,
        admin_bp,
        reports_bp,
        review_bp,
        consolidation_bp,
        dashboard_bp,
        figures_bp,
        notifications_bp,
        audit_bp,
        search_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)
    app.context_processor(unread_count_processor)
    _register_panels(app)
    _register_deferred_work()
    pagecache.install()  # after the deferred work: its listener sees what that wrote
    _register_round_editions()
    api_reports.register_report_field(app, api_review.current_round_field)


def _register_panels(app: Flask) -> None:
    """What the consultation and the figures add to the report, section and home pages."""
    from .figures import notes as figure_notes
    from .figures import pages as figure_pages
    from .reports import panels
    from .review import panels as review_panels

    panels.register(
        app,
        report=review_panels.report_panel,
        section=review_panels.section_panel,
        home=review_panels.home_panel,
    )
    panels.register(
        app,
        report=figure_pages.report_panel,
        section=figure_pages.section_panel,
        home=figure_pages.home_panel,
        accepted=figure_notes.accepted_note,
    )


def _register_round_editions() -> None:
    """A round opens on an edition, which consolidation issues (see review.round_edition)."""
    from .consolidation import services as editions
    from .review import round_edition

    round_edition.register(plan=editions.opening_draft, issue=editions.issue_for_round)
