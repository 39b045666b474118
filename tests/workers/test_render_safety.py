"""The renderer: safe URL fetching, escaped user text, bundled fonts, determinism, speed check."""

from __future__ import annotations

import hashlib
import io
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from kipp.documents import certificates, render, storage
from kipp.extensions import db
from tests.workers.test_render_world import build_world, flat, pdf_text

ROOT = Path(__file__).resolve().parents[2]


class Recording:
    """Wraps a SafeFetcher; keeps every URL asked for (in `requested`)."""

    def __init__(self):
        self.inner = render.safe_fetcher()

    @property
    def requested(self):
        return self.inner.requested


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/style.css",
        "data:image/png;base64,iVBORw0KGgo=",
        "ftp://example.org/x.ttf",
        "kipp-static:/../../config.py",
        "kipp-static:/../../../../etc/passwd",
        "kipp-static:/fonts/%2e%2e/%2e%2e/%2e%2e/config.py",
        "kipp-static:/fonts/%2E%2E%2F%2E%2E%2Fstatic/fonts/LICENSE",
        "kipp-static:/fonts/LICENSE",
        "kipp-static:/fonts/missing.ttf",
        "kipp-static:/../templates/base.html",
        "kipp-static:" + str(ROOT / "kipp/static/fonts/DejaVuSans.ttf"),
        "KIPP-STATIC:/fonts/DejaVuSans.ttf",
    ],
)
def test_fetcher_refuses_everything_outside_static(url):
    fetcher = render.safe_fetcher()
    with pytest.raises(render.RefusedURL):
        fetcher.fetch(url)
    assert fetcher.requested == [url]


def test_fetcher_serves_bundled_files():
    fetcher = render.safe_fetcher()
    resp = fetcher.fetch("kipp-static:/fonts/DejaVuSans.ttf")
    data = resp.read()
    assert data == (ROOT / "kipp/static/fonts/DejaVuSans.ttf").read_bytes()
    assert resp.content_type == "font/ttf"
    css = fetcher.fetch("kipp-static:/pdf/documents.css")
    assert b"@font-face" in css.read()


def test_raw_markup_pointing_outside_stops_the_render_and_reads_nothing():
    """Defence in depth: even HTML that bypassed escaping cannot load a file or a URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.3)
    port = listener.getsockname()[1]
    try:
        for src in ("file:///etc/passwd", f"http://127.0.0.1:{port}/x.png"):
            rec = Recording()
            html = f'<html><body><p>x</p><img src="{src}"></body></html>'
            with pytest.raises(render.RefusedURL):
                render.html_to_pdf(html, fetcher=rec.inner)
            assert rec.requested == [src]
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody ever connected to the "http" URL
    finally:
        listener.close()


def test_hostile_title_is_printed_as_text_and_fetches_nothing(make):
    w = build_world(make)
    hostile = (
        'Layanan <img src="file:///etc/passwd"> dan <img src="http://127.0.0.1:9/x.png"> '
        "<style>@import url(file:///etc/passwd)</style>"
    )
    w.a1.title = hostile
    db.session.commit()
    cert = certificates.issue_certificate(w.a1.id)
    db.session.commit()
    html = render.render_html("certificate.html", c=certificates.certificate_context(cert))
    assert "<img" not in html and "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    rec = Recording()
    pdf = render.html_to_pdf(html, fetcher=rec.inner)
    assert all(u.startswith("kipp-static:/") for u in rec.requested), rec.requested
    text = flat(pdf_text(pdf))
    assert '<img src="file:///etc/passwd">' in text
    assert '<img src="http://127.0.0.1:9/x.png">' in text
    assert "root:x:0:0" not in text
    assert flat(pdf_text(storage.read(cert.stored_name))) == text  # what the worker stored


def test_only_bundled_fonts_are_loaded_and_embedded(app):
    render.warm_up()
    _, _, fetcher = render._resources()
    assert sorted(fetcher.requested) == [
        "kipp-static:/fonts/DejaVuSans-Bold.ttf",
        "kipp-static:/fonts/DejaVuSans.ttf",
        "kipp-static:/fonts/DejaVuSerif-Bold.ttf",
    ]
    assert sorted(p.name for p in (render.STATIC_DIR / "fonts").glob("*.ttf")) == [
        "DejaVuSans-Bold.ttf",
        "DejaVuSans.ttf",
        "DejaVuSerif-Bold.ttf",
    ]
    assert "Bitstream" in (render.STATIC_DIR / "fonts" / "LICENSE").read_text()
    html = "<html><body><h1>Judul</h1><p>Teks biasa</p><p class='title'>Serif</p></body></html>"
    reader = PdfReader(io.BytesIO(render.html_to_pdf(html)))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    # Embedded under their @font-face names: the bundled files, not the machine's DejaVu.
    assert fonts == {"KIPP-Sans", "KIPP-Sans-Bold", "KIPP-Serif-Bold"}, fonts


def test_warm_up_builds_once_per_process(app):
    render.warm_up()
    first = render._resources()
    assert render.warm_up() in ("fast", "slow")
    assert render._resources() is not first  # a new tuple …
    assert all(a is b for a, b in zip(render._resources(), first, strict=True))  # … same objects


def test_pdf_speed_reports_missing_harfbuzz_subset(monkeypatch):
    from weasyprint.text import ffi

    expected = "fast" if ffi.harfbuzz_subset is not None else "slow"
    assert render.pdf_speed() == expected
    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    assert render.pdf_speed() == "slow"


def test_rendering_is_byte_identical_across_processes():
    html = "<html><body><h1>Piagam</h1><p>Inovasi pelayanan publik</p></body></html>"
    here = render.html_to_pdf(html)
    code = (
        "import sys, hashlib; from kipp.documents import render; "
        f"sys.stdout.write(hashlib.sha256(render.html_to_pdf({html!r})).hexdigest())"
    )
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out == hashlib.sha256(here).hexdigest()
    assert b"CreationDate" not in here and b"ModDate" not in here


def test_a_refused_render_turns_the_garbage_collector_back_on():
    """Rendering pauses the cyclic collector; a render that fails must not leave it off."""
    import gc

    assert gc.isenabled()
    with pytest.raises(render.RefusedURL):
        render.html_to_pdf('<html><body><img src="file:///etc/passwd"></body></html>')
    assert gc.isenabled()
    render.html_to_pdf("<html><body><p>x</p></body></html>")
    assert gc.isenabled()


def test_warm_up_compiles_the_pdf_templates_once(app, monkeypatch):
    loaded: list[str] = []
    real = app.jinja_env.get_template

    def watch(name, *a, **k):
        loaded.append(name)
        return real(name, *a, **k)

    monkeypatch.setattr(app.jinja_env, "get_template", watch)
    monkeypatch.setitem(render._state, "warm", None)  # as in a fresh process
    with app.app_context():
        render.warm_up()
        render.warm_up()
    assert sorted(loaded) == sorted(f"pdf/{name}" for name in render.PDF_TEMPLATES)
