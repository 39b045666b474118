"""kipp.mail.transport and the mail settings: URL parsing, messages built by the standard
library with no way to inject a header, the file transport, SMTP login and TLS (STARTTLS and
smtps) against aiosmtpd with a certificate the test trusts."""

from __future__ import annotations

import email
import email.policy
import subprocess
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from config import DevelopmentConfig, ProductionConfig, TestingConfig
from kipp.extensions import db
from kipp.mail import sending, transport
from kipp.mail.transport import MailUrl, build_message, parse_url
from kipp.models.mail import Mail
from tests.mail.conftest import Inbox, free_port, probe


def mail(**kw) -> SimpleNamespace:
    values = dict(
        id=7,
        to="sari@example.org",
        kind="probe",
        language="en",
        subject="Hello",
        text_body="Text body\n",
        html_body="<p>HTML body</p>",
        message_id="<abc@kipp.example>",
    )
    return SimpleNamespace(**(values | kw))


# ------------------------------------------------------------------ settings
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://mail.example.org:587?starttls=1",
            MailUrl("smtp", "mail.example.org", 587, starttls=True),
        ),
        ("smtp://mail.example.org", MailUrl("smtp", "mail.example.org", 25)),
        (
            "smtps://u%40x:p%3Aw%2Fd@mail.example.org:465",
            MailUrl("smtps", "mail.example.org", 465, "u@x", "p:w/d"),
        ),
        ("smtps://mail.example.org", MailUrl("smtps", "mail.example.org", 465)),
        (
            "file:///var/kipp/mail",
            MailUrl("file", directory=__import__("pathlib").Path("/var/kipp/mail")),
        ),
    ],
)
def test_mail_urls_parse(url, expected):
    assert parse_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "",
        "http://mail.example.org",
        "smtp://",
        "smtp://host:99999",
        "file://relative/dir",
        "smtps://host?starttls=1",
        "mail.example.org:25",
    ],
)
def test_bad_mail_urls_are_refused_without_showing_the_password(url):
    with pytest.raises(ValueError) as refused:
        parse_url(url)
    assert "KIPP_MAIL_URL" in str(refused.value)


def test_the_password_never_shows():
    url = parse_url("smtp://user:s3cret@mail.example.org:587")
    assert "s3cret" not in repr(url) and "s3cret" not in str(url)
    with pytest.raises(ValueError) as refused:
        parse_url("smtp://user:s3cret@mail.example.org:notaport")
    assert "s3cret" not in str(refused.value)


def test_production_needs_mail_settings_and_development_has_defaults():
    good = {"SECRET_KEY": "k", "KIPP_CERTIFICATE_KEY": "c", "KIPP_MAIL_FROM": "KIPP <k@x.org>"}
    with pytest.raises(RuntimeError, match="KIPP_MAIL_URL"):
        ProductionConfig.check(good | {"KIPP_MAIL_URL": None})
    with pytest.raises(RuntimeError, match="KIPP_MAIL_FROM"):
        ProductionConfig.check(good | {"KIPP_MAIL_URL": "smtp://m.x.org", "KIPP_MAIL_FROM": None})
    with pytest.raises(RuntimeError, match="smtp://"):
        ProductionConfig.check(good | {"KIPP_MAIL_URL": "gopher://m.x.org"})
    with pytest.raises(RuntimeError, match="KIPP_MAIL_FROM"):
        ProductionConfig.check(
            good | {"KIPP_MAIL_URL": "smtp://m", "KIPP_MAIL_FROM": "a\r\nBcc: b@c"}
        )
    ProductionConfig.check(good | {"KIPP_MAIL_URL": "smtps://u:p@m.x.org:465"})
    for dev in (DevelopmentConfig, TestingConfig):
        assert parse_url(dev.KIPP_MAIL_URL).directory.name == "mail"
        assert dev.KIPP_MAIL_FROM


# ------------------------------------------------------------------ messages
def test_message_has_text_and_html_alternatives_and_the_rows_message_id():
    msg = build_message(mail(), "KIPP <kipp@kipp.example>")
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed["Message-ID"] == "<abc@kipp.example>" and parsed["Date"]
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed.get_body(("plain",)).get_content().splitlines() == ["Text body"]
    assert parsed.get_body(("html",)).get_content().strip() == "<p>HTML body</p>"


@pytest.mark.parametrize(
    "field",
    [
        {"subject": "Hi\r\nBcc: victim@example.org"},
        {"subject": "Hi\nX-Evil: 1"},
        {"to": "a@example.org\r\nBcc: victim@example.org"},
    ],
)
def test_header_injection_is_refused(field):
    with pytest.raises(ValueError):
        build_message(mail(**field), "KIPP <kipp@kipp.example>")


def test_header_injection_through_the_sender_name_is_refused():
    with pytest.raises(ValueError):
        build_message(mail(), "KIPP\r\nBcc: victim@example.org <kipp@kipp.example>")


def test_a_long_non_ascii_subject_is_encoded_not_broken():
    subject = "Pengumuman hasil seleksi — " + "Inovasi Pelayanan Publik " * 8
    raw = build_message(mail(subject=subject), "KIPP <kipp@kipp.example>").as_bytes()
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert email.message_from_bytes(raw, policy=email.policy.default)["Subject"] == subject


def test_injection_in_the_context_reaches_one_recipient_and_no_extra_header(app, smtp):
    mail_id = probe(name="Sari\r\nBcc: victim@example.org\r\nX-Evil: 1")
    assert sending.send_one(mail_id, "w") == "sent"
    [got] = smtp.messages
    assert got.rcpt_tos == ["someone@example.org"]
    assert got.message["Bcc"] is None and got.message["X-Evil"] is None
    headers = got.raw.split(b"\r\n\r\n")[0]
    assert b"\r\nBcc:" not in headers and b"\r\nX-Evil:" not in headers


