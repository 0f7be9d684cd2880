"""Hand the conversation back to the chatbot (console button "Giv tilbage til chatbotten").

Thin: the rule lives in api/services/handback.py. After it, the youth is told in Danish that
the bot has the conversation again, and the consoles refetch their queue."""

from fastapi import APIRouter, Request, status

from api.deps import CurrentCounsellor, SessionDep
from api.routes.queue import live, queue_changed, refused
from api.services import handback, queue

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"])


@router.post("/{handoff_id}/hand-back", status_code=status.HTTP_204_NO_CONTENT)
def hand_back(
    handoff_id: str, counsellor: CurrentCounsellor, session: SessionDep, request: Request
) -> None:
    try:
        handoff = handback.hand_back(session, counsellor, handoff_id)
    except queue.QueueError as exc:
        raise refused(exc) from None
    relay = getattr(request.app.state, "relay", None)
    if relay is not None:
        live(request, relay.tell_youth, handoff.conversation_id, handback.HANDED_BACK_DA)
    queue_changed(request)
