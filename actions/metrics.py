"""The action server's Prometheus metrics: the tagger's latency. No labels, so no user data.

Served on 127.0.0.1:`ACTION_METRICS_PORT` when that is set (internal scraping only, like the
action server itself); off otherwise.
"""

import logging
import os

from prometheus_client import Histogram, start_http_server

logger = logging.getLogger(__name__)

# The tagger (TF-IDF + linear model) answers in milliseconds; a cold model load takes seconds.
TAGGER_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)

TAGGER_LATENCY = Histogram(
    "intake_tagger_latency_seconds",
    "Time the tagger took for one problem description.",
    buckets=TAGGER_BUCKETS,
)


def serve_from_env() -> int | None:
    """Start the loopback metrics endpoint if ACTION_METRICS_PORT is set; returns the port."""
    raw = os.environ.get("ACTION_METRICS_PORT", "").strip()
    if not raw:
        return None
    port = int(raw)
    start_http_server(port, addr="127.0.0.1")
    logger.info("action server metrics on 127.0.0.1:%d/metrics", port)
    return port
