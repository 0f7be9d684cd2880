"""Starts the rasa-sdk action server bound to 127.0.0.1 (its own CLI binds 0.0.0.0)."""

import logging
import os
from pathlib import Path
from typing import Any

from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import (
    ActionExecutionRejection,
    ActionMissingDomainException,
    ActionNotFoundException,
)

from intake.logging_setup import configure_logging

ACTION_PACKAGE = "actions.actions"
logger = logging.getLogger(__name__)


class RejectingActionExecutor(ActionExecutor):
    """Turns an action's unexpected exception into a rejection.

    rasa-sdk answers an unexpected exception with a 500 whose body holds the whole request,
    i.e. the tracker with every message of the conversation, and Rasa logs that body at
    ERROR. A rejection is a 400 with the action's name only; Rasa records the action as
    rejected and goes on predicting, so the conversation continues."""

    async def run(self, action_call: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().run(action_call, *args, **kwargs)
        except (ActionExecutionRejection, ActionNotFoundException, ActionMissingDomainException):
            raise
        except Exception as exc:
            name = str(action_call.get("next_action")) if isinstance(action_call, dict) else "?"
            # The type only: a message or traceback could carry the youth's text.
            logger.error("action %s failed: %s", name, type(exc).__name__)
            raise ActionExecutionRejection(name, "the action failed") from None


def main() -> None:
    configure_logging()
    # rasa-sdk reads the bind address from SANIC_HOST; the default would expose it to the
    # network, and only Rasa on this machine may call actions.
    os.environ.setdefault("SANIC_HOST", "127.0.0.1")
    port = int(os.environ.get("ACTION_SERVER_PORT", "5055"))

    from rasa_sdk.endpoint import run

    executor = RejectingActionExecutor()
    executor.register_package(ACTION_PACKAGE)
    logger.info("action server starting on port %s", port)
    endpoints = str(Path(__file__).resolve().parents[1] / "bot" / "endpoints.yml")
    run(executor, port=port, cors_origins=[], endpoints=endpoints)


if __name__ == "__main__":
    main()
