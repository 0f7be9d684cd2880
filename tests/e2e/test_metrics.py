"""Prometheus metrics after a real conversation (Rasa, action server, api): the counts move,
and no label carries user data. The conversation contains a unique canary and a CPR number;
neither, nor the conversation, handoff or counsellor id, may appear anywhere in a scrape, and
every label value comes from the fixed sets in api/services/metrics.py."""

import re
import secrets

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from api.db.session import make_engine, make_sessionmaker
from api.services.metrics import LABEL_VALUES
from tests.e2e.conftest import ACTION_METRICS_PORT, METRICS_TOKEN
from tests.e2e.db_probe import handoffs_for
from tests.support.oauth import bearer, console_tokens
from tests.support.queue import ConsoleClient, add_counsellor
from tests.support.stack import Stack
from tests.support.webchat_client import WebchatClient, texts

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

CPR = "070809-1235"
# `intake tagger train` names versions by UTC time and a hash of the training data.
MODEL_VERSION = re.compile(r"\d{8}-\d{6}-[0-9a-f]{6}(?:-\d+)?")


def scrape(url: str, token: str | None = METRICS_TOKEN) -> httpx.Response:
    headers = bearer(token) if token is not None else {}
    return httpx.get(url, headers=headers, timeout=10)


def samples(exposition: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(exposition)
        for s in family.samples
    }


def value(
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_count_a_conversation_and_carry_no_user_data(stack: Stack) -> None:
    metrics_url = f"{stack.api_url}/metrics"
    assert scrape(metrics_url, token=None).status_code == 401
    assert scrape(metrics_url, token="forkert").status_code == 401
    # Earlier tests share this stack: every count is checked as a change from here.
    before = samples(scrape(metrics_url).text)
    action_metrics_url = f"http://127.0.0.1:{ACTION_METRICS_PORT}/metrics"
    tagger_before = samples(httpx.get(action_metrics_url).text)

    canary = f"kanariefugl{secrets.token_hex(8)}"
    client = WebchatClient(stack.api_url)
    await client.connect()
    try:
        await client.say("/greet")
        await client.say("/consent_yes")
        await client.say("pige")
        await client.say("jeg er 15 år")
        replies = await client.say(f"{canary} jeg har det svært, mit cpr er {CPR}")
        assert "sendt dig videre til en rådgiver" in texts(replies)
        waiting = samples(scrape(metrics_url).text)
        [handoff] = handoffs_for(stack.database_url, client.session_id or "")
        priority = str(handoff["priority"])
        assert (
            value(waiting, "intake_handoffs_waiting", priority=priority)
            - value(before, "intake_handoffs_waiting", priority=priority)
            >= 1
        )

        engine = make_engine(stack.database_url)
        counsellor = add_counsellor(
            make_sessionmaker(engine),
            f"metrics-{secrets.token_hex(3)}@aarhus.dk",
            f"Metrics {secrets.token_hex(3)}",
        )
        engine.dispose()
        with httpx.Client(base_url=stack.api_url) as http:
            tokens = console_tokens(
                http,  # type: ignore[arg-type]
                email=counsellor.email,
            )
        token = tokens["access_token"]
        claim = httpx.post(
            f"{stack.api_url}/api/v1/queue/{handoff['id']}/claim", headers=bearer(token)
        )
        assert claim.status_code == 200, claim.text
        console = ConsoleClient(stack.api_url)
        await console.connect(token)
        ack = await client.sio.call(
            "user_uttered",
            {"message": f"{canary} er du der? {CPR}", "session_id": client.session_id},
            timeout=10,
        )
        assert ack["stored"] is True
        answer = await console.call(
            "counsellor_message", {"handoff_id": handoff["id"], "text": f"Ja {canary}"}
        )
        assert answer["ok"] is True
        await console.close()
    finally:
        await client.close()

    exposition = scrape(metrics_url).text
    after = samples(exposition)
    assert (
        value(after, "intake_turns_total", phase="bot", sender="youth")
        - value(before, "intake_turns_total", phase="bot", sender="youth")
        >= 5
    )
    assert value(after, "intake_turns_total", phase="bot", sender="bot") > value(
        before, "intake_turns_total", phase="bot", sender="bot"
    )
    for sender in ("youth", "counsellor"):
        assert (
            value(after, "intake_turns_total", phase="counsellor", sender=sender)
            - value(before, "intake_turns_total", phase="counsellor", sender=sender)
            >= 1
        )
    assert (
        value(after, "intake_handoff_wait_seconds_count")
        - value(before, "intake_handoff_wait_seconds_count")
        >= 1
    )
    assert (
        value(after, "intake_handoffs_waiting", priority=priority)
        == value(waiting, "intake_handoffs_waiting", priority=priority) - 1
    )
    assert ("intake_rasa_errors_total", (("kind", "unavailable"),)) in after

    action_exposition = httpx.get(action_metrics_url).text
    tagger = samples(action_exposition)
    assert (
        value(tagger, "intake_tagger_latency_seconds_count")
        - value(tagger_before, "intake_tagger_latency_seconds_count")
        >= 1
    )
    # The version answering is published; the only label, no user data.
    [model_info] = [labels for name, labels in tagger if name == "intake_tagger_model_info"]
    assert [key for key, _ in model_info] == ["version"]
    assert value(tagger, "intake_tagger_unavailable_total") == value(
        tagger_before, "intake_tagger_unavailable_total"
    )

    forbidden = [
        canary,
        CPR,
        CPR.replace("-", ""),
        client.session_id or "",
        str(handoff["id"]),
        counsellor.id,
    ]
    for text in (exposition, action_exposition):
        for needle in forbidden:
            assert needle not in text
    for family in [
        *text_string_to_metric_families(exposition),
        *text_string_to_metric_families(action_exposition),
    ]:
        if not family.name.startswith("intake_"):
            continue  # the client library's own process/platform metrics
        for sample in family.samples:
            for label, label_value in sample.labels.items():
                if label == "le":
                    float(label_value)  # a histogram bucket bound, a number
                    continue
                if label == "version":  # a tagger version name, as `intake tagger train` makes
                    assert MODEL_VERSION.fullmatch(label_value), label_value
                    continue
                assert label_value in LABEL_VALUES[label], (sample.name, label, label_value)
