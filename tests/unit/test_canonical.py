"""Canonical JSON is what recorded hashes were computed over: its bytes are pinned."""

from __future__ import annotations

from datetime import date

from kipp.canonical import canonical_json, sha256_hex


def test_the_text_is_sorted_compact_and_keeps_unicode():
    data = {"b": [1, {"z": None, "a": "Pelayanan – Bali"}], "a": True}
    assert canonical_json(data) == '{"a":true,"b":[1,{"a":"Pelayanan – Bali","z":null}]}'
    assert canonical_json({"a": True, "b": data["b"]}) == canonical_json(data)


def test_default_converts_what_json_has_no_type_for():
    assert canonical_json({"on": date(2026, 6, 30)}, default=str) == '{"on":"2026-06-30"}'


def test_the_hash_of_a_known_text_is_pinned():
    text = canonical_json({"tier": "shortlist", "entries": [3, 1, 2], "judul": "Layanan Ö"})
    assert text == '{"entries":[3,1,2],"judul":"Layanan Ö","tier":"shortlist"}'
    assert sha256_hex(text) == "f7cf980aef4a4ecab3bde86286f593b867cad5c9f2ea192f02aaf334d5e48ef4"
    assert sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
