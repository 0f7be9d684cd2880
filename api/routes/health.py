"""GET /healthz: which part is down (Rasa, action server, database)."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import EngineDep, SettingsDep
from api.services.health import check_all

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(settings: SettingsDep, engine: EngineDep) -> JSONResponse:
    components = await check_all(
        settings.rasa_url,
        settings.action_server_url,
        engine,
        settings.health_timeout_seconds,
    )
    healthy = all(component.ok for component in components.values())
    body = {
        "status": "ok" if healthy else "degraded",
        "components": {
            name: {"ok": component.ok, "detail": component.detail}
            for name, component in components.items()
        },
    }
    return JSONResponse(body, status_code=200 if healthy else 503)
