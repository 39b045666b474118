"""Page weight of the agency's screens on a slow connection (issue 15, item 3).

Measured in Debian chromium through the Chrome DevTools Protocol: the bytes each request
really transferred (`Network.loadingFinished.encodedDataLength`, headers included; 0 for an
answer taken from the browser cache). Budgets, for the agency's dashboard and entry editor:

- every request of a page goes to the app's own origin (no third-party host);
- first load (empty cache) < 100 KB, PDF previews excluded;
- a second visit (cache kept) < 20 KB: static files carry a versioned URL and are cached for a
  year, so only the page itself travels again;
- under slow 3G (400 kbit/s, 400 ms latency) the editor is usable in < 3 s. Tests never
  assert wall-clock times, so the budget is asserted on what makes it true: the bytes and the
  depth of the request chain (page, then its styles and scripts in parallel), with the time
  the simulated network would need printed next to the time measured.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

FIRST_LOAD_BUDGET = 100 * 1024
CACHED_BUDGET = 20 * 1024
SLOW_3G = {
    "offline": False,
    "latency": 400,  # ms per request
    "downloadThroughput": 400_000 / 8,  # bytes/s
    "uploadThroughput": 400_000 / 8,
}
USABLE_WITHIN_S = 3.0
ROUND_TRIPS = 2  # the page, then its styles and scripts (all linked from the page itself)


class Transfers:
    """Every request a page makes while this is active, with the bytes it transferred."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.urls: dict[str, str] = {}
        self.mime: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.responseReceived", self._received)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _received(self, event) -> None:
        self.mime[event["requestId"]] = event["response"].get("mimeType", "")

    def _finished(self, event) -> None:
        self.sizes[event["requestId"]] = int(event["encodedDataLength"])

    def reset(self) -> None:
        self.urls.clear()
        self.mime.clear()
        self.sizes.clear()

    def clear_cache(self) -> None:
        self.cdp.send("Network.clearBrowserCache")

    def emulate(self, conditions: dict) -> None:
        self.cdp.send("Network.emulateNetworkConditions", conditions)

    def requests(self) -> list[str]:
        return [url for url in self.urls.values() if not url.startswith("data:")]

    def fetched(self) -> list[str]:
        """The requests that went to the network (not answered from the browser cache)."""
        return [url for rid, url in self.urls.items() if self.sizes.get(rid, 0) > 0]

    def total(self) -> int:
        """Bytes transferred, PDF previews excluded."""
        return sum(
            size for rid, size in self.sizes.items() if self.mime.get(rid) != "application/pdf"
        )

    def report(self) -> str:
        rows = [f"{self.sizes.get(rid, 0):>8} {url}" for rid, url in self.urls.items()]
        return "\n".join(rows + [f"{self.total():>8} total"])


def visit(page, net: Transfers, url: str) -> float:
    """Load `url` until its deferred scripts ran; return the seconds it took (printed only)."""
    net.reset()
    started = time.monotonic()
    page.goto(url, wait_until="load")
    return time.monotonic() - started


def same_origin(urls: list[str], base: str) -> list[str]:
    origin = urlsplit(base)
    return [u for u in urls if (urlsplit(u).scheme, urlsplit(u).netloc) != origin[:2]]


def agency_world(make):
    comp = make.competition()
    user = make.user("agency")
    entry = make.entry(comp, user, title="Layanan Cepat")
    return user, entry.id


def test_agency_pages_stay_within_their_budgets(page, live_server, make, login_as):
    user, eid = agency_world(make)
    login_as(user)
    net = Transfers(page)
    pages = {
        "dashboard": f"{live_server}/agency/",
        "editor": f"{live_server}/agency/entries/{eid}/edit",
    }
    for name, url in pages.items():
        net.clear_cache()
        visit(page, net, url)
        first = net.total()
        print(f"\n{name}, first load:\n{net.report()}")
        assert same_origin(net.requests(), live_server) == [], name
        assert first < FIRST_LOAD_BUDGET, (name, net.report())
        visit(page, net, url)
        cached = net.total()
        print(f"{name}, cached:\n{net.report()}")
        assert same_origin(net.requests(), live_server) == [], name
        assert cached < CACHED_BUDGET, (name, net.report())
        # Only the page itself travels again: every static file came from the cache.
        assert net.fetched() == [url], (name, net.report())


