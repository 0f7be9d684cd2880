import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import ActionExecutionRejection
from rasa_sdk.types import DomainDict

from actions import server, tagger_service
from actions.actions import (
    ActionHandoff,
    ActionRecordConsent,
    ActionTagProblem,
    ActionWithdrawConsent,
    ValidateIntakeForm,
)
from actions.server import RejectingActionExecutor
from api.db.models import Handoff
from tagging.live import LiveTagger
from tagging.store import write_current
from tagging.train import TrainResult
from tests.actions.conftest import make_tracker

DOMAIN: dict[str, Any] = {}


def _responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("response") for m in dispatcher.messages]


@pytest.mark.parametrize(
    ("answer", "stored"), [("Pige", "pige"), ("vil ikke sige", "ikke_oplyst"), ("andet", "andet")]
)
def test_gender_is_normalised(answer: str, stored: str) -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateIntakeForm().validate_gender(answer, dispatcher, make_tracker({}), DOMAIN)
    assert result == {"gender": stored}
    assert dispatcher.messages == []


def test_unclear_gender_is_asked_again() -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateIntakeForm().validate_gender("banan", dispatcher, make_tracker({}), DOMAIN)
    assert result == {"gender": None}
    assert _responses(dispatcher) == ["utter_gender_invalid"]


def test_exact_age_never_leaves_validation() -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateIntakeForm().validate_age_band(
        "jeg er 14", dispatcher, make_tracker({}), DOMAIN
    )
    assert result == {"age_band": "13-15"}


def test_unclear_age_is_asked_again() -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateIntakeForm().validate_age_band("mange", dispatcher, make_tracker({}), DOMAIN)
    assert result == {"age_band": None}
    assert _responses(dispatcher) == ["utter_age_invalid"]


