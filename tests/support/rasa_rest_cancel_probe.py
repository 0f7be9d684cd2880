"""Run with the Rasa venv's Python: a turn on Rasa's REST channel that the client abandons.

    .venv-rasa/bin/python tests/support/rasa_rest_cancel_probe.py PORT CANARY [LOGGING_YML]

Logging is configured as `rasa run` configures it (with `--logging-config-file` when given);
the client gives up after 1 s on a turn that takes 3 s, as the api does after
RASA_TIMEOUT_SECONDS, so Sanic cancels the handler. Whatever Rasa logs goes to stdout.
"""

import asyncio
import logging
import os
import sys

import aiohttp
from rasa.core.channels.rest import RestInput
from rasa.utils.common import configure_logging_and_warnings
from rasa.utils.log_utils import configure_structlog
from sanic import Sanic

port, canary = int(sys.argv[1]), sys.argv[2]
configure_logging_and_warnings(None, sys.argv[3] if len(sys.argv) > 3 else None)
configure_structlog(None)

app = Sanic("probe")
channel = RestInput()


async def slow_turn(_message: object) -> None:
    await asyncio.sleep(3)


app.blueprint(channel.blueprint(slow_turn), url_prefix="/webhooks/" + channel.url_prefix())


async def abandon_a_turn() -> None:
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=1)) as session:
            url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
            await session.post(url, json={"sender": "probe", "message": f"hej {canary}"})
    # Rasa's venv is Python 3.10, where asyncio's TimeoutError is not the builtin one.
    except asyncio.TimeoutError:  # noqa: UP041
        pass
    await asyncio.sleep(1.5)  # the cancelled handler logs now
    logging.getLogger("rasa.core.processor").error("control line from another rasa logger")
    # Leave at once: Sanic 21's shutdown can hang on a cancelled handler or a library thread.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


@app.listener("after_server_start")
async def start_client(_app: object, loop: asyncio.AbstractEventLoop) -> None:
    loop.create_task(abandon_a_turn())


app.run(host="127.0.0.1", port=port, access_log=False, workers=1)
