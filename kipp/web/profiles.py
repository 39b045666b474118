"""Themes (secretariat) and an innovation's public profile kept current by its agency.

- `/profiles/themes` (admin): the controlled list, in both languages, and a form to add one.
- `/profiles/entries/<id>` (the entry's agency): the current profile and its history, and a
  form that validates it again (status, impact, links). Other roles get 403; another agency
  gets 404 for an entry it may not read and 403 for a directory innovation. An entry not yet
  in the directory shows why it cannot be kept, and a save answers 409.
Refused saves re-render the form (422, or 409 for a stale version) and change nothing.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kipp.directory.visibility import is_visible
from kipp.errors import DomainError
from kipp.extensions import db
from kipp.models import Entry
from kipp.permissions import (
    can_keep_profile,
    can_manage_themes,
    can_read_profile,
    keeps_profiles,
)
from kipp.themes import queries, services
from kipp.themes.forms import ProfileForm, ThemeForm
from kipp.web.gates import requires

bp = Blueprint("profiles", __name__, url_prefix="/profiles")


@bp.route("/themes", methods=["GET", "POST"])
@requires(can_manage_themes)
def themes():
    form = ThemeForm()
    status, message = 200, None
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                theme = services.create_theme(current_user, form.to_data())
            except DomainError as exc:
                db.session.rollback()
                status, message = exc.status, exc.detail
                for key, errors in (exc.errors or {}).items():
                    form[key].errors = [*form[key].errors, *errors]
            else:
                db.session.commit()
                flash(_("Theme %(code)s added.", code=theme.code), "ok")
                return redirect(url_for("profiles.themes"))
    rows = queries.theme_rows()
    return render_template("profiles/themes.html", form=form, rows=rows, message=message), status


@bp.route("/entries/<int:entry_id>", methods=["GET", "POST"])
@requires(keeps_profiles)
def entry(entry_id: int):
    found = db.session.get(Entry, entry_id)
    if found is None or not can_read_profile(current_user, found):
        abort(404)
    if not can_keep_profile(current_user, found):
        abort(403)
    current = queries.profile_of(found.id)
    saved = {
        "status": current["status"] or "running",
        "impact": current["impact"] or "",
        "links": "\n".join(current["links"]),
        "version": current["version"],
    }
    # A POST is read as sent: a field left out is not filled from the saved profile.
    form = ProfileForm(data=None if request.method == "POST" else saved)
    status, message, loose = 200, None, []
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                services.save_profile(current_user, found, form.to_data())
            except DomainError as exc:
                db.session.rollback()
                status, message = exc.status, exc.detail
                loose = form.add_errors(exc.errors)
            else:
                db.session.commit()
                flash(_("The profile is validated."), "ok")
                return redirect(url_for("profiles.entry", entry_id=found.id))
    return render_template(
        "profiles/entry.html",
        entry=found,
        form=form,
        profile=current,
        history=queries.history(found.id),
        listed=is_visible(found.id),
        theme=queries.theme_label(found.theme),
        message=message,
        loose=loose,
    ), status
