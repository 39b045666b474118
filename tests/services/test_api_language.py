"""API errors in the caller's language, including the frameworks' own texts (marshmallow's
field errors, Werkzeug's 404/405 descriptions), which kipp.framework_messages translates."""

from __future__ import annotations

import pytest

from kipp.framework_messages import field_message, field_messages
from tests.services.test_api_competitions import BASE, payload

ID = {"Accept-Language": "id"}
EN = {"Accept-Language": "en"}


def test_missing_field_message_follows_the_language(make, api):
    client = api(make.admin())
    body = payload()
    del body["name"]
    id_errors = client.post(BASE, json=body, headers=ID).get_json()["errors"]
    en_errors = client.post(BASE, json=body, headers=EN).get_json()["errors"]
    assert id_errors["name"] == ["Isian ini wajib diisi."]
    assert en_errors["name"] == ["This field is required."]


def test_choice_and_type_messages_keep_their_values(make, api):
    comp = make.competition(stage="evaluation")
    client = api(make.admin())
    url = f"/api/v1/competitions/{comp.id}/ranking?method=median"
    en = client.get(url, headers=EN).get_json()["errors"]["method"]
    ind = client.get(url, headers=ID).get_json()["errors"]["method"]
    assert en == ["Choose one of: mean, zscore."]
    assert ind == ["Pilih salah satu dari: mean, zscore."]
    body = payload(year="dua ribu")
    wrong_type = client.post(BASE, json=body, headers=ID).get_json()["errors"]["year"]
    assert wrong_type == ["Masukkan bilangan bulat."]


@pytest.mark.parametrize(
    "method, path, status, english, indonesian",
    [
        ("GET", "/api/v1/no-such-thing", 404, "Nothing was found at this address.",
         "Tidak ada apa pun di alamat ini."),
        ("DELETE", "/api/v1/competitions", 405, "This method is not allowed at this address.",
         "Metode ini tidak diizinkan di alamat ini."),
    ],
)  # fmt: skip
def test_framework_http_errors_are_translated(client, method, path, status, english, indonesian):
    for headers, detail in ((EN, english), (ID, indonesian)):
        resp = client.open(path, method=method, headers=headers)
        assert resp.status_code == status
        assert resp.get_json()["detail"] == detail


def test_unknown_texts_pass_through_and_nested_errors_are_walked(app):
    with app.test_request_context(headers=ID):
        assert field_message("Something only this field says.") == (
            "Something only this field says."
        )
        nested = {"criteria": {"0": {"weight": ["Must be greater than or equal to 0."]}}}
        assert field_messages(nested) == {"criteria": {"0": {"weight": ["Minimal 0."]}}}
        assert field_message("Longer than maximum length 200.") == "Paling banyak 200 karakter."
