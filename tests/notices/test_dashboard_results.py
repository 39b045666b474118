"""The agency dashboard shows shortlisted / finalist / winner and the certificates."""

from __future__ import annotations

import pytest

from kipp.clock import now
from kipp.entries.results import entry_results
from kipp.extensions import db
from kipp.models import Certificate
from tests.services.judging_fixtures import selection, set_stage


def certificate(comp, entry, serial, award="final", stored=True, revoked=False):
    cert = Certificate(
        competition_id=comp.id,
        entry_id=entry.id,
        serial=serial,
        award=award,
        stored_name=f"{serial[-6:]:0>32}.pdf" if stored else None,
        revoked_at=now() if revoked else None,
    )
    db.session.add(cert)
    db.session.commit()
    return cert


@pytest.fixture
def world(make):
    comp = make.competition(stage="final")
    chair = make.user("chair")
    owner = make.user("agency")
    entries = {
        name: make.entry(comp, owner, status="eligible", title=f"Inovasi {name}")
        for name in ("short", "final", "proposed", "plain")
    }
    selection(comp, "shortlist", [entries["short"], entries["final"], entries["proposed"]], chair)
    selection(comp, "final", [entries["final"]], chair)
    selection(comp, "final", [entries["proposed"]], chair, status="proposed")
    return {"comp": comp, "owner": owner, **entries}


def tiers(w) -> dict[str, str | None]:
    found = entry_results(w["owner"], [w[n] for n in ("short", "final", "proposed", "plain")])
    return {
        n: (found[w[n].id].tier if w[n].id in found else None)
        for n in ("short", "final", "proposed", "plain")
    }


def test_results_come_from_finalised_selections(world):
    assert tiers(world) == {
        "short": "shortlisted",
        "final": "finalist",
        "proposed": "shortlisted",  # a proposed final tier says nothing yet
        "plain": None,
    }
    set_stage(world["comp"], "awarded")
    assert tiers(world)["final"] == "winner"
    assert tiers(world)["short"] == "shortlisted"


def test_results_list_only_certificates_the_agency_may_download(world, make):
    w = world
    set_stage(w["comp"], "awarded")
    good = certificate(w["comp"], w["final"], "KIPP-2026-000001")
    certificate(w["comp"], w["short"], "KIPP-2026-000002", award="shortlist", revoked=True)
    certificate(w["comp"], w["proposed"], "KIPP-2026-000003", award="shortlist", stored=False)
    found = entry_results(w["owner"], [w["final"], w["short"], w["proposed"]])
    assert found[w["final"].id].certificates == [good]
    assert found[w["short"].id].certificates == []
    assert found[w["proposed"].id].certificates == []
    stranger = make.user("agency")
    assert entry_results(stranger, [w["final"]])[w["final"].id].certificates == []


def test_dashboard_shows_results_and_certificate_links(client, web_login, world):
    w = world
    set_stage(w["comp"], "awarded")
    certificate(w["comp"], w["final"], "KIPP-2026-000001")
    web_login(w["owner"])
    resp = client.get("/agency/")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)

    def row(entry):
        start = page.index(f'id="entry-{entry.id}"')
        return page[start : page.index("</tr>", start)]

    assert "Winner" in row(w["final"])
    assert "/agency/certificates/KIPP-2026-000001/download" in row(w["final"])
    assert "Shortlisted" in row(w["short"]) and "download" not in row(w["short"])
    assert "Shortlisted" in row(w["proposed"])
    assert not any(word in row(w["plain"]) for word in ("Shortlisted", "Finalist", "Winner"))


def test_dashboard_before_the_award_says_finalist(client, web_login, world):
    web_login(world["owner"])
    page = client.get("/agency/").get_data(as_text=True)
    start = page.index(f'id="entry-{world["final"].id}"')
    assert "Finalist" in page[start : page.index("</tr>", start)]
    assert "Winner" not in page
