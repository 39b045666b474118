"""/healthz reports how fast PDFs render; CI insists on the fast path (HarfBuzz subsetting)."""

import os

import pytest

from kipp.documents.render import pdf_speed


def test_healthz_reports_pdf_speed(client):
    body = client.get("/healthz").get_json()
    assert body["pdf"] == pdf_speed()
    assert body["pdf"] in ("fast", "slow")


@pytest.mark.skipif(os.environ.get("CI", "").lower() != "true", reason="CI machines only")
def test_ci_renders_pdfs_with_harfbuzz_subsetting():
    assert pdf_speed() == "fast", "install libharfbuzz-subset0 (make installs it with apt)"


def test_pdf_speed_is_slow_without_harfbuzz_subset(monkeypatch):
    from weasyprint.text import ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    assert pdf_speed() == "slow"