@pytest.fixture
def live_models(
    tmp_path: Path, trained: TrainResult, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The action server's tagger, following a model dir of this test's own."""
    shutil.copytree(trained.version_dir, tmp_path / "v1")
    write_current(tmp_path, "v1")
    live = LiveTagger(tmp_path)
    monkeypatch.setattr(tagger_service, "_live_tagger", lambda: live)
    yield tmp_path
    live.wait(timeout=60)


async def _tag(text: str) -> tuple[dict[str, Any], list[str]]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({"problem_description": text})
    events = await ActionTagProblem().run(dispatcher, tracker, DOMAIN)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, _responses(dispatcher)


async def test_tag_action_fills_tag_slots(live_models: Path) -> None:
    slots, responses = await _tag("jeg bliver mobbet i skolen hver eneste dag")
    assert REGISTRY.get_sample_value("intake_tagger_model_info", {"version": "v1"}) == 1
    assert slots["tagger_status"] == "ok"
    assert "mobning" in slots["tags"] and slots["crisis"] is False
    assert set(slots["tag_scores"]) >= set(slots["tags"])
    assert responses == []


async def test_a_crisis_shows_the_emergency_numbers_at_once(
    live_models: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    slots, responses = await _tag("har samlet piller sammen og vil bare sove og ikke vågne")
    assert slots["tagger_status"] == "ok" and slots["crisis"] is True
    assert "selvmordstanker" in slots["tags"]
    assert responses == ["utter_crisis"]
    # What the youth's problem is stays out of the log, at every level.
    assert "tagged conversation: status=ok" in caplog.text
    assert "selvmordstanker" not in caplog.text and "crisis" not in caplog.text.lower()


async def test_without_a_model_the_handoff_is_marked_untagged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = LiveTagger(tmp_path)  # an empty model dir
    monkeypatch.setattr(tagger_service, "_live_tagger", lambda: live)
    untagged = REGISTRY.get_sample_value("intake_tagger_unavailable_total") or 0.0
    slots, responses = await _tag("jeg bliver mobbet i skolen")
    assert REGISTRY.get_sample_value("intake_tagger_unavailable_total") == untagged + 1
    # Clearly marked as untagged, never a guess.
    assert slots == {"tags": [], "tag_scores": {}, "tagger_status": "unavailable", "crisis": False}
    assert responses == []


async def test_a_retrained_model_is_used_without_a_restart(live_models: Path) -> None:
    shutil.copytree(live_models / "v1", live_models / "v2")
    write_current(live_models, "v2")
    await _tag("jeg bliver mobbet")  # notices the new version; the old one answers meanwhile
    tagger_service._live_tagger().wait(timeout=60)
    assert tagger_service.tag_text("jeg bliver mobbet").model_version == "v2"
    assert REGISTRY.get_sample_value("intake_tagger_model_info", {"version": "v2"}) == 1


async def test_handoff_action_records_the_handoff_in_the_api(api_app: FastAPI) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        {
            "gender": "dreng",
            "age_band": "16-18",
            "tags": ["mobning"],
            "tag_scores": {"mobning": 0.8},
            "tagger_status": "ok",
            "crisis": True,
        },
        sender_id="b" * 32,
    )
    assert await ActionRecordConsent().run(dispatcher, tracker, DOMAIN) == []
    events = await ActionHandoff().run(dispatcher, tracker, DOMAIN)
    assert events == [SlotSet("handed_off", True)]
    assert _responses(dispatcher) == ["utter_handoff_done"]
    with api_app.state.sessions() as session:
        handoff = session.query(Handoff).one()
    assert (handoff.conversation_id, handoff.gender, handoff.age_band) == (
        "b" * 32,
        "dreng",
        "16-18",
    )
    assert handoff.priority == "akut"
    assert handoff.tags == [{"tag": "mobning", "score": 0.8}]


async def test_handoff_failure_tells_the_youth_and_gives_emergency_numbers(
    api_app: FastAPI,
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({}, sender_id="bad id with spaces!!")  # the api refuses it
    events = await ActionHandoff().run(dispatcher, tracker, DOMAIN)
    assert events == []
    assert _responses(dispatcher) == ["utter_handoff_failed"]


async def test_consent_creates_the_profile_and_withdrawal_erases_it(api_app: FastAPI) -> None:
    from api.db.models_profiles import Profile

    tracker = make_tracker({}, sender_id="c" * 32)
    dispatcher = CollectingDispatcher()
    assert await ActionRecordConsent().run(dispatcher, tracker, DOMAIN) == []
    with api_app.state.sessions() as session:
        assert session.get(Profile, "c" * 32) is not None

    events = await ActionWithdrawConsent().run(dispatcher, tracker, DOMAIN)
    assert events == [SlotSet("handed_off", False)]
    assert _responses(dispatcher) == ["utter_consent_withdrawn"]
    with api_app.state.sessions() as session:
        assert session.get(Profile, "c" * 32) is None


async def test_consent_that_cannot_be_recorded_is_not_assumed(api_app: FastAPI) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker({}, sender_id="not a valid id")
    events = await ActionRecordConsent().run(dispatcher, tracker, DOMAIN)
    assert events == [SlotSet("consent", False)]
    assert _responses(dispatcher) == ["utter_consent_failed"]


async def test_the_action_server_token_is_fetched_once_and_reused(
    api_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from actions import api_client as handoff_client

    token_requests = 0
    real_get = handoff_client.tokens.get

    async def counting_get(*args: Any, **kwargs: Any) -> str:
        nonlocal token_requests
        before = dict(handoff_client.tokens._cache)
        value = await real_get(*args, **kwargs)
        token_requests += before != handoff_client.tokens._cache
        return value

    monkeypatch.setattr(handoff_client.tokens, "get", counting_get)
    for sender in ("c" * 32, "d" * 32):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker({}, sender_id=sender)
        await ActionRecordConsent().run(dispatcher, tracker, DOMAIN)
        await ActionHandoff().run(dispatcher, tracker, DOMAIN)
        assert _responses(dispatcher) == ["utter_handoff_done"]
    assert token_requests == 1


async def test_a_wrong_client_secret_fails_the_handoff_safely(
    api_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    import actions.actions as actions_module
    from actions.settings import ActionSettings

    wrong = ActionSettings(
        api_url="http://127.0.0.1",
        action_client_id="intake-actions",
        action_client_secret="x" * 40,  # type: ignore[arg-type]
    )
    monkeypatch.setattr(actions_module, "get_settings", lambda: wrong)
    dispatcher = CollectingDispatcher()
    events = await ActionHandoff().run(dispatcher, make_tracker({}, sender_id="e" * 32), DOMAIN)
    assert events == []
    assert _responses(dispatcher) == ["utter_handoff_failed"]
    with api_app.state.sessions() as session:
        assert session.query(Handoff).count() == 0


class _BrokenTagger:
    version = "broken"

    def predict(self, texts: list[str]) -> list[Any]:
        raise RuntimeError(f"cannot tag {texts[0]}")


async def test_a_tagger_that_fails_hands_off_untagged_and_logs_no_text(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(tagger_service, "_current_tagger", lambda: _BrokenTagger())
    untagged = REGISTRY.get_sample_value("intake_tagger_unavailable_total") or 0.0
    canary = "kanariefugl-tagger"
    slots, responses = await _tag(f"jeg bliver mobbet {canary}")
    assert slots == {"tags": [], "tag_scores": {}, "tagger_status": "unavailable", "crisis": False}
    assert responses == []
    assert REGISTRY.get_sample_value("intake_tagger_unavailable_total") == untagged + 1
    assert "RuntimeError" in caplog.text and canary not in caplog.text


class _FailingAction(Action):  # type: ignore[misc]
    def name(self) -> str:
        return "action_that_fails"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        raise RuntimeError(f"failed on {tracker.latest_message.get('text')}")


async def test_an_action_that_fails_is_rejected_without_the_conversation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    executor = RejectingActionExecutor()
    executor.register_action(_FailingAction())
    canary = "kanariefugl-action"
    call = {
        "next_action": "action_that_fails",
        "sender_id": "abc",
        "tracker": {
            "sender_id": "abc",
            "slots": {},
            "latest_message": {"text": canary},
            "events": [{"event": "user", "text": canary}],
        },
        "domain": {},
        "version": "3.6.21",
    }
    # rasa-sdk answers a rejection with 400 and the action's name only; any other exception
    # with 500 and the whole request, every message of the conversation, which Rasa logs.
    with pytest.raises(ActionExecutionRejection) as rejected:
        await executor.run(call)
    assert rejected.value.action_name == "action_that_fails"
    assert canary not in rejected.value.message and rejected.value.__cause__ is None
    assert "RuntimeError" in caplog.text and canary not in caplog.text


def test_the_action_server_runs_the_rejecting_executor(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa_sdk.endpoint

    started: list[Any] = []
    monkeypatch.setattr(rasa_sdk.endpoint, "run", lambda executor, **_kw: started.append(executor))
    # main() sets SANIC_HOST for the server it starts; restored after this test.
    monkeypatch.setenv("SANIC_HOST", "127.0.0.1")
    server.main()
    [executor] = started
    assert isinstance(executor, RejectingActionExecutor)
    assert "action_tag_problem" in executor.actions  # the project's actions are registered
