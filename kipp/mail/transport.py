"""Turning an outbox row into a message and handing it to the mail server (or a file).

`KIPP_MAIL_URL` (API contract v1.1 § Running, continued):
- `smtp://[user:pass@]host:port[?starttls=1]` — SMTP, upgraded with STARTTLS when asked;
- `smtps://[user:pass@]host:port` — SMTP over TLS from the first byte;
- `file:///dir` — one `<id>-<kind>.eml` per mail in `dir` (the development default,
  `instance/mail/`); a mail written twice overwrites its own file. Its bodies are plain UTF-8
  lines (8bit) whenever they allow it, so the file read as text shows every link whole.
User names and passwords are percent-decoded; the password never appears in an error.

Guarantees
- Messages are built by the standard library (`email.message.EmailMessage`, policy SMTP):
  plain text plus an HTML alternative, Message-ID (the row's, the same on every retry), Date,
  Auto-Submitted. Header values holding CR or LF are refused (ValueError), so no subject or
  name can add a header or a recipient; the outbox folds subjects to one line beforehand.
- The envelope has exactly one recipient: the row's validated address.
- `deliver` raises TemporaryFailure (connection refused or lost, timeout, TLS trouble, any 4xx
  answer, authentication refused) or PermanentFailure (a 5xx answer about the sender, the
  recipient or the data); each message is short and safe to show to the secretariat.
- Every socket operation is bounded by KIPP_MAIL_TIMEOUT seconds; TLS verifies the server's
  certificate (the system's trust store).
"""

from __future__ import annotations

import email.policy
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from kipp.clock import now

SCHEMES = ("smtp", "smtps", "file")
DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
ERROR_MAX = 1000
LINE_MAX = 998  # octets per line (RFC 5322 § 2.1.1)


class TemporaryFailure(Exception):
    """The mail may go through later: retry."""


class PermanentFailure(Exception):
    """The server refused this mail for good: do not retry."""


@dataclass(frozen=True)
class MailUrl:
    scheme: str
    host: str = ""
    port: int = 0
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    directory: Path | None = None

    def __repr__(self) -> str:  # never print the password
        where = self.directory if self.scheme == "file" else f"{self.host}:{self.port}"
        return f"MailUrl({self.scheme}://{where})"


def parse_url(url: str) -> MailUrl:
    """Parse KIPP_MAIL_URL; ValueError (without the password) when it is not usable."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        raise ValueError("KIPP_MAIL_URL is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise ValueError("KIPP_MAIL_URL must start with smtp://, smtps:// or file://")
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ValueError("KIPP_MAIL_URL file:// needs an absolute directory: file:///dir")
        return MailUrl("file", directory=Path(unquote(parts.path)))
    if not parts.hostname:
        raise ValueError("KIPP_MAIL_URL needs a host: smtp://host:port")
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[-1].lower() in ("1", "true", "yes")
    if scheme == "smtps" and starttls:
        raise ValueError("KIPP_MAIL_URL: smtps:// is TLS already; starttls=1 is for smtp://")
    return MailUrl(
        scheme,
        host=parts.hostname,
        port=port or DEFAULT_PORTS[scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        starttls=starttls,
    )


def envelope_sender(sender: str) -> str:
    return parseaddr(sender)[1]


def _fits_8bit(*bodies: str) -> bool:
    """Every line of every body within RFC 5322's 998 octets (so 8bit is a legal encoding)."""
    return all(len(line.encode()) <= LINE_MAX for body in bodies for line in body.splitlines())


def build_message(mail, sender: str, *, readable: bool = False) -> EmailMessage:
    """The message of outbox row `mail` (to, subject, bodies, message_id, language) from
    `sender` (KIPP_MAIL_FROM). Raises ValueError on a header value holding CR or LF.

    `readable` (the file transport): the bodies are written as plain UTF-8 lines
    (Content-Transfer-Encoding 8bit) when every line allows it, so an .eml read as text
    shows each link whole; otherwise, and always for SMTP, the library picks a 7-bit-safe
    encoding (quoted-printable breaks lines longer than 76 characters)."""
    for name, value in (("From", sender), ("To", mail.to), ("Subject", mail.subject)):
        if "\r" in value or "\n" in value:
            raise ValueError(f"{name} must be one line")
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = sender
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(now())
    msg["Message-ID"] = mail.message_id
    msg["Auto-Submitted"] = "auto-generated"
    cte = "8bit" if readable and _fits_8bit(mail.text_body, mail.html_body) else None
    msg.set_content(mail.text_body, cte=cte)
    msg.add_alternative(mail.html_body, subtype="html", cte=cte)
    msg["Content-Language"] = mail.language  # after the parts: they take Content-* headers
    return msg


def deliver(mail, url: str, sender: str, timeout: float) -> None:
    """Send outbox row `mail` through KIPP_MAIL_URL `url`; see the module's guarantees."""
    target = parse_url(url)
    msg = build_message(mail, sender, readable=target.scheme == "file")
    if target.scheme == "file":
        _write_file(target.directory, f"{mail.id}-{mail.kind}.eml", msg)
        return
    try:
        _send_smtp(target, msg, envelope_sender(sender), mail.to, timeout)
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        raise _classify(code, text, "recipient refused") from None
    except smtplib.SMTPAuthenticationError as exc:
        raise TemporaryFailure(
            short(f"login refused: {exc.smtp_code} {_text(exc.smtp_error)}")
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise _classify(exc.smtp_code, exc.smtp_error, "refused") from None
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:  # refused, lost, timeout, TLS
        raise TemporaryFailure(short(f"{type(exc).__name__}: {exc}")) from None


def _send_smtp(target: MailUrl, msg: EmailMessage, mail_from: str, to: str, timeout: float):
    context = ssl.create_default_context()
    if target.scheme == "smtps":
        server = smtplib.SMTP_SSL(target.host, target.port, timeout=timeout, context=context)
    else:
        server = smtplib.SMTP(target.host, target.port, timeout=timeout)
    with server:
        if target.starttls:
            server.starttls(context=context)
        if target.username:
            server.login(target.username, target.password or "")
        server.send_message(msg, from_addr=mail_from, to_addrs=[to])


def _write_file(directory: Path, name: str, msg: EmailMessage) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    partial = directory / f".{name}.{os.getpid()}.partial"
    partial.write_bytes(msg.as_bytes())
    os.replace(partial, path)  # readers never see half a file


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ERROR_MAX else text[: ERROR_MAX - 1] + "…"


def _classify(code: int, text, what: str) -> Exception:
    message = short(f"{what}: {code} {_text(text)}")
    return PermanentFailure(message) if 500 <= code < 600 else TemporaryFailure(message)
