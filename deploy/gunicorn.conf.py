"""gunicorn settings for the feedback service (``gunicorn -c deploy/gunicorn.conf.py wsgi:app``,
as deploy/entrypoint.sh runs it). Every value can be overridden from the environment."""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


# Where nginx reaches this instance (an upstream line in deploy/nginx/feedback.conf).
bind = os.environ.get("FEEDBACK_BIND", "127.0.0.1:8000")

# Sync workers: requests are short and CPU-bound (diffs, Word documents); 2 per core plus
# one, at most 12, as gunicorn's documentation suggests. WEB_CONCURRENCY overrides.
workers = _int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 12))
worker_class = "sync"

# A request may run 60 s (importing a 60-page .docx takes a few); nginx waits 75 s.
timeout = _int("GUNICORN_TIMEOUT", 60)
# On SIGTERM or a reload (SIGHUP), a worker finishes its request for up to 30 s.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# nginx keeps connections to the instance open (upstream keepalive).
keepalive = 5
# Replace each worker after about 1000 requests (staggered), so no slow growth lasts.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = 100
# Not preloaded: `systemctl reload` (SIGHUP) starts new workers on the new code while the
# old ones finish their requests.
preload_app = False
# Temporary files of worker heartbeats in memory, not on a slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Only nginx on this host may say which scheme the client used; the app reads the
# client's address itself (FEEDBACK_PROXY_HOPS).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs on stderr (the journal, or the container's log). The access log names the request
# id (as nginx sent it, and returned to the client) and the user id the app found;
# with FEEDBACK_LOG_FORMAT=json the app writes that line itself, as JSON, so gunicorn's
# access log is off.
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
if os.environ.get("FEEDBACK_LOG_FORMAT") == "json":
    accesslog = None
else:
    accesslog = "-"
    access_log_format = (
        "%(h)s request_id=%({x-request-id}o)s user=%({feedback.user}e)s "
        '"%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
    )
proc_name = os.environ.get("FEEDBACK_PROC_NAME", "feedback-web")
