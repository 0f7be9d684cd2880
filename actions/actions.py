"""Rasa custom actions: thin wrappers that read slots, call a service and emit events."""

import logging
from typing import Any

import httpx
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.api_client import ApiCallFailedError
from actions.handoff_client import (
    HandoffFailedError,
    HandoffRequest,
    create_handoff,
    record_consent,
    withdraw_consent,
)
from actions.settings import get_settings
from actions.tagger_service import tag_text
from intake.demographics import AgeBand, Gender, parse_age_band, parse_gender

logger = logging.getLogger(__name__)

TAGGER_NOT_RUN = "not_run"


class ApiAction:
    """Mixin of actions that call the api; tests point `transport` at the real api in-process.

    Not an Action subclass: rasa-sdk registers every Action subclass as an action."""

    transport: httpx.AsyncBaseTransport | None = None


class ActionRecordConsent(ApiAction, Action):
    """Consent given: the api creates the anonymous profile; only now may turns be stored."""

    def name(self) -> str:
        return "action_record_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            await record_consent(get_settings(), tracker.sender_id, self.transport)
        except ApiCallFailedError:
            # Nothing can be stored without the profile, so no consent is recorded either.
            dispatcher.utter_message(response="utter_consent_failed")
            return [SlotSet("consent", False)]
        return []


class ActionWithdrawConsent(ApiAction, Action):
    """Consent withdrawn: before a counsellor has the case, everything is deleted at once."""

    def name(self) -> str:
        return "action_withdraw_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            result = await withdraw_consent(get_settings(), tracker.sender_id, self.transport)
        except ApiCallFailedError:
            dispatcher.utter_message(response="utter_withdrawal_failed")
            return []
        if result.get("case_begun"):
            dispatcher.utter_message(response="utter_consent_withdrawn_case_begun")
        else:
            dispatcher.utter_message(response="utter_consent_withdrawn")
        return [SlotSet("handed_off", False)]


class ValidateIntakeForm(FormValidationAction):
    """Normalises the intake answers; the exact age never leaves this function."""

    def name(self) -> str:
        return "validate_intake_form"

    def validate_gender(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        gender = parse_gender(str(slot_value or ""))
        if gender is None:
            dispatcher.utter_message(response="utter_gender_invalid")
            return {"gender": None}
        return {"gender": gender.value}

    def validate_age_band(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        band = parse_age_band(str(slot_value or ""))
        if band is None:
            dispatcher.utter_message(response="utter_age_invalid")
            return {"age_band": None}
        return {"age_band": band.value}

    def validate_problem_description(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        text = str(slot_value or "").strip()
        return {"problem_description": text or None}


class ActionTagProblem(Action):
    """Tags the problem description; a crisis shows the emergency numbers at once."""

    def name(self) -> str:
        return "action_tag_problem"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        result = tag_text(str(tracker.get_slot("problem_description") or ""))
        # Which problems a youth has, and whether it is a crisis, are special-category data:
        # the log says only that tagging ran (the api's queue log has the priority).
        logger.info("tagged conversation: status=%s tag_count=%d", result.status, len(result.tags))
        if result.crisis:
            dispatcher.utter_message(response="utter_crisis")
        return [
            SlotSet("tags", result.tags),
            SlotSet("tag_scores", result.scores),
            SlotSet("tagger_status", result.status),
            SlotSet("crisis", result.crisis),
        ]


class ActionHandoff(ApiAction, Action):
    """Puts the conversation in the counsellors' queue through the api."""

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        tags: list[str] = list(tracker.get_slot("tags") or [])
        scores: dict[str, float] = dict(tracker.get_slot("tag_scores") or {})
        request = HandoffRequest(
            conversation_id=tracker.sender_id,
            gender=tracker.get_slot("gender") or Gender.IKKE_OPLYST.value,
            age_band=tracker.get_slot("age_band") or AgeBand.IKKE_OPLYST.value,
            crisis=bool(tracker.get_slot("crisis")),
            tagger_status=tracker.get_slot("tagger_status") or TAGGER_NOT_RUN,
            tags=[{"tag": tag, "score": scores.get(tag)} for tag in tags],
        )
        try:
            await create_handoff(get_settings(), request, self.transport)
        except HandoffFailedError:
            dispatcher.utter_message(response="utter_handoff_failed")
            return []
        dispatcher.utter_message(response="utter_handoff_done")
        return [SlotSet("handed_off", True)]
