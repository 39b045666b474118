"""The screening queue shows each entry's flags as chips and filters by flag."""

from __future__ import annotations

import re


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr>(.*?)</tr>", html, re.S)


def _queue(client, comp, **args):
    resp = client.get(f"/admin/screening/{comp.id}", query_string={"status": "all", **args})
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_queue_shows_flag_chips(app, web_login, history):
    client = web_login(history["admin"])
    html = _queue(client, history["comp"])
    row = next(r for r in _rows(html) if "MAL PELAYANAN PUBLIK TERPADU" in r)
    assert "chip flag-previous_winner" in row and "Previous winner" in row
    assert f"#{history['won'].id}" in row and "2023" in row
    assert f"Entry #{history['won'].id} of 2023, title similarity 100%" in row
    row = next(r for r in _rows(html) if "Bank Sampah Digital Kelurahan" in r)
    assert "chip flag-" not in row
    assert 'name="flag"' in html


def test_queue_filters_by_flag_and_keeps_it_in_links(app, web_login, history):
    client = web_login(history["admin"])
    html = _queue(client, history["comp"], flag="twice_shortlisted")
    titles = [t for t in ("Sistem Antrian Onl", "Aplikasi Lapor", "MAL PELAYANAN") if t in html]
    assert titles == ["Sistem Antrian Onl"]
    assert "flag=twice_shortlisted" in html  # entry links and paging stay in the view
    assert "Shortlisted twice before" in html
    # An unknown flag filters nothing (the queue's filters never error).
    assert "Aplikasi Lapor" in _queue(client, history["comp"], flag="nonsense")


def test_queue_speaks_indonesian(app, web_login, history):
    client = web_login(history["admin"])
    html = _queue(client, history["comp"], lang="id")
    assert "chip flag-previous_winner" in html


def test_entry_page_shows_the_other_entry_beside_it(app, web_login, history):
    """Screening one entry shows, per flag, the entry the flag points at next to it: its title,
    agency, competition and summary; an entry of the same year links to its own screening page."""
    client = web_login(history["admin"])
    comp, won = history["comp"], history["won"]
    html = client.get(f"/admin/screening/{comp.id}/entries/{history['winner_again'].id}")
    html = html.get_data(as_text=True)
    section = html.split('id="compared-title"', 1)[1]
    assert "Previous winner" in section
    assert f"Entry #{won.id} of 2023" in section
    assert won.title in section and won.agency.name in section and won.competition.name in section
    dup1, dup2 = history["dup1"], history["dup2"]
    html = client.get(f"/admin/screening/{comp.id}/entries/{dup1.id}").get_data(as_text=True)
    section = html.split('id="compared-title"', 1)[1]
    assert f'href="/admin/screening/{comp.id}/entries/{dup2.id}"' in section
    assert dup2.agency.name in section
    plain = client.get(f"/admin/screening/{comp.id}/entries/{history['plain'].id}")
    assert 'id="compared-title"' not in plain.get_data(as_text=True)
