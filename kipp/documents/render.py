"""HTML → PDF with WeasyPrint: one shared font configuration and stylesheet per process.

Guarantees
- Safe fetching: documents are rendered with `SafeFetcher`, which serves only files under
  `kipp/static` (fonts, the PDF stylesheet, images) for URLs under `BASE_URL`
  (`kipp-static:/…`), and refuses everything else — `file:`, `http:`, `https:`, `data:`, any
  path that leaves `kipp/static` — by raising, which stops the render (a document is never
  produced with a silently missing or foreign resource). User text reaches the HTML only
  through Jinja's autoescaping, so a title like `<img src="file:///etc/passwd">` is printed
  as text and nothing is fetched for it.
- Fonts: the stylesheet declares the three bundled DejaVu faces of `kipp/static/fonts` with
  `@font-face` and uses only them, so output does not depend on the machine's fonts (only
  characters DejaVu lacks fall back to system fonts).
- Speed: `warm_up()` builds the `FontConfiguration` and parses the stylesheet once per
  process (a forked child builds its own); every document is still rendered separately, which
  keeps time and size linear in the number of documents. The cyclic garbage collector is
  paused while a document renders and collects its leftovers once afterwards.
- Determinism: same HTML, same fonts → same bytes. No creation date or random file identifier
  is written (WeasyPrint adds dates only from `<meta name=dcterms.*>`, which the templates
  never use), so a lost certificate can be re-rendered byte for byte.
- Documents are rendered in the default language (`BABEL_DEFAULT_LOCALE`), whoever asks.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import hashlib
import mimetypes
import os
import threading
from pathlib import Path
from urllib.parse import unquote

from kipp.documents.kinds import KINDS

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "pdf"
SCHEME = "kipp-static:"
BASE_URL = SCHEME + "/"
STYLESHEET = "pdf/documents.css"
# What a document may load: fonts, stylesheets and images, nothing executable or private.
SERVED_SUFFIXES = frozenset({".ttf", ".otf", ".woff", ".woff2", ".css", ".png", ".jpg", ".svg"})

_state: dict = {}
_lock = threading.RLock()
# Drop the font configuration while its libraries are still loaded (its __del__ needs them).
atexit.register(_state.clear)


class RefusedURL(ValueError):
    """A document asked for a URL outside the app's static files."""


def static_path(url: str) -> Path:
    """The file under kipp/static that `url` names, or RefusedURL.

    Only `kipp-static:/<relative path>` is accepted; percent-escapes are decoded before the
    path is resolved, so `..` in any spelling and symbolic links cannot leave kipp/static.
    """
    if not isinstance(url, str) or not url.startswith(BASE_URL):
        raise RefusedURL(f"refused URL outside the app's static files: {url!r}")
    rel = unquote(url[len(BASE_URL) :].split("?", 1)[0].split("#", 1)[0])
    root = STATIC_DIR.resolve()
    path = (root / rel.lstrip("/")).resolve()
    if root not in path.parents or path.suffix.lower() not in SERVED_SUFFIXES:
        raise RefusedURL(f"refused URL outside the app's static files: {url!r}")
    if not path.is_file():
        raise RefusedURL(f"no such static file: {url!r}")
    return path


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        """WeasyPrint URL fetcher that serves kipp/static only (see the module docstring).

        `fail_on_errors=True`: a refused URL stops the render with FatalURLFetchingError.
        `requested` lists every URL asked for, in order (tests read it).
        """

        def __init__(self):
            super().__init__(allowed_protocols=("kipp-static",), fail_on_errors=True)
            self.requested: list[str] = []

        def fetch(self, url, headers=None):
            self.requested.append(url)
            path = static_path(url)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if path.suffix.lower() == ".ttf":
                mime = "font/ttf"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return SafeFetcher


def safe_fetcher():
    """A new `SafeFetcher` (a WeasyPrint `URLFetcher`)."""
    return _fetcher_class()()


def stylesheet_text() -> str:
    return (STATIC_DIR / STYLESHEET).read_text(encoding="utf-8")


def _resources() -> tuple:
    """(font_config, css, fetcher) of this process, built on first use."""
    pid = os.getpid()
    with _lock:
        if _state.get("pid") != pid:
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            fetcher = safe_fetcher()
            font_config = FontConfiguration()
            css = CSS(
                string=stylesheet_text(),
                base_url=BASE_URL,
                url_fetcher=fetcher,
                font_config=font_config,
            )
            _state.clear()
            _state.update(pid=pid, font_config=font_config, css=css, fetcher=fetcher)
        return _state["font_config"], _state["css"], _state["fetcher"]


