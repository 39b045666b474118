"""The public data API (contract v1.1 § Public data): anonymous, nothing unpublished, no
scores, cacheable; the open-data CSV parses and says what the API says."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlparse

from kipp.extensions import db
from tests.helpers import assert_problem
from tests.public.fixtures import FORMULA_TITLE, HTML_AGENCY, HTML_TITLE, fix_by_decree

A = "/api/v1/public"


def test_competitions_lists_public_competitions_and_published_selections_only(pw, api):
    resp = api().get(f"{A}/competitions")
    assert resp.status_code == 200
    body = resp.get_json()
    by_id = {c["id"]: c for c in body["items"]}
    assert body["total"] == 2 and set(by_id) == {pw.comp.id, pw.old.id}  # no draft
    assert [c["year"] for c in body["items"]] == [2026, 2025]  # newest first
    item = by_id[pw.comp.id]
    assert set(item) == {
        "id",
        "name",
        "year",
        "stage",
        "submission_opens_at",
        "submission_closes_at",
        "selections",
    }
    assert item["stage"] == "shortlist" and item["submission_closes_at"].endswith("+07:00")
    # the finalised but unpublished final tier is not there
    assert item["selections"] == [
        {"id": pw.shortlist.id, "tier": "shortlist", "public_status": "objection_open"}
    ]
    assert by_id[pw.old.id]["selections"][0]["public_status"] == "fixed"


def test_published_selection_has_the_contract_fields_and_no_scores(pw, api):
    resp = api().get(f"{A}/selections/{pw.shortlist.id}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert set(body) == {
        "id",
        "competition_id",
        "tier",
        "award_label",
        "public_status",
        "published_at",
        "objection_closes_at",
        "decree",
        "entries",
    }
    assert body["public_status"] == "objection_open" and body["decree"] is None
    assert body["award_label"] and body["objection_closes_at"].endswith("+07:00")
    assert [e["entry_id"] for e in body["entries"]] == [e.id for e in pw.entries]
    second = body["entries"][1]
    assert second == {
        "entry_id": pw.entries[1].id,
        "title": HTML_TITLE,
        "agency": HTML_AGENCY,
        "province": "Papua",
        "kind": "kota",
        "group": "replikasi",
        "status": "listed",
    }
    text = resp.get_data(as_text=True)
    assert "score" not in text and "rank" not in text and "justification" not in text


def test_unpublished_unknown_and_draft_are_not_found(pw, api):
    assert_problem(api().get(f"{A}/selections/{pw.unpublished.id}"), 404, "not_found")
    assert_problem(api().get(f"{A}/selections/999999"), 404, "not_found")
    assert_problem(api().get(f"{A}/selections/{2**31}"), 404)
    assert_problem(api().get(f"{A}/results.csv?competition_id={pw.draft.id}"), 404, "not_found")
    assert_problem(api().get(f"{A}/results.csv?competition_id=999999"), 404, "not_found")
    assert_problem(api().get(f"{A}/results.csv?competition_id=0"), 422, "validation_error")
    # a selection published in a competition sent back to draft is not visible either
    pw.shortlist.competition_id = pw.draft.id
    db.session.commit()
    assert_problem(api().get(f"{A}/selections/{pw.shortlist.id}"), 404, "not_found")


def test_disqualified_entry_is_shown_as_such(pw, api):
    pw.entries[0].status = "disqualified"
    db.session.commit()
    entries = api().get(f"{A}/selections/{pw.shortlist.id}").get_json()["entries"]
    assert [e["status"] for e in entries] == ["disqualified", "listed", "listed"]


def test_decree_is_shown_once_recorded_with_its_file(pw, api, client):
    body = api().get(f"{A}/selections/{pw.fixed.id}").get_json()
    assert body["public_status"] == "fixed"
    url = body["decree"].pop("file_url")
    assert body["decree"] == {"number": "123/KEP/M.PANRB/2025", "signed_on": "2025-09-01"}
    assert url.endswith(f"/results/selections/{pw.fixed.id}/decree.pdf")
    pdf = client.get(urlparse(url).path)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Cache-Control"] == "public, max-age=600" and pdf.headers["ETag"]
    # a decree without its signed file yet: the number, no URL, no download
    fix_by_decree(pw.shortlist, pw.admin, with_file=False)
    decree = api().get(f"{A}/selections/{pw.shortlist.id}").get_json()["decree"]
    assert decree["number"] and decree["file_url"] is None
    assert client.get(f"/results/selections/{pw.shortlist.id}/decree.pdf").status_code == 404


def test_every_public_answer_is_cacheable_with_etag_and_304(pw, api, client, web_login):
    urls = [
        f"{A}/competitions",
        f"{A}/selections/{pw.shortlist.id}",
        f"{A}/results.csv?competition_id={pw.comp.id}",
        f"{A}/results.csv",
    ]
    for url in urls:
        first = client.get(url)
        assert first.status_code == 200, url
        cache = first.headers["Cache-Control"]
        assert cache == "public, max-age=60", url
        etag = first.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", url
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
        assert "Set-Cookie" not in first.headers
    # a logged-in browser session gets a private answer, never stored by a shared cache
    web_login(pw.admin)
    mine = client.get(urls[1])
    assert mine.status_code == 200
    assert (
        "private" in mine.headers["Cache-Control"] and "public" not in mine.headers["Cache-Control"]
    )


def test_a_bad_token_is_refused_even_on_public_data(pw, api):
    resp = api().get(f"{A}/competitions", headers={"Authorization": "Bearer nonsense"})
    assert_problem(resp, 401, "unauthenticated")


def _csv(resp) -> list[dict]:
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(resp.data.decode("utf-8-sig"), newline="")))


def test_results_csv_parses_and_matches_the_api(pw, api):
    pw.entries[1].status = "disqualified"
    db.session.commit()
    rows = _csv(api().get(f"{A}/results.csv?competition_id={pw.comp.id}"))
    listing = api().get(f"{A}/selections/{pw.shortlist.id}").get_json()
    assert len(rows) == len(listing["entries"]) == 3  # the unpublished final tier is absent
    for place, (row, item) in enumerate(zip(rows, listing["entries"], strict=True), start=1):
        assert row["selection_id"] == str(listing["id"]) and row["place"] == str(place)
        assert row["award_label"] == listing["award_label"]
        assert row["public_status"] == listing["public_status"] == "objection_open"
        for key in ("entry_id", "agency", "province", "kind", "group", "status"):
            assert row[key] == str(item[key])
        # a formula-looking title is neutralised for spreadsheets, nothing else changes
        title = item["title"]
        assert row["title"] == ("'" + title if title == FORMULA_TITLE else title)
    assert rows[1]["status"] == "disqualified" and rows[1]["title"] == HTML_TITLE
    assert "score" not in rows[0] and "rank" not in rows[0]
    # every competition: both published lists, newest data included
    everything = _csv(api().get(f"{A}/results.csv"))
    assert {r["selection_id"] for r in everything} == {str(pw.shortlist.id), str(pw.fixed.id)}
    fixed = next(r for r in everything if r["selection_id"] == str(pw.fixed.id))
    assert fixed["decree_number"] == "123/KEP/M.PANRB/2025"
    assert fixed["decree_signed_on"] == "2025-09-01"


def test_results_csv_of_a_competition_without_published_lists_is_only_the_header(make, api):
    comp = make.competition(stage="submission")
    resp = api().get(f"{A}/results.csv?competition_id={comp.id}")
    assert _csv(resp) == [] and resp.data.decode("utf-8-sig").startswith("competition_id,")
