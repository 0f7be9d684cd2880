#!/usr/bin/env bash
# Set up if needed, train what is missing, then run Rasa, the action server and the api.
# Ctrl-C stops all three; if one crashes, honcho reports it and stops the others.
# RASA_PROCESSES=N (default 1) runs N Rasa servers on RASA_PORT, RASA_PORT+1, ... sharing the
# model; the api routes each conversation to one of them (RASA_URLS, docs/architecture.md).
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

procfile=Procfile
: "${RASA_PROCESSES:=1}"
if ! [[ "$RASA_PROCESSES" =~ ^[1-9][0-9]*$ ]]; then
    echo "RASA_PROCESSES must be a whole number of at least 1, not '$RASA_PROCESSES'" >&2
    exit 2
fi
if (( RASA_PROCESSES > 1 )); then
    procfile=var/Procfile.rasa-$RASA_PROCESSES
    grep -v '^rasa:' Procfile > "$procfile"
    rasa_line=$(grep '^rasa:' Procfile)
    urls=()
    for ((i = 0; i < RASA_PROCESSES; i++)); do
        port=$((RASA_PORT + i))
        line=${rasa_line/#rasa:/rasa$((i + 1)):}
        echo "${line//\"\$RASA_PORT\"/$port}" >> "$procfile"
        urls+=("http://127.0.0.1:$port")
    done
    RASA_URLS=$(IFS=,; echo "${urls[*]}")
    export RASA_URLS
fi

printf '\n\033[1;32mChat at %s/\033[0m  (Rasa needs about 40 s to load; /healthz shows when all parts are up)\n\n' "$PUBLIC_BASE_URL"
exec .venv/bin/honcho -f "$procfile" -d . start
