# Conversa: every day-to-day command. `make run` to try it, `make test` to check it.
VENV   ?= .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask
RUFF   := $(VENV)/bin/ruff
PYTEST := cd tests && ../$(VENV)/bin/pytest
TEST_PG_URL    ?= postgresql://postgres@127.0.0.1:5432/conversa_test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
export TEST_REDIS_URL

.PHONY: install install-test chromium run worker test test-pg test-sqlite test-browser lint format migrate babel bench

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.tests: tests/requirements.txt $(VENV)/.runtime
	$(PY) -m pip install -q --disable-pip-version-check -r tests/requirements.txt
	touch $@

install: $(VENV)/.runtime
	$(PY) -m app.catalog

install-test: install $(VENV)/.tests chromium

# Debian's Chromium for the browser tests (Playwright drives it; never a browser download).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# With Redis reachable, jobs go to RQ, so a worker starts beside the web server (Ctrl-C stops
# both); without it, jobs run in the web process and the app says so.
run: install
	$(FLASK) db upgrade
	@if $(PY) -c "import sys; from app import create_app; sys.exit(create_app().config['JOBS_RESOLVED'] != 'rq')" 2>/dev/null; then \
		echo "Redis answers: starting a worker beside the web server."; $(FLASK) worker & \
	fi; \
	$(FLASK) run --host 127.0.0.1 --port 5000

worker: install
	$(FLASK) worker

# The whole suite: lint, then unit + integration on PostgreSQL and on SQLite (real Redis and
# RQ workers in both), then the browser tests in Chromium.
test: install-test lint test-pg test-sqlite test-browser

test-pg:
	$(PYTEST) unit integration --database=$(TEST_PG_URL)

test-sqlite:
	$(PYTEST) unit integration --database=sqlite

test-browser:
	$(PYTEST) browser --database=sqlite

lint:
	$(RUFF) check --config .ci/ruff.toml app tests bench migrations/env.py
	$(RUFF) format --config .ci/ruff.toml --check app tests bench

format:
	$(RUFF) format --config .ci/ruff.toml app tests bench
	$(RUFF) check --config .ci/ruff.toml --fix app tests bench

migrate:
	$(FLASK) db migrate -m "$(m)"

babel:
	$(VENV)/bin/pybabel extract -q -F app/translations/babel.cfg -k _l -o instance/messages.pot .
	$(PY) -m app.catalog

bench: install-test
	for script in bench/[a-z]*.py; do echo "== $$script"; $(PY) $$script; done
