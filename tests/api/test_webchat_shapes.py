from api.services.webchat import to_webchat


def test_text_reply_drops_recipient_id() -> None:
    assert to_webchat({"recipient_id": "abc", "text": "Hej"}) == [{"text": "Hej"}]


def test_buttons_become_quick_replies() -> None:
    reply = {
        "recipient_id": "abc",
        "text": "Hvad er dit køn?",
        "buttons": [{"title": "Pige", "payload": "pige"}, {"title": "Dreng", "payload": "dreng"}],
    }
    assert to_webchat(reply) == [
        {
            "text": "Hvad er dit køn?",
            "quick_replies": [
                {"content_type": "text", "title": "Pige", "payload": "pige"},
                {"content_type": "text", "title": "Dreng", "payload": "dreng"},
            ],
        }
    ]


def test_image_becomes_an_attachment_and_unknown_shapes_are_dropped() -> None:
    assert to_webchat({"recipient_id": "a", "image": "/static/x.png"}) == [
        {"attachment": {"type": "image", "payload": {"src": "/static/x.png"}}}
    ]
    assert to_webchat({"recipient_id": "a", "custom": {"x": 1}}) == []
