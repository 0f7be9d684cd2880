"""The live relay between a youth (widget, default socket.io namespace) and the counsellor
holding their handoff (console, namespace `/console`).

Every message is stored (anonymised, then encrypted, via `transcripts.append`) and committed
before it is passed on and before its sender gets the acknowledgement, so an acknowledged
message is never lost. What is passed on live is the text as written: counsellors read what
the youth wrote, the stored transcript is the anonymised one.

Rooms: a youth's conversation id (default namespace, every tab of that browser); on `/console`
`counsellor:<id>` (every console tab of one counsellor). Emitting to a room goes through the
socket.io manager, so with Redis (`REDIS_URL`) it reaches sockets on any api process.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

import socketio
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from api.db.models_auth import Counsellor
from api.services import queue, transcripts
from api.services.metrics import Metrics
from api.services.webchat import text_message
from privacy.crypto import KeyProvider

logger = logging.getLogger(__name__)

CONSOLE_NAMESPACE = "/console"

CONVERSATION_CLOSED_DA = (
    "Rådgiveren har afsluttet samtalen. Tak fordi du skrev. Du er altid velkommen igen. "
    "Er det akut, så ring 112. Livslinien: 70 201 201. Børnetelefonen: 116 111."
)
CONVERSATION_RELEASED_DA = (
    "Du er sat tilbage i køen og beholder din plads. En anden rådgiver skriver til dig, "
    "så snart der er en ledig."
)
COUNSELLOR_JOINED_DA = "En rådgiver har taget din samtale og skriver til dig om lidt."


def console_room(counsellor_id: str) -> str:
    return f"counsellor:{counsellor_id}"


def organisation_room(organisation_id: str) -> str:
    """Every console of an organisation (new-handoff notifications)."""
    return f"organisation:{organisation_id}"


class NotHeldError(Exception):
    """The counsellor does not hold this conversation (never theirs, released or closed)."""


@dataclass(frozen=True)
class Delivered:
    handoff_id: str
    seq: int


class Relay:
    def __init__(
        self,
        sio: socketio.AsyncServer,
        sessions: sessionmaker[Session],
        *,
        keys: KeyProvider,
        anonymise: Callable[[str], str],
        metrics: Metrics | None = None,
    ) -> None:
        self.metrics = metrics
        self.sio = sio
        self.sessions = sessions
        self.keys = keys
        self.anonymise = anonymise

    # --- counsellor -> youth ---------------------------------------------------------------

    async def counsellor_message(self, counsellor_id: str, handoff_id: str, text: str) -> Delivered:
        """Store the reply, then show it in the widget. Raises NotHeldError."""
        conversation_id, seq = await run_in_threadpool(
            self._store_counsellor_turn, counsellor_id, handoff_id, text
        )
        await self.sio.emit("counsellor_typing", {"typing": False}, room=conversation_id)
        await self.sio.emit("bot_uttered", text_message(text), room=conversation_id)
        if self.metrics is not None:
            self.metrics.count_turn("counsellor", "counsellor")
        logger.info("counsellor turn relayed for handoff %s (seq %d)", handoff_id, seq)
        return Delivered(handoff_id, seq)

    def _store_counsellor_turn(
        self, counsellor_id: str, handoff_id: str, text: str
    ) -> tuple[str, int]:
        with self.sessions() as session:
            counsellor = self._holder(session, counsellor_id, handoff_id)
            handoff = queue.held_by(session, counsellor, handoff_id)
            appended = transcripts.append(
                session,
                handoff.conversation_id,
                "rådgiver",
                text,
                keys=self.keys,
                anonymise=self.anonymise,
            )
            conversation_id = handoff.conversation_id
            session.commit()
            return conversation_id, appended.seq

    async def counsellor_typing(self, counsellor_id: str, handoff_id: str, typing: bool) -> None:
        conversation_id = await run_in_threadpool(
            self._held_conversation, counsellor_id, handoff_id
        )
        await self.sio.emit("counsellor_typing", {"typing": typing}, room=conversation_id)

    def _held_conversation(self, counsellor_id: str, handoff_id: str) -> str:
        with self.sessions() as session:
            counsellor = self._holder(session, counsellor_id, handoff_id)
            return queue.held_by(session, counsellor, handoff_id).conversation_id

    @staticmethod
    def _holder(session: Session, counsellor_id: str, handoff_id: str) -> Counsellor:
        counsellor = session.get(Counsellor, counsellor_id)
        if counsellor is None or counsellor.disabled_at is not None:
            raise NotHeldError(handoff_id)
        try:
            queue.held_by(session, counsellor, handoff_id)
        except queue.NotFoundError:
            raise NotHeldError(handoff_id) from None
        return counsellor

    # --- youth -> counsellor ---------------------------------------------------------------

    async def youth_message(
        self, claimant: queue.Claimant, text: str, *, seq: int | None = None
    ) -> None:
        """Live text of the youth to the console(s) of the counsellor holding the handoff.
        `seq` is the turn's place in the stored transcript: a console that is still loading
        the transcript uses it to show the turn exactly once."""
        if claimant.counsellor_id is None:
            return
        await self.sio.emit(
            "youth_message",
            {"handoff_id": claimant.handoff_id, "text": text, "seq": seq},
            room=console_room(claimant.counsellor_id),
            namespace=CONSOLE_NAMESPACE,
        )

    # --- queue changes -----------------------------------------------------------------------

    async def tell_youth(self, conversation_id: str, text: str) -> None:
        await self.sio.emit("bot_uttered", text_message(text), room=conversation_id)

    async def offer_contact_details(self, conversation_id: str, text: str) -> None:
        """Underretning: the widget opens its contact-details dialog (`contact_offer`); the
        text says the same in the chat (rasa-webchat shows only that)."""
        await self.tell_youth(conversation_id, text)
        await self.sio.emit("contact_offer", {}, room=conversation_id)

    async def conversation_closed(self, counsellor_id: str, handoff_id: str, outcome: str) -> None:
        """Closed by the system (the idle rules): the holder's console leaves it."""
        await self.sio.emit(
            "conversation_closed",
            {"handoff_id": handoff_id, "outcome": outcome},
            room=console_room(counsellor_id),
            namespace=CONSOLE_NAMESPACE,
        )

    async def underretning_answered(self, counsellor_id: str, handoff_id: str) -> None:
        """The youth gave or declined contact details: the holder's console refetches."""
        await self.sio.emit(
            "underretning_answered",
            {"handoff_id": handoff_id},
            room=console_room(counsellor_id),
            namespace=CONSOLE_NAMESPACE,
        )

    async def claimed(self, conversation_id: str, text: str) -> None:
        """The youth is out of the queue: clear their place and say a counsellor has them."""
        await self.sio.emit("queue_position", {"position": None}, room=conversation_id)
        await self.tell_youth(conversation_id, text)

    async def assigned(self, counsellor_id: str, handoff_id: str) -> None:
        """A transfer: the new holder's console opens the conversation."""
        await self.sio.emit(
            "assigned",
            {"handoff_id": handoff_id},
            room=console_room(counsellor_id),
            namespace=CONSOLE_NAMESPACE,
        )

    # --- notifications (no text: ids, priority and where to look) ----------------------------

    async def handoff_waiting(
        self, organisation_ids: list[str], handoff_id: str, priority: str
    ) -> None:
        """A new (or newly `akut`) handoff: every online console of the organisations that
        take it rings and shows a browser notification."""
        for organisation_id in organisation_ids:
            await self.sio.emit(
                "handoff_waiting",
                {"handoff_id": handoff_id, "priority": priority},
                room=organisation_room(organisation_id),
                namespace=CONSOLE_NAMESPACE,
            )

    async def offer(self, counsellor_id: str, handoff_id: str, priority: str) -> None:
        """A counsellor freed up: offer them the next handoff they may take."""
        await self.sio.emit(
            "offer",
            {"handoff_id": handoff_id, "priority": priority},
            room=console_room(counsellor_id),
            namespace=CONSOLE_NAMESPACE,
        )

    async def unassigned(self, counsellor_id: str, handoff_id: str) -> None:
        """A supervisor moved the conversation away: the old holder's console closes it."""
        await self.sio.emit(
            "unassigned",
            {"handoff_id": handoff_id},
            room=console_room(counsellor_id),
            namespace=CONSOLE_NAMESPACE,
        )

    async def note_added(self, counsellor_id: str, handoff_id: str) -> None:
        """A supervisor left a note on a conversation the counsellor holds."""
        await self.sio.emit(
            "note_added",
            {"handoff_id": handoff_id},
            room=console_room(counsellor_id),
            namespace=CONSOLE_NAMESPACE,
        )
