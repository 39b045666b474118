"""A 204 No Content answer carries neither a body nor a media type."""

from __future__ import annotations


def test_a_204_names_no_media_type(api, make):
    client = api(make.user("agency"))
    resp = client.delete("/api/v1/auth/tokens/current")
    assert resp.status_code == 204
    assert resp.data == b""
    assert "Content-Type" not in resp.headers
