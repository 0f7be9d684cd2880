#!/usr/bin/env bash
# Set up if needed, train what is missing, then run Rasa, the action server and the api.
# Ctrl-C stops all three; if one crashes, honcho reports it and stops the others.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/local_env.sh

# Database schema, the action server's OAuth client and the console client (idempotent).
.venv/bin/intake clients provision

RASA_MODEL=$(.venv/bin/intake bot train | tail -1)
export RASA_MODEL
if .venv/bin/intake tagger --help >/dev/null 2>&1; then
    .venv/bin/intake tagger train --if-missing
fi

printf '\n\033[1;32mChat at %s/\033[0m  (Rasa needs about 40 s to load; /healthz shows when all parts are up)\n\n' "$PUBLIC_BASE_URL"
exec .venv/bin/honcho -f Procfile start
