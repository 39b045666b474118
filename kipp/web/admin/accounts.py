"""Agencies, users and declared conflicts of interest (secretariat only).

Guarantees: every write goes through `kipp.accounts.services` (which audits it on the global
chain) and commits once; a refused write changes nothing and re-renders the form with what was
typed (passwords excepted: they are never echoed back into the page). A user edit carries the
`version` it was loaded with, so a concurrent change is refused (409) instead of overwritten.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from kipp.accounts import links, queries
from kipp.accounts import services as accounts
from kipp.accounts.forms import (
    AgencyForm,
    ConflictForm,
    UserCreateForm,
    UserEditForm,
    agency_choices,
    set_role_labels,
)
from kipp.competitions.services import check_version
from kipp.errors import DomainError
from kipp.extensions import db
from kipp.labels import AGENCY_KIND_LABELS
from kipp.models import AGENCY_KINDS, ROLES, User
from kipp.web.admin import ROLE_LABELS, admin_required, bp, page_arg, show_error

PER_PAGE = 100


def _actor() -> User:
    return current_user._get_current_object()


# ------------------------------------------------------------------ agencies
@bp.route("/agencies", methods=["GET", "POST"])
@admin_required
def agencies():
    form = AgencyForm()
    form.set_kind_labels(AGENCY_KIND_LABELS)
    status = 200
    if form.validate_on_submit():
        try:
            agency = accounts.create_agency(
                _actor(), form.name.data, form.kind.data, form.province.data, form.is_3t.data
            )
        except DomainError as exc:
            status = show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Agency “%(name)s” was created.", name=agency.name), "ok")
            return redirect(url_for("admin.agencies"))
    elif form.is_submitted():
        status = 422

    kind = request.args.get("kind", "")
    province = request.args.get("province", "")
    query = queries.agencies_query(kind, province)
    pagination = db.paginate(query, page=page_arg(request), per_page=PER_PAGE, error_out=False)
    provinces = queries.provinces()
    return render_template(
        "admin/agencies.html",
        form=form,
        pagination=pagination,
        kinds=AGENCY_KINDS,
        kind=kind,
        province=province,
        provinces=provinces,
    ), status


# ------------------------------------------------------------------ users
@bp.route("/users", methods=["GET", "POST"])
@admin_required
def users():
    form = UserCreateForm()
    form.agency_id.choices = agency_choices(queries.all_agencies())
    set_role_labels(form, ROLE_LABELS)
    status = 200
    if form.validate_on_submit():
        password = form.chosen_password()
        try:
            user = accounts.create_user(
                _actor(),
                form.email.data,
                form.name.data,
                form.role.data,
                password,
                form.agency_id.data,
                locale=form.locale.data if password is None else None,
            )
        except DomainError as exc:
            status = show_error(form, exc)
        else:
            db.session.commit()
            if password is None:
                flash(
                    _(
                        "Account %(email)s was created; an invitation to set a password was "
                        "mailed to it (valid for 72 hours).",
                        email=user.email,
                    ),
                    "ok",
                )
            else:
                flash(_("Account %(email)s was created.", email=user.email), "ok")
            return redirect(url_for("admin.users"))
    elif form.is_submitted():
        status = 422

    role = request.args.get("role", "")
    active = request.args.get("active", "")
    query = queries.users_query(role, {"1": True, "0": False}.get(active))
    pagination = db.paginate(query, page=page_arg(request), per_page=PER_PAGE, error_out=False)
    return render_template(
        "admin/users.html",
        form=form,
        pagination=pagination,
        roles=ROLES,
        role=role,
        active=active,
        invited=links.awaiting_password([u.id for u in pagination.items if u.active]),
    ), status


@bp.post("/users/<int:user_id>/invitation")
@admin_required
def resend_invitation(user_id: int):
    """Mail a new invitation to an active person who has not set a password yet (earlier
    invitations stay valid until they expire). Refused: an error message, nothing changed."""
    user = _user_or_404(user_id)
    try:
        links.invite(_actor(), user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.detail, "error")
    else:
        db.session.commit()
        flash(_("A new invitation was mailed to %(email)s.", email=user.email), "ok")
    return redirect(url_for("admin.users"))


def _user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


def _render_user(user: User, form: UserEditForm, conflict_form: ConflictForm, status: int):
    agencies = queries.all_agencies()
    form.agency_id.choices = agency_choices(agencies)
    set_role_labels(form, ROLE_LABELS)
    conflict_form.agency_id.choices = agency_choices(agencies, blank=_("— choose —"))
    conflicts = queries.conflicts_of(user)
    return render_template(
        "admin/user_edit.html",
        user=user,
        form=form,
        conflict_form=conflict_form,
        conflicts=conflicts,
    ), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    user = _user_or_404(user_id)
    form = UserEditForm(obj=user)
    # Choices must exist before validation; _render_user sets them again (same values).
    form.agency_id.choices = agency_choices(queries.all_agencies())
    set_role_labels(form, ROLE_LABELS)
    status = 200
    if form.validate_on_submit():
        actor = _actor()
        changes = form.changes()
        try:
            check_version(user, form.version.data)
            accounts.update_user(actor, user, changes)
        except DomainError as exc:
            status = show_error(form, exc)
        else:
            db.session.commit()
            if user.id == actor.id and "password" in changes:
                login_user(user)  # the epoch moved on: keep the admin's own session alive
            flash(_("Account %(email)s was saved.", email=user.email), "ok")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    elif form.is_submitted():
        status = 422
    return _render_user(user, form, ConflictForm(formdata=None, prefix="conflict"), status)


@bp.post("/users/<int:user_id>/conflicts")
@admin_required
def add_conflict(user_id: int):
    user = _user_or_404(user_id)
    conflict_form = ConflictForm(prefix="conflict")
    conflict_form.agency_id.choices = agency_choices(queries.all_agencies(), blank=_("— choose —"))
    status = 422
    if conflict_form.validate_on_submit():
        try:
            conflict = accounts.add_conflict(
                _actor(), user, conflict_form.agency_id.data, conflict_form.reason.data
            )
        except DomainError as exc:
            status = show_error(conflict_form, exc)
        else:
            db.session.commit()
            flash(_("The conflict of interest was recorded."), "ok")
            removed, kept = conflict.removed_assignments, conflict.conflicted_assignments
            if removed or kept:
                flash(
                    _(
                        "%(removed)d unsubmitted assignments to this agency's entries were "
                        "removed; %(kept)d submitted score sheets were kept as records and "
                        "left out of the rankings.",
                        removed=len(removed),
                        kept=len(kept),
                    ),
                    "ok",
                )
            return redirect(url_for("admin.user_edit", user_id=user.id) + "#conflicts")
    return _render_user(user, UserEditForm(formdata=None, obj=user), conflict_form, status)
