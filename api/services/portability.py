"""Portability: the export as an AES-256 encrypted zip, e-mailed to an address the youth types.

The zip (WinZip AES-256, readable by 7-Zip, macOS Archive Utility and most phones) holds
`mine-data.json`. Its passphrase is random, shown to the youth once in the widget and never
stored or sent with the mail. The address is used for this one mail and not stored.
"""

import io
import json
import logging
import secrets
import smtplib
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from typing import Any

import pyzipper

logger = logging.getLogger(__name__)

ARCHIVE_MEMBER = "mine-data.json"
ATTACHMENT_NAME = "ung-intake-mine-data.zip"
# Unambiguous characters (no 0/O, 1/l/I) in groups, easy to type from a phone screen.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
SUBJECT_DA = "Dine data fra Ung Intake"
BODY_DA = (
    "Hej\n\nHer er alle dine data fra Ung Intake som en krypteret zip-fil. Åbn den med den "
    "adgangskode, du fik vist i chatten. Vi har ikke gemt adgangskoden eller din e-mailadresse.\n\n"
    "Har du ikke selv bedt om denne mail, kan du se bort fra den.\n\nVenlig hilsen\nUng Intake\n"
)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout_seconds: float = 10.0


class MailNotConfiguredError(RuntimeError):
    """No SMTP server is configured (SMTP_HOST is empty)."""


def new_passphrase(groups: int = 5, size: int = 4) -> str:
    """~97 bits: 5 groups of 4 characters from a 31-letter alphabet."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(size)) for _ in range(groups))


def encrypted_zip(document: dict[str, Any], passphrase: str) -> bytes:
    buffer = io.BytesIO()
    with pyzipper.AESZipFile(
        buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as archive:
        archive.setpassword(passphrase.encode())
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        archive.writestr(ARCHIVE_MEMBER, json.dumps(document, ensure_ascii=False, indent=2))
    return buffer.getvalue()


def read_encrypted_zip(blob: bytes, passphrase: str) -> dict[str, Any]:
    with pyzipper.AESZipFile(io.BytesIO(blob)) as archive:
        archive.setpassword(passphrase.encode())
        data: dict[str, Any] = json.loads(archive.read(ARCHIVE_MEMBER))
    return data


def send_mail(
    smtp: SmtpSettings,
    to: str,
    subject: str,
    body: str,
    attachment: tuple[str, bytes] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    # Long headers (the unsubscribe link) stay one plain line instead of RFC 2047 words,
    # which some mail clients would not recognise as a List-Unsubscribe URL.
    message = EmailMessage(policy=policy.default.clone(max_line_length=998))
    message["From"] = smtp.sender
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if attachment is not None:
        name, blob = attachment
        message.add_attachment(blob, maintype="application", subtype="zip", filename=name)
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as client:
        if smtp.starttls:
            client.starttls()
        if smtp.username:
            client.login(smtp.username, smtp.password or "")
        client.send_message(message)
    logger.info("mail sent (%s)", "with attachment" if attachment else "no attachment")


def send_export(smtp: SmtpSettings | None, to: str, document: dict[str, Any]) -> str:
    """Zip, encrypt and mail the export; returns the passphrase (to show once)."""
    if smtp is None:
        raise MailNotConfiguredError("SMTP_HOST is not set")
    passphrase = new_passphrase()
    send_mail(
        smtp,
        to,
        SUBJECT_DA,
        BODY_DA,
        attachment=(ATTACHMENT_NAME, encrypted_zip(document, passphrase)),
    )
    return passphrase
