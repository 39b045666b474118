"""Flask-Login wiring. The session id carries the auth epoch, so a password change or a
disable logs every browser out."""

from __future__ import annotations

from flask import Flask, redirect, request, url_for

from kipp.extensions import db, login_manager
from kipp.models import User


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load(user_key: str) -> User | None:
        try:
            user_id, epoch = (int(x) for x in user_key.split(":"))
        except ValueError:
            return None
        user = db.session.get(User, user_id)
        if user is None or user.auth_epoch != epoch or not user.active:
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        return redirect(url_for("auth.login", next=request.full_path))
