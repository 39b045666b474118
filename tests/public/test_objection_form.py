"""The public objection form (masa sanggah) end to end: a reference on success, every refusal
shown beside its field with nothing typed lost, and nothing stored when refused."""

from __future__ import annotations

from datetime import timedelta

from kipp.clock import now
from kipp.extensions import db
from kipp.models.publication import Objection
from tests.helpers import count
from tests.public.fixtures import HTML_TITLE, STATEMENT


def url(sel) -> str:
    return f"/results/selections/{sel.id}/objection"


def form(entry, **over) -> dict:
    return {
        "entry_id": str(entry.id),
        "name": "Siti Rahayu",
        "email": "siti@example.id",
        "statement": STATEMENT,
    } | over


def test_the_form_offers_listed_entries_and_is_never_cached(pw, client):
    pw.entries[2].status = "disqualified"
    db.session.commit()
    resp = client.get(url(pw.shortlist) + f"?entry_id={pw.entries[1].id}")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "private, no-store"
    html = resp.get_data(as_text=True)
    assert f'<option selected value="{pw.entries[1].id}">' in html  # chosen from the list
    assert f'value="{pw.entries[0].id}"' in html
    assert f'value="{pw.entries[2].id}"' not in html  # disqualified: nothing to object to
    assert "&lt;script&gt;" in html and HTML_TITLE not in html


def test_an_objection_gets_a_reference_once(pw, client):
    resp = client.post(url(pw.shortlist), data=form(pw.entries[0]))
    assert resp.status_code == 302
    sent = resp.headers["Location"]
    assert sent.endswith(f"/results/selections/{pw.shortlist.id}/objection/sent")
    obj = db.session.scalars(db.select(Objection)).one()
    assert (obj.entry_id, obj.name, obj.email, obj.status) == (
        pw.entries[0].id,
        "Siti Rahayu",
        "siti@example.id",
        "received",
    )
    html = client.get(sent).get_data(as_text=True)
    assert f'<code id="objection-reference">{obj.reference}</code>' in html
    # reloading the page shows the form again, it does not object twice
    again = client.get(sent)
    assert again.status_code == 302 and again.headers["Location"].endswith(url(pw.shortlist))
    assert count(Objection) == 1
    # the register of the results page lists it (received, no personal data)
    results = client.get(f"/results/{pw.comp.id}").get_data(as_text=True)
    assert obj.reference in results and "Siti" not in results


def test_errors_are_shown_beside_their_fields_and_nothing_typed_is_lost(pw, client):
    typed = form(pw.entries[1], email="not-an-address", statement="Terlalu pendek.")
    resp = client.post(url(pw.shortlist), data=typed)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'id="email-err"' in html and 'id="statement-err"' in html
    assert 'id="name-err"' not in html and 'aria-invalid="true"' in html
    assert 'value="Siti Rahayu"' in html and 'value="not-an-address"' in html
    assert "Terlalu pendek.</textarea>" in html
    assert f'<option selected value="{pw.entries[1].id}">' in html
    assert count(Objection) == 0


def test_an_entry_outside_the_list_is_refused(pw, client):
    for bad in (str(pw.old_entry.id), "abc", "", str(2**31)):
        resp = client.post(url(pw.shortlist), data=form(pw.entries[0], entry_id=bad))
        assert resp.status_code == 422, bad
        assert 'id="entry_id-err"' in resp.get_data(as_text=True)
    assert count(Objection) == 0


def test_outside_the_window_the_form_is_closed(pw, client):
    pw.shortlist.objection_closes_at = now().replace(microsecond=0) - timedelta(seconds=1)
    db.session.commit()
    html = client.get(url(pw.shortlist)).get_data(as_text=True)
    assert "The objection period for this list is closed." in html and "<form" not in html
    resp = client.post(url(pw.shortlist), data=form(pw.entries[0]))
    assert resp.status_code == 409
    assert "The objection period for this list is closed." in resp.get_data(as_text=True)
    assert count(Objection) == 0


def test_unpublished_selections_have_no_form(pw, client):
    assert client.get(url(pw.unpublished)).status_code == 404
    assert client.post(url(pw.unpublished), data=form(pw.entries[2])).status_code == 404
    assert client.get(url(pw.unpublished) + "/sent").status_code == 404
    assert count(Objection) == 0


def test_more_than_five_an_hour_from_one_address_are_refused(pw, client):
    for _ in range(5):
        assert client.post(url(pw.shortlist), data=form(pw.entries[0])).status_code == 302
    resp = client.post(url(pw.shortlist), data=form(pw.entries[0], name="Keenam"))
    assert resp.status_code == 429
    html = resp.get_data(as_text=True)
    assert "Too many objections" in html and 'value="Keenam"' in html
    assert count(Objection) == 5
