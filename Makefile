# 旗心 (Qixin). Two commands matter: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM ?= /usr/bin/chromium
export DJANGO_SETTINGS_MODULE ?= qixin.settings.dev

.PHONY: run test lint suite messages system-gettext system-chromium migrate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# System packages, installed only when missing (Debian).
system-gettext:
	@command -v msgfmt >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq gettext; }

# The browser of the UI tests, with the Chinese fonts its pages and screenshots are drawn in.
system-chromium:
	@test -x $(CHROMIUM) && test -d /usr/share/fonts/opentype/noto || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk; }

messages: $(STAMP) system-gettext
	@cd src/qixin && ../../$(BIN)/django-admin compilemessages --verbosity 0

## Set up everything and serve the demo (embedded SQLite under ./var, or QIXIN_DATA_DIR).
run: $(STAMP) messages
	$(BIN)/qixin run

## The whole suite: lint, type checks, unit, integration and browser tests.
test: lint suite

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src bench tests
	DJANGO_SETTINGS_MODULE=qixin.settings.test $(BIN)/python -m django makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/djlint src --lint

suite: $(STAMP) messages system-chromium
	DJANGO_SETTINGS_MODULE=qixin.settings.test $(BIN)/pytest -n auto --dist loadfile

clean:
	rm -rf $(VENV) var
