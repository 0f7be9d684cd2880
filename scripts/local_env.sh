# Sourced by run.sh and test.sh: embedded defaults plus local secrets generated on first use.
# var/local.env holds random secrets for this checkout only; it is git-ignored. Settings added
# later are appended to an existing file, so an old checkout upgrades itself.
mkdir -p var
(
    umask 077
    touch var/local.env
    if ! grep -q '^ACTION_CLIENT_ID=' var/local.env; then
        printf 'ACTION_CLIENT_ID=intake-actions\n' >> var/local.env
    fi
    if ! grep -q '^ACTION_CLIENT_SECRET=' var/local.env; then
        secret=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')
        printf 'ACTION_CLIENT_SECRET=%s\n' "$secret" >> var/local.env
    fi
    # The shared secret of the walking skeleton is gone (OAuth2 client credentials replace it).
    sed -i '/^ACTION_API_SECRET=/d' var/local.env
)
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
# TensorFlow threads per Rasa server. One is faster: Rasa's main thread waits for every
# TensorFlow op, and on a small machine extra op threads only queue for the same cores (on 2
# cores, 50 concurrent conversations: ~15 % more turns/s with 1 than with TF's default pools).
: "${RASA_TF_THREADS:=1}"
RASA_TELEMETRY_ENABLED=false
TF_CPP_MIN_LOG_LEVEL=2
OMP_NUM_THREADS=1
set +a
[[ -n "${KEY_RING:-}" ]] || .venv/bin/intake keys generate --if-missing --file "$KEY_RING_FILE" >/dev/null
