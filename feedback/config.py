"""Configuration: defaults, the test override, and environment variables."""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path


def database_url(url: str) -> str:
    """Point bare PostgreSQL URLs at the psycopg 3 driver the project installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def base_url(value: str | None) -> str:
    """``FEEDBACK_BASE_URL`` without its trailing slash; "" when unset. Anything but an
    http(s) address with a host stops the app at start, not in a document later."""
    value = (value or "").strip().rstrip("/")
    if value and not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", value, re.IGNORECASE):
        raise RuntimeError(f"FEEDBACK_BASE_URL must be an http(s) address, not {value!r}")
    return value


class Config:
    FEEDBACK_ENV = os.environ.get("FEEDBACK_ENV", "development")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    FEEDBACK_LANGUAGES = ("vi", "en")
    # Build an edition's exports (first language; plain and against the edition before)
    # when it is issued or approved, so that no reader waits for them.
    FEEDBACK_EXPORTS_ON_ISSUE = os.environ.get("FEEDBACK_EXPORTS_ON_ISSUE", "1") != "0"
    # A report's archive carries a PDF of each approved edition, made by LibreOffice
    # (FEEDBACK_SOFFICE names the program; default: soffice on the PATH). Without it the
    # archive says so in its manifest.
    FEEDBACK_ARCHIVE_PDF = os.environ.get("FEEDBACK_ARCHIVE_PDF", "1") != "0"
    FEEDBACK_SOFFICE = os.environ.get("FEEDBACK_SOFFICE") or None

    # Request limits: a whole report in Markdown fits comfortably; 5 MB does not.
    MAX_CONTENT_LENGTH = _env_int("FEEDBACK_MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH
    # Word and Markdown uploads (drafts, marked-up copies): their own limits, apart from forms (MAX_CONTENT_LENGTH).
    FEEDBACK_UPLOAD_MAX_BYTES = _env_int("FEEDBACK_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
    FEEDBACK_UPLOAD_MAX_UNCOMPRESSED = _env_int("FEEDBACK_UPLOAD_MAX_UNCOMPRESSED", 200 * 1024**2)
    FEEDBACK_UPLOAD_MAX_PARTS = _env_int("FEEDBACK_UPLOAD_MAX_PARTS", 2000)
    # Where an uploaded draft waits between its preview and "create" (default:
    # instance/import-stash).
    FEEDBACK_UPLOAD_STASH = os.environ.get("FEEDBACK_UPLOAD_STASH", "")
    FEEDBACK_UPLOAD_ENDPOINTS = frozenset(
        {
            "reports.new_report",
            "api.import_report",
            "api.reimport_report",
            "consolidation.reimport_draft",
            "api.import_markup",
            "review.markup",
        }
    )
    FEEDBACK_MAX_SECTION_CHARS = _env_int("FEEDBACK_MAX_SECTION_CHARS", 400_000)
    FEEDBACK_MAX_BODY_CHARS = _env_int("FEEDBACK_MAX_BODY_CHARS", 20_000)

    # Sessions: server-revocable (one LoginSession row per login, see auth.models), short-lived.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=_env_int("FEEDBACK_IDLE_HOURS", 8))
    FEEDBACK_ABSOLUTE_SESSION_HOURS = _env_int("FEEDBACK_ABSOLUTE_SESSION_HOURS", 12)
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    # CSRF tokens live as long as the session; an expired page keeps the user's text.
    WTF_CSRF_TIME_LIMIT = None

    # The Redis several application servers share (login throttle, /readyz checks it).
    FEEDBACK_REDIS_URL = os.environ.get("FEEDBACK_REDIS_URL", "")
    RATELIMIT_STORAGE_URI = (
        os.environ.get("RATELIMIT_STORAGE_URI") or FEEDBACK_REDIS_URL or "memory://"
    )
    # Redis down: each process counts in memory until it is back (logins keep working and
    # stay throttled, per process), instead of every login failing.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    FEEDBACK_LOGIN_LIMIT = os.environ.get("FEEDBACK_LOGIN_LIMIT", "10 per minute")
    FEEDBACK_LOGIN_IP_LIMIT = os.environ.get("FEEDBACK_LOGIN_IP_LIMIT", "50 per minute")

    # argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane): about 80 ms on the
    # 2-core server, what scrypt cost before, so a login flood costs no more CPU than it did.
    FEEDBACK_ARGON2_TIME_COST = _env_int("FEEDBACK_ARGON2_TIME_COST", 2)
    FEEDBACK_ARGON2_MEMORY_KIB = _env_int("FEEDBACK_ARGON2_MEMORY_KIB", 19 * 1024)
    FEEDBACK_ARGON2_PARALLELISM = _env_int("FEEDBACK_ARGON2_PARALLELISM", 1)

    # API tokens: how long one lasts, and when the administrators hear that an
    # integration's token is about to expire.
    FEEDBACK_TOKEN_DAYS = _env_int("FEEDBACK_TOKEN_DAYS", 90)
    FEEDBACK_TOKEN_WARNING_DAYS = 14
    # Trusted reverse proxies in front of the app (X-Forwarded-For / -Proto), see ProxyFix.
    FEEDBACK_PROXY_HOPS = _env_int("FEEDBACK_PROXY_HOPS", 0)
    # The site's public address (https://gopy.quangninh.gov.vn): the only source of
    # absolute links in exports, documents and e-mails; the Host header never is.
    FEEDBACK_BASE_URL = base_url(os.environ.get("FEEDBACK_BASE_URL"))

    FEEDBACK_DEADLINE_WARNING_HOURS = _env_int("FEEDBACK_DEADLINE_WARNING_HOURS", 48)
    FEEDBACK_PAGE_SIZE = 50
    # A report's page shows its text a part of about this many characters at a time
    # (about 50 A4 pages; every real report fits in one).
    FEEDBACK_REPORT_PART_CHARS = _env_int("FEEDBACK_REPORT_PART_CHARS", 150_000)
    # Memory per process for whole pages kept until the data changes (feedback.pagecache);
    # 0 turns the cache off.
    FEEDBACK_PAGE_CACHE_MB = _env_int("FEEDBACK_PAGE_CACHE_MB", 32)
    # Memory per process for edition exports read from the database, by their SHA-256.
    FEEDBACK_EXPORT_MEMORY_MB = _env_int("FEEDBACK_EXPORT_MEMORY_MB", 32)
    # The review queue shows whole sections, about this many items per page.
    FEEDBACK_QUEUE_PAGE_ITEMS = _env_int("FEEDBACK_QUEUE_PAGE_ITEMS", 200)
    # The editor's live tracked changes, per user (it asks once typing pauses).
    FEEDBACK_PREVIEW_LIMIT = os.environ.get("FEEDBACK_PREVIEW_LIMIT", "120 per minute")

    # E-mail: without a host nothing is sent and the outbox keeps every mail until one is set.
    FEEDBACK_SMTP_HOST = os.environ.get("FEEDBACK_SMTP_HOST", "")
    FEEDBACK_SMTP_PORT = _env_int("FEEDBACK_SMTP_PORT", 0)  # 0: 587, 465 (ssl) or 25 (none)
    FEEDBACK_SMTP_SECURITY = os.environ.get("FEEDBACK_SMTP_SECURITY", "starttls")
    FEEDBACK_SMTP_USERNAME = os.environ.get("FEEDBACK_SMTP_USERNAME", "")
    FEEDBACK_SMTP_PASSWORD = os.environ.get("FEEDBACK_SMTP_PASSWORD", "")
    FEEDBACK_SMTP_TIMEOUT = _env_int("FEEDBACK_SMTP_TIMEOUT", 30)
    FEEDBACK_MAIL_FROM = os.environ.get("FEEDBACK_MAIL_FROM", "")
    # Local hour (Asia/Ho_Chi_Minh) of the daily digest and of the deadline-day reminder.
    FEEDBACK_MAIL_HOUR = _env_int("FEEDBACK_MAIL_HOUR", 7)
    # A mail the server keeps refusing for a passing reason is retried this long.
    FEEDBACK_MAIL_GIVE_UP_HOURS = _env_int("FEEDBACK_MAIL_GIVE_UP_HOURS", 72)
    FEEDBACK_WORKER_INTERVAL = _env_int("FEEDBACK_WORKER_INTERVAL", 30)

    # "json": one JSON object per log line (request id, user, route, status, duration).
    FEEDBACK_LOG_FORMAT = os.environ.get("FEEDBACK_LOG_FORMAT", "text")

    def __init__(self, instance_path: str):
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or self._local_secret(instance_path)
        default_db = "sqlite:///" + str(Path(instance_path) / "feedback.sqlite3")
        self.SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL", default_db))
        if self.FEEDBACK_ENV == "production":
            self.SESSION_COOKIE_SECURE = True
            self.SESSION_COOKIE_NAME = "__Host-session"

    def _local_secret(self, instance_path: str) -> str:
        if self.FEEDBACK_ENV == "production":
            raise RuntimeError("SECRET_KEY must be set in production")
        path = Path(instance_path) / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()


class TestConfig:
    """Overrides for the test suite (applied on top of Config)."""

    TESTING = True
    FEEDBACK_STRICT_TEMPLATES = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    SECRET_KEY = "test-secret"
    # Cheap hashing keeps the suite fast; production uses Config's parameters.
    FEEDBACK_ARGON2_TIME_COST = 1
    FEEDBACK_ARGON2_MEMORY_KIB = 8
    FEEDBACK_ARGON2_PARALLELISM = 1
    # Tests issue many editions: their exports are built on first request (the tests of
    # stored exports turn this on).
    FEEDBACK_EXPORTS_ON_ISSUE = False
    # LibreOffice runs in one archive test only (tests/archive), not in every archive.
    FEEDBACK_ARCHIVE_PDF = False
