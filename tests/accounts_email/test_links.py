"""kipp.accounts.links and create_user without a password: the rules, service by service."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from kipp.accounts import links
from kipp.accounts.services import create_user, update_user
from kipp.auth.services import authenticate, issue_token, user_for_token
from kipp.errors import InvalidToken, RateLimited, ValidationFailed
from kipp.extensions import db
from kipp.models import AuditEvent, User, UserSession
from kipp.models.account_links import AccountLink
from tests.accounts_email.mailbox import last_link, last_token, mails
from tests.conftest import PASSWORD
from tests.helpers import count

NEW_PASSWORD = "lampu-hijau-di-simpang-lima"
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def invited(make, email="dewi.lestari@example.id", **kw) -> User:
    admin = make.admin()
    user = create_user(admin, email, "Dewi Lestari", "evaluator", None, **kw)
    db.session.commit()
    return user


def test_an_account_without_password_is_invited_and_cannot_log_in(make):
    user = invited(make)
    [mail] = mails(user.email, "invitation")
    link = last_link(user.email, "invitation")
    assert link.startswith("http://127.0.0.1:5000/account/setup/")
    assert mail.language == "id" and mail.user_id == user.id and mail.status == "queued"
    assert "72" in mail.text_body and "72" in mail.html_body
    assert user.id in links.awaiting_password([user.id])
    # A password nobody knows: not the demo password, not empty, not the token.
    for guess in (PASSWORD, "", last_token(user.email, "invitation")):
        with pytest.raises(Exception) as refused:
            authenticate(user.email, guess, "10.0.0.1")
        assert refused.type.__name__ == "Unauthenticated"
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["user.create", "account_link.invitation"]


def test_the_token_is_stored_only_as_its_hash(make):
    user = invited(make)
    token = last_token(user.email, "invitation")
    row = db.session.scalar(select(AccountLink).where(AccountLink.user_id == user.id))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(v) for v in db.session.execute(select(AccountLink.__table__)).one()]
    assert not any(token in value for value in stored)
    audit = db.session.scalars(select(AuditEvent)).all()
    assert not any(token in str(e.after) for e in audit)


def test_accepting_sets_the_password_once(make):
    user = invited(make)
    token = last_token(user.email, "invitation")
    links.use(token, "invitation", NEW_PASSWORD)
    db.session.commit()
    assert authenticate(user.email, NEW_PASSWORD, "10.0.0.1").id == user.id
    assert links.awaiting_password([user.id]) == set()
    with pytest.raises(InvalidToken):
        links.use(token, "invitation", "another-long-passphrase")
    db.session.rollback()
    assert authenticate(user.email, NEW_PASSWORD, "10.0.0.1").id == user.id
    assert "account_link.use_invitation" in db.session.scalars(select(AuditEvent.action)).all()


def test_a_refused_password_changes_nothing(make):
    user = invited(make)
    token = last_token(user.email, "invitation")
    hash_before = user.password_hash
    for bad in ("short", "password1234", "dewi.lestari-2026"):
        with pytest.raises(ValidationFailed) as refused:
            links.use(token, "invitation", bad)
        assert set(refused.value.errors) == {"password"}
        db.session.rollback()
    assert db.session.get(User, user.id).password_hash == hash_before
    assert count(AccountLink, AccountLink.used_at.isnot(None)) == 0
    links.use(token, "invitation", NEW_PASSWORD)  # the link still works


def test_unknown_tokens_and_wrong_purposes_are_invalid(make):
    user = invited(make)
    token = last_token(user.email, "invitation")
    for wrong, purpose in (
        ("nope", "invitation"),
        ("", "invitation"),
        ("x" * 5000, "invitation"),
        (token, "reset"),  # an invitation is no reset link
        (token[:-1], "invitation"),
    ):
        with pytest.raises(InvalidToken):
            links.use(wrong, purpose, NEW_PASSWORD)
        db.session.rollback()


@pytest.mark.parametrize(
    ("purpose", "valid_for"), [("invitation", timedelta(hours=72)), ("reset", timedelta(hours=1))]
)
def test_links_expire_at_the_boundary(make, purpose, valid_for):
    with time_machine.travel(START, tick=False):
        user = make.user("evaluator")
        token = links.issue(None, user, purpose)
        db.session.commit()
        hash_before, epoch_before = user.password_hash, user.auth_epoch
    with time_machine.travel(START + valid_for - timedelta(seconds=1), tick=False):
        assert links.find(token, purpose) is not None
    with time_machine.travel(START + valid_for, tick=False):
        assert links.find(token, purpose) is None
        with pytest.raises(InvalidToken):
            links.use(token, purpose, NEW_PASSWORD)
        db.session.rollback()
    assert count(AccountLink, AccountLink.used_at.isnot(None)) == 0
    db.session.expire_all()  # the expired link changed nothing: same password, same epoch
    assert (user.password_hash, user.auth_epoch) == (hash_before, epoch_before)
    assert authenticate(user.email, PASSWORD, "10.0.0.1").id == user.id


def test_a_reset_kills_every_session_and_token_and_older_links(make, app):
    user = make.user("agency")
    api_token, _row = issue_token(user)
    at = datetime.now(UTC)
    db.session.add(
        UserSession(
            user_id=user.id,
            key_hash="k" * 64,
            auth_epoch=user.auth_epoch,
            created_at=at,
            last_seen_at=at,
            expires_at=at + timedelta(hours=12),
        )
    )
    first = links.issue(None, user, "reset")
    second = links.issue(None, user, "reset")  # a new request leaves the first one alive
    db.session.commit()
    assert links.find(first, "reset") and links.find(second, "reset")
    links.use(second, "reset", NEW_PASSWORD)
    db.session.commit()
    assert user_for_token(api_token) is None
    assert count(UserSession, UserSession.revoked_at.is_(None)) == 0
    assert links.find(first, "reset") is None  # the password moved on: older links died
    with pytest.raises(InvalidToken):
        links.use(first, "reset", "yet-another-long-passphrase")


def test_reset_request_mails_active_accounts_only(make):
    active = make.user("agency")
    disabled = make.user("agency")
    admin = make.admin()
    old_link = links.issue(None, disabled, "reset")
    update_user(admin, disabled, {"active": False})
    db.session.commit()
    links.request_reset(active.email.upper() + " ", "10.0.0.1")
    links.request_reset(disabled.email, "10.0.0.1")
    links.request_reset("nobody@example.id", "10.0.0.1")
    db.session.commit()
    assert len(mails(active.email, "password_reset")) == 1
    assert len(mails(disabled.email, "password_reset")) == 1  # only the one from before
    assert mails("nobody@example.id") == []
    assert last_link(active.email, "password_reset").startswith(
        "http://127.0.0.1:5000/account/reset/"
    )
    assert links.find(old_link, "reset") is None  # disabled users cannot reset


def test_reset_requests_are_throttled_per_address_and_per_ip(make):
    user = make.user("agency")
    for _ in range(5):
        links.request_reset(user.email, "10.0.0.1")
        db.session.commit()
    with pytest.raises(RateLimited):
        links.request_reset(user.email, "10.0.0.2")
    db.session.rollback()
    assert len(mails(user.email, "password_reset")) == 5
    for i in range(15):  # 5 already from 10.0.0.1: 15 more reach its limit of 20
        links.request_reset(f"someone{i}@example.id", "10.0.0.1")
        db.session.commit()
    with pytest.raises(RateLimited):
        links.request_reset("fresh@example.id", "10.0.0.1")
    db.session.rollback()
    links.request_reset("fresh@example.id", "10.0.0.3")  # another address is not affected
    # An hour later both limits have lifted.
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=1, seconds=1), tick=False):
        links.request_reset(user.email, "10.0.0.1")
    db.session.commit()
    assert len(mails(user.email, "password_reset")) == 6


def test_an_admin_password_change_kills_the_invitation(make):
    user = invited(make)
    token = last_token(user.email, "invitation")
    admin = db.session.scalar(select(User).where(User.role == "admin"))
    update_user(admin, user, {"password": NEW_PASSWORD})
    db.session.commit()
    assert links.find(token, "invitation") is None
    assert links.awaiting_password([user.id]) == set()
    with pytest.raises(ValidationFailed):
        links.invite(admin, user)  # nothing to invite to any more


def test_an_invitation_is_sent_again_while_no_password_is_set(make):
    user = invited(make, locale="en")
    admin = db.session.scalar(select(User).where(User.role == "admin"))
    first = last_token(user.email, "invitation")
    links.invite(admin, user)
    db.session.commit()
    second = last_token(user.email, "invitation")
    assert first != second
    assert [m.language for m in mails(user.email, "invitation")] == ["en", "en"]
    assert links.find(first, "invitation") and links.find(second, "invitation")


def test_create_user_checks_the_address_and_language_before_writing(make):
    admin = make.admin()
    before = count(User)
    for email, locale in (("a b@example.id", None), ("ok@example.id", "fr")):
        with pytest.raises(ValidationFailed):
            create_user(admin, email, "Budi", "evaluator", None, locale=locale)
        db.session.rollback()
    # A typed password does not excuse an address the outbox would refuse.
    for email in ("a b@example.id", "budi@example..id", "budi@example.id\r\nBcc: x@y.id"):
        with pytest.raises(ValidationFailed) as refused:
            create_user(admin, email, "Budi", "evaluator", NEW_PASSWORD)
        assert set(refused.value.errors) == {"email"}
        db.session.rollback()
    assert count(User) == before and count(AccountLink) == 0


def test_a_stored_undeliverable_address_gets_the_same_answer_and_no_mail(make):
    """An account from before addresses were checked: a reset request for it raises nothing
    (an error would tell that the account exists) and queues nothing."""
    legacy = User(email="old account@example.id", name="Lama", role="evaluator", password_hash="x")
    db.session.add(legacy)
    db.session.commit()
    assert links.request_reset("old account@example.id", "10.0.0.1") is None
    links.request_reset("no account@example.id", "10.0.0.1")
    db.session.commit()
    assert mails("old account@example.id") == [] and count(AccountLink) == 0


def test_each_mail_carries_only_its_own_link(make):
    user = make.user("agency")
    tokens = [links.issue(None, user, "reset") for _ in range(2)]
    db.session.commit()
    for mail, own in zip(mails(user.email, "password_reset"), tokens, strict=True):
        other = next(t for t in tokens if t != own)
        for body in (mail.text_body, mail.html_body, mail.subject):
            assert other not in body and PASSWORD not in body
        assert mail.text_body.count(own) == 1 and own in mail.html_body
