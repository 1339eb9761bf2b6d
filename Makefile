# Secretome FAQ assistant. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell cat .python-version >/dev/null 2>&1 && command -v pyenv >/dev/null && echo "$$(pyenv root)/versions/$$(cat .python-version)/bin/python" || echo python3.10)
VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa
MODEL := models/current.tar.gz
# The page is indexed into the model (japanese_nlu/page_search.py): a new page means a new model.
TRAINING_FILES := config.yml domain.yml knowledge/clinic_page.ja.txt knowledge/page.py knowledge/compliance.py \
	$(shell find data japanese_nlu -name '*.yml' -o -name '*.py' -o -type d -not -name __pycache__ 2>/dev/null)
# (the folders too: a training file removed makes its folder newer than the model)
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false

.PHONY: help install install-dev services deploy-tools lint validate train web browser run shell test-fast console staff-user export-corrections purge test test-stories bench heldout tune load clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt .python-version Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check pip==26.3
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip check
	touch $@

install: $(VENV)/.installed ## create .venv with the pinned packages (Python from .python-version)

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip check
	touch $@

install-dev: $(VENV)/.installed-dev ## install plus the test tools (requirements-dev.txt)

validate: install ## rasa data validate (domain, NLU data, rules, stories)
	$(RASA) data validate --fail-on-warnings

$(MODEL): $(TRAINING_FILES) | $(VENV)/.installed
	$(RASA) train --fixed-model-name current --out models

train: $(MODEL) ## train the model, only when training files changed

web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web/dist/index.html: web/node_modules/.package-lock.json web/build.mjs $(wildcard web/src/*)
	cd web && npm run build

web: web/dist/index.html ## build the patient chat page (web/dist) from web/package-lock.json

browser: ## Debian chromium + Japanese/emoji fonts, for the browser tests
	@test -x /usr/bin/chromium && fc-list | grep -q 'Noto Sans CJK JP' && fc-list | grep -q 'Noto Color Emoji' || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk fonts-noto-color-emoji)

services: ## Debian's postgresql + redis-server, for the tests' private instances when none answers (harness/services.py)
	@test -x "$$(command -v redis-server)" && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql redis-server)

deploy-tools: ## Debian's docker-compose, nginx and openssl: the tests validate deploy/ with them (no Docker engine needed)
	@command -v docker-compose >/dev/null && test -x "$$(command -v nginx || echo /usr/sbin/nginx)" && command -v openssl >/dev/null || \
	  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y docker-compose nginx-light openssl)

run: install train web ## start the assistant: action server, Rasa (REST + socket.io), web page
	bash scripts/run.sh

shell: install train ## chat in the terminal
	bash scripts/run.sh shell

console: install ## staff console only (http://localhost:8081/)
	$(BIN)/python -m console serve

staff-user: install ## staff account: make staff-user NAME=tanaka (asks the password; CONSOLE_PASSWORD for scripts)
	@test -n "$(NAME)" || { echo "usage: make staff-user NAME=<username>"; exit 2; }
	$(BIN)/python -m console create-user "$(NAME)"

export-corrections: install ## corrected intents -> results/console_corrections.yml (Rasa NLU YAML; never written into data/)
	$(BIN)/python -m console export-corrections results/console_corrections.yml

purge: install ## delete conversations older than CONSOLE_RETENTION_DAYS days (or DAYS=N)
	$(BIN)/python -m console purge $(if $(DAYS),--older-than-days $(DAYS))

lint: install-dev ## ruff (lint + format check) and mypy on the application packages (pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy actions channels console japanese_nlu knowledge settings stores

test: install-dev services deploy-tools lint validate train web browser ## everything: lint, validate, train, pytest (actions, server, held-out NLU), rasa test
	$(BIN)/pytest
	$(MAKE) test-stories

test-fast: install-dev services ## the unit lane only: no training, no browser (pytest -m "not e2e and not browser and not slow")
	$(BIN)/pytest -m "not e2e and not browser and not slow"

test-stories: install train ## conversation tests: tests/test_stories.yml
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml --fail-on-prediction-errors --out results/stories

bench: install train ## NLU vs stock pipelines vs TF-IDF; cost by turn (1-100) and by stored conversations (10-100,000)
	$(BIN)/python -m bench.nlu --workdir var/bench-models --reuse
	$(BIN)/python -m bench.turns
	$(BIN)/python -m bench.stored

heldout: install train ## held-out sets of independent authors, end to end, with every miss
	$(BIN)/python -m bench.heldout --misses

tune: install ## validation splits of data/ for the classifier options and answer-choice thresholds
	$(BIN)/python -m bench.tune --seeds 0,1,2

load: install train ## load test: 50 conversations x 20 messages, PostgreSQL + Redis, 1 and 2 Rasa servers
	$(BIN)/python -m bench.load

clean: ## remove the virtualenv, models and run-time files
	rm -rf $(VENV) models/*.tar.gz var results .pytest_cache web/dist web/node_modules
