"""Outside opening hours, in the running api (in-process under uvicorn, real clock): the
organisation that takes the handoff opens only tomorrow, so a waiting youth is told when
counsellors are back, with the emergency numbers, and keeps their place."""

from datetime import timedelta

import pytest

from api.services import accounts, opening_hours, organisation_rules, queue
from tests.queue.test_relay import Live, Youth, live  # noqa: F401  (the live api fixture)
from tests.support.queue import waiting_handoff
from tests.support.webchat_client import texts

pytestmark = pytest.mark.asyncio(loop_scope="session")

DAYS = ("man", "tir", "ons", "tor", "fre", "lør", "søn")


async def test_a_youth_waiting_outside_opening_hours_hears_when_counsellors_are_back(
    live: Live,  # noqa: F811
) -> None:
    tomorrow = (queue.now_utc().astimezone(opening_hours.COPENHAGEN) + timedelta(days=1)).weekday()
    with live.sessions() as session:
        org = accounts.find_organisation(session, "Aarhus Kommune")
        organisation_rules.set_opening_hours(session, org, f"{DAYS[tomorrow]} 14-22")
        session.commit()
    _, conversation = waiting_handoff(live.sessions, live.keys)
    youth = Youth(live.url)
    await youth.connect(conversation)
    try:
        said = texts(await youth.say("er der nogen?"))
        assert "Din besked er modtaget" in said
        assert "Rådgiverne har lukket lige nu. De er tilbage i morgen kl. 14." in said
        for number in ("112", "70 201 201", "116 111"):
            assert number in said
        assert "ingen rådgivere online" not in said  # the closed news replaces the generic one
    finally:
        await youth.close()
