"""The scopes this server knows; anything else is `invalid_scope`."""

COUNSELLOR_CHAT = "counsellor:chat"
STATS_READ = "stats:read"
HANDOFF_CREATE = "handoff:create"
PROFILE_SELF = "profile:self"

SUPPORTED_SCOPES: tuple[str, ...] = (COUNSELLOR_CHAT, STATS_READ, HANDOFF_CREATE, PROFILE_SELF)
# What a counsellor account may be granted unless the operator says otherwise.
DEFAULT_COUNSELLOR_SCOPES: tuple[str, ...] = (COUNSELLOR_CHAT, PROFILE_SELF)


def split(scope: str | None) -> list[str]:
    """Scope string to an ordered list without duplicates."""
    seen: list[str] = []
    for item in (scope or "").split():
        if item not in seen:
            seen.append(item)
    return seen


def join(scopes: list[str] | tuple[str, ...]) -> str:
    return " ".join(scopes)


def unknown(scopes: list[str] | tuple[str, ...]) -> list[str]:
    return [s for s in scopes if s not in SUPPORTED_SCOPES]
