"""The api's idle job: runs `idle.sweep` every IDLE_JOB_INTERVAL_SECONDS and announces what it
did: the check or the goodbye to the youth (every tab of their conversation), and, for a
closed conversation a counsellor held, `conversation_closed {handoff_id, outcome}` to that
counsellor's consoles; the queue changed for everyone else."""

import asyncio
import logging
from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from api.config import Settings
from api.services import idle, queue
from api.services.closing import OUTCOME_IDLE

logger = logging.getLogger(__name__)


def sweep_now(sessions: sessionmaker[Session], settings: Settings) -> list[idle.IdleEvent]:
    with sessions() as session:
        return idle.sweep(
            session,
            now=queue.now_utc(),
            check_after=timedelta(seconds=settings.idle_check_seconds),
            close_after=timedelta(seconds=settings.idle_close_seconds),
        )


async def announce(app: FastAPI, events: list[idle.IdleEvent]) -> None:
    relay = getattr(app.state, "relay", None)
    bridge = getattr(app.state, "webchat", None)
    if relay is None:  # an HTTP-only app (tests): nobody to tell
        return
    for event in events:
        if event.kind == "check":
            await relay.tell_youth(event.conversation_id, idle.IDLE_CHECK_DA)
            continue
        await relay.tell_youth(event.conversation_id, idle.IDLE_CLOSED_DA)
        if event.counsellor_id is not None:
            await relay.conversation_closed(event.counsellor_id, event.handoff_id, OUTCOME_IDLE)
    if bridge is not None and any(event.kind == "close" for event in events):
        await bridge.broadcast_queue_positions()


async def run_forever(app: FastAPI, settings: Settings) -> None:
    """A failed sweep is logged (exception type only) and retried at the next interval."""
    while True:
        await asyncio.sleep(settings.idle_job_interval_seconds)
        try:
            events = await asyncio.to_thread(sweep_now, app.state.sessions, settings)
            await announce(app, events)
        except Exception as exc:
            logger.error(
                "idle sweep failed (%s); next in %d s",
                type(exc).__name__,
                settings.idle_job_interval_seconds,
            )
