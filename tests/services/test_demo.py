"""The demo loader (`kipp.demo.seed`, `flask seed-demo`): realistic, consistent, idempotent."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from kipp.audit.chain import verify
from kipp.auth import passwords
from kipp.clock import now
from kipp.demo import DEMO_PASSWORD, seed
from kipp.entries.rules import old_enough, word_count
from kipp.extensions import db
from kipp.models import (
    AGENCY_KINDS,
    REPLICATION_TYPES,
    ROLES,
    Agency,
    AuditEvent,
    Competition,
    Conflict,
    Entry,
    User,
)
from kipp.screening.reasons import REASONS
from tests.conftest import PASSWORD

ISLAND_PROVINCES = {
    "Sumatera": {"Sumatera Barat", "Sumatera Utara", "Sumatera Selatan"},
    "Jawa": {"Jawa Timur", "Jawa Barat", "Jawa Tengah", "DI Yogyakarta", "DKI Jakarta"},
    "Kalimantan": {"Kalimantan Barat", "Kalimantan Timur", "Kalimantan Utara"},
    "Sulawesi": {"Sulawesi Selatan", "Sulawesi Utara"},
    "Bali-Nusa Tenggara": {"Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur"},
    "Maluku": {"Maluku"},
    "Papua": {"Papua", "Papua Pegunungan", "Papua Selatan"},
}


@pytest.fixture
def seeded(app):
    out = seed()
    db.session.commit()
    return out


def comp_named(name: str) -> Competition:
    return db.session.scalar(select(Competition).where(Competition.name == name))


def entries_of(comp: Competition) -> list[Entry]:
    return list(db.session.scalars(select(Entry).where(Entry.competition_id == comp.id)))


def table_counts() -> dict[str, int]:
    models = (Agency, User, Conflict, Competition, Entry, AuditEvent)
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def login(client, email: str, password: str = DEMO_PASSWORD) -> dict:
    r = client.post("/api/v1/auth/tokens", json={"email": email, "password": password})
    assert r.status_code == 201, (email, r.get_json())
    return {"Authorization": f"Bearer {r.get_json()['token']}"}


def test_agencies_cover_every_kind_and_island_group(seeded):
    agencies = list(db.session.scalars(select(Agency)))
    assert len(agencies) >= 30
    assert {a.kind for a in agencies} == set(AGENCY_KINDS)
    provinces = {a.province for a in agencies}
    for island, names in ISLAND_PROVINCES.items():
        assert provinces & names, island
    three_t = {a.name for a in agencies if a.is_3t}
    assert len(three_t) >= 5
    assert {"Kabupaten Kepulauan Aru", "Kabupaten Nduga", "Kabupaten Sumba Barat Daya"} <= three_t


def test_accounts_for_every_role_with_the_demo_password(seeded, client):
    users = list(db.session.scalars(select(User)))
    by_role = Counter(u.role for u in users)
    assert set(by_role) == set(ROLES)
    assert by_role["evaluator"] == 6 and by_role["panelist"] == 4 and by_role["chair"] == 1
    assert by_role["agency"] >= 3
    assert all(u.agency_id for u in users if u.role == "agency")
    assert any(u.agency_id for u in users if u.role == "evaluator")  # a home agency
    for user in users:
        assert user.email in seeded
        login(client, user.email)
    evaluator1 = db.session.scalar(select(User).where(User.email == "evaluator1@kipp.demo"))
    demo_agency = db.session.scalar(select(User).where(User.email == "agency@kipp.demo")).agency
    assert [c.agency_id for c in evaluator1.conflicts] == [demo_agency.id]
    assert evaluator1.conflicts[0].reason.strip()


def test_closed_year_in_screening_with_entries_in_every_status(seeded):
    comp = comp_named("KIPP 2026")
    assert comp.stage == "screening" and comp.year == 2026
    assert comp.submission_opens_at == datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    assert comp.submission_closes_at == datetime(2026, 6, 30, 16, 59, 59, tzinfo=UTC)
    assert {g.code: (g.quota, g.min_implementation_years) for g in comp.groups} == {
        "umum": (10, 2),
        "replikasi": (5, 1),
    }
    weights = {c.code: c.weight for c in comp.round_criteria("evaluation")}
    assert weights["signifikansi"] == 30 and sum(weights.values()) == 100
    assert sum(c.weight for c in comp.round_criteria("panel")) == 100
    rows = entries_of(comp)
    assert 100 <= len(rows) <= 140
    statuses = Counter(e.status for e in rows)
    assert set(statuses) == {"draft", "submitted", "eligible", "ineligible"}
    assert min(statuses.values()) >= 10
    assert len({e.agency_id for e in rows}) >= 25
    assert Counter(e.group for e in rows)["replikasi"] >= 10


def test_closed_year_entries_are_consistent(seeded):
    comp = comp_named("KIPP 2026")
    admin = db.session.scalar(select(User).where(User.email == "admin@kipp.demo"))
    closing = datetime(2026, 6, 30).date()
    codes = {c.code for c in comp.round_criteria("evaluation")}
    seen_reasons: set[str] = set()
    for e in entries_of(comp):
        assert set(e.answers) <= codes
        assert e.title.strip() and e.category
        if e.group == "replikasi":
            assert e.replicates and e.replication_type in REPLICATION_TYPES
        if e.status == "draft":
            assert e.submitted_at is None and e.screened_at is None
            continue
        assert comp.submission_opens_at <= e.submitted_at <= comp.submission_closes_at
        assert set(e.answers) == codes and e.started_on < e.submitted_at.date()
        if e.status == "submitted":
            assert e.screened_at is None and e.screened_by_id is None
            continue
        assert e.screened_by_id == admin.id
        assert comp.submission_closes_at < e.screened_at <= now()
        min_years = comp.group(e.group).min_implementation_years
        if e.status == "eligible":
            assert e.screening_reasons == [] and e.screening_note is None
            assert old_enough(e.started_on, closing, min_years)
        else:
            assert e.screening_reasons and set(e.screening_reasons) <= set(REASONS)
            assert e.screening_note.strip()
            seen_reasons |= set(e.screening_reasons)
            too_young = not old_enough(e.started_on, closing, min_years)
            assert too_young == ("implementation_too_young" in e.screening_reasons)
            if "duplicate_title" in e.screening_reasons:
                same = [o for o in entries_of(comp) if o.title == e.title and o.id != e.id]
                assert same
    assert seen_reasons == set(REASONS)
    # Titles are distinct, except where a duplicate title is the very reason for failing.
    titles = Counter(
        e.title for e in entries_of(comp) if "duplicate_title" not in (e.screening_reasons or [])
    )
    assert titles.most_common(1)[0][1] == 1


def test_submitted_entries_respect_the_group_quotas(seeded):
    for comp in db.session.scalars(select(Competition)):
        quota = {g.code: g.quota for g in comp.groups}
        used = Counter((e.agency_id, e.group) for e in entries_of(comp) if e.status != "draft")
        assert all(n <= quota[group] for (_, group), n in used.items()), comp.name
        if comp.name == "KIPP 2026":
            assert max(used.values()) >= 5  # some agencies come close to their quota


def test_every_answer_respects_its_word_limit(seeded):
    drafts = 0
    for comp in db.session.scalars(select(Competition)):
        limits = {c.code: c.word_limit for c in comp.round_criteria("evaluation") if c.word_limit}
        assert limits == {"ringkasan": 200}
        for e in entries_of(comp):
            drafts += e.status == "draft"
            for code, limit in limits.items():
                assert word_count(e.answers.get(code)) <= limit, (e.title, code)
    assert drafts >= 20


def test_open_year_takes_submissions_now(seeded, client):
    comp = comp_named("KIPP 2027")
    assert comp.stage == "submission" and comp.year == 2027
    assert comp.blind_review  # the demo's blind-reviewed year (issue 13, item 6)
    assert comp.submission_opens_at < now() < comp.submission_closes_at
    assert 29 <= (now() - comp.submission_opens_at).days <= 31
    assert 59 <= (comp.submission_closes_at - now()).days <= 61
    demo = db.session.scalar(select(User).where(User.email == "agency@kipp.demo"))
    # --- drafters: the demo agency's drafting units hold drafts of their own too
    everything = entries_of(comp)
    drafts = [e for e in everything if e.drafted_by_id == demo.id]
    assert 2 <= len(drafts) <= 3
    assert {(e.agency_id, e.status) for e in everything} == {(demo.agency_id, "draft")}
    # The agency can open the editor's data and submit the complete draft.
    headers = login(client, demo.email)
    r = client.get(f"/api/v1/competitions/{comp.id}/entries", headers=headers)
    assert r.status_code == 200 and r.get_json()["total"] == len(everything)
    ready = next(e for e in drafts if e.title.startswith("PERAHU SEHAT"))
    young = next(e for e in drafts if e.group == "replikasi")
    r = client.post(f"/api/v1/entries/{young.id}/submit", headers=headers)
    assert r.status_code == 422 and "started_on" in r.get_json()["errors"]
    db.session.expire_all()
    assert db.session.get(Entry, young.id).status == "draft"
    r = client.post(f"/api/v1/entries/{ready.id}/submit", headers=headers)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "submitted"


def test_demo_agency_lists_only_its_own_closed_year_entries(seeded, client):
    comp = comp_named("KIPP 2026")
    demo = db.session.scalar(select(User).where(User.email == "agency@kipp.demo"))
    headers = login(client, demo.email)
    r = client.get(f"/api/v1/competitions/{comp.id}/entries?per_page=200", headers=headers)
    assert r.status_code == 200
    body = r.get_json()
    own = [e for e in entries_of(comp) if e.agency_id == demo.agency_id]
    assert body["total"] == len(own) >= 8
    assert {i["agency_id"] for i in body["items"]} == {demo.agency_id}
    assert {i["status"] for i in body["items"]} == {"draft", "submitted", "eligible", "ineligible"}
    failed = [i for i in body["items"] if i["status"] == "ineligible"]
    assert all(i["screening"]["reason_codes"] and i["screening"]["note"] for i in failed)


def test_audit_chains_verify_and_record_the_seed(seeded):
    assert verify(None)["ok"] is True
    for comp in db.session.scalars(select(Competition)):
        assert verify(comp.id)["ok"] is True
    comp = comp_named("KIPP 2026")
    events = list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.competition_id == comp.id).order_by(AuditEvent.seq)
        )
    )
    assert [e.action for e in events] == [
        "competition.create",
        "competition.stage",
        "competition.stage",
        "competition.seed",
    ]
    statuses = Counter(e.status for e in entries_of(comp))
    assert events[-1].after["entries"] == dict(statuses)
    assert {e.actor for e in events} == {"admin@kipp.demo"}


def test_seeding_twice_creates_nothing_and_says_so(seeded):
    before = table_counts()
    again = seed()
    db.session.commit()
    assert table_counts() == before
    assert "already loaded" in again and "already loaded" not in seeded
    assert again.splitlines()[1:] == seeded.splitlines()[1:]  # the same login table
    assert verify(None)["ok"] is True


def test_existing_accounts_are_kept_as_they_are(app, make, client):
    mine = make.user("admin", email="admin@kipp.demo", name="Operator Sendiri")
    out = seed()
    db.session.commit()
    assert "admin@kipp.demo" in out
    assert db.session.scalar(select(func.count()).where(User.email == "admin@kipp.demo")) == 1
    assert db.session.get(User, mine.id).name == "Operator Sendiri"
    login(client, "admin@kipp.demo", PASSWORD)  # its password was not reset
    r = client.post(
        "/api/v1/auth/tokens", json={"email": "admin@kipp.demo", "password": DEMO_PASSWORD}
    )
    assert r.status_code == 401
    assert comp_named("KIPP 2026") is not None


def test_demo_accounts_share_one_hash_of_the_public_password(seeded):
    hashes = {u.password_hash for u in db.session.scalars(select(User))}
    assert len(hashes) == 1  # one hash for the shared public demo password
    assert passwords.verify_password(hashes.pop(), DEMO_PASSWORD)


def test_cli_seed_demo(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "admin@kipp.demo" in result.output and "kipp-demo-2026" in result.output
    db.session.remove()
    assert comp_named("KIPP 2026").stage == "screening"  # committed, not just flushed
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "already loaded" in result.output


def test_generated_answers_fit_even_tight_word_limits():
    import random

    from kipp.demo import texts
    from kipp.demo.catalog import BASES

    rng = random.Random(7)
    for base in BASES:
        ctx = texts.context(rng, base, "Kota Ambon", "kota", "Maluku", None)
        criteria = [(code, 6) for code in [*texts.SENTENCES, "ringkasan", "lainnya"]]
        out = texts.answers(rng, base.acronym, ctx, criteria)
        assert set(out) == {code for code, _ in criteria}
        assert all(0 < word_count(text) <= 6 for text in out.values())
