"""Invitations to invitation-only groups (pages, secretariat only).

- `/admin/competitions/<id>/invitations`: each invitation-only group with its invited agencies
  and a form to invite one more (POST → the same page; a refused invitation re-renders the form
  with the reason and changes nothing).
- `POST /admin/invitations/<id>/delete`: withdraw one (audited).
Anonymous visitors are sent to the login page; every other role gets 403; an unknown
competition or invitation 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kipp.competitions import invitations as services
from kipp.competitions.invitation_forms import InvitationForm
from kipp.competitions.queries_invitations import agency_choices, invitations
from kipp.errors import DomainError
from kipp.extensions import db
from kipp.models import Competition
from kipp.models.group_rules import Invitation
from kipp.permissions import can_manage_invitations
from kipp.web.gates import guard_blueprint

bp = Blueprint("invitations", __name__)
guard_blueprint(bp, can_manage_invitations)


def _competition(competition_id: int) -> Competition:
    comp = db.session.get(Competition, competition_id)
    if comp is None:
        abort(404)
    return comp


@bp.route("/admin/competitions/<int:competition_id>/invitations", methods=["GET", "POST"])
def index(competition_id: int):
    comp = _competition(competition_id)
    form = InvitationForm()
    form.set_choices(services.invitation_groups(comp), agency_choices())
    status, message = 200, None
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                inv = services.invite(current_user, comp, form.agency_id.data, form.group.data)
            except DomainError as exc:
                db.session.rollback()
                status, message = exc.status, exc.detail
                for key, errors in (exc.errors or {}).items():
                    if key in form:
                        form[key].errors = [*form[key].errors, *errors]
            else:
                db.session.commit()
                flash(
                    _(
                        "%(agency)s is invited into group %(group)s.",
                        agency=inv.agency.name,
                        group=inv.group,
                    ),
                    "ok",
                )
                return redirect(url_for("invitations.index", competition_id=comp.id))
        else:
            message = _("Check the highlighted fields.")
    return render_template(
        "admin/invitations.html",
        comp=comp,
        form=form,
        rows=invitations(comp.id),
        groups=services.invitation_groups(comp),
        message=message,
    ), status


@bp.post("/admin/invitations/<int:invitation_id>/delete")
def delete(invitation_id: int):
    inv = db.session.get(Invitation, invitation_id)
    if inv is None:
        abort(404)
    competition_id = inv.competition_id
    try:
        services.withdraw(current_user, inv)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.detail, "error")
        return redirect(url_for("invitations.index", competition_id=competition_id))
    db.session.commit()
    flash(_("The invitation was withdrawn."), "ok")
    return redirect(url_for("invitations.index", competition_id=competition_id))
