# mrplan: `make run` serves the demo at http://127.0.0.1:8000, `make test` runs the whole suite.
# Both set everything up first: system check, virtual environment, dependencies, database.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed-stamp

# Local development only; production sets its own SECRET_KEY and leaves DEBUG off.
RUN_ENV := DEBUG=1
TEST_ENV := SECRET_KEY=test-only-not-secret

.PHONY: run serve test setup check-system lint format migrate demo clean bench-deadline

run: setup
	$(RUN_ENV) $(MANAGE) migrate --no-input
	$(RUN_ENV) $(MANAGE) load_demo
	$(RUN_ENV) PYTHON=$(BIN)/python sh scripts/serve-dev.sh

# Production: gunicorn, whitenoise, the report worker; settings from the environment
# (SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS; see docs/operations.md).
serve: setup
	PYTHON=$(BIN)/python sh scripts/serve.sh

test: setup
	@CHECK_BROWSER=1 PYTHON="$(PYTHON)" sh scripts/check-system.sh
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

setup: check-system $(STAMP)

check-system:
	@PYTHON="$(PYTHON)" sh scripts/check-system.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# The deadline under load and a PostgreSQL restart in the middle of it (bench/deadline.py);
# needs the PostgreSQL server at 127.0.0.1:5432 and, for the restart, root.
bench-deadline: setup
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
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
