"""One logging format for every process. Logs carry events and ids, never message text."""

import logging
import os


def configure_logging(level: str | None = None) -> None:
    logging.basicConfig(
        level=(level or os.environ.get("LOG_LEVEL", "INFO")).upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Third-party debug output can include request bodies (and so message text).
    for noisy in ("httpx", "httpcore", "engineio", "socketio", "sanic.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
