"""The public pages (contract v1.1 § Public pages, ui.md § Public): the home page for visitors
without a login, the results pages, and what they never show."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kipp import clock
from kipp.clock import now
from kipp.extensions import db
from kipp.models.publication import Objection
from kipp.publication import objections
from tests.helpers import count
from tests.public.fixtures import HTML_AGENCY, HTML_TITLE, STATEMENT


def page(client, url, status=200):
    resp = client.get(url)
    assert resp.status_code == status, resp.get_data(as_text=True)[:400]
    return resp.get_data(as_text=True)


def assert_cacheable(client, url) -> str:
    """`url` answers 200 with a public max-age and an ETag, sets no cookie, and 304 to a
    request naming that ETag; returns the answer."""
    resp = client.get(url)
    assert resp.status_code == 200, url
    cache = resp.headers["Cache-Control"]
    assert "public" in cache and "max-age=" in cache and "private" not in cache, cache
    assert "no-store" not in cache and resp.headers.get("ETag") and "Set-Cookie" not in resp.headers
    again = client.get(url, headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    return resp


def test_home_for_a_visitor_shows_the_competition_lists_search_and_login(pw, client):
    html = assert_cacheable(client, "/").get_data(as_text=True)  # 200, never the login wall
    assert "KIPP 2026" in html and "Shortlist" in html  # current competition, its stage
    assert 'action="/innovations"' in html and 'name="q"' in html
    assert 'href="/login"' in html
    assert f'href="/results/{pw.comp.id}#selection-{pw.shortlist.id}"' in html
    assert f'href="/results/{pw.old.id}#selection-{pw.fixed.id}"' in html
    assert "KIPP Draft" not in html
    assert 'name="csrf_token"' not in html and "csrf-token" not in html


def test_home_counts_down_to_the_submission_deadline(make, client):
    comp = make.competition(stage="submission", name="KIPP 2027", year=2027)
    comp.submission_closes_at = now() + timedelta(days=3, hours=5, minutes=30)
    db.session.commit()
    html = page(client, "/")
    assert "KIPP 2027" in html and "3 days 5 hours left" in html
    assert f'data-deadline="{comp.submission_closes_at.isoformat()}"' in html
    assert "WIB" in html


def test_home_with_nothing_public_yet(make, client):
    make.competition(stage="draft", name="KIPP Secret")
    html = page(client, "/")
    assert "KIPP Secret" not in html and "No list has been published yet." in html


@pytest.mark.parametrize(
    "role, home",
    [
        ("admin", "/admin/competitions"),
        ("agency", "/agency/"),
        ("evaluator", "/panel/"),
        ("chair", "/panel/"),
    ],
)
def test_logged_in_people_still_go_to_their_home(make, client, web_login, role, home):
    web_login(make.user(role))
    resp = client.get("/")
    assert resp.status_code == 302 and resp.headers["Location"].startswith(home)


def test_results_page_lists_published_tiers_and_hides_the_rest(pw, client):
    html = assert_cacheable(client, f"/results/{pw.comp.id}").get_data(as_text=True)
    assert f'id="selection-{pw.shortlist.id}"' in html
    assert f'id="selection-{pw.unpublished.id}"' not in html
    assert "Mal Pelayanan Publik Kudus" in html and "Papua" in html and "Replikasi" in html
    assert "City government" in html  # the agency kind, labelled
    # while the window is open: its countdown and the way to the objection form
    assert "left" in html and "Submit an objection" in html
    assert f'href="/results/selections/{pw.shortlist.id}/objection"' in html
    assert f"/api/v1/public/results.csv?competition_id={pw.comp.id}" in html
    # HTML in any field is text
    assert HTML_TITLE not in html and HTML_AGENCY not in html
    assert "&lt;script&gt;alert(" in html and "Kota &lt;i&gt;Jaya&lt;/i&gt; &amp;" in html
    assert "87.5" not in html  # no scores
    assert 'name="csrf_token"' not in html


def test_results_of_a_draft_or_unknown_competition_are_not_found(pw, client):
    page(client, f"/results/{pw.draft.id}", 404)
    page(client, "/results/999999", 404)
    page(client, f"/results/{2**31}", 404)


def test_disqualified_entry_is_marked(pw, client):
    pw.entries[0].status = "disqualified"
    db.session.commit()
    html = page(client, f"/results/{pw.comp.id}")
    assert "<del>Mal Pelayanan Publik Kudus</del>" in html and "Disqualified" in html


def test_after_the_window_the_register_and_the_decree(pw, client):
    obj = objections.submit(
        pw.shortlist,
        entry_id=pw.entries[0].id,
        name="Budi <b>Santoso</b>",
        email="budi@example.id",
        statement=STATEMENT,
        ip="10.0.0.1",
    )
    db.session.commit()
    objections.decide(pw.admin, obj, "dismiss", "Data sudah diperiksa <em>ulang</em> dan benar.")
    pw.shortlist.objection_closes_at = now() - timedelta(minutes=1)
    db.session.commit()
    html = page(client, f"/results/{pw.comp.id}")
    assert "Submit an objection" not in html and "The objection period closed on" in html
    assert obj.reference in html and "Dismissed" in html
    assert "Data sudah diperiksa &lt;em&gt;ulang&lt;/em&gt; dan benar." in html
    # never the objector's name, e-mail or statement
    assert "Budi" not in html and "budi@example.id" not in html and STATEMENT not in html
    old = page(client, f"/results/{pw.old.id}")
    assert "123/KEP/M.PANRB/2025" in old and "Fixed by decree" in old
    assert f'href="/results/selections/{pw.fixed.id}/decree.pdf"' in old


def test_decree_pdf_only_once_attached_and_only_when_published(pw, client):
    resp = client.get(f"/results/selections/{pw.fixed.id}/decree.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data.startswith(b"%PDF")
    assert_cacheable(client, f"/results/selections/{pw.fixed.id}/decree.pdf")
    page(client, f"/results/selections/{pw.shortlist.id}/decree.pdf", 404)
    page(client, f"/results/selections/{pw.unpublished.id}/decree.pdf", 404)


def test_pages_are_private_for_a_logged_in_reader(pw, client, web_login):
    web_login(pw.agency)
    resp = client.get(f"/results/{pw.comp.id}")
    assert resp.status_code == 200
    assert (
        "private" in resp.headers["Cache-Control"] and "public" not in resp.headers["Cache-Control"]
    )


def test_a_language_choice_is_not_served_to_others(pw, client):
    client.get("/lang/id")  # the visitor now has a session cookie
    resp = client.get(f"/results/{pw.comp.id}")
    assert resp.status_code == 200 and "Cookie" in resp.headers["Vary"]


def test_nothing_of_an_unpublished_selection_reaches_any_page(pw, client):
    client.get("/")
    for url in ("/", f"/results/{pw.comp.id}"):
        html = page(client, url)
        assert f"selection-{pw.unpublished.id}" not in html
        assert f"/results/selections/{pw.unpublished.id}" not in html
    page(client, f"/results/selections/{pw.unpublished.id}/objection", 404)
    assert count(Objection) == 0


def test_a_published_list_has_a_lasting_address(pw, client):
    resp = client.get(f"/results/selections/{pw.shortlist.id}")
    assert resp.status_code == 302
    assert resp.headers["Location"] == f"/results/{pw.comp.id}#selection-{pw.shortlist.id}"
    page(client, f"/results/selections/{pw.unpublished.id}", 404)


def test_the_window_ends_with_its_closing_second(pw, client, monkeypatch):
    closes = pw.shortlist.objection_closes_at
    monkeypatch.setattr(clock, "now", lambda: closes)
    html = page(client, f"/results/{pw.comp.id}")
    assert "Submit an objection" in html and "less than a minute left" in html
    assert "<form" in page(client, f"/results/selections/{pw.shortlist.id}/objection")
    monkeypatch.setattr(clock, "now", lambda: closes + timedelta(seconds=1))
    html = page(client, f"/results/{pw.comp.id}")
    assert "Submit an objection" not in html and "The objection period closed on" in html
    assert "<form" not in page(client, f"/results/selections/{pw.shortlist.id}/objection")


def test_past_the_submission_stage_the_deadline_is_closed_whatever_the_dates(pw, client):
    html = page(client, "/")  # KIPP 2026 is in shortlist with a deadline still ahead
    assert "Submission closed" in html and "days" not in html.split("Latest published")[0]
