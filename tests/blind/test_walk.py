"""Walk every page and endpoint an evaluator can reach (every GET rule of the app, with the
ids of the evaluator's competition, assignments, entries and attachments): in a blind review
no response names an entry's agency, province or kind, says it is in a 3T area, or lists a
hidden attachment. The same walk as the chair finds all of them, so the check can fail."""

from __future__ import annotations

from flask import current_app

from kipp.labels import AGENCY_KIND_LABELS
from tests.blind.conftest import BlindWorld, build

# Rules not walked, each with its reason.
EXCUSED = {
    "static": "the same files for everyone, none built from data",
}
# Rules walked whose answers are not searched, each with its reason.
UNLINKED = {
    "api_accounts.list_agencies": "every agency, readable by anyone logged in (permission "
    "matrix); a blind reader's entries carry no agency_id to link them to one",
    "api_accounts.get_agency": "the same, one agency by id",
}


def arguments(w: BlindWorld) -> dict[str, list]:
    """The values walked for each URL argument: the objects an evaluator works with (and a
    junk value for codes and tokens, which name nothing in this world)."""
    return {
        "competition_id": [w.comp.id],
        "entry_id": [e.id for e in w.entries],
        "innovation_id": [e.id for e in w.entries],
        "assignment_id": [a.id for a in w.assignments],
        "attachment_id": [a.id for a in w.attachments],
        "agency_id": [o.agency_id for o in w.owners],
        "user_id": [w.evaluator.id],
        "selection_id": [w.shortlist.id],
        "job_id": [1],
        "code": ["en"],
        "serial": ["KIPP-2026-0001"],
        "token": ["x" * 40],
    }


def walk(client, w: BlindWorld) -> tuple[dict[str, tuple[str, bytes]], set[str]]:
    """{url: (endpoint, body)} of every GET answer, and the endpoints visited."""
    values = arguments(w)
    bodies: dict[str, bytes] = {}
    visited: set[str] = set()
    for rule in current_app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in EXCUSED:
            continue
        missing = [a for a in rule.arguments if a not in values]
        assert not missing, f"{rule.rule}: no values for {missing}; walk it or excuse it"
        combos: list[dict] = [{}]
        for arg in sorted(rule.arguments):
            combos = [c | {arg: v} for c in combos for v in values[arg]]
        for combo in combos:
            url = rule.build(combo, append_unknown=False)[1]
            resp = client.get(url)
            assert resp.status_code < 500, url
            bodies[url] = (rule.endpoint, resp.get_data())
            visited.add(rule.endpoint)
    return bodies, visited


def secrets(w: BlindWorld) -> set[str]:
    """What a blind evaluator must never read, taken from the database."""
    found: set[str] = set()
    for agency in w.agencies():
        found |= {agency.name, agency.province, str(AGENCY_KIND_LABELS[agency.kind])}
        if agency.is_3t:
            found.add("3T area")
    return found | {a.filename for a in w.hidden()}


def leaks(bodies: dict, public: dict, needles: set[str]) -> dict[str, list[str]]:
    """{needle: [url]} of the answers that show a needle which the same URL does not show to
    anonymous visitors (a filter label such as "3T area" on the public directory is no
    entry's secret)."""
    found: dict[str, list[str]] = {}
    for url, (endpoint, body) in bodies.items():
        if endpoint in UNLINKED:
            continue
        text = body.decode("utf-8", "replace")
        anonymous = public[url][1].decode("utf-8", "replace")
        for needle in needles:
            if needle in text and needle not in anonymous:
                found.setdefault(needle, []).append(url)
    return found


def test_every_route_is_walked_or_excused(app, world):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods}
    assert set(EXCUSED) | set(UNLINKED) <= endpoints, "an excused endpoint no longer exists"


def test_a_blind_evaluator_reads_no_agency_anywhere(app, world, web_login):
    public, _ = walk(app.test_client(), world)
    client = web_login(world.evaluator)
    bodies, visited = walk(client, world)
    assert {"panel.assignments", "panel.score", "api_entries.show", "api_judging.mine"} <= visited
    # The walk reached the evaluator's own work (so "nothing found" means something).
    for a in world.assignments:
        assert f"Proposal #{a.entry_id}".encode() in bodies["/panel/"][1]
        assert a.entry.title.encode() in bodies[f"/panel/assignments/{a.id}"][1]
    for att in world.shown():
        assert bodies[f"/api/v1/attachments/{att.id}"][1].startswith(b"%PDF")
    assert leaks(bodies, public, secrets(world)) == {}


def test_the_chair_walking_the_same_routes_reads_every_agency(app, world, web_login):
    public, _ = walk(app.test_client(), world)
    client = web_login(world.chair)
    bodies, _ = walk(client, world)
    needles = secrets(world)
    assert set(leaks(bodies, public, needles)) == needles


def test_without_blind_review_the_evaluator_reads_the_agencies(app, make, web_login):
    world = build(make, blind=False)
    public, _ = walk(app.test_client(), world)
    bodies, _ = walk(web_login(world.evaluator), world)
    found = leaks(bodies, public, secrets(world))
    assert {a.name for a in world.agencies()} <= set(found)
    assert {a.filename for a in world.hidden()} <= set(found)
