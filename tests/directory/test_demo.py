"""The directory's demo generator: earlier awarded years with replication links."""

from __future__ import annotations

from sqlalchemy import func, select

from kipp.demo.directory import seed_directory
from kipp.extensions import db
from kipp.models import Entry


def test_seed_directory_fills_the_directory_with_lineage(make, client):
    admin = make.admin()
    agencies = [
        make.agency(f"Kota Demo {i}", kind, province)
        for i, (kind, province) in enumerate(
            [("kota", "Jawa Barat"), ("kabupaten", "Papua"), ("kementerian", "DKI Jakarta")] * 2
        )
    ]
    made = seed_directory(admin, agencies, years=(2023, 2024, 2025), per_year=30)
    db.session.commit()
    assert made == 90
    assert seed_directory(admin, agencies, years=(2023, 2024, 2025), per_year=30) == 0
    body = client.get("/api/v1/public/innovations", query_string={"per_page": 200}).get_json()
    public = db.session.scalar(select(func.count()).where(Entry.public.is_(True)))
    assert body["total"] >= 3 * 20 and body["total"] <= 3 * 20 + public
    linked = db.session.scalars(select(Entry).where(Entry.replicates_entry_id.is_not(None))).all()
    assert linked and all(e.group == "replikasi" for e in linked)
    targets = {e.replicates_entry_id for e in linked}
    counts = {i["id"]: i["replicated_by"] for i in body["items"]}
    assert any(counts.get(t, 0) > 0 for t in targets)
