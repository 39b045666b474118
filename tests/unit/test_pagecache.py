"""The per-process stores: `kipp.ttlcache.TTLStore` and the WSGI page cache in front of Flask
(`kipp.pagecache.PageCache`), on a small app that counts how often its view really runs."""

from __future__ import annotations

import pytest
from flask import Flask, make_response, request
from flask_login import LoginManager

from kipp import pagecache, ttlcache
from kipp.caching import cacheable
from kipp.pagecache import PageCache
from kipp.ttlcache import TTLStore


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(ttlcache.time, "monotonic", c)
    return c


def test_store_expires_values_after_max_age(clock):
    store = TTLStore(10)
    store.put("a", 1, 60)
    clock.now += 59.5
    assert store.get("a") == (59.5, 1)
    clock.now += 0.5
    assert store.get("a") is None
    built = []
    assert store.get_or_build("b", lambda: built.append(1) or 2, 5) == 2
    assert store.get_or_build("b", lambda: built.append(1) or 3, 5) == 2
    assert built == [1]


def test_store_keeps_at_most_max_entries_least_recently_used_first(clock):
    store = TTLStore(2)
    store.put("a", 1, 60)
    store.put("b", 2, 60)
    store.get("a")  # a is now more recent than b
    store.put("c", 3, 60)
    assert store.get("b") is None
    assert store.get("a") is not None and store.get("c") is not None


@pytest.fixture
def site(clock):
    """A Flask app with one opted-in public view, one that sets a cookie, one that fails."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x", KIPP_PAGE_CACHE=True)
    LoginManager(app).user_loader(lambda _id: None)
    runs = []

    @app.get("/page")
    @cacheable(60)
    def page():
        runs.append(request.path)
        lang = request.headers.get("Accept-Language", "-")
        return pagecache.cached(lambda: f"run {len(runs)} {lang}", 60)

    @app.get("/cookie")
    @cacheable(60)
    def cookie():
        runs.append(request.path)
        response = make_response(pagecache.cached(lambda: "with cookie", 60))
        response.set_cookie("c", "1")
        return response

    @app.get("/missing")
    def missing():
        runs.append(request.path)
        return pagecache.cached(lambda: ("gone", 404), 60)

    app.wsgi_app = PageCache(app.wsgi_app, app.config)
    pagecache.clear()
    yield app, runs
    pagecache.clear()


def test_a_stored_answer_is_served_without_running_the_app(site, clock):
    app, runs = site
    client = app.test_client()
    first = client.get("/page")
    assert first.status_code == 200 and "public" in first.headers["Cache-Control"]
    clock.now += 12.7
    again = client.get("/page")
    assert again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Age"] == "12"
    assert runs == ["/page"]
    clock.now += 60
    assert client.get("/page").get_data(as_text=True).startswith("run 2")


def test_keyed_by_language_and_query_string(site):
    app, runs = site
    client = app.test_client()
    assert "id" in client.get("/page", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "en" in client.get("/page", headers={"Accept-Language": "en"}).get_data(as_text=True)
    client.get("/page?x=1")
    assert len(runs) == 3


@pytest.mark.parametrize(
    "headers",
    [
        None,  # a cookie
        {"Authorization": "Bearer t"},
        {"If-None-Match": '"x"'},
        {"If-Modified-Since": "Mon, 07 Dec 2026 00:00:00 GMT"},
    ],
)
def test_personal_or_conditional_requests_always_reach_the_app(site, headers):
    app, runs = site
    client = app.test_client()
    client.get("/page")
    if headers is None:
        client.set_cookie("lang", "id")
    client.get("/page", headers=headers or {})
    assert runs == ["/page", "/page"]


def test_answers_setting_a_cookie_or_not_200_are_never_stored(site):
    app, runs = site
    client = app.test_client()
    for path in ("/cookie", "/cookie", "/missing", "/missing"):
        client.get(path)
    assert runs == ["/cookie", "/cookie", "/missing", "/missing"]
    assert client.head("/page").status_code == 200
    client.get("/page")
    assert runs[-2:] == ["/page", "/page"]  # a HEAD is never stored nor served a copy


def test_off_unless_configured(site):
    app, runs = site
    app.config["KIPP_PAGE_CACHE"] = False
    client = app.test_client()
    client.get("/page")
    client.get("/page")
    assert runs == ["/page", "/page"]