# ------------------------------------------------------------------ file
def test_file_transport_writes_one_parseable_eml_per_mail(app, tmp_path):
    app.config["KIPP_MAIL_URL"] = (tmp_path / "out" / "mail").as_uri()
    first, second = probe(to="a@example.org"), probe(to="b@example.org", language="id")
    assert sending.send_one(first, "w") == sending.send_one(second, "w") == "sent"
    files = sorted((tmp_path / "out" / "mail").iterdir())
    assert [f.name for f in files] == [f"{first}-probe.eml", f"{second}-probe.eml"]
    parsed = email.message_from_bytes(files[1].read_bytes(), policy=email.policy.default)
    assert parsed["To"] == "b@example.org" and parsed["Subject"] == "Masuk: Sari"
    assert "Kata sandi" in parsed.get_body(("plain",)).get_content()
    assert db.session.get(Mail, second).status == "sent"


def test_an_eml_read_as_text_shows_each_link_whole_and_smtp_stays_7bit(app, tmp_path, smtp):
    """The file transport writes UTF-8 lines (8bit), so a link longer than a quoted-printable
    line (76) is not cut by a soft break; what goes to an SMTP server stays 7-bit safe."""
    app.config["KIPP_PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
    link = "/account/setup/" + "T" * 43 + "/" + "x" * 40
    app.config["KIPP_MAIL_URL"] = (tmp_path / "mail").as_uri()
    in_file = probe(language="id", link=link)
    assert sending.send_one(in_file, "w") == "sent"
    raw = (tmp_path / "mail" / f"{in_file}-probe.eml").read_bytes()
    assert b"Content-Transfer-Encoding: 8bit" in raw
    assert f"http://127.0.0.1:5000{link}\r\n".encode() in raw  # whole, on its own line
    assert "Kata sandi — Sari".encode() in raw  # UTF-8 as written, not =E2=80=94
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert f"http://127.0.0.1:5000{link}" in parsed.get_body(("plain",)).get_content()

    app.config["KIPP_MAIL_URL"] = smtp.url
    by_smtp = probe(language="id", link=link)
    assert sending.send_one(by_smtp, "w") == "sent"
    [got] = smtp.messages
    assert got.raw.isascii() and b"8bit" not in got.raw
    assert f"http://127.0.0.1:5000{link}" in got.message.get_body(("plain",)).get_content()


def test_a_line_too_long_for_8bit_falls_back_to_a_7bit_encoding():
    long = mail(text_body="x" * 1200 + "\n")
    msg = build_message(long, "KIPP <kipp@kipp.example>", readable=True)
    raw = msg.as_bytes()
    assert b"8bit" not in raw and all(len(line) <= 998 for line in raw.split(b"\r\n"))
    short = build_message(mail(), "KIPP <kipp@kipp.example>", readable=True).as_bytes()
    assert b"Content-Transfer-Encoding: 8bit" in short


# ------------------------------------------------------------------ SMTP login and TLS
@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A self-signed certificate for localhost / 127.0.0.1, trusted through SSL_CERT_FILE."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    return context


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = (auth_data.login, auth_data.password) == (b"u@x", b"p:w/d")
    return AuthResult(success=ok)


@pytest.fixture
def tls_server(certificate):
    servers = []

    def start(**kw):
        inbox, port = Inbox(), free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **kw)
        controller.start()
        servers.append(controller)
        return inbox, port

    yield start
    for controller in servers:
        controller.stop()


def test_starttls_with_login(app, tls_server, certificate):
    inbox, port = tls_server(
        tls_context=certificate,
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
    )
    app.config["KIPP_MAIL_URL"] = f"smtp://u%40x:p%3Aw%2Fd@localhost:{port}?starttls=1"
    assert sending.send_one(probe(), "w") == "sent"
    assert len(inbox.messages) == 1


def test_a_wrong_password_is_a_temporary_failure_shown_without_the_password(
    app, tls_server, certificate
):
    inbox, port = tls_server(
        tls_context=certificate,
        require_starttls=True,
        authenticator=_authenticator,
        auth_required=True,
    )
    app.config["KIPP_MAIL_URL"] = f"smtp://u%40x:wrong-pw@localhost:{port}?starttls=1"
    app.config["KIPP_MAIL_TIMEOUT"] = 2  # smtplib tries the next mechanism after a 535
    mail_id = probe()
    assert sending.send_one(mail_id, "w") == "retry"
    error = db.session.get(Mail, mail_id).last_error
    assert error and "wrong-pw" not in error
    assert inbox.messages == []


def test_smtps(app, tls_server, certificate):
    inbox, port = tls_server(ssl_context=certificate)
    app.config["KIPP_MAIL_URL"] = f"smtps://localhost:{port}"
    assert sending.send_one(probe(), "w") == "sent"
    assert len(inbox.messages) == 1


def test_an_untrusted_certificate_is_refused(app, tls_server, certificate, monkeypatch):
    inbox, port = tls_server(tls_context=certificate)
    monkeypatch.delenv("SSL_CERT_FILE")
    app.config["KIPP_MAIL_URL"] = f"smtp://localhost:{port}?starttls=1"
    mail_id = probe()
    assert sending.send_one(mail_id, "w") == "retry"
    assert "CERTIFICATE_VERIFY_FAILED" in db.session.get(Mail, mail_id).last_error
    assert inbox.messages == []


def test_transport_failures_are_classified():
    assert isinstance(transport._classify(550, b"no", "x"), transport.PermanentFailure)
    assert isinstance(transport._classify(452, b"full", "x"), transport.TemporaryFailure)
