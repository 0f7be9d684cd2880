"""Versioned artefacts on disk: `<model dir>/<version>/{model.skops,metadata.json,card.md}`.

`<model dir>/current` is a plain text file holding the active version name (portable: no
symlinks), replaced atomically, so a reader sees either the old or the new model. The model
is saved with skops and loaded with an explicit list of trusted types, so a tampered artefact
cannot run code on load.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import skops.io as sio

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MODEL_FILE = "model.skops"
METADATA_FILE = "metadata.json"
CARD_FILE = "card.md"
CURRENT_FILE = "current"
ENV_MODEL_DIR = "TAGGER_MODEL_DIR"

# Types outside skops' default trust list that a tagger artefact may contain. Anything else
# in a file means it was not written by `intake tagger train`, and it is refused.
TRUSTED_TYPES: frozenset[str] = frozenset(
    {
        "tagging.features.ascii_fold",
        "tagging.features.normalise",
        "tagging.words.WordAndStemTfidf",
        "tagging.words.pretokenized",
        "tagging.features.tokenize",
        "tagging.lexicon.LexiconFeatures",
        "tagging.model.LogisticNaiveBayes",
        "tagging.vectorizer.FastTfidfVectorizer",
    }
)


class ArtefactError(RuntimeError):
    """Base class for problems with a stored model."""


class ModelNotFoundError(ArtefactError):
    """No trained model where one was expected."""


class ModelVersionError(ArtefactError):
    """The stored model cannot be used with this installation (versions, format, tampering)."""


def default_model_dir() -> Path:
    """`$TAGGER_MODEL_DIR`, else `models/tagger` under the project root."""
    env = os.environ.get(ENV_MODEL_DIR)
    return Path(env) if env else PROJECT_ROOT / "models" / "tagger"


def is_version_name(name: str) -> bool:
    """A directory name inside the model directory: no path, no "." or ".."."""
    return bool(name) and name not in (".", "..") and Path(name).name == name


def read_current(model_dir: Path) -> str | None:
    """The current version's name; None when there is no pointer. ModelVersionError when the
    pointer is unreadable or names something that is not a version (a path, "..")."""
    path = model_dir / CURRENT_FILE
    if not path.is_file():
        return None
    try:
        name = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelVersionError(
            f"{path} is unreadable ({type(exc).__name__}); "
            "point it at a version with `intake tagger use VERSION`"
        ) from exc
    if name and not is_version_name(name):
        raise ModelVersionError(
            f"{path} names {name!r}, which is not a version in {model_dir}; "
            "point it at one with `intake tagger use VERSION`"
        )
    return name or None


def read_current_or_none(model_dir: Path) -> str | None:
    """`read_current` where a broken pointer only means "no current version" (listing,
    retraining, replacing it), logged as a warning."""
    try:
        return read_current(model_dir)
    except ModelVersionError as exc:
        logger.warning("%s", exc)
        return None


def write_current(model_dir: Path, version: str) -> None:
    """Point `current` at a version, atomically."""
    fd, tmp = tempfile.mkstemp(dir=model_dir, prefix=".current-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(version + "\n")
    os.replace(tmp, model_dir / CURRENT_FILE)
    logger.info("current tagger version set to %s", version)


def unique_version_dir(model_dir: Path, base: str) -> Path:
    model_dir.mkdir(parents=True, exist_ok=True)
    candidate = model_dir / base
    n = 1
    while candidate.exists():
        n += 1
        candidate = model_dir / f"{base}-{n}"
    candidate.mkdir()
    return candidate


def save_model(version_dir: Path, model: Any, metadata: dict[str, Any]) -> None:
    sio.dump(model, version_dir / MODEL_FILE)
    write_metadata(version_dir, metadata)


def write_metadata(version_dir: Path, metadata: dict[str, Any]) -> None:
    (version_dir / METADATA_FILE).write_text(
        json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def read_metadata(version_dir: Path) -> dict[str, Any]:
    path = version_dir / METADATA_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelNotFoundError(f"{path} is missing; retrain with `intake tagger train`") from exc
    except (OSError, ValueError, RecursionError) as exc:  # also not UTF-8, not JSON
        raise ModelVersionError(
            f"{path} is unreadable ({exc}); retrain with `intake tagger train`"
        ) from exc
    if not isinstance(data, dict):
        raise ModelVersionError(
            f"{path} is not a metadata object; retrain with `intake tagger train`"
        )
    return data


def check_versions(metadata: dict[str, Any], version_dir: Path) -> None:
    """Refuse an artefact made with another scikit-learn (pickled estimators are not portable)."""
    import sklearn

    versions = metadata.get("versions")
    made_with = versions.get("scikit-learn") if isinstance(versions, dict) else None
    if made_with != sklearn.__version__:
        raise ModelVersionError(
            f"tagger model {version_dir.name} was trained with scikit-learn {made_with}, "
            f"but scikit-learn {sklearn.__version__} is installed; "
            "retrain with `intake tagger train`"
        )


def load_model(version_dir: Path) -> Any:
    path = version_dir / MODEL_FILE
    if not path.is_file():
        raise ModelNotFoundError(f"{path} is missing; retrain with `intake tagger train`")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # skops raises several types for a corrupt file
        raise ModelVersionError(
            f"{path} is not a readable skops file ({exc}); retrain with `intake tagger train`"
        ) from exc
    unexpected = sorted(set(untrusted) - TRUSTED_TYPES)
    if unexpected:
        raise ModelVersionError(
            f"{path} contains types this tagger never writes ({', '.join(unexpected)}); "
            "refusing to load it. Retrain with `intake tagger train`"
        )
    return sio.load(path, trusted=list(untrusted))
