# Ung Intake. `make help` lists every target.
.DEFAULT_GOAL := help
SHELL := /bin/bash

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

.PHONY: run
run: ## Set up, train what changed, run Rasa + actions + api (RASA_PROCESSES=N: N Rasa servers)
	@bash scripts/run.sh

.PHONY: test
test: ## Set up if needed and run every test (what CI runs)
	@bash scripts/test.sh

.PHONY: setup
setup: ## Create/refresh .venv (3.11), .venv-rasa (3.10) and web assets; idempotent
	@bash scripts/setup.sh

.PHONY: lint
lint: setup ## ruff and mypy
	@.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy .

.PHONY: format
format: setup ## Format the code with ruff
	@.venv/bin/ruff format . && .venv/bin/ruff check --fix .

.PHONY: train
train: setup ## Train the Rasa bot if its inputs changed (models/rasa/<hash>.tar.gz)
	@.venv/bin/intake bot train

.PHONY: validate
validate: setup ## rasa data validate --fail-on-warnings
	@.venv/bin/intake bot validate

.PHONY: story-test
story-test: setup ## Rasa story tests (bot/tests)
	@.venv/bin/intake bot test

.PHONY: e2e
e2e: setup ## Only the end-to-end tests (real Rasa, action server and api)
	@.venv/bin/pytest -q -m e2e

.PHONY: browser-test
browser-test: setup ## Only the browser tests (Debian's chromium via Playwright, real stack)
	@.venv/bin/pytest -q -m browser

.PHONY: bench
bench: setup ## The performance figures of the README: bridge, capacity, sockets (~15 min; PostgreSQL)
	@.venv/bin/python bench/bridge.py
	@.venv/bin/python bench/capacity.py
	@.venv/bin/python bench/sockets.py --postgres

.PHONY: lock
lock: ## Re-pin requirements/*.txt from the current environments (after adding a package)
	@.venv/bin/pip freeze --exclude-editable | grep -v '^ung-intake' > requirements/app.txt
	@.venv-rasa/bin/pip freeze > requirements/rasa.txt

.PHONY: clean
clean: ## Remove generated models, databases and caches (not the environments)
	rm -rf models/rasa models/tagger var .rasa .pytest_cache .mypy_cache .ruff_cache .stamps
