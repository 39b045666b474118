"""The Indonesian catalog: complete, placeholder-safe, compiled, and actually served.

Guarantees checked here:
- every msgid of kipp/translations/messages.pot has a non-empty, non-fuzzy Indonesian msgstr
  (every plural form included);
- every msgstr keeps exactly the %(name)s placeholders of its msgid (msgid_plural for plural
  forms), uses no positional %s, and brings in no HTML the msgid does not have;
- the compiled messages.mo holds the same translations as messages.po (no stale compile);
- pages default to Indonesian, ?lang=en switches to English; API messages follow
  Accept-Language, including domain validation errors, and a rejected request changes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlalchemy import func, select

from kipp.extensions import db
from kipp.models import Entry

TRANSLATIONS = Path(__file__).resolve().parents[2] / "kipp" / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "id" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "id" / "LC_MESSAGES" / "messages.mo"

NAMED = re.compile(r"%\((\w+)\)[sdif]")
POSITIONAL = re.compile(r"%(?!\()(?!%)[-+ #0-9.]*[sdif]")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _read(path: Path, reader=read_po):
    with path.open("rb") as fh:
        return reader(fh)


@pytest.fixture(scope="module")
def pot():
    return _read(POT)


@pytest.fixture(scope="module")
def po():
    return _read(PO)


def _forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def _ids(message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple | list) else [message.id]


def _key(message):
    return (message.context, _ids(message)[0])


def test_every_template_msgid_is_translated_and_not_fuzzy(pot, po):
    translated = {_key(m): m for m in po if m.id}
    missing, empty, fuzzy, checked = [], [], [], 0
    for message in pot:
        if not message.id:
            continue
        checked += 1
        ours = translated.get(_key(message))
        if ours is None:
            missing.append(_ids(message)[0])
        elif not all(form.strip() for form in _forms(ours)):
            empty.append(_ids(message)[0])
        elif "fuzzy" in ours.flags:
            fuzzy.append(_ids(message)[0])
    assert checked > 500, f"the template holds only {checked} msgids: was it extracted?"
    assert not missing, f"{len(missing)} of {checked} msgids are not in the id catalog: {missing}"
    assert not empty, f"{len(empty)} of {checked} msgids are untranslated: {empty}"
    assert not fuzzy, f"{len(fuzzy)} of {checked} msgids are fuzzy: {fuzzy}"


def test_catalog_and_template_agree_on_plural_shape(pot, po):
    shapes = {_key(m): len(_ids(m)) for m in pot if m.id}
    for message in po:
        if message.id and _key(message) in shapes:
            assert len(_ids(message)) == shapes[_key(message)], _ids(message)[0]


def test_every_msgstr_keeps_the_placeholders_of_its_msgid(po):
    problems = []
    for message in po:
        if not message.id:
            continue
        ids, forms = _ids(message), _forms(message)
        for form in forms:
            source = ids[-1]  # the plural msgid for plural forms
            if set(NAMED.findall(form)) != set(NAMED.findall(source)):
                problems.append((source, form))
            if len(POSITIONAL.findall(form)) != len(POSITIONAL.findall(source)):
                problems.append((source, form))
            if form.count("%%") != source.count("%%"):
                problems.append((source, form))
            if sorted(TAG.findall(form)) != sorted(TAG.findall(source)):
                problems.append((source, form))
    assert not problems, problems


def test_every_msgstr_formats_with_the_msgid_arguments(po):
    """Interpolating a translation with its msgid's arguments never raises (as gettext does)."""
    for message in po:
        if not message.id or "python-format" not in message.flags:
            continue
        for form in _forms(message):
            args = {name: 1 for name in NAMED.findall(" ".join(_ids(message)))}
            form % args


def test_compiled_catalog_matches_the_po_file(po):
    compiled = {_ids(m)[0]: _forms(m) for m in _read(MO, read_mo) if m.id}
    stale = [_ids(m)[0] for m in po if m.id and compiled.get(_ids(m)[0]) != _forms(m)]
    assert not stale, f"messages.mo is out of date for {len(stale)} msgids: {stale[:10]}"