def test_editor_is_usable_on_slow_3g(page, live_server, make, login_as):
    """The editor under slow 3G: one page, then its styles and scripts in parallel, all named
    by the page itself (no request discovered later), and few enough bytes that the simulated
    network delivers them in < 3 s. The measured time is printed, never asserted."""
    user, eid = agency_world(make)
    login_as(user)
    net = Transfers(page)
    initiators: dict[str, str] = {}
    net.cdp.on(
        "Network.requestWillBeSent",
        lambda e: initiators.__setitem__(e["request"]["url"], e["initiator"].get("url", "")),
    )
    url = f"{live_server}/agency/entries/{eid}/edit"
    net.clear_cache()
    net.emulate(SLOW_3G)
    took = visit(page, net, url)
    # Usable: the scripts ran and autosave is on (the offline word is read at its start).
    assert page.locator("#entry-form[data-api-url]").count() == 1
    net.emulate({**SLOW_3G, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    fetched = net.fetched()
    assert fetched[0] == url
    late = [u for u in fetched[1:] if initiators.get(u) != url]
    assert late == [], f"requests not named by the page itself: {late}"
    bytes_ = net.total()
    simulated = ROUND_TRIPS * SLOW_3G["latency"] / 1000 + bytes_ / SLOW_3G["downloadThroughput"]
    print(
        f"\nslow 3G editor: {len(fetched)} requests, {bytes_} bytes, "
        f"simulated {simulated:.2f} s, measured {took:.2f} s\n{net.report()}"
    )
    assert simulated < USABLE_WITHIN_S, net.report()


# ------------------------------------------------------------------------------- print
PRINT_HIDDEN = ["header.top", "nav", "button", ".skip"]


def printed(page, url: str, table: str) -> None:
    """`url` on paper: no navigation or buttons, and `table` spans the printed width."""
    page.emulate_media(media="screen")
    page.goto(url)
    assert page.locator(table).is_visible()
    page.emulate_media(media="print")
    for selector in PRINT_HIDDEN:
        shown = [
            i
            for i in range(page.locator(selector).count())
            if page.locator(selector).nth(i).is_visible()
        ]
        assert shown == [], (url, selector)
    width = page.evaluate("document.documentElement.clientWidth")
    box = page.locator(table).bounding_box()
    assert box is not None and box["width"] >= 0.95 * width, (url, box, width)


def test_ranking_proposal_and_recap_print_without_chrome(page, live_server, make, login_as):
    from tests.services.judging_fixtures import finalised_shortlist, set_stage
    from tests.services.test_api_ranking import scored_world

    w = scored_world(make, [[90, 90], [80, 80], [70, 60]], shortlist_size=2, final_size=1)
    set_stage(w.comp, "shortlist")
    proposed = finalised_shortlist(w.comp, w.entries[:2], w.chair)
    login_as(w.chair)
    printed(page, f"{live_server}/selection/{w.comp.id}/ranking", "table#ranking")
    # The finalised proposal is the selection's recap on screen (its PDF has its own sheet).
    printed(page, f"{live_server}/selection/proposals/{proposed.id}", "table#selection-entries")


# ------------------------------------------------------------ static caching (no browser)
def test_static_urls_are_versioned_and_cached_for_a_year(app, client):
    import re

    from kipp.security_headers import CSP

    html = client.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/static/kipp\.css\?v=([0-9a-f]{12}))"', html)
    assert css, "the stylesheet URL carries its content version"
    resp = client.get(css.group(1))
    resp.close()  # a file answer: close it, as a server does
    assert resp.status_code == 200
    assert resp.cache_control.max_age == 365 * 24 * 3600
    assert resp.cache_control.public and resp.cache_control.immutable
    assert not resp.cache_control.no_cache
    assert resp.headers["Content-Security-Policy"] == CSP
    for url in ("/static/kipp.css", "/static/kipp.css?v=000000000000"):
        plain = client.get(url)  # no version, or another: revalidated every time
        plain.close()
        assert plain.status_code == 200 and plain.cache_control.no_cache, url
        assert plain.cache_control.max_age is None, url
        again = client.get(url, headers={"If-None-Match": plain.headers["ETag"]})
        again.close()
        assert again.status_code == 304 and again.data == b"", url


def test_a_changed_static_file_gets_a_new_url(app, tmp_path):
    import os

    from kipp.static_cache import version_of

    (tmp_path / "a.js").write_text("one")
    first = version_of(str(tmp_path), "a.js")
    (tmp_path / "a.js").write_text("two!")
    os.utime(tmp_path / "a.js", ns=(1, 1))
    assert version_of(str(tmp_path), "a.js") not in (None, first)
    assert version_of(str(tmp_path), "../a.js") is None
    assert version_of(str(tmp_path), "missing.js") is None
    with app.test_request_context():
        from flask import url_for

        assert url_for("static", filename="missing.js") == "/static/missing.js"


def test_no_template_or_static_file_loads_from_another_host():
    """Every page's own resources come from the app: no template names a script, stylesheet,
    image, frame or font on another host, and no stylesheet or script fetches one. (The CSP,
    `default-src 'self'`, would block such a load in the browser; test_csp.py checks that no
    page of any role has a violation.) Links the reader follows (`<a href>`) may go anywhere."""
    import re
    from pathlib import Path

    kipp = Path(__file__).resolve().parents[2] / "kipp"
    loads = re.compile(
        r"""<(?:script|img|iframe|source|video|audio|embed)\b[^>]*\bsrc=["']?(?:https?:)?//"""
        r"""|<link\b[^>]*\bhref=["']?(?:https?:)?//"""
        r"""|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:https?:)?//"""
        r"""|fetch\(\s*["'](?:https?:)?//""",
        re.IGNORECASE,
    )
    files = [
        *kipp.glob("templates/**/*.html"),
        *kipp.glob("static/*.css"),
        *kipp.glob("static/*.js"),
    ]
    found = [
        f"{path.relative_to(kipp)}: {m.group(0)}"
        for path in files
        for m in loads.finditer(path.read_text(encoding="utf-8"))
    ]
    assert files and found == []
