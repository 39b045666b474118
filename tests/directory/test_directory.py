"""The innovation directory: visibility, search on both databases, lineage, CSV, caching."""

from __future__ import annotations

import csv
import io

import pytest

from kipp.extensions import db
from kipp.models import Agency, Competition
from tests.directory.conftest import VISIBLE
from tests.helpers import assert_problem

URL = "/api/v1/public/innovations"


def ids(resp) -> list[int]:
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return [i["id"] for i in resp.get_json()["items"]]


def names(world, found: list[int]) -> set[str]:
    by_id = {e.id: k for k, e in world.e.items()}
    return {by_id[i] for i in found}


def test_only_published_or_consented_awarded_entries_are_visible(world, client):
    assert names(world, ids(client.get(URL))) == VISIBLE
    for hidden in ("private", "dq", "pending", "early"):
        resp = client.get(f"{URL}/{world.e[hidden].id}")
        assert_problem(resp, 404)
        assert client.get(f"/innovations/{world.e[hidden].id}").status_code == 404
    assert client.get(f"{URL}/{world.e['final'].id}").status_code == 200


def test_public_flag_counts_only_once_the_year_is_awarded(world, client):
    early = world.e["early"]
    assert early.id not in ids(client.get(URL))
    comp = db.session.get(Competition, early.competition_id)
    db.session.execute(
        db.update(Competition).where(Competition.id == comp.id).values(stage="awarded")
    )
    db.session.commit()
    assert early.id in ids(client.get(URL))
    assert world.e["pending"].id not in ids(client.get(URL))  # its shortlist is unpublished


def test_default_order_is_newest_year_then_title(world, client):
    items = client.get(URL).get_json()["items"]
    keys = [(-i["year"], i["title"]) for i in items]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    "q, expected",
    [
        ("pelayanan", {"final", "replica", "replica2"}),  # layanan, melayani: one root
        ("melayani", {"final", "replica", "replica2"}),
        ("sehat", {"final", "replica"}),  # kesehatan
        ("service", {"final"}),  # English forms: services
        ("KESEHATAN", {"final", "replica"}),
        ('"kesehatan keliling"', {"final"}),  # a phrase
        ("kesehatan -bergerak", {"final"}),
        ("surabaya", {"consented", "replica2"}),  # the agency's name
    ],
)
def test_full_text_word_forms(world, client, q, expected):
    assert names(world, ids(client.get(URL, query_string={"q": q}))) == expected


def test_title_match_ranks_above_summary_match(world, client):
    found = ids(client.get(URL, query_string={"q": "keliling"}))
    # "keliling" is in the titles of final and replica2, only in replica's summary
    assert found[-1] == world.e["replica"].id
    assert set(found[:2]) == {world.e["final"].id, world.e["replica2"].id}


@pytest.mark.parametrize(
    "q",
    [
        '"unclosed',
        "' OR 1=1 --",
        "NEAR(a b) AND * ^x",
        "-only -negative",
        "yang dan di",
        "the of and",
        "!!! ??? ***",
        "中文 😀 ĉ",
        "a" * 200,
        ") ( : { }",
    ],
)
def test_hostile_queries_never_fail(world, client, q):
    assert client.get(URL, query_string={"q": q}).status_code == 200
    assert client.get("/innovations", query_string={"q": q}).status_code == 200


def test_long_query_is_422_in_the_api_and_trimmed_on_the_page(world, client):
    assert_problem(client.get(URL, query_string={"q": "x" * 10_000}), 422)
    assert client.get("/innovations", query_string={"q": "kesehatan " * 1000}).status_code == 200


def test_filters_and_facets(world, client):
    body = client.get(URL, query_string={"island": "papua"}).get_json()
    assert names(world, [i["id"] for i in body["items"]]) == {"short", "replica"}
    assert body["facets"]["year"] == [{"value": 2025, "count": 1}, {"value": 2024, "count": 1}]
    body = client.get(URL, query_string={"is_3t": "false", "year": 2024}).get_json()
    assert names(world, [i["id"] for i in body["items"]]) == {"final", "consented"}
    assert {v["value"]: v["count"] for v in body["facets"]["tier"]} == {"final": 1, "none": 1}
    assert names(world, ids(client.get(URL, query_string={"tier": "final"}))) == {"final"}
    assert names(world, ids(client.get(URL, query_string={"kind": "kota"}))) == {
        "consented",
        "replica2",
    }
    assert names(world, ids(client.get(URL, query_string={"group": "replikasi"}))) == {
        "replica",
        "replica2",
    }
    assert_problem(client.get(URL, query_string={"island": "atlantis"}), 422)


def test_lineage_both_ways(world, client):
    final = client.get(f"{URL}/{world.e['final'].id}").get_json()
    assert final["replicated_by"] == 2
    assert {r["id"] for r in final["replications"]} == {
        world.e["replica"].id,
        world.e["replica2"].id,
    }
    assert final["abstract"].startswith("Jawaban lengkap")
    replica = client.get(f"{URL}/{world.e['replica'].id}").get_json()
    assert replica["replicates"] == {
        "id": world.e["final"].id,
        "title": "Pelayanan Kesehatan Keliling",
        "agency": "Dinas Kesehatan DKI Jakarta",
    }
    page = client.get(f"/innovations/{world.e['final'].id}").get_data(as_text=True)
    assert "Replicated by 2 agencies" in page and "Klinik Keliling Surabaya" in page


def test_agency_rename_reaches_the_index(world, client):
    agency = db.session.get(Agency, world.users["jkt"].agency_id)
    agency.name = "Dinas Kesehatan Provinsi Jakarta Raya"
    db.session.commit()
    assert names(world, ids(client.get(URL, query_string={"q": "raya"}))) == {"final"}