def test_translations_are_not_copies_of_the_english(po):
    """Names, codes and loan words may stay as they are; the bulk must really be translated."""
    same = [m.id for m in po if m.id and _forms(m) == _ids(m)[: len(_forms(m))]]
    total = sum(1 for m in po if m.id)
    assert len(same) < total * 0.03, same


# ----------------------------------------------------------------- served pages and API
@pytest.fixture
def browser(client):
    """The test client without the English Accept-Language the shared fixture sends: a browser
    that states no preference, so the product default decides."""
    client.environ_base.pop("HTTP_ACCEPT_LANGUAGE", None)
    return client


def test_login_page_is_indonesian_by_default(browser):
    page = browser.get("/login").get_data(as_text=True)
    assert '<html lang="id">' in page
    assert "Masuk ke KIPP" in page
    assert ">Masuk</button>" in page
    assert "Kata sandi" in page
    assert "Log in" not in page


def test_browser_preference_picks_the_language(browser):
    for header, expected in (("id-ID,id;q=0.9,en;q=0.5", "Masuk ke KIPP"), ("en-US,en", "Log in")):
        page = browser.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
        assert expected in page


def test_lang_en_switches_the_login_page_to_english_and_is_remembered(browser):
    page = browser.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Log in to KIPP" in page
    assert ">Log in</button>" in page
    assert "Masuk" not in page
    assert "Log in to KIPP" in browser.get("/login").get_data(as_text=True)
    assert "Masuk ke KIPP" in browser.get("/login?lang=id").get_data(as_text=True)
    assert "Masuk ke KIPP" in browser.get("/login").get_data(as_text=True)


def test_failed_login_message_is_indonesian(browser, make):
    user = make.user("agency")
    resp = browser.post("/login", data={"email": user.email, "password": "wrong-password-1"})
    page = resp.get_data(as_text=True)
    assert resp.status_code in (401, 422)
    assert "Email atau kata sandi salah." in page
    assert "Wrong e-mail or password." not in page


def test_api_request_validation_error_follows_accept_language(client):
    body = {"email": "someone@example.id"}  # password missing
    resp = client.post("/api/v1/auth/tokens", json=body, headers={"Accept-Language": "id"})
    assert resp.status_code == 422
    assert (
        resp.get_json()["detail"]
        == "Permintaan memuat isian yang tidak valid; lihat bagian errors."
    )
    resp = client.post("/api/v1/auth/tokens", json=body, headers={"Accept-Language": "en"})
    assert resp.get_json()["detail"] == "The request has invalid fields; see errors."


def test_api_domain_validation_error_is_indonesian_and_changes_nothing(client, make, api):
    comp = make.competition()
    user = make.user("agency")
    caller = api(user)
    url = f"/api/v1/competitions/{comp.id}/entries"
    payload = {"title": "Layanan Kependudukan Keliling", "group": "tidak-ada"}
    resp = caller.post(url, json=payload, headers={"Accept-Language": "id"})
    assert resp.status_code == 422, resp.get_json()
    problem = resp.get_json()
    assert problem["code"] == "validation_error"
    assert problem["detail"] == "Periksa isian yang ditandai."
    assert problem["errors"]["group"] == ["Pilih salah satu kelompok: umum, replikasi."]
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0

    resp = caller.post(url, json=payload, headers={"Accept-Language": "en"})
    assert resp.status_code == 422
    assert resp.get_json()["errors"]["group"] == ["Choose one of the groups: umum, replikasi."]
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 0


def test_form_library_messages_follow_the_language(browser):
    """WTForms' own messages come from the app's catalogue (WTForms has no Indonesian)."""
    page = browser.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Isian ini wajib diisi." in page
    page = browser.post("/login?lang=en", data={"email": "", "password": ""}).get_data(True)
    assert "This field is required." in page
