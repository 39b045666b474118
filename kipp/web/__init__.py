"""Server-rendered pages for people; each feature has its own blueprint."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, url_for
from flask_babel import get_locale
from flask_login import current_user

from kipp import labels
from kipp.clock import local
from kipp.permissions import (
    can_edit_entry,
    can_manage_competition,
    can_read_audit,
    can_read_entry,
    can_screen,
    is_admin,
)

bp = Blueprint("web", __name__)


@bp.get("/")
def home():
    """The public home for visitors without a login (API v1.1 § Public pages: 200, never the
    login wall); everyone logged in goes on to their role's home, as before."""
    if not current_user.is_authenticated:
        from kipp.web.public import home_page

        return home_page()
    if current_user.role == "admin":
        return redirect(url_for("admin.competitions"))
    if current_user.role in ("agency", "drafter"):  # a drafter's dashboard lists its drafts
        return redirect(url_for("agency.dashboard"))
    return redirect(url_for("panel.assignments"))


def register_web(app: Flask) -> None:
    from kipp.auth.views import bp as auth
    from kipp.web import (
        account_links,
        admin,
        agency,
        assignments,
        certificates,
        directory,
        documents,
        drafts,
        invitations,
        outbox,
        panel,
        profiles,
        public,
        publication,
        reports,
        schedule,
        screening,
        selection,
        verify,
    )

    app.register_blueprint(bp)
    app.register_blueprint(auth)
    for module in (
        agency,
        admin,
        screening,
        panel,
        assignments,
        selection,
        verify,
        certificates,
        documents,
        outbox,
        account_links,
        publication,
        public,
        directory,
        profiles,
        reports,
        invitations,
        drafts,
        schedule,
    ):
        app.register_blueprint(module.bp)

    @app.template_filter("local")
    def _local(value, tz="Asia/Jakarta", fmt="%d-%m-%Y %H:%M %Z"):
        return local(value, tz).strftime(fmt) if value else ""

    app.jinja_env.globals.update(
        get_locale=get_locale,
        can_edit_entry=can_edit_entry,
        can_read_entry=can_read_entry,
        can_screen=can_screen,
        can_manage_competition=can_manage_competition,
        can_read_audit=can_read_audit,
        is_admin=is_admin,
        # Display labels of stored codes, for every page (views may still pass their own).
        AGENCY_KIND_LABELS=labels.AGENCY_KIND_LABELS,
        ROLE_LABELS=labels.ROLE_LABELS,
        STAGE_LABELS=labels.STAGE_LABELS,
        ROUND_LABELS=labels.ROUND_LABELS,
        TIER_LABELS=labels.TIER_LABELS,
        ATTACHMENT_KIND_LABELS=labels.ATTACHMENT_KIND_LABELS,
        REPLICATION_LABELS=labels.REPLICATION_LABELS,
    )
