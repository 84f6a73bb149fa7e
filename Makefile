# mrplan: `make run` serves the demo at http://127.0.0.1:8000, `make test` runs the whole suite.
# Both set everything up first: system check, virtual environment, dependencies, database.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed-stamp
# Exact versions and hashes of everything installed (see README, "Afhængigheder"):
# base for production, dev adds the test tools, bench the load scripts. `make lock` updates them.
LOCK := requirements/dev.lock
BENCH_LOCK := requirements/bench.lock
INSTALL := $(BIN)/python -m pip install --quiet --require-hashes --no-deps

# Local development only; production sets its own SECRET_KEY and leaves DEBUG off.
RUN_ENV := DEBUG=1
TEST_ENV := SECRET_KEY=test-only-not-secret

.PHONY: run serve test setup check-system lint format migrate demo clean bench-deadline lock

# E-mails are printed on the console (DEBUG: the console backend), not sent: the reminders
# due today right after the demo is loaded, the rest by the worker as quarters change hands.
run: setup
	$(RUN_ENV) $(MANAGE) migrate --no-input
	$(RUN_ENV) $(MANAGE) load_demo
	$(RUN_ENV) $(MANAGE) send_reminders
	$(RUN_ENV) PYTHON=$(BIN)/python sh scripts/serve-dev.sh

# Production: gunicorn, whitenoise, the report worker; settings from the environment
# (SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS; see docs/operations.md). The worker sends the
# e-mails (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
# DEFAULT_FROM_EMAIL, SITE_URL for the links). Deadline reminders need a daily
# `manage.py send_reminders` beside it, from cron or a systemd timer (docs/operations.md,
# "E-mail and reminders").
serve: setup
	PYTHON=$(BIN)/python sh scripts/serve.sh

test: setup
	@CHECK_BROWSER=1 PYTHON="$(PYTHON)" sh scripts/check-system.sh
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

setup: check-system $(STAMP)

check-system:
	@PYTHON="$(PYTHON)" sh scripts/check-system.sh

# pip stays the one the venv came with: upgrading it here would be the one unpinned install.
$(STAMP): $(LOCK) pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(INSTALL) -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# The deadline under load and a PostgreSQL restart in the middle of it (bench/deadline.py);
# needs the PostgreSQL server at 127.0.0.1:5432 and, for the restart, root.
bench-deadline: setup
	$(INSTALL) -r $(BENCH_LOCK)
	SECRET_KEY=bench $(BIN)/python bench/deadline.py
	SECRET_KEY=bench $(BIN)/python bench/deadline.py --restart

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: setup
	$(RUN_ENV) $(MANAGE) migrate --no-input

demo: migrate
	$(RUN_ENV) $(MANAGE) load_demo

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# Update the lock files from pyproject.toml's ranges: a new or changed dependency is added,
# the other pins are kept; `make lock UPGRADE=1` moves every pin to the newest release in
# range. pip-tools runs in a venv of its own. Then `make test`, and commit the locks.
# bench.lock is made first; dev and base are held to its versions, so all three agree.
LOCK_TOOLS := $(VENV)/lock-tools
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_TOOLS)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	$(if $(UPGRADE),--upgrade)

lock:
	@test -x $(LOCK_TOOLS)/bin/pip-compile || \
		{ $(PYTHON) -m venv $(LOCK_TOOLS) && $(LOCK_TOOLS)/bin/pip install --quiet pip-tools; }
	$(PIP_COMPILE) --extra dev --extra bench -o $(BENCH_LOCK) pyproject.toml
	$(PIP_COMPILE) --extra dev -c $(BENCH_LOCK) -o $(LOCK) pyproject.toml
	$(PIP_COMPILE) -c $(BENCH_LOCK) -o requirements/base.lock pyproject.toml
