"""What a youth's `user_uttered` may carry: every refusal is explicit, broken text is repaired."""

import json

from api.services import inbound


def test_a_plain_message_is_accepted_stripped_with_its_client_id() -> None:
    checked = inbound.check({"message": "  hej  ", "message_id": "m-0123456789"}, 100)
    assert checked == inbound.Accepted("hej", "m-0123456789")


def test_too_long_is_refused_with_the_limit_in_danish() -> None:
    checked = inbound.check({"message": "x" * 100_000}, 2000)
    assert isinstance(checked, inbound.Refused) and checked.error == "too_long"
    assert checked.reply_da is not None and "højst 2000 tegn" in checked.reply_da


def test_a_lone_surrogate_becomes_a_replacement_character_and_the_rest_is_kept() -> None:
    data = json.loads('{"message": "hej \\ud800 med dig \\ud83d\\ude00"}')
    checked = inbound.check(data, 100)
    assert isinstance(checked, inbound.Accepted)
    assert checked.text == "hej \ufffd med dig \U0001f600"
    checked.text.encode("utf-8")  # storable


def test_malformed_payloads_and_ids_are_refused_not_crashed_on() -> None:
    for data in (None, "hej", {"message": 42}, {"message": ["a"]}, {}):
        checked = inbound.check(data, 100)
        assert isinstance(checked, inbound.Refused) and checked.error == "invalid"
    for bad_id in ("kort", "a" * 65, "../../etc", 123, "mit navn er Mikkel"):
        checked = inbound.check({"message": "hej", "message_id": bad_id}, 100)
        assert isinstance(checked, inbound.Refused) and checked.error == "invalid"


def test_an_empty_message_is_ignored_without_a_reply() -> None:
    assert inbound.check({"message": "   "}, 100) == inbound.Refused("empty", None)
