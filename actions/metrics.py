"""The action server's Prometheus metrics: the tagger's latency, the version answering, and how
often there was none. No user data: the only label is the model version.

Served on 127.0.0.1:`ACTION_METRICS_PORT` when that is set (internal scraping only, like the
action server itself); off otherwise. rasa-sdk runs the actions in a Sanic worker process, not
in the process that starts the server, so the endpoint is started when this module is imported
inside that worker (Sanic names it in SANIC_WORKER_NAME): that is where the histogram counts.
"""

import logging
import os

from prometheus_client import Counter, Histogram, Info, start_http_server

logger = logging.getLogger(__name__)

# The tagger (TF-IDF + linear model) answers in milliseconds; a cold model load takes seconds.
TAGGER_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)

TAGGER_LATENCY = Histogram(
    "intake_tagger_latency_seconds",
    "Time the tagger took for one problem description.",
    buckets=TAGGER_BUCKETS,
)

# Which version the bot tags with: after `intake tagger use` or a retrain, operators can see
# the running server take it over.
TAGGER_MODEL = Info("intake_tagger_model", "The tagger version answering tag actions.")

# Problem descriptions handed off untagged because no model could be loaded: crisis detection
# is off while this grows, so it is worth an alert.
TAGGER_UNAVAILABLE = Counter(
    "intake_tagger_unavailable",
    "Problem descriptions handed off untagged because no tagger model was loaded.",
)


def serve_from_env() -> int | None:
    """Start the loopback metrics endpoint if ACTION_METRICS_PORT is set; returns the port."""
    raw = os.environ.get("ACTION_METRICS_PORT", "").strip()
    if not raw:
        return None
    port = int(raw)
    try:
        start_http_server(port, addr="127.0.0.1")
    except OSError as exc:  # a second worker, or a restarted one while the old holds the port
        logger.warning("action server metrics not served on port %d: %s", port, exc)
        return None
    logger.info("action server metrics on 127.0.0.1:%d/metrics", port)
    return port


if os.environ.get("SANIC_WORKER_NAME"):
    serve_from_env()
