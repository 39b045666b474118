"""A short-lived, per-process cache of public anonymous answers (announcement day).

The public pages and answers (home, results, directory) may already be kept `max_age` seconds
by any cache in front of the app (`Cache-Control: public, max-age`, `kipp.caching`); this keeps
them as long in each app process, so a burst of visitors asking for the same page costs one
rendering per process per `max_age` instead of one per request, with or without a proxy. A
stored answer is served by `PageCache`, a WSGI layer in front of Flask, without running the
app at all (no session, login, locale or template work), with an `Age` header saying how old
it is, so a cache behind it never keeps it past `max_age` in all.

A view opts in by returning `cached(build, max_age)`. Guarantees: an answer is stored only
when the view opted in, it is a 200 marked `public` by `kipp.caching`, it sets no cookie, and
the request was a GET without a cookie, an `Authorization` header or a conditional header
(`If-None-Match` and `If-Modified-Since` go to the app, which answers 304 itself); it is keyed
by scheme, host, path, query string and `Accept-Language` (the answer's `Vary`); it is served
only to requests meeting the same conditions and never older than `max_age` seconds; at most
`MAX_ENTRIES` answers per process (least recently used dropped first). Off under `TESTING`
unless `KIPP_PAGE_CACHE` is set. Nothing depends on an answer being kept or shared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import request

from kipp.ttlcache import TTLStore

MAX_ENTRIES = 512
FLAG = "kipp.page_cache"  # the environ key a view sets to its max-age when it opts in
_UNCACHEABLE_REQUEST = (
    "HTTP_COOKIE",
    "HTTP_AUTHORIZATION",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
)

_store = TTLStore(MAX_ENTRIES)


def cached(build: Callable, max_age: int):
    """`build()`'s answer, stored for `max_age` seconds when the rules above allow it."""
    request.environ[FLAG] = max_age
    return build()


def clear() -> None:
    _store.clear()


def _key(environ: dict) -> tuple | None:
    if environ.get("REQUEST_METHOD") != "GET":
        return None
    if any(environ.get(name) for name in _UNCACHEABLE_REQUEST):
        return None
    return (
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST"),
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_ACCEPT_LANGUAGE", ""),
    )


def _storable(status: str, headers: list[tuple[str, str]]) -> bool:
    if not status.startswith("200"):
        return False
    names = {name.lower(): value for name, value in headers}
    return "set-cookie" not in names and "public" in names.get("cache-control", "")


class PageCache:
    """The WSGI layer that serves and stores the answers (installed by `create_app`)."""

    def __init__(self, wsgi_app: Callable, config: dict):
        self.wsgi_app = wsgi_app
        self.config = config

    def _enabled(self) -> bool:
        return bool(self.config.get("KIPP_PAGE_CACHE", not self.config.get("TESTING")))

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = _key(environ) if self._enabled() else None
        if key is not None:
            hit = _store.get(key)
            if hit is not None:
                age, (status, headers, body) = hit
                start_response(status, [*headers, ("Age", str(int(age)))])
                return [body]
        answer: dict = {}

        def capture(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, list(headers)
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, capture)
        max_age = environ.get(FLAG)
        if key is None or max_age is None:
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        if _storable(answer.get("status", ""), answer.get("headers", [])):
            _store.put(key, (answer["status"], answer["headers"], body), max_age)
        return [body]
