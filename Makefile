# Prodep: `make run` to try it, `make test` to test it. Every target is idempotent.

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Find a Python 3.12 or newer: python3.13, python3.12, then python3.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    echo $$p; break; fi; done)

.PHONY: install run serve test test-fast lint format check sync bench faults lock clean help

help:
	@echo "make run    set up and serve the app with demo data on http://$(HOST):$(PORT)"
	@echo "make test   install and run the whole test suite (COVERAGE=1: with the coverage floor)"
	@echo "make lint   ruff, the import contracts (lint-imports) and the types (mypy)"
	@echo "make lock   re-pin requirements/*.txt to the newest releases pyproject.toml allows"
	@echo "make serve  gunicorn with production-like settings on $(HOST):$(PORT)"
	@echo "make bench  run the benchmark harness"
	@echo "make faults inject the faults a deployment meets under load (about 14 minutes)"

$(PY):
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Prodep needs Python 3.12 or newer, and none was found."; \
	  echo "Install it (e.g. 'pyenv install 3.12' or your system's python3.12 package) and retry."; \
	  exit 1; fi
	$(PYTHON) -m venv $(VENV)

# Exactly what CI tested: the pins and hashes in requirements/, then the project itself.
LOCK := requirements/dev.txt
BENCH_LOCK := requirements/bench.txt
INSTALL_PROJECT := $(PY) -m pip install --quiet --no-deps --no-build-isolation -e .

# An older pip (23.x) refuses a hashed lock whose packages ask for an extra (coverage[toml]):
# the locked pip goes in first.
LOCKED_PIP = $(shell grep -m1 '^pip==' $(LOCK) | cut -d' ' -f1)

$(STAMP): pyproject.toml $(LOCK) | $(PY)
	$(PY) -m pip install --quiet '$(LOCKED_PIP)'
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(INSTALL_PROJECT)
	@touch $(STAMP)

# Development secrets, written once. Never used in production.
.env: | $(PY)
	@$(PY) -c "import secrets, base64; \
print('DEBUG=true'); \
print('SECRET_KEY=' + secrets.token_urlsafe(50)); \
print('REFLECTION_KEYS=' + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())" > .env
	@echo "Wrote .env with development keys."

install: $(STAMP)

run: $(STAMP) .env
	$(PY) manage.py migrate --noinput --skip-checks
	$(PY) manage.py sync_content
	$(PY) manage.py seed_demo
	RUN_HOST=$(HOST) $(PY) manage.py runserver --skip-checks $(HOST):$(PORT)

# Production settings, except plain http on loopback (no TLS proxy in front here).
SERVE_ENV := DEBUG=false SECURE_HTTPS=false ALLOWED_HOSTS=$(HOST),localhost \
	SITE_URL=http://$(HOST):$(PORT)

serve: $(STAMP) .env
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(PY) manage.py migrate --noinput --skip-checks
	$(SERVE_ENV) $(PY) manage.py sync_content
	$(SERVE_ENV) $(VENV)/bin/gunicorn prodep.wsgi --bind $(HOST):$(PORT) \
	  --workers 2 --no-control-socket --access-logfile -

# make test COVERAGE=1: also measure prodep/ and lessons/, print the figure and fail under the
# floor set in pyproject.toml ([tool.coverage.*]). Only meaningful for the whole suite.
COVERAGE_ARGS := $(if $(COVERAGE),--cov --cov-report=term-missing:skip-covered)

test: $(STAMP)
	$(PY) -m pytest $(COVERAGE_ARGS) $(PYTEST_ARGS)

# mypy's Django plugin imports prodep.settings, which will not load without keys: these
# placeholders (the Fernet key is 32 zero bytes) are read by the type checker alone.
TYPECHECK_ENV := SECRET_KEY=typecheck-only REFLECTION_KEYS=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(TYPECHECK_ENV) $(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(STAMP) .env
	$(PY) manage.py check
	$(PY) manage.py sync_content --check

BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): pyproject.toml $(BENCH_LOCK) $(STAMP)
	$(PY) -m pip install --quiet --require-hashes -r $(BENCH_LOCK)
	$(INSTALL_PROJECT)
	@touch $(BENCH_STAMP)

# SQLite and PostgreSQL, scale data, wrk, scale-out; about 12 minutes. See bench/README.md.
bench: $(BENCH_STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

# Private PostgreSQL and Redis, each fault under load, a 10-minute soak; about 14 minutes.
# FAULTS_ARGS="--soak 120" for a shorter soak. See bench/README.md and docs/operations.md.
faults: $(STAMP)
	$(PY) bench/faults.py $(FAULTS_ARGS)

# Re-pin every dependency to the newest release pyproject.toml allows, with hashes; then
# `make install` takes them. LOCK_UPGRADE= (empty) keeps today's pins and only adds what a
# changed pyproject.toml asks for.
LOCK_UPGRADE ?= --upgrade
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-find-links --no-emit-index-url $(LOCK_UPGRADE)

lock: $(STAMP)
	$(PIP_COMPILE) --extra dev -o $(LOCK) pyproject.toml
	$(PIP_COMPILE) --extra dev --extra bench -o $(BENCH_LOCK) pyproject.toml

clean:
	rm -rf $(VENV) staticfiles .env db.sqlite3* test-results .mypy_cache
