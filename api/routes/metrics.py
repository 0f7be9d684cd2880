"""GET /metrics: Prometheus exposition (api/services/metrics.py).

Off unless METRICS_TOKEN is set; then a scraper must send `Authorization: Bearer <token>`
(Prometheus: `authorization: {credentials: ...}`). The figures carry no user data, but queue
lengths and error rates of a helpline are not for the public, and the api is the public
process: a static scrape token works behind any load balancer, where the client address says
nothing. Not part of the OpenAPI document.
"""

import hmac

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import Response

from api.deps import SettingsDep
from api.services.metrics import CONTENT_TYPE, Metrics

router = APIRouter(tags=["metrics"])


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request, settings: SettingsDep) -> Response:
    expected = settings.metrics_token.get_secret_value()
    if not expected:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "metrics are off (set METRICS_TOKEN)")
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a scrape token is required",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    registry: Metrics = request.app.state.metrics
    return Response(registry.exposition(), media_type=CONTENT_TYPE)
