#!/bin/sh
# The one way the service's processes start: the systemd units (deploy/systemd/) and the
# containers (Dockerfile, compose.yaml) all call this script, with the same arguments.
#
#   entrypoint.sh migrate   bring the database to this release (run once, before the others)
#   entrypoint.sh web       the application server (gunicorn, deploy/gunicorn.conf.py)
#   entrypoint.sh worker    the e-mail worker: reminders, digests, the outbox
#
# The environment (DATABASE_URL, SECRET_KEY, ...) comes from the unit's EnvironmentFile
# or the container's env_file. FEEDBACK_HOME: the checkout (default: this script's
# parent folder); FEEDBACK_VENV: its virtualenv (default: $FEEDBACK_HOME/.venv).
set -eu

FEEDBACK_HOME="${FEEDBACK_HOME:-$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)}"
FEEDBACK_VENV="${FEEDBACK_VENV:-$FEEDBACK_HOME/.venv}"
BIN="$FEEDBACK_VENV/bin"
cd "$FEEDBACK_HOME"
export FLASK_APP=wsgi

case "${1:-}" in
  migrate)
    "$BIN/flask" db upgrade
    "$BIN/flask" renders rebuild
    "$BIN/flask" search reindex
    "$BIN/flask" reports sync-figures
    ;;
  web)
    exec "$BIN/gunicorn" --config "$FEEDBACK_HOME/deploy/gunicorn.conf.py" wsgi:app
    ;;
  worker)
    exec "$BIN/flask" worker
    ;;
  *)
    echo "usage: $0 migrate|web|worker" >&2
    exit 64
    ;;
esac
