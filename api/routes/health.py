"""GET /healthz: which part is down (each Rasa process, action server, database)."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import EngineDep, SettingsDep
from api.services.health import ComponentHealth, check_all

router = APIRouter(tags=["health"])


def _describe(component: ComponentHealth) -> dict[str, Any]:
    described: dict[str, Any] = {"ok": component.ok, "detail": component.detail}
    if component.processes:
        described["processes"] = [
            {"url": url, "ok": part.ok, "detail": part.detail}
            for url, part in component.processes.items()
        ]
    return described


@router.get("/healthz")
async def healthz(settings: SettingsDep, engine: EngineDep) -> JSONResponse:
    components = await check_all(
        settings.rasa_endpoints,
        settings.action_server_url,
        engine,
        settings.health_timeout_seconds,
    )
    healthy = all(component.ok for component in components.values())
    body = {
        "status": "ok" if healthy else "degraded",
        "components": {name: _describe(component) for name, component in components.items()},
    }
    return JSONResponse(body, status_code=200 if healthy else 503)
