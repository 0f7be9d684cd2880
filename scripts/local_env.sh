# Sourced by run.sh and test.sh: embedded defaults plus local secrets generated on first use.
# var/local.env holds random secrets for this checkout only; it is git-ignored.
mkdir -p var
if [[ ! -f var/local.env ]]; then
    umask 077
    secret=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')
    printf 'ACTION_API_SECRET=%s\n' "$secret" > var/local.env
fi
set -a
# shellcheck disable=SC1091
source var/local.env
: "${API_HOST:=127.0.0.1}"
: "${API_PORT:=8000}"
: "${RASA_PORT:=5005}"
: "${ACTION_SERVER_PORT:=5055}"
: "${RASA_URL:=http://127.0.0.1:${RASA_PORT}}"
: "${ACTION_SERVER_URL:=http://127.0.0.1:${ACTION_SERVER_PORT}}"
: "${ACTION_ENDPOINT_URL:=http://127.0.0.1:${ACTION_SERVER_PORT}/webhook}"
: "${API_URL:=http://127.0.0.1:${API_PORT}}"
: "${PUBLIC_BASE_URL:=http://${API_HOST}:${API_PORT}}"
# The key-encryption keys (AES-256) for stored text: generated once per checkout, mode 0600.
: "${KEY_RING_FILE:=$PWD/var/keyring.json}"
RASA_TELEMETRY_ENABLED=false
TF_CPP_MIN_LOG_LEVEL=2
OMP_NUM_THREADS=1
set +a
[[ -n "${KEY_RING:-}" ]] || .venv/bin/intake keys generate --if-missing --file "$KEY_RING_FILE" >/dev/null
