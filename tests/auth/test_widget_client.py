"""The public `widget` client is provisioned by whichever api process starts first; a second
process racing it (both looked, both saw nothing) must start anyway, not crash on the
duplicate key."""

from api.auth.youth_grant import WIDGET_CLIENT_ID, ensure_widget_client, insert_widget_client
from api.db.models_auth import OAuthClient
from tests.db_fixtures import Db


def test_first_start_provisions_and_later_starts_do_nothing(db: Db) -> None:
    assert ensure_widget_client(db.sessions) is True
    assert ensure_widget_client(db.sessions) is False
    with db.sessions() as session:
        client = session.get(OAuthClient, WIDGET_CLIENT_ID)
        assert client is not None
        assert client.secret_hash is None


def test_losing_the_insert_race_is_not_an_error(db: Db) -> None:
    assert insert_widget_client(db.sessions) is True
    # The loser of the race reaches the insert after the winner committed.
    assert insert_widget_client(db.sessions) is False
    with db.sessions() as session:
        assert session.query(OAuthClient).filter_by(client_id=WIDGET_CLIENT_ID).count() == 1
