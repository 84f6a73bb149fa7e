#!/bin/sh
# Serves mrplan for development: the background worker that makes the reports over many
# institutions and sends the e-mails (printed here: DEBUG uses Django's console e-mail
# backend), and the web server at http://127.0.0.1:8000. Ctrl-C stops both.
set -eu
PYTHON=${PYTHON:-.venv/bin/python}
"$PYTHON" manage.py db_worker --interval 1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
"$PYTHON" manage.py runserver 127.0.0.1:8000
