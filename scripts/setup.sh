#!/usr/bin/env bash
# Idempotent setup of both Python environments, the npm assets and the test browser.
#   .venv       Python 3.11: api, actions (rasa-sdk), tagging, privacy, CLI, dev tools
#   .venv-rasa  pyenv's Python 3.10: only rasa==3.6.21 (its pins clash with the app's)
# Each environment is rebuilt only when the files that define it change (hash stamps in
# .stamps/), so a second run with nothing changed takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .stamps

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] error:\033[0m %s\n' "$*" >&2; exit 1; }

hash_files() { cat "$@" | sha256sum | cut -c1-16; }

pyenv_root() {
    if command -v pyenv >/dev/null 2>&1; then pyenv root; else echo "${PYENV_ROOT:-$HOME/.pyenv}"; fi
}

# Newest installed patch release of a minor version in pyenv's versions folder.
find_pyenv_python() {
    local minor=$1 root
    root=$(pyenv_root)
    ls -d "$root"/versions/"$minor".* 2>/dev/null | grep -E "/$minor\.[0-9]+$" | sort -V | tail -1
}

find_python311() {
    local candidate
    candidate=$(find_pyenv_python 3.11)
    if [[ -n "$candidate" && -x "$candidate/bin/python" ]]; then echo "$candidate/bin/python"; return; fi
    if command -v python3.11 >/dev/null 2>&1; then command -v python3.11; return; fi
    die "Python 3.11 not found (looked in $(pyenv_root)/versions and on PATH). Install it, e.g. 'pyenv install 3.11'."
}

find_python310() {
    local candidate
    candidate=$(find_pyenv_python 3.10)
    [[ -n "$candidate" && -x "$candidate/bin/python" ]] || die \
        "Rasa 3.6 needs Python 3.10 from pyenv, but $(pyenv_root)/versions has no 3.10.x. Install it with 'pyenv install 3.10' and run again."
    echo "$candidate/bin/python"
}

export PIP_DISABLE_PIP_VERSION_CHECK=1

# pip, minus the noise of this machine's extra local indexes; keeps pip's exit code.
pip_in() {
    local venv=$1; shift
    "$venv/bin/python" -m pip "$@" 2>&1 | { grep -v -e '^WARNING: Location' -e 'BuildBackendWarning' || true; }
    return "${PIPESTATUS[0]}"
}

setup_app_venv() {
    local want have
    want=$(hash_files requirements/app.txt pyproject.toml)
    have=$(cat .stamps/venv 2>/dev/null || true)
    if [[ -x .venv/bin/python && "$want" == "$have" ]]; then return; fi
    local py
    py=$(find_python311)
    log "creating .venv with $py"
    [[ -x .venv/bin/python ]] || "$py" -m venv .venv
    pip_in .venv install -q --upgrade pip
    pip_in .venv install -q -r requirements/app.txt
    pip_in .venv install -q --no-deps -e . >/dev/null
    echo "$want" > .stamps/venv
}

setup_rasa_venv() {
    local want have
    want=$(hash_files requirements/rasa.txt)
    have=$(cat .stamps/venv-rasa 2>/dev/null || true)
    if [[ -x .venv-rasa/bin/rasa && "$want" == "$have" ]]; then return; fi
    local py
    py=$(find_python310)
    log "creating .venv-rasa with $py (rasa 3.6.21 with TensorFlow: a few minutes the first time)"
    [[ -x .venv-rasa/bin/python ]] || "$py" -m venv .venv-rasa
    pip_in .venv-rasa install -q --upgrade pip
    pip_in .venv-rasa install -q -r requirements/rasa.txt
    echo "$want" > .stamps/venv-rasa
}

setup_web_assets() {
    # Front-end assets come from npm and are served by the api: no CDN, no third-party request.
    local want have
    want=$(hash_files web/package.json web/package-lock.json)
    have=$(cat .stamps/web 2>/dev/null || true)
    if [[ -d web/node_modules && "$want" == "$have" ]]; then return; fi
    command -v npm >/dev/null 2>&1 || die "npm is missing (install Node.js 20 and npm)"
    log "installing web assets from npm"
    npm ci --prefix web --no-audit --no-fund --loglevel=error >/dev/null
    echo "$want" > .stamps/web
}

setup_browser() {
    # The browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
    [[ -x /usr/bin/chromium ]] && return
    [[ $(id -u) -eq 0 ]] || die "/usr/bin/chromium is missing; install it with 'sudo apt-get install chromium' (the browser tests need it)"
    log "installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

setup_app_venv || die "installing .venv failed"
setup_rasa_venv || die "installing .venv-rasa failed"
setup_web_assets || die "installing web assets failed"
setup_browser || die "installing chromium failed"
log "environments ready"
