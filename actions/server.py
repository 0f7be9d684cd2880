"""Starts the rasa-sdk action server bound to 127.0.0.1 (its own CLI binds 0.0.0.0)."""

import logging
import os
from pathlib import Path

from intake.logging_setup import configure_logging

ACTION_PACKAGE = "actions.actions"


def main() -> None:
    configure_logging()
    # rasa-sdk reads the bind address from SANIC_HOST; the default would expose it to the
    # network, and only Rasa on this machine may call actions.
    os.environ.setdefault("SANIC_HOST", "127.0.0.1")
    port = int(os.environ.get("ACTION_SERVER_PORT", "5055"))

    from rasa_sdk.endpoint import run
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package(ACTION_PACKAGE)
    logging.getLogger(__name__).info("action server starting on port %s", port)
    endpoints = str(Path(__file__).resolve().parents[1] / "bot" / "endpoints.yml")
    run(executor, port=port, cors_origins=[], endpoints=endpoints)


if __name__ == "__main__":
    main()
