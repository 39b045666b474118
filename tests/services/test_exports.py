"""API contract § Exports: results as CSV (UTF-8 with BOM) and XLSX, one row per entry."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from kipp.extensions import db
from kipp.judging.exports import COLUMNS
from kipp.models import Selection, SelectionEntry
from tests.services.judging_fixtures import finalised_shortlist, set_stage
from tests.services.test_api_ranking import (
    add_sheet,
    assert_problem,
    count_statements,
    scored_world,
)

CSV = "/api/v1/competitions/{}/results.csv"
XLSX = "/api/v1/competitions/{}/results.xlsx"


@pytest.fixture
def results(make):
    """Three eligible entries scored in evaluation, two shortlisted, one in the final tier;
    plus a submitted, an ineligible and a draft entry."""
    w = scored_world(make, [[90, 91], [80, 80], [70, 70]], shortlist_size=2, final_size=1)
    e = w.entries
    e[0].title = '=HYPERLINK("http://x")  Layanan Cepat'
    papua = make.agency("Kota Jayapura", kind="kota", province="Papua", is_3t=True)
    owner = make.user("agency", agency=papua)
    submitted = make.entry(w.comp, owner, status="submitted", title="Sistem Antrean Daring")
    ineligible = make.entry(w.comp, owner, status="ineligible", title="Aplikasi Ditolak")
    draft = make.entry(w.comp, owner, status="draft", title="Masih Draf")
    panelist, chair = w.panel
    finalised_shortlist(w.comp, [e[0], e[1]], chair)
    set_stage(w.comp, "final")
    add_sheet(w.comp, e[0], panelist, 70, "panel")
    add_sheet(w.comp, e[1], panelist, 88, "panel")
    db.session.commit()
    db.session.add(
        Selection(
            competition_id=w.comp.id,
            tier="final",
            status="final",
            size=1,
            created_by_id=chair.id,
            entries=[SelectionEntry(entry_id=e[1].id, place=1, rank=1)],
        )
    )
    db.session.commit()
    return {"w": w, "submitted": submitted, "ineligible": ineligible, "draft": draft}


def expected_rows(results):
    e = results["w"].entries
    agency = [x.agency.name for x in e]
    return {
        e[0].id: [str(e[0].id), "'" + e[0].title, agency[0], "kabupaten", "Jawa Tengah", "no",
                  "umum", "eligible", "90.50", "1", "70.00", "2", "shortlist"],
        e[1].id: [str(e[1].id), e[1].title, agency[1], "kabupaten", "Jawa Tengah", "no",
                  "umum", "eligible", "80.00", "2", "88.00", "1", "final"],
        e[2].id: [str(e[2].id), e[2].title, agency[2], "kabupaten", "Jawa Tengah", "no",
                  "umum", "eligible", "70.00", "3", "", "", ""],
        results["submitted"].id: [str(results["submitted"].id), "Sistem Antrean Daring",
                                  "Kota Jayapura", "kota", "Papua", "yes", "umum", "submitted",
                                  "", "", "", "", ""],
        results["ineligible"].id: [str(results["ineligible"].id), "Aplikasi Ditolak",
                                   "Kota Jayapura", "kota", "Papua", "yes", "umum", "ineligible",
                                   "", "", "", "", ""],
    }  # fmt: skip


def test_csv_rows(api, results):
    w = results["w"]
    resp = api(w.admin).get(CSV.format(w.comp.id))
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    raw = resp.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == list(COLUMNS)
    body = {int(r[0]): r for r in rows[1:]}
    assert body == expected_rows(results)
    assert results["draft"].id not in body
    assert b"\r\n" in raw


def test_xlsx_rows(api, results):
    w = results["w"]
    resp = api(w.chair).get(XLSX.format(w.comp.id))
    assert resp.status_code == 200
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(resp.get_data())).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    body = {r[0]: r for r in rows[1:]}
    assert set(body) == set(expected_rows(results))
    e = w.entries
    first = body[e[0].id]
    # The formula-looking title is kept verbatim, as text (never run as a formula).
    assert first[1] == e[0].title
    assert first[8:] == (90.5, 1, 70, 2, "shortlist")
    assert body[e[1].id][8:] == (80, 2, 88, 1, "final")
    assert body[e[2].id][10:] == (None, None, None)
    assert body[results["submitted"].id][2:8] == (
        "Kota Jayapura",
        "kota",
        "Papua",
        True,
        "umum",
        "submitted",
    )
    cell = ws.cell(row=2, column=2)
    assert cell.data_type == "s"


@pytest.mark.parametrize("role, status", [("panelist", 403), ("evaluator", 403), ("agency", 403)])
def test_who_exports(make, api, results, role, status):
    w = results["w"]
    for url in (CSV, XLSX):
        assert_problem(api(make.user(role)).get(url.format(w.comp.id)), status, "forbidden")
    assert_problem(api().get(CSV.format(w.comp.id)), 401, "unauthenticated")


def test_export_statements_are_constant(make, api):
    def statements(n):
        w = scored_world(make, [[60 + i % 30, 70] for i in range(n)], n_agencies=3)
        client = api(w.admin)
        db.session.expire_all()
        with count_statements() as seen:
            resp = client.get(CSV.format(w.comp.id))
        assert resp.status_code == 200
        assert resp.get_data().count(b"\r\n") == n + 1
        return len(seen)

    assert statements(5) == statements(30)


def test_empty_competition_exports_headers_only(make, api):
    comp = make.competition(stage="evaluation")
    resp = api(make.admin()).get(CSV.format(comp.id))
    assert resp.get_data().decode("utf-8-sig").splitlines() == [",".join(COLUMNS)]
