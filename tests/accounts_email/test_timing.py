"""A reset request takes as long whether or not the address has an account: both answers
come no sooner than the floor, which lies well above the extra work of mailing a link."""

from __future__ import annotations

import time

from tests.accounts_email.mailbox import mails

FLOOR = 0.15


def _timed(client, url, **kw) -> float:
    started = time.perf_counter()
    resp = client.post(url, **kw)
    elapsed = time.perf_counter() - started
    assert resp.status_code in (200, 202), resp.get_data(as_text=True)[:300]
    return elapsed


def test_known_and_unknown_addresses_answer_after_the_same_floor(app, client, make):
    app.config["KIPP_RESET_ANSWER_SECONDS"] = FLOOR
    user = make.user("agency")
    api_known = _timed(client, "/api/v1/auth/password-reset", json={"email": user.email})
    api_unknown = _timed(client, "/api/v1/auth/password-reset", json={"email": "no@example.id"})
    web_known = _timed(client, "/account/forgot", data={"email": user.email})
    web_unknown = _timed(client, "/account/forgot", data={"email": "no@example.id"})
    assert len(mails(user.email, "password_reset")) == 2
    for elapsed in (api_known, api_unknown, web_known, web_unknown):
        assert elapsed >= FLOOR
