"""The directory's theme and freshness filters (API and pages) at the 365-day boundary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from kipp.extensions import db
from kipp.themes.services import save_profile

T = datetime(2026, 1, 15, 2, 30, tzinfo=UTC)
YEAR = timedelta(days=365)


def validate(w, at=T):
    with time_machine.travel(at, tick=False):
        save_profile(w.owner, w.pub, {"status": "running", "links": ["https://a.id"]})
        db.session.commit()


def ids(client, query=""):
    resp = client.get(f"/api/v1/public/innovations{query}")
    assert resp.status_code == 200, resp.get_json()
    return {i["id"] for i in resp.get_json()["items"]}


def test_items_carry_theme_status_and_validated_at(client, w):
    validate(w)
    with time_machine.travel(T + timedelta(days=1), tick=False):
        items = {i["id"]: i for i in client.get("/api/v1/public/innovations").get_json()["items"]}
        one = client.get(f"/api/v1/public/innovations/{w.pub.id}").get_json()
    assert items[w.pub.id]["theme"] == "health" and items[w.pub.id]["status"] == "running"
    assert datetime.fromisoformat(items[w.pub.id]["validated_at"]) == T
    assert items[w.pub.id]["stale"] is False
    assert items[w.other.id]["validated_at"] is None
    assert items[w.other.id]["stale"] is True and items[w.other.id]["status"] is None
    assert one["theme"] == "health" and one["validated_at"] == items[w.pub.id]["validated_at"]
    assert w.hidden.id not in items


def test_theme_filter(client, w):
    assert ids(client, "?theme=health") == {w.pub.id}
    assert ids(client, "?theme=education") == {w.other.id}
    assert ids(client, "?theme=unknown") == set()
    assert client.get("/api/v1/public/innovations?theme=" + "x" * 51).status_code == 422


def test_stale_filter_at_the_365_day_boundary(client, w):
    validate(w)
    with time_machine.travel(T + YEAR, tick=False):  # exactly 365 days: still fresh
        assert ids(client, "?stale=true") == {w.other.id}
        assert ids(client, "?stale=false") == {w.pub.id}
    with time_machine.travel(T + YEAR + timedelta(seconds=1), tick=False):
        assert ids(client, "?stale=true") == {w.pub.id, w.other.id}
        assert ids(client, "?stale=false") == set()
        assert ids(client, "?stale=true&theme=health") == {w.pub.id}


def test_pages_filter_and_mark(client, w):
    validate(w)
    with time_machine.travel(T + YEAR, tick=False):
        page = client.get("/innovations?stale=true").get_data(as_text=True)
        assert "Sekolah Rakyat" in page and "Puskesmas Keliling" not in page
        assert "Not validated for over a year" in page
        page = client.get("/innovations?theme=health").get_data(as_text=True)
        assert "Puskesmas Keliling" in page and "Sekolah Rakyat" not in page
        assert '<option value="health" selected>' in page
        assert "Not validated for over a year" not in page
        show = client.get(f"/innovations/{w.pub.id}").get_data(as_text=True)
        assert "Validated on" in show and "15-01-2026" in show and "https://a.id" in show
        assert "Not validated for over a year" not in show
    with time_machine.travel(T + YEAR + timedelta(seconds=1), tick=False):
        show = client.get(f"/innovations/{w.pub.id}").get_data(as_text=True)
        assert "Not validated for over a year" in show
        other = client.get(f"/innovations/{w.other.id}").get_data(as_text=True)
        assert "has not validated this information yet" in other
