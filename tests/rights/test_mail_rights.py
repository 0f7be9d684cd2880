"""Portability (the export as an AES-256 zip, e-mailed over SMTP, passphrase shown once) and
the newsletter (own consent, address sealed, one-click unsubscribe deletes it), against a
local aiosmtpd server."""

import re

import pytest
import pyzipper
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.db.models_rights import ConsentRecord, ErasureLogEntry, NewsletterSubscription
from api.services import portability
from tests.rights.conftest import CANARY, EMAIL, PROFILE, Mailbox, Youth

NEW_EMAIL = "ny.adresse@example.dk"


def test_portability_mails_an_aes256_zip_only_the_passphrase_opens(
    client: TestClient, youth: Youth, mailbox: Mailbox
) -> None:
    response = client.post(
        "/api/v1/profile/portability", json={"email": "mig@example.dk"}, headers=youth.headers
    )
    assert response.status_code == 200, response.text
    passphrase = response.json()["passphrase"]
    assert re.fullmatch(r"([a-z2-9]{4}-){4}[a-z2-9]{4}", passphrase)
    [mail] = mailbox.messages
    assert mail["To"] == "mig@example.dk"
    assert passphrase not in mail.as_string()
    [attachment] = [p for p in mail.walk() if p.get_filename() == portability.ATTACHMENT_NAME]
    blob = attachment.get_payload(decode=True)
    assert isinstance(blob, bytes) and CANARY.encode() not in blob
    data = portability.read_encrypted_zip(blob, passphrase)
    assert data["profile"]["id"] == PROFILE
    assert [t["text"] for t in data["transcript"]] == [CANARY, "Tak."]
    with pyzipper.AESZipFile(__import__("io").BytesIO(blob)) as archive:
        info = archive.getinfo(portability.ARCHIVE_MEMBER)
        assert info.flag_bits & 0x1  # encrypted
        archive.setpassword(b"forkert-kode")
        with pytest.raises(RuntimeError):
            archive.read(portability.ARCHIVE_MEMBER)
    # The address was used for this one mail only.
    assert (
        b"mig@example.dk"
        not in repr(client.get("/api/v1/profile", headers=youth.headers).json()).encode()
    )


def test_portability_refuses_a_non_address(
    client: TestClient, youth: Youth, mailbox: Mailbox
) -> None:
    response = client.post(
        "/api/v1/profile/portability", json={"email": "ikke en adresse"}, headers=youth.headers
    )
    assert response.status_code == 422 and mailbox.messages == []


def test_newsletter_signup_seals_the_address_and_the_link_deletes_it(
    app: FastAPI, client: TestClient, youth: Youth, mailbox: Mailbox
) -> None:
    response = client.post(
        "/api/v1/profile/newsletter", json={"email": NEW_EMAIL}, headers=youth.headers
    )
    assert response.status_code == 201
    assert response.json() == {"subscribed": True, "confirmation_mailed": True}
    with app.state.sessions() as session:
        [row] = session.scalars(select(NewsletterSubscription)).all()
        assert NEW_EMAIL.encode() not in row.email.blob and EMAIL.encode() not in row.email.blob
        purposes = [c.purposes for c in session.scalars(select(ConsentRecord))]
    assert ["newsletter"] in purposes
    exported = client.get("/api/v1/profile", headers=youth.headers).json()
    assert exported["newsletter"]["email"] == NEW_EMAIL
    [mail] = mailbox.messages
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    link = re.search(r"http://\S+/nyhedsbrev/afmeld\?token=\S+", body.get_content())
    assert link is not None and mail["List-Unsubscribe"] == f"<{link.group(0)}>"
    path = link.group(0).split("8000", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and "Du er afmeldt" in page.text
    with app.state.sessions() as session:
        assert session.scalars(select(NewsletterSubscription)).all() == []
        withdrawn = [
            c.withdrawn_at
            for c in session.scalars(select(ConsentRecord))
            if c.purposes == ["newsletter"]
        ]
        log = session.scalars(select(ErasureLogEntry)).all()
    assert withdrawn and all(withdrawn)
    assert [e.reason for e in log] == ["unsubscribe"]
    assert "ingen tilmelding" in client.get(path).text  # idempotent
    status = client.get("/api/v1/profile", headers=youth.headers).json()["newsletter"]
    assert status == {"subscribed": False, "email": None, "subscribed_at": None}
