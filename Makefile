# Renkei: the two commands a fresh machine needs are `make run` and `make test` (see README.md).
# Each target installs what it needs itself; nothing has to be installed by hand first.

PYTHON ?= python3
VENV := .venv
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup browser postgres

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

setup: $(VENV)/.installed node_modules/.installed

browser:
	scripts/ensure-browser

postgres:
	scripts/ensure-postgres

# The app on SQLite with demo data; open http://$(HOST):$(PORT)/ (demo users are printed).
run: setup
	$(VENV)/bin/renkei demo
	RENKEI_SESSION_COOKIE_SECURE=$${RENKEI_SESSION_COOKIE_SECURE:-false} $(VENV)/bin/renkei serve --host $(HOST) --port $(PORT)

# The whole suite: unit, scenario, integration (SQLite and PostgreSQL), web and browser tests.
test: setup browser postgres
	$(VENV)/bin/renkei test-processes
	RENKEI_TEST_POSTGRES_URL=$${RENKEI_TEST_POSTGRES_URL:-$$(scripts/ensure-postgres --url)} $(VENV)/bin/pytest -n auto --dist loadfile
