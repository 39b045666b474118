"""Drafting units: the agency account's page of its drafters.

`/agency/drafters` lists the agency's drafters (how many drafts each holds, whether it still
has to accept its invitation) with a form to invite another one, mailed through the outbox;
each drafter can be switched off and on again. Only agency accounts get in (others: 403); a
drafter of another agency answers 404. A refused request changes nothing and shows the form
again with what was typed and the reason. Drafters themselves work in the agency's editor
(`kipp.web.agency`), which shows them only their own drafts and no submit action.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kipp.competitions.services import check_version
from kipp.drafters import queries, services
from kipp.drafters.forms import ActiveForm, InviteForm
from kipp.errors import DomainError
from kipp.extensions import db
from kipp.permissions import can_manage_drafters
from kipp.web.gates import guard_blueprint

bp = Blueprint("drafts", __name__, url_prefix="/agency/drafters")
guard_blueprint(bp, can_manage_drafters)


def me():
    return current_user._get_current_object()


def render(form: InviteForm, status: int = 200, message: str | None = None):
    return render_template(
        "agency/drafters.html",
        rows=queries.drafters(current_user.agency_id),
        form=form,
        message=message,
    ), status


@bp.get("/")
def index():
    return render(InviteForm(formdata=None))


@bp.post("/")
def invite():
    form = InviteForm()
    if not form.validate():
        return render(form, 422, _("Check the highlighted fields."))
    try:
        user = services.invite_drafter(me(), form.email.data, form.name.data, form.locale.data)
    except DomainError as exc:
        db.session.rollback()
        for key, messages in (exc.errors or {}).items():
            if key in ("email", "name"):
                form[key].errors = [*form[key].errors, *messages]
        return render(form, exc.status, exc.detail)
    db.session.commit()
    flash(
        _(
            "%(name)s was invited: the invitation was mailed to %(email)s.",
            name=user.name,
            email=user.email,
        ),
        "ok",
    )
    return redirect(url_for("drafts.index"))


@bp.post("/<int:user_id>/active")
def set_active(user_id: int):
    drafter = services.drafter_of(me(), user_id)
    if drafter is None:
        abort(404)
    form = ActiveForm()
    if not form.validate():
        return render(InviteForm(formdata=None), 422, _("The request was incomplete; try again."))
    try:
        check_version(drafter, int(form.version.data) if form.version.data.isdigit() else 0)
        services.set_active(me(), drafter, form.active.data == "1")
    except DomainError as exc:
        db.session.rollback()
        return render(InviteForm(formdata=None), exc.status, exc.detail)
    db.session.commit()
    if drafter.active:
        flash(_("%(name)s may log in again.", name=drafter.name), "ok")
    else:
        flash(
            _(
                "%(name)s can no longer log in; its drafts stay with your agency.",
                name=drafter.name,
            ),
            "ok",
        )
    return redirect(url_for("drafts.index"))
