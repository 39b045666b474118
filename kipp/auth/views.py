"""Login, logout, password change and language switch pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from kipp.auth.forms import LoginForm, PasswordForm
from kipp.auth.passwords import verify_password
from kipp.auth.services import authenticate, set_password
from kipp.auth.sessions import end_current_session, start_session
from kipp.errors import RateLimited, Unauthenticated, ValidationFailed
from kipp.extensions import db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if (
        target
        and urlsplit(target).netloc == ""
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("web.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data, request.remote_addr or "?")
        except (Unauthenticated, RateLimited) as exc:
            form.password.errors.append(exc.detail)
            status = exc.status
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session on login: no fixation
            if lang:
                session["lang"] = lang
            start_session(user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    elif form.is_submitted():
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:  # loads the session record this request came with
        end_current_session()
        db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current.data):
            form.current.errors.append(_("The current password is wrong."))
            status = 422
        else:
            try:
                set_password(current_user, current_user, form.password.data)
            except ValidationFailed as exc:
                form.password.errors.append(exc.detail)
                status = 422
            else:
                db.session.commit()  # this browser's session stays; every other one ended
                flash(_("Your password was changed. Other sessions were logged out."), "ok")
                return redirect(url_for("web.home"))
    elif form.is_submitted():
        status = 422
    return render_template("auth/password.html", form=form), status


@bp.get("/lang/<code>")
def language(code: str):
    if code in ("id", "en"):
        session["lang"] = code
    return redirect(
        _safe_next(request.args.get("next") or request.referrer and urlsplit(request.referrer).path)
    )
