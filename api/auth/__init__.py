"""OAuth2 authorization server (authlib's framework-agnostic core adapted to FastAPI), token
format and validation, and the login throttle. See docs/auth.md."""
