"""Rasa REST replies → the exact `bot_uttered` shapes rasa-webchat renders.

rasa-webchat drops a message with any unexpected key (Rasa's `recipient_id` included), so
each reply is rebuilt from scratch as `{text}`, `{text, quick_replies}` or `{attachment}`.
"""

from typing import Any

EMERGENCY_NUMBERS_DA = (
    "Har du brug for hjælp nu, så ring 112 ved fare for liv, Livslinien på 70 201 201 "
    "eller Børnetelefonen på 116 111."
)
BOT_UNAVAILABLE_DA = (
    "Beklager, jeg kan ikke svare lige nu. Prøv igen om lidt. " + EMERGENCY_NUMBERS_DA
)


def to_webchat(reply: dict[str, Any]) -> list[dict[str, Any]]:
    """One Rasa reply may become several webchat messages (text, then image)."""
    messages: list[dict[str, Any]] = []
    text = reply.get("text")
    buttons = reply.get("buttons")
    if isinstance(text, str) and text:
        if isinstance(buttons, list) and buttons:
            messages.append({"text": text, "quick_replies": [_quick_reply(b) for b in buttons]})
        else:
            messages.append({"text": text})
    image = reply.get("image")
    if isinstance(image, str) and image:
        messages.append({"attachment": {"type": "image", "payload": {"src": image}}})
    return messages


def _quick_reply(button: dict[str, Any]) -> dict[str, str]:
    return {
        "content_type": "text",
        "title": str(button.get("title", "")),
        "payload": str(button.get("payload", "")),
    }


def text_message(text: str) -> dict[str, Any]:
    return {"text": text}
