"""The competition page form edits the pass mark and the extra awards; the selection and
ranking pages offer the awards and show the pass mark's flag."""

from __future__ import annotations

from sqlalchemy import select

from kipp.extensions import db
from kipp.models import Competition, Selection
from kipp.publication import services
from tests.awards.fixtures import AWARD, award_world
from tests.conftest import PASSWORD
from tests.helpers import count
from tests.services.judging_fixtures import reload, set_stage
from tests.web.test_admin_pages import competition_form


def award_rows(items, spare=1) -> dict:
    data = {}
    for i, a in enumerate([*items, *({} for _ in range(spare))]):
        for key in ("code", "label", "group", "size"):
            data[f"extra_awards-{i}-{key}"] = str(a.get(key, ""))
    return data


def shown(**kw) -> dict:
    return {"awards_shown": "1", "pass_mark_shown": "1"} | kw


def test_create_with_awards_on_the_form(client, make, web_login):
    web_login(make.admin())
    page = client.get("/admin/competitions/new").get_data(as_text=True)
    assert 'name="extra_awards-0-code"' in page and 'name="pass_mark"' in page
    data = competition_form() | shown(pass_mark="85") | award_rows([AWARD])
    resp = client.post("/admin/competitions/new", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    comp = db.session.scalar(select(Competition).where(Competition.name == "KIPP 2027"))
    assert [a.definition() for a in comp.extra_awards] == [AWARD]
    assert str(comp.pass_mark) == "85.00"


def test_unknown_group_on_the_form_is_shown_and_nothing_created(client, make, web_login):
    web_login(make.admin())
    bad = AWARD | {"group": "khusus"}
    resp = client.post(
        "/admin/competitions/new", data=competition_form() | shown() | award_rows([bad])
    )
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "No such group in this competition" in page and 'value="Top 2 Replikasi"' in page
    assert count(Competition) == 0


def test_awards_are_read_only_from_the_final_stage(client, make, web_login):
    web_login(make.admin())
    comp = make.competition(stage="final", extra_awards=[AWARD], pass_mark=80)
    page = client.get(f"/admin/competitions/{comp.id}/edit").get_data(as_text=True)
    assert 'name="extra_awards-0-code"' not in page and "Top 2 Replikasi" in page
    assert 'name="pass_mark"' not in page
    data = competition_form(name="KIPP Baru", version=str(comp.version))
    data |= award_rows([AWARD | {"size": 9}])  # not shown on the page: ignored
    resp = client.post(f"/admin/competitions/{comp.id}/edit", data=data)
    assert resp.status_code == 302
    c = reload(Competition, comp.id)
    assert c.name == "KIPP Baru" and [a.size for a in c.extra_awards] == [2]


def test_selection_pages_offer_the_award_and_flag_the_pass_mark(app, client, make, web_login):
    w = award_world(make, pass_mark=80)
    web_login(w.chair)
    set_stage(w.comp, "final")
    index = client.get("/selection/").get_data(as_text=True)
    assert "Top 2 Replikasi" in index
    url = f"/selection/{w.comp.id}/award/{AWARD['code']}"
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    body = page.get_data(as_text=True)
    assert "Top 2 Replikasi" in body
    titles = [e.title for e in w.entries]
    assert titles[1] in body and titles[0] not in body  # the replikasi group only
    assert "Below the pass mark" in body
    e = [x.id for x in w.entries]
    assert f'name="tier" value="{AWARD["code"]}"' in body
    propose = f"/selection/{w.comp.id}/propose"
    form = page_form(body) | {"round": "evaluation", "tier": AWARD["code"], "action": "chosen"}
    missing = client.post(propose, data=form | {"entry_ids": [str(e[1]), str(e[3])]})
    assert missing.status_code == 422  # entry 3 scored below the pass mark: no reason given
    assert "below the pass mark" in missing.get_data(as_text=True)
    form[f"justification-{e[3]}"] = "Inovasi replikasi ini berdampak luas di banyak daerah."
    resp = client.post(propose, data=form | {"entry_ids": [str(e[1]), str(e[3])]})
    assert resp.status_code in (302, 303), resp.get_data(as_text=True)[:3000]
    sel = db.session.scalar(select(Selection).where(Selection.tier == AWARD["code"]))
    assert [se.entry_id for se in sel.entries] == [e[1], e[3]]
    shown_page = client.get(f"/selection/proposals/{sel.id}")
    assert shown_page.status_code == 200
    text = shown_page.get_data(as_text=True)
    assert "Top 2 Replikasi" in text and "All eligible entries of the group" in text
    finalise = page_form(text) | {"confirm": "y"}
    done = client.post(f"/selection/proposals/{sel.id}/finalize", data=finalise)
    assert done.status_code in (302, 303), done.get_data(as_text=True)[:2000]
    assert reload(Selection, sel.id).status == "final"
    # The secretariat publishes it like a built-in tier; the public results name the award.
    admin_client = app.test_client()
    web_login_other(admin_client, w.admin)
    listing = admin_client.get("/publication/").get_data(as_text=True)
    assert "Top 2 Replikasi" in listing
    shown = admin_client.get(f"/publication/selections/{sel.id}")
    assert shown.status_code == 200 and "Top 2 Replikasi" in shown.get_data(as_text=True)
    services.publish(w.admin, reload(Selection, sel.id))
    db.session.commit()
    results = app.test_client().get(f"/results/{w.comp.id}")
    assert results.status_code == 200 and "Top 2 Replikasi" in results.get_data(as_text=True)


def web_login_other(client, user) -> None:
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302


def page_form(html: str) -> dict:
    import re

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return {"csrf_token": token[1]} if token else {}
