"""The secretariat's assignment pages: loads, progress, auto and manual assignment, reopen.

Admins only (anonymous → login, anyone else → 403). One page per competition and round,
`GET /admin/assignments/<cid>?round=evaluation|panel`, shows each reviewer's load and progress,
how many entries the round must cover and which lack reviewers, the auto-assign and manual
forms and the paged list of assignments (filter by reviewer and status) with delete and reopen.
Each reviewer's submitted totals are drawn as a strip next to their mean, spread and the
z-score of their mean (kipp.judging.reviewer_spread), so a harsh or lenient reviewer stands out.

Every POST goes to one service (kipp.judging.assignments / kipp.judging.scoring), commits once
and redirects back to the same view of the page (round, filter and page travel in the query
string). A refusal rolls back — nothing is created, deleted or reopened — and re-renders the
page with the error's status, the message next to the form that caused it and what was typed.
A capacity refusal shows the numbers (reviewer places needed vs available).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from kipp.errors import DomainError
from kipp.extensions import db
from kipp.judging import assignments as service
from kipp.judging import rounds, scoring
from kipp.judging.coverage import assignments_page, entries_by_title, short_of_reviewers
from kipp.judging.reviewer_spread import reviewer_spread
from kipp.labels import ROUND_LABELS, SHEET_STATUS_LABELS
from kipp.limits import INT32_MAX, PAGE_MAX, PER_ENTRY_MAX, SIZE_MAX
from kipp.models import ROUNDS, Assignment, Competition, Entry, Stage, User
from kipp.models.judging import SHEET_STATUSES
from kipp.permissions import is_admin
from kipp.web.admin import ROLE_LABELS, STAGE_LABELS, show_error
from kipp.web.gates import guard_blueprint

bp = Blueprint("assignments_web", __name__, url_prefix="/admin/assignments")
guard_blueprint(bp, is_admin)

PER_PAGE = 50
SHORT_SHOWN = 20


class AutoAssignForm(FlaskForm):
    per_entry = IntegerField(
        _l("Reviewers per entry"), validators=[Optional(), NumberRange(max=PER_ENTRY_MAX)]
    )
    max_load = IntegerField(
        _l("Maximum entries per reviewer (optional)"),
        validators=[Optional(), NumberRange(max=SIZE_MAX)],
    )


class ManualForm(FlaskForm):
    # Plain strings: the service decides what is a valid entry or reviewer and says why.
    entry_id = SelectField(_l("Entry"), validate_choice=False)
    user_id = SelectField(_l("Reviewer"), validate_choice=False)


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Reason for reopening"), validators=[Length(max=2000)])


def _reopen_form(assignment_id: int, **kw) -> ReopenForm:
    """One form per submitted sheet; the prefix keeps the rows' field ids apart."""
    return ReopenForm(prefix=f"a{assignment_id}", **kw)


# ----------------------------------------------------------------- request state
def _competition(competition_id: int) -> Competition:
    return db.get_or_404(Competition, competition_id)


def _assignment(comp: Competition, assignment_id: int) -> Assignment:
    a = db.session.get(Assignment, assignment_id)
    if a is None or a.competition_id != comp.id:
        abort(404)
    return a


def _round(comp: Competition) -> str:
    """The round asked for; by default the panel once the competition reached it."""
    asked = request.args.get("round")
    if asked in ROUNDS:
        return asked
    return Stage.PANEL if comp.reached(Stage.PANEL) else Stage.EVALUATION


def _filters() -> dict:
    """The list's filter and page from the query string; unknown values are dropped."""
    out: dict = {}
    if (uid := request.args.get("user_id", type=int)) is not None and 0 <= uid <= INT32_MAX:
        out["user_id"] = uid
    if (status := request.args.get("status")) in SHEET_STATUSES:
        out["status"] = status
    if (page := request.args.get("page", 1, type=int) or 1) > 1:
        out["page"] = min(page, PAGE_MAX)
    return out


def _here(comp: Competition, round_: str, **change) -> str:
    """The page's URL for this round with the current filter kept (and `change` applied)."""
    args = _filters() | {"round": round_} | change
    return url_for(".index", competition_id=comp.id, **{k: v for k, v in args.items() if v})


def _action(endpoint: str, comp: Competition, round_: str, **ids) -> str:
    """A POST target that carries the current view, so the redirect comes back to it."""
    return url_for(endpoint, competition_id=comp.id, round=round_, **ids, **_filters())


def _get(model, value):
    """The row whose id was chosen in a select, or None (the service says what is missing)."""
    text = str(value or "")
    ok = len(text) <= 10 and text.isascii() and text.isdigit() and int(text) <= INT32_MAX
    return db.session.get(model, int(text)) if ok else None


def _actor() -> User:
    return current_user._get_current_object()


def _problem(where: str, exc: DomainError, **more) -> dict:
    extra = exc.extra or {}
    short = extra.get("entries") or []
    return {
        "where": where,
        "code": exc.code,
        "detail": exc.detail,
        "needed": extra.get("needed"),
        "available": extra.get("available"),
        "short": entries_by_title(short[:SHORT_SHOWN]),
        "short_count": len(short),
        **more,
    }


