#!/usr/bin/env bash
# Set up if needed, then run every check: lint, types, Rasa data validation and story tests,
# and the pytest suite (unit, api on SQLite and PostgreSQL, end-to-end with the real Rasa).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/local_env.sh
mkdir -p var/logs

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

# Rasa is chatty (TensorFlow, progress bars): keep its output in a log, show it on failure.
quiet() {
    local name=$1; shift
    if ! "$@" >"var/logs/$name.log" 2>&1; then
        tail -n 60 "var/logs/$name.log"
        printf '\033[1;31m%s failed; full output in var/logs/%s.log\033[0m\n' "$name" "$name"
        return 1
    fi
}

step "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
step "mypy"
.venv/bin/mypy .
step "rasa data validate --fail-on-warnings"
quiet rasa-validate .venv/bin/intake bot validate
step "rasa train (cached by input hash)"
quiet rasa-train .venv/bin/intake bot train
tail -n 1 var/logs/rasa-train.log
step "rasa story tests"
quiet rasa-test .venv/bin/intake bot test
grep -E "Correct:|Accuracy:" var/logs/rasa-test.log | head -n 2 || true
step "tagger (trained if missing; the bot's tag action uses it)"
.venv/bin/intake tagger train --if-missing >var/logs/tagger-train.log 2>&1 || { tail -n 40 var/logs/tagger-train.log; exit 1; }
grep -E "macro-F1|crisis recall" var/logs/tagger-train.log || echo "current tagger model kept"
step "pytest"
.venv/bin/pytest -q "$@"
