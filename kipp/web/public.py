"""Public pages without login: home, published results, objection form, answer register.

Guarantees
- Nothing unpublished is shown: a competition in `draft`, an unknown or unpublished selection
  answers 404 like a missing page; no scores, no objector's name, e-mail or statement.
- The home page (for visitors without a login), the results pages and the decree PDF are the
  same for every visitor and cacheable (`kipp.caching`: public max-age, ETag, 304). They carry
  no form and write nothing to the session; the objection form, which needs a CSRF token, is a
  page of its own and is never cached.
- A refused objection stores nothing and shows the form again with every typed value and the
  service's messages beside their fields; an accepted one leads (POST → redirect → GET) to a
  page showing its reference, so reloading it does not object twice.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from kipp import clock, pagecache
from kipp.caching import cache_answer, cacheable
from kipp.documents import storage
from kipp.entries.timing import countdown, countdown_messages, duration_text
from kipp.errors import DomainError
from kipp.extensions import db
from kipp.labels import AGENCY_KIND_LABELS, STAGE_LABELS
from kipp.models import Stage
from kipp.public import queries
from kipp.public.forms import objection_form
from kipp.publication import objections
from kipp.publication.queries import (
    LISTING_LABELS,
    OBJECTION_STATUS_LABELS,
    PUBLIC_STATUS_LABELS,
)

bp = Blueprint("public", __name__)

# Seconds a cache may keep a public page (a published list changes rarely; a minute of delay
# is nothing against an announcement-day crowd). A signed decree is replaced only to correct
# a wrong upload.
MAX_AGE = 60
DECREE_MAX_AGE = 600
SENT_KEY = "objection_sent"
# The objection pages carry a CSRF token and what the visitor typed: never stored anywhere.
NO_STORE = {"Cache-Control": "private, no-store"}


def time_left(deadline) -> str:
    """ "3 days 4 hours left" until `deadline`, or "Closed" once it has passed."""
    seconds = (deadline - clock.now()).total_seconds()
    if seconds < 0:
        return _("Closed")
    return _("%(time)s left", time=duration_text(seconds))


def render_public(template: str, status: int = 200, headers=None, **context):
    return (
        render_template(
            template,
            stage_labels=STAGE_LABELS,
            kind_labels=AGENCY_KIND_LABELS,
            listing_labels=LISTING_LABELS,
            status_labels=PUBLIC_STATUS_LABELS,
            decision_labels=OBJECTION_STATUS_LABELS,
            countdown_js=countdown_messages(),
            time_left=time_left,
            **context,
        ),
        status,
        headers or {},
    )


def submission_note(comp, at) -> str:
    """ "Opens in …", "… left" or "Submission closed" (also once the stage moved on, whatever
    the dates say)."""
    if Stage(comp.stage).reached(Stage.SCREENING):
        return _("Submission closed")
    return countdown(comp, at)


@cacheable(MAX_AGE)
def home_page():
    """The public home (`web.home` for visitors without a login)."""
    return pagecache.cached(_home_page, MAX_AGE)


def _home_page():
    current, at = queries.current_competition(), clock.now()
    return render_public(
        "public/home.html",
        current=current,
        submission_countdown=submission_note(current, at) if current else None,
        submission_open=current is not None
        and current.stage == "submission"
        and current.submission_opens_at <= at <= current.submission_closes_at,
        lists=queries.latest_lists(),
        competitions=queries.public_competitions(),
    )


@bp.get("/results/<int:competition_id>")
@cacheable(MAX_AGE)
def results(competition_id: int):
    return pagecache.cached(lambda: _results_page(competition_id), MAX_AGE)


def _results_page(competition_id: int):
    comp = queries.public_competition(competition_id)
    if comp is None:
        abort(404)
    return render_public("public/results.html", comp=comp, lists=queries.competition_lists(comp))


@bp.get("/results/selections/<int:selection_id>")
def selection(selection_id: int):
    """The lasting address of one published list (linked from mail): its place on its
    competition's results page."""
    sel = queries.published_selection(selection_id)
    if sel is None:
        abort(404)
    return redirect(
        url_for("public.results", competition_id=sel.competition_id, _anchor=f"selection-{sel.id}")
    )


def _published(selection_id: int) -> queries.PublicList:
    sel = queries.published_selection(selection_id)
    if sel is None:
        abort(404)
    return queries.public_list(sel)


@bp.route("/results/selections/<int:selection_id>/objection", methods=["GET", "POST"])
def objection(selection_id: int):
    found = _published(selection_id)
    if request.method == "GET":
        form = objection_form(found, formdata=None)
        form.entry_id.data = form.entry_id.coerce(request.args.get("entry_id"))
        return render_public("public/objection.html", headers=NO_STORE, found=found, form=form)
    form = objection_form(found)
    if not form.validate():
        message = _("Check the highlighted fields.")
        return render_public(
            "public/objection.html", 422, NO_STORE, found=found, form=form, message=message
        )
    try:
        obj = objections.submit(
            found.selection,
            entry_id=form.entry_id.data,
            name=form.name.data,
            email=form.email.data,
            statement=form.statement.data,
            ip=request.remote_addr,
        )
    except DomainError as exc:
        db.session.rollback()
        loose = form.add_errors(exc.errors)
        return render_public(
            "public/objection.html",
            exc.status,
            NO_STORE,
            found=_published(selection_id),
            form=form,
            message=exc.detail,
            loose_errors=[m for m in loose if m != exc.detail],
        )
    db.session.commit()
    session[SENT_KEY] = obj.reference
    return redirect(url_for("public.objection_sent", selection_id=selection_id))


@bp.get("/results/selections/<int:selection_id>/objection/sent")
def objection_sent(selection_id: int):
    found = _published(selection_id)
    reference = session.pop(SENT_KEY, None)
    if reference is None:
        return redirect(url_for("public.objection", selection_id=selection_id))
    return render_public(
        "public/objection_sent.html", headers=NO_STORE, found=found, reference=reference
    )


@bp.get("/results/selections/<int:selection_id>/decree.pdf")
def decree_pdf(selection_id: int):
    sel = queries.published_selection(selection_id)
    if sel is None or not sel.decree_file:
        abort(404)
    comp = queries.public_competition(sel.competition_id)
    resp = storage.pdf_response(sel.decree_file, f"kipp-{comp.year}-{sel.tier}-decree.pdf")
    del resp.headers["Cache-Control"]  # public: the same signed decree for everybody
    return cache_answer(resp, DECREE_MAX_AGE)
