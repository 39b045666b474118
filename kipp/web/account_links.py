"""Setting a password from an invitation or a reset link, and 'forgot password'.

Anyone may open these pages (the link is the credential). Guarantees, on top of
`kipp.accounts.links`:
- an unknown, used or expired link shows one page (404) saying so, with the way to a new one
  ("forgot password" sends a fresh link to any active account); it never says which it was;
- a refused password or a confirmation that differs re-renders the form (422) with the error
  on its field and changes nothing; passwords are never echoed back;
- after success the browser is sent to the login page: every earlier session of the person,
  this browser's included, has ended;
- "forgot password" shows the same confirmation whatever the address, no sooner than 0.3 s
  after the request (`links.pad`), and 429 with the reason on the field when the rate limit
  refuses.
"""

from __future__ import annotations

import time

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import logout_user

from kipp.accounts import links
from kipp.accounts.forms import ForgotPasswordForm, SetPasswordForm
from kipp.errors import InvalidToken, RateLimited, ValidationFailed
from kipp.extensions import db

bp = Blueprint("account_links", __name__, url_prefix="/account")


def _done(purpose: str) -> str:
    if purpose == "invitation":
        return _("Your password is set. Log in with your e-mail address and new password.")
    return _("Your password was changed. Log in with your new password.")


def _invalid(purpose: str):
    return render_template("account_links/invalid.html", purpose=purpose), 404


def _set_password(token: str, purpose: str):
    """The set-password page of a link of `purpose` (see the module docstring)."""
    link = links.find(token, purpose)
    if link is None:
        return _invalid(purpose)
    form = SetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            links.use(token, purpose, form.password.data)
        except InvalidToken:  # used by a concurrent request meanwhile
            db.session.rollback()
            return _invalid(purpose)
        except ValidationFailed as exc:
            db.session.rollback()
            for message in (exc.errors or {}).get("password", [exc.detail]):
                form.password.errors.append(message)
            status = 422
        else:
            db.session.commit()
            logout_user()
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            flash(_done(purpose), "ok")
            return redirect(url_for("auth.login"))
    elif form.is_submitted():
        status = 422
    return render_template(
        "account_links/set_password.html", form=form, purpose=purpose, email=link.user.email
    ), status


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str):
    return _set_password(token, "invitation")


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    return _set_password(token, "reset")


@bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    form = ForgotPasswordForm()
    status = 200
    if form.validate_on_submit():
        started = time.monotonic()
        try:
            links.request_reset(form.email.data, request.remote_addr or "?")
        except RateLimited as exc:
            db.session.rollback()
            form.email.errors.append(exc.detail)
            status = 429
        else:
            db.session.commit()
            links.pad(started)
            return render_template("account_links/forgot_sent.html")
    elif form.is_submitted():
        status = 422
    return render_template("account_links/forgot.html", form=form), status