def test_csv_holds_the_same_filtered_list(world, client):
    resp = client.get(f"{URL}.csv", query_string={"island": "jawa"})
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert {int(r["id"]) for r in rows} == set(
        ids(client.get(URL, query_string={"island": "jawa"}))
    )
    assert any(r["replicates_id"] == str(world.e["final"].id) for r in rows)


@pytest.mark.parametrize("path", [URL, f"{URL}.csv", "/innovations"])
def test_cacheable_with_etag_and_304(world, client, path):
    resp = client.get(path)
    assert "public" in resp.headers["Cache-Control"] and "max-age" in resp.headers["Cache-Control"]
    again = client.get(path, headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304


def test_page_shows_charts_and_counts(world, client):
    page = client.get("/innovations", query_string={"q": "kesehatan"}).get_data(as_text=True)
    assert "<svg" in page and "Results by island group" in page and "<table" in page
    assert "2 innovations" in page


def test_csv_neutralises_formulas(world, make, client):
    comp = world.comps[2024]
    make.entry(comp, world.users["sby"], "eligible", title="=HYPERLINK(1)", public=True)
    body = client.get(f"{URL}.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in body


def test_reindex_rebuilds_the_index_and_its_triggers(world, app, client):
    from click.testing import CliRunner

    from kipp.models import Entry

    runner = CliRunner()
    result = runner.invoke(app.cli, ["directory", "reindex"], obj=None)
    assert result.exit_code == 0, result.output
    assert "entries indexed" in result.output
    assert names(world, ids(client.get(URL, query_string={"q": "sampah"}))) == {"consented"}
    entry = db.session.get(Entry, world.e["consented"].id)
    entry.title = "Tabungan Emas Warga"  # the triggers still work after the rebuild
    db.session.commit()
    assert names(world, ids(client.get(URL, query_string={"q": "tabungan"}))) == {"consented"}


def test_in_directory_predicate(world):
    from kipp.permissions import in_directory

    assert in_directory(None, world.e["consented"])
    assert not in_directory(None, world.e["private"])
    assert not in_directory(None, None)


def test_process_cache_serves_anonymous_visitors_only(world, make, app, client):
    from kipp import pagecache
    from kipp.directory import queries

    app.config["KIPP_PAGE_CACHE"] = True
    pagecache.clear()
    try:
        first = client.get("/innovations").get_data(as_text=True)
        make.entry(world.comps[2024], world.users["sby"], "eligible", title="Baru", public=True)
        assert client.get("/innovations").get_data(as_text=True) == first  # within max-age
        client.set_cookie("other", "1")  # a visitor with cookies is never served the copy
        queries.clear_cache()  # (the search itself is kept a minute too: see below)
        assert "Baru" in client.get("/innovations").get_data(as_text=True)
    finally:
        pagecache.clear()
        queries.clear_cache()


def test_search_results_are_kept_a_minute_per_process(world, make, app, monkeypatch):
    from sqlalchemy import event

    from kipp import ttlcache
    from kipp.directory import queries

    now = [5000.0]
    monkeypatch.setattr(ttlcache.time, "monotonic", lambda: now[0])
    app.config["KIPP_PAGE_CACHE"] = True
    queries.clear_cache()
    statements = []

    def seen(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        first = queries.search(queries.Filters(q="kesehatan"))
        ran = len(statements)
        first.items.clear()  # the caller's copy: the kept answer is untouched
        again = queries.search(queries.Filters(q="kesehatan"))
        assert len(statements) == ran and again.total == 2 and len(again.items) == 2
        queries.search(queries.Filters(q="kesehatan", year=2025))  # another search runs
        assert len(statements) > ran
        make.entry(
            world.comps[2024], world.users["sby"], "eligible", title="Kesehatan Baru", public=True
        )
        assert queries.search(queries.Filters(q="kesehatan")).total == 2  # within the minute
        now[0] += queries.RESULTS_MAX_AGE
        assert queries.search(queries.Filters(q="kesehatan")).total == 3
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
        queries.clear_cache()


@pytest.mark.parametrize(
    "spec",
    [
        {"q": "kesehatan"},  # only a text (on PostgreSQL: hits first)
        {"q": "keliling"},  # title and summary matches: ranks differ
        {"q": "zzzz"},  # nothing matches
        {},  # no criterion (on PostgreSQL: facets and page apart)
        {"q": "!!!"},  # no word: as no criterion
        {"q": "kesehatan", "year": 2024},  # a text and a filter (one materialized set)
        {"island": "papua"},
        {"tier": "none"},
    ],
)
def test_every_page_and_facet_agree_with_the_full_list(world, spec):
    """Whatever shape the search takes, page n of size 1 is the n-th row of the full list in
    list order (`all_rows`, the CSV's), the total its length, and each facet its counts."""
    from kipp.directory.facets import FACETS
    from kipp.directory.queries import Filters, all_rows, search

    full = all_rows(Filters(**spec))
    expected = {name: {} for name in FACETS}
    for row in full:
        for name in FACETS:
            value = row[name] if name != "tier" else row["tier"] or "none"
            expected[name][value] = expected[name].get(value, 0) + 1
    for n in range(1, len(full) + 2):
        found = search(Filters(**spec), n, 1)
        assert [i["id"] for i in found.items] == [r["id"] for r in full[n - 1 : n]]
        assert found.total == len(full)
        got = {name: {v["value"]: v["count"] for v in vs} for name, vs in found.facets.items()}
        assert got == expected
