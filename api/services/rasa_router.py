"""Which Rasa process holds a conversation: rendezvous (highest-random-weight) hashing of the
sender id over the configured Rasa URLs.

Rasa keeps a conversation's tracker in its own memory (nothing reaches disk), so every turn of
one conversation must reach the same process. The choice depends only on the sender id and the
set of URLs, never on this process's state or Python's salted `hash()`, so every api replica
routes a conversation to the same Rasa. Adding a process moves only the conversations that now
rank it first (about 1/n of them); removing one moves only its own conversations.
"""

import hashlib
from collections.abc import Sequence


def _weight(url: str, sender_id: str) -> int:
    digest = hashlib.blake2b(f"{url}\0{sender_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class RasaRouter:
    def __init__(self, urls: Sequence[str]) -> None:
        cleaned = [url.rstrip("/") for url in urls]
        if not cleaned:
            raise ValueError("at least one Rasa URL is required")
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("Rasa URLs must be distinct")
        self.urls: tuple[str, ...] = tuple(cleaned)

    def ranking(self, sender_id: str) -> list[str]:
        """All URLs, best first, for this conversation."""
        return sorted(self.urls, key=lambda url: (_weight(url, sender_id), url), reverse=True)

    def route(self, sender_id: str) -> str:
        """The Rasa URL that holds this conversation."""
        if len(self.urls) == 1:
            return self.urls[0]
        return max(self.urls, key=lambda url: (_weight(url, sender_id), url))
