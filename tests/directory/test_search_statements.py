"""Directory search: the statements a search runs, the statements kept per shape, and the
page's items read with their lineage in one statement."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from kipp.extensions import db
from tests.directory.conftest import VISIBLE


@pytest.fixture
def statements(app):
    app.config["KIPP_PAGE_CACHE"] = False
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


@pytest.mark.parametrize("spec", [{"q": "kesehatan"}, {}, {"island": "papua"}])
def test_a_search_runs_the_same_few_statements_whatever_its_size(world, statements, spec):
    """PostgreSQL: the planner settings, the page with every facet, the settings restored, the
    items with their lineage (`queries._custom_plans`, `queries._planner_defaults`). SQLite:
    the page, every facet, the items with their lineage."""
    from kipp.directory.queries import Filters, search

    postgres = db.engine.dialect.name == "postgresql"
    for per_page in (1, 20):
        statements.clear()
        found = search(Filters(**spec), 1, per_page)
        assert found.items and len(statements) == (4 if postgres else 3)
        if postgres:
            assert "plan_cache_mode" in statements[0] and "TO DEFAULT" in statements[2]
            assert ("enable_seqscan" in statements[0]) == bool(spec.get("q"))


def test_the_planner_settings_last_for_the_search_only(world, app):
    """PostgreSQL: after a search the transaction plans as before (sequential scans allowed,
    plans chosen as usual), so the items and whatever follows use their kept plans."""
    from sqlalchemy import text

    from kipp.directory.queries import Filters, search

    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no planner settings")
    app.config["KIPP_PAGE_CACHE"] = False
    for spec in ({"q": "kesehatan"}, {}, {"island": "papua"}):
        assert search(Filters(**spec), 1, 20).items
        assert db.session.scalar(text("SHOW enable_seqscan")) == "on"
        assert db.session.scalar(text("SHOW plan_cache_mode")) == "auto"


@pytest.mark.parametrize(
    "first, then",
    [
        ({"q": "kesehatan"}, {"q": "keliling"}),
        ({"island": "papua"}, {"island": "jawa"}),
        ({"year": 2024}, {"year": 2025}),
        ({"province": "Papua"}, {"province": " dki jakarta "}),
        ({"kind": "kota"}, {"kind": "kabupaten"}),
        ({"group": "replikasi"}, {"group": "umum"}),
        ({"tier": "final"}, {"tier": "shortlist"}),
        ({"q": "kesehatan", "year": 2024}, {"q": "keliling", "year": 2025}),
        ({"stale": True, "year": 2024}, {"stale": True, "year": 2025}),
    ],
)
def test_a_statement_kept_for_a_shape_runs_with_each_searchs_values(world, app, first, then):
    """The second search of a shape reuses the statement built for the first (PostgreSQL)
    and still answers for its own values: as the full list (`all_rows`) says, page by page."""
    from kipp.directory.queries import Filters, all_rows, search

    app.config["KIPP_PAGE_CACHE"] = False
    for spec in (first, then, first):
        full = all_rows(Filters(**spec))
        assert [i["id"] for i in search(Filters(**spec), 1, 20).items] == [r["id"] for r in full]
        for n in (1, 2):
            page = search(Filters(**spec), n, 1)
            assert page.items == full[n - 1 : n] and page.total == len(full)


def test_items_with_lineage_are_the_items_read_apart(world, make):
    """`items_of` (one statement) gives what `dump_rows` gives from the rows, their replicated
    innovation and their count read apart: a visible target, a hidden one (its free text
    instead), a hidden replica (not counted) and ids that are not in the directory."""
    from kipp.directory.items import dump_rows, items_of
    from kipp.directory.queries import visible_rows

    final, private = world.e["final"], world.e["private"]
    comp = world.comps[2025]
    copied = make.entry(
        comp, world.users["jkt"], "eligible", group="replikasi", public=True,
        title="Tiruan Rahasia", replicates="Rahasia Kota", replicates_entry_id=private.id,
    )  # fmt: skip
    hidden = make.entry(
        comp, world.users["jkt"], "eligible", group="replikasi", title="Tiruan Tersembunyi",
        replicates_entry_id=final.id,
    )  # fmt: skip
    ids = [e.id for e in world.e.values()] + [copied.id, hidden.id, 10**6]
    rows = visible_rows(ids)
    expected = dump_rows([rows[i] for i in ids if i in rows])
    assert items_of(ids) == expected and items_of([]) == []
    assert {i["id"] for i in expected} >= {world.e[k].id for k in VISIBLE}
    by_title = {i["title"]: i for i in expected}
    assert by_title["Tiruan Rahasia"]["replicates"] == {
        "id": None,
        "title": "Rahasia Kota",
        "agency": None,
    }
    assert by_title["Pelayanan Kesehatan Keliling"]["replicated_by"] == 2
    assert by_title["Layanan Kesehatan Bergerak"]["replicates"]["id"] == final.id
