"""Prometheus metrics of the api (served at /metrics, api/routes/metrics.py).

No label ever carries user data: every label value comes from a fixed set declared here
(`LABEL_VALUES`), and `observe_*`/`count_*` refuse anything else. Texts, conversation ids,
counsellor ids and tags are never labels.

Each app has its own registry, so several apps in one process (tests) do not collide. The
waiting handoffs are read from the database at scrape time, so the gauge is right whichever
api process served the request that changed the queue. The tagger runs in the action server,
which exposes its own latency histogram (actions/metrics.py).
"""

from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.db.models import Handoff
from api.services.handoffs import PRIORITY_AKUT, PRIORITY_NORMAL, STATUS_WAITING

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

PHASES = ("bot", "counsellor")
SENDERS = ("youth", "bot", "counsellor")
PRIORITIES = (PRIORITY_AKUT, PRIORITY_NORMAL)
RASA_ERRORS = ("unavailable",)
REFUSALS = ("rate_limited", "too_long", "invalid", "not_stored")
LABEL_VALUES: dict[str, tuple[str, ...]] = {
    "phase": PHASES,
    "sender": SENDERS,
    "priority": PRIORITIES,
    "kind": RASA_ERRORS,
    "reason": REFUSALS,
}

# Seconds a handoff waited before a counsellor claimed it: minutes to hours.
WAIT_BUCKETS = (10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400)
# Seconds a turn waited in the api for its Rasa process: milliseconds to the timeout.
RASA_QUEUE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


def _checked(label: str, value: str) -> str:
    if value not in LABEL_VALUES[label]:
        raise ValueError(f"{label} must be one of {LABEL_VALUES[label]}")
    return value


class _WaitingHandoffs(Collector):
    def __init__(self, count_waiting: Callable[[], dict[str, int]]) -> None:
        self.count_waiting = count_waiting

    @staticmethod
    def _family() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "intake_handoffs_waiting",
            "Handoffs waiting for a counsellor, by priority.",
            labels=["priority"],
        )

    def describe(self) -> Iterable[Metric]:
        """Without a database query (registration happens before migrations run)."""
        yield self._family()

    def collect(self) -> Iterable[Metric]:
        family = self._family()
        counts = self.count_waiting()
        for priority in PRIORITIES:
            family.add_metric([priority], counts.get(priority, 0))
        yield family


def waiting_by_priority(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as session:
        rows = session.execute(
            select(Handoff.priority, func.count())
            .where(Handoff.status == STATUS_WAITING)
            .group_by(Handoff.priority)
        ).all()
    return {str(priority): int(count) for priority, count in rows}


class Metrics:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.registry = CollectorRegistry()
        self.turns = Counter(
            "intake_turns",
            "Chat turns handled, by phase (bot: before the handoff is claimed; counsellor: the "
            "live relay) and sender.",
            ["phase", "sender"],
            registry=self.registry,
        )
        self.refused = Counter(
            "intake_messages_refused",
            "Youth messages refused with an explicit answer, by reason.",
            ["reason"],
            registry=self.registry,
        )
        self.rasa_errors = Counter(
            "intake_rasa_errors",
            "Turns Rasa did not answer (the youth got the Danish 'prøv igen om lidt').",
            ["kind"],
            registry=self.registry,
        )
        self.handoff_wait = Histogram(
            "intake_handoff_wait_seconds",
            "How long a handoff waited before a counsellor claimed it.",
            buckets=WAIT_BUCKETS,
            registry=self.registry,
        )
        self.rasa_queue_wait = Histogram(
            "intake_rasa_queue_wait_seconds",
            "How long a turn waited in the api for its Rasa process (RASA_MAX_IN_FLIGHT); only "
            "turns that had to wait are counted. Many, or long, waits: add Rasa processes.",
            buckets=RASA_QUEUE_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_WaitingHandoffs(lambda: waiting_by_priority(sessions)))
        # Every fixed label combination exists from the start, so a scrape shows zeros rather
        # than missing series.
        for phase in PHASES:
            for sender in SENDERS:
                self.turns.labels(phase=phase, sender=sender)
        for reason in REFUSALS:
            self.refused.labels(reason=reason)
        for kind in RASA_ERRORS:
            self.rasa_errors.labels(kind=kind)

    def count_turn(self, phase: str, sender: str) -> None:
        self.turns.labels(phase=_checked("phase", phase), sender=_checked("sender", sender)).inc()

    def count_refused(self, reason: str) -> None:
        if reason in REFUSALS:  # "empty" is not a refusal worth a series
            self.refused.labels(reason=reason).inc()

    def count_rasa_error(self, kind: str) -> None:
        self.rasa_errors.labels(kind=_checked("kind", kind)).inc()

    def observe_handoff_wait(self, seconds: float) -> None:
        self.handoff_wait.observe(max(0.0, seconds))

    def observe_rasa_queue_wait(self, seconds: float) -> None:
        self.rasa_queue_wait.observe(max(0.0, seconds))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
