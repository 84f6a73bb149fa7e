#!/bin/sh
# The production start (`make serve`): migrations, static files, the report worker and
# gunicorn. Settings come from the environment; see docs/operations.md.
#   SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS    required
#   BIND                 address to listen on (default 127.0.0.1:8000)
#   WEB_CONCURRENCY      gunicorn workers (default 2 x cores + 1)
#   FORWARDED_ALLOW_IPS  the load balancer's address(es) whose X-Forwarded-* are trusted
#   MIGRATE=0            skip migrations (all app servers but one, when several start)
#   WORKER=0             start no report worker here (when it runs on another server)
#   CONN_MAX_AGE         seconds a worker keeps its database connection (default 60)
#   EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
#   DEFAULT_FROM_EMAIL, SITE_URL    the SMTP server the worker sends e-mail through
# Deadline reminders are not sent from here: run `manage.py send_reminders` once a day
# (cron or a systemd timer; docs/operations.md, "E-mail and reminders").
set -eu
: "${SECRET_KEY:?mrplan: set SECRET_KEY (a long random string) to serve in production}"
: "${DATABASE_URL:?mrplan: set DATABASE_URL, e.g. postgres://mrplan:password@db-host:5432/mrplan}"
: "${ALLOWED_HOSTS:?mrplan: set ALLOWED_HOSTS to the host name(s) users reach mrplan by}"
PYTHON=${PYTHON:-.venv/bin/python}
GUNICORN=$(dirname "$PYTHON")/gunicorn
# A connection per worker, kept: opening one per request costs PostgreSQL a process each time.
# A connection broken by a database restart is replaced (conn_health_checks in settings).
export CONN_MAX_AGE="${CONN_MAX_AGE:-60}"
CORES=$(nproc 2>/dev/null || echo 1)
WORKERS=${WEB_CONCURRENCY:-$((CORES * 2 + 1))}

if [ "${MIGRATE:-1}" != 0 ]; then
    "$PYTHON" manage.py migrate --no-input
fi
"$PYTHON" manage.py collectstatic --no-input --verbosity 0

worker=""
if [ "${WORKER:-1}" != 0 ]; then
    echo "mrplan: the worker sends e-mail via ${EMAIL_HOST:-localhost}:${EMAIL_PORT:-25};" \
        "run 'manage.py send_reminders' daily for deadline reminders (docs/operations.md)." >&2
    "$PYTHON" manage.py db_worker &
    worker=$!
fi
trap '[ -n "$worker" ] && kill "$worker" 2>/dev/null; kill "$server" 2>/dev/null; wait' INT TERM
# --preload: the app is loaded once, here, and the workers forked from it (mrplan/wsgi.py).
"$GUNICORN" mrplan.wsgi \
    --preload \
    --workers "$WORKERS" \
    --bind "${BIND:-127.0.0.1:8000}" \
    --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" \
    --access-logfile - \
    --timeout 60 --graceful-timeout 30 &
server=$!
wait "$server"