def _render(comp: Competition, round_: str, status: int = 200, **forms):
    agency_of, reviewers = rounds.round_entries(comp, round_), rounds.round_reviewers(round_)
    short = short_of_reviewers(comp, round_, agency_of, reviewers)
    short_entries = {e.id: e for e in entries_by_title([s[0] for s in short[:SHORT_SHOWN]])}
    f = _filters()
    default_per_entry = comp.evaluators_per_entry if round_ == "evaluation" else None
    manual = forms.get("manual") or ManualForm(formdata=None)
    manual.entry_id.choices = [("", _("Choose an entry…"))] + [
        (str(e.id), f"{e.title} — {e.agency.name}") for e in entries_by_title(agency_of)
    ]
    manual.user_id.choices = [("", _("Choose a reviewer…"))] + [
        (str(u.id), f"{u.name} ({ROLE_LABELS.get(u.role, u.role)})") for u in reviewers
    ]
    return render_template(
        "assignments/index.html",
        comp=comp,
        round_=round_,
        open_=comp.round_open(round_),
        entries_total=len(agency_of),
        short=[(short_entries.get(e), e, n, t) for e, n, t in short[:SHORT_SHOWN]],
        short_count=len(short),
        loads=scoring.reviewer_loads(comp, round_),
        spread=reviewer_spread(comp, round_),
        progress=scoring.progress_counts(
            [Assignment.competition_id == comp.id, Assignment.round == round_]
        ),
        auto=forms.get("auto")
        or AutoAssignForm(formdata=None, data={"per_entry": default_per_entry}),
        manual=manual,
        reopen_form_for=lambda aid: (
            forms["reopen"] if aid == forms.get("reopen_id") else _reopen_form(aid, formdata=None)
        ),
        reopen_id=forms.get("reopen_id"),
        problem=forms.get("problem"),
        f=f,
        pagination=assignments_page(comp, round_, f, PER_PAGE),
        here=lambda **change: _here(comp, round_, **change),
        action=lambda endpoint, **ids: _action(endpoint, comp, round_, **ids),
        ROUND_LABELS=ROUND_LABELS,
        SHEET_STATUS_LABELS=SHEET_STATUS_LABELS,
        ROLE_LABELS=ROLE_LABELS,
        STAGE_LABELS=STAGE_LABELS,
    ), status


# ----------------------------------------------------------------- pages
@bp.get("/<int:competition_id>")
def index(competition_id: int):
    comp = _competition(competition_id)
    return _render(comp, _round(comp))


@bp.post("/<int:competition_id>/auto")
def auto(competition_id: int):
    """All or nothing: a capacity refusal (409) creates no assignment and shows the numbers."""
    comp = _competition(competition_id)
    round_ = _round(comp)
    form = AutoAssignForm()
    if not form.validate_on_submit():
        return _render(comp, round_, 422, auto=form)
    try:
        result = service.auto_assign(
            _actor(), comp, request.args.get("round", ""), form.per_entry.data, form.max_load.data
        )
    except DomainError as exc:
        status = show_error(form, exc)
        return _render(comp, round_, status, auto=form, problem=_problem("auto", exc))
    db.session.commit()
    n = result["created"]
    flash(ngettext("%(num)d assignment created.", "%(num)d assignments created.", n), "ok")
    return redirect(_here(comp, round_, page=None))


@bp.post("/<int:competition_id>/manual")
def manual(competition_id: int):
    comp = _competition(competition_id)
    round_ = _round(comp)
    form = ManualForm()
    if not form.validate_on_submit():
        return _render(comp, round_, 422, manual=form)
    entry, reviewer = _get(Entry, form.entry_id.data), _get(User, form.user_id.data)
    try:
        a = service.create_assignment(
            _actor(), comp, entry, reviewer, request.args.get("round", "")
        )
    except DomainError as exc:
        status = show_error(form, exc)
        return _render(comp, round_, status, manual=form, problem=_problem("manual", exc))
    db.session.commit()
    flash(
        _("%(name)s now reviews “%(title)s”.", name=a.user.name, title=a.entry.title),
        "ok",
    )
    return redirect(_here(comp, round_))


@bp.post("/<int:competition_id>/<int:assignment_id>/delete")
def delete(competition_id: int, assignment_id: int):
    """A submitted sheet pins its assignment (409 locked): reopen it first."""
    comp = _competition(competition_id)
    a = _assignment(comp, assignment_id)
    round_, name, title = a.round, a.user.name, a.entry.title
    try:
        service.delete_assignment(_actor(), a)
    except DomainError as exc:
        db.session.rollback()
        problem = _problem("row", exc, assignment_id=assignment_id)
        return _render(comp, round_, exc.status, problem=problem)
    db.session.commit()
    flash(_("%(name)s no longer reviews “%(title)s”.", name=name, title=title), "ok")
    return redirect(_here(comp, round_))


@bp.post("/<int:competition_id>/<int:assignment_id>/reopen")
def reopen(competition_id: int, assignment_id: int):
    """Back to draft with its values kept; the reason (≥ 5 characters) is audited."""
    comp = _competition(competition_id)
    a = _assignment(comp, assignment_id)
    round_ = a.round
    form = _reopen_form(assignment_id)
    forms = {"reopen": form, "reopen_id": assignment_id}
    if not form.validate_on_submit():
        return _render(comp, round_, 422, **forms)
    try:
        scoring.reopen_sheet(_actor(), a, form.reason.data)
    except DomainError as exc:
        status = show_error(form, exc)
        problem = _problem("row", exc, assignment_id=assignment_id)
        return _render(comp, round_, status, problem=problem, **forms)
    db.session.commit()
    flash(
        _(
            "The sheet of %(name)s for “%(title)s” is a draft again.",
            name=a.user.name,
            title=a.entry.title,
        ),
        "ok",
    )
    return redirect(_here(comp, round_))
