"""Training, validating and testing the Rasa bot from the app environment.

Rasa lives in its own Python 3.10 environment (.venv-rasa); these helpers call its CLI. A
trained model is cached under models/rasa/<hash>.tar.gz, where the hash covers every input
of training, so an unchanged bot is never retrained.
"""

import hashlib
import logging
import os
import subprocess
from pathlib import Path

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RASA_BIN = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
MODELS_DIR = PROJECT_ROOT / "models" / "rasa"
DOMAIN = PROJECT_ROOT / "bot" / "domain.yml"
CONFIG = PROJECT_ROOT / "config.yml"
DATA_DIRS = (PROJECT_ROOT / "nlu_data", PROJECT_ROOT / "bot" / "data")
TEST_STORIES = PROJECT_ROOT / "bot" / "tests"
ENDPOINTS = PROJECT_ROOT / "bot" / "endpoints.yml"
CREDENTIALS = PROJECT_ROOT / "bot" / "credentials.yml"
LOCK = PROJECT_ROOT / "requirements" / "rasa.txt"


class RasaNotInstalledError(RuntimeError):
    pass


def training_inputs() -> list[Path]:
    files = [CONFIG, DOMAIN, LOCK]
    for directory in DATA_DIRS:
        files.extend(sorted(p for p in directory.rglob("*.yml") if p.is_file()))
    return files


def inputs_hash() -> str:
    digest = hashlib.sha256()
    for path in training_inputs():
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path() -> Path:
    return MODELS_DIR / f"{inputs_hash()}.tar.gz"


def rasa_env() -> dict[str, str]:
    env = dict(os.environ)
    # No phoning home (tests run without internet) and no TensorFlow chatter.
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONWARNINGS="ignore",
    )
    return env


def _rasa(*args: str) -> None:
    if not RASA_BIN.exists():
        raise RasaNotInstalledError(
            f"{RASA_BIN} is missing; run `bash scripts/setup.sh` (or `make setup`) first"
        )
    subprocess.run([str(RASA_BIN), *args], cwd=PROJECT_ROOT, env=rasa_env(), check=True)


def ensure_trained(force: bool = False) -> tuple[Path, bool]:
    """Returns (model path, trained now). Trains only when the inputs changed."""
    target = model_path()
    if target.exists() and not force:
        return target, False
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    _rasa(
        "train",
        "--domain", str(DOMAIN),
        "--config", str(CONFIG),
        "--data", *[str(d) for d in DATA_DIRS],
        "--out", str(MODELS_DIR),
        "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    )  # fmt: skip
    return target, True


def validate() -> None:
    _rasa(
        "data", "validate",
        "--domain", str(DOMAIN),
        "--config", str(CONFIG),
        "--data", *[str(d) for d in DATA_DIRS],
        "--fail-on-warnings",
    )  # fmt: skip


def test_stories(results_dir: Path) -> None:
    model, _ = ensure_trained()
    _rasa(
        "test", "core",
        "--model", str(model),
        "--stories", str(TEST_STORIES),
        "--out", str(results_dir),
        "--fail-on-prediction-errors",
    )  # fmt: skip