# Exercises, once per process, what every document needs: the three faces, the page rules
# and the SVG drawing of the QR code (Pango, HarfBuzz and WeasyPrint load these lazily, which
# costs the first real document about 40 ms more).
_WARM_UP_HTML = (
    '<html lang="id"><body><p class="doc-ref">KIPP</p><h1>Judul</h1><p>Teks 0123</p>'
    '<p class="title">Piagam</p><table class="matrix"><tr><td>1.00</td></tr></table>'
    '<svg viewBox="0 0 2 2" class="qr"><path stroke="#000" d="M0 0.5h1"/></svg></body></html>'
)
# Every document kind's template (kipp.documents.kinds) and the selection recap, drawn on request.
PDF_TEMPLATES = (*(kind.template for kind in KINDS.values()), "selection_recap.html")


def warm_up() -> str:
    """Make this process ready to render; return `pdf_speed()`.

    The first call in a process (even after documents were rendered without it) builds the
    shared resources if needed (stylesheet parsed, bundled fonts loaded), renders a
    tiny document (so the first real one pays no lazy initialisation), compiles the PDF
    templates when an application context is active, and then moves every object alive at
    that point (modules, app, fonts, caches) out of the garbage collector's sight
    (`gc.freeze()`): rendering allocates heavily, and full collections would otherwise walk
    them again and again. Later calls only return `pdf_speed()`. Call it in each worker
    process at start (`worker_process_init`).
    """
    pid = os.getpid()
    if _state.get("warm") != pid:
        _resources()
        html_to_pdf(_WARM_UP_HTML)
        _compile_templates()
        gc.collect()
        gc.freeze()
        _state["warm"] = pid
    return pdf_speed()


def _compile_templates() -> None:
    from flask import current_app, has_app_context

    if has_app_context():
        for name in PDF_TEMPLATES:
            current_app.jinja_env.get_template(f"pdf/{name}")


def pdf_speed() -> str:
    """ "fast" when WeasyPrint subsets fonts with HarfBuzz, "slow" when it falls back to
    fontTools (library `libharfbuzz-subset0` missing or HarfBuzz older than 4.1), which costs
    about ten times more per document."""
    from weasyprint.text import ffi

    if ffi.harfbuzz_subset is None:
        return "slow"
    try:
        return "fast" if ffi.harfbuzz.hb_version_atleast(4, 1, 0) else "slow"
    except AttributeError:  # pragma: no cover - very old HarfBuzz bindings
        return "slow"


def html_to_pdf(html: str, *, fetcher=None) -> bytes:
    """Render one HTML document with the shared stylesheet and fonts; return the PDF bytes.

    `fetcher` replaces the process's SafeFetcher (tests pass their own to watch requests).
    Renders are serialised within a process (fontconfig/Pango state is shared). A refused
    URL raises RefusedURL (WeasyPrint's FatalURLFetchingError is a BaseException, which task
    code catching Exception would miss).
    """
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    with _lock, _collector_paused():
        font_config, css, shared = _resources()
        try:
            document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or shared)
            return document.write_pdf(stylesheets=[css], font_config=font_config)
        except FatalURLFetchingError as exc:  # a BaseException: make it an ordinary error
            raise RefusedURL(str(exc)) from None


@contextlib.contextmanager
def _collector_paused():
    """Run the block with Python's cyclic garbage collector off, then collect the youngest
    generation once.

    A render allocates hundreds of thousands of short-lived objects; with the collector on,
    it runs every few hundred allocations and walks the same survivors again and again. Off
    during the render, the garbage the document leaves (its box and element trees hold
    cycles) is reclaimed in one pass at the end, so memory does not grow from one document
    to the next. Does nothing when the collector was already off.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def naive_html_to_pdf(html: str) -> bytes:
    """The slow reference (benchmarks only): a fresh font configuration and the stylesheet
    parsed inline for every document."""
    from weasyprint import HTML

    inline = html.replace("</head>", f"<style>{stylesheet_text()}</style></head>", 1)
    return HTML(string=inline, base_url=BASE_URL, url_fetcher=safe_fetcher()).write_pdf()


def render_html(template: str, **context) -> str:
    """Render `pdf/<template>` (autoescaped) in the default language."""
    from flask import current_app, render_template
    from flask_babel import force_locale

    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return render_template(f"pdf/{template}", **context)


def render_pdf(template: str, **context) -> bytes:
    return html_to_pdf(render_html(template, **context))


def layout_fingerprint(template: str) -> str:
    """SHA-256 over what shapes a document besides its data: the template, the shared PDF
    layout and the stylesheet. Part of cached documents' content hash, so a layout change
    re-renders them."""
    digest = hashlib.sha256()
    for path in (TEMPLATE_DIR / template, TEMPLATE_DIR / "_layout.html", STATIC_DIR / STYLESHEET):
        digest.update(path.read_bytes())
    return digest.hexdigest()
