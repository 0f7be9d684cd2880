"""The ES256 signing key of the access tokens: read from a PEM file, generated on first run.

One fixed algorithm (ES256, P-256) for signing and verifying; the key id is the RFC 7638
thumbprint, so the JWKS and the token header agree without configuration.
"""

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc.jwk import ECKey

logger = logging.getLogger(__name__)

ALGORITHM = "ES256"
CURVE = "P-256"


@dataclass(frozen=True)
class SigningKey:
    private: ECKey
    kid: str

    @property
    def public(self) -> ECKey:
        return ECKey.import_key(self.private.as_dict(private=False))

    def jwks(self) -> dict[str, Any]:
        """The public JWK set served at the jwks_uri."""
        jwk = dict(self.private.as_dict(private=False))
        jwk.update(kid=self.kid, use="sig", alg=ALGORITHM)
        return {"keys": [jwk]}


def _from_pem(pem: bytes) -> SigningKey:
    key = ECKey.import_key(pem)
    if key.curve_name != CURVE or not key.is_private:
        raise ValueError(f"the OAuth signing key must be a private {CURVE} key")
    return SigningKey(private=key, kid=key.thumbprint())


def load_or_create_signing_key(path: Path) -> SigningKey:
    """Load the key; create it (mode 0600, exclusive create) if the file does not exist."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = ECKey.generate_key(CURVE, private=True).as_pem(private=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        try:
            os.link(tmp, path)  # atomic and exclusive: a concurrent first start keeps one key
            logger.info("generated a new OAuth signing key at %s", path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    key = _from_pem(path.read_bytes())
    logger.info("OAuth signing key %s loaded", key.kid)
    return key
