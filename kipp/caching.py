"""HTTP caching of public pages and public API answers (API v1.1 § Public data).

`@cacheable(max_age)` on a view gives its 200 answers, for visitors without a login:
- `Cache-Control: public, max-age=<max_age>` and a strong `ETag` computed from the body, so a
  caching proxy in front of the app (or the browser) may keep them for `max_age` seconds;
- `304 Not Modified` with an empty body when the request's `If-None-Match` names that ETag;
- `Vary: Accept-Language, Cookie`: the same path answers in the visitor's language, and a
  visitor with a session cookie (a language choice, a login) never gets another's copy.

A logged-in caller, or a view that wrote to the session (a CSRF token for a form, a language),
gets `Cache-Control: private, no-cache` instead: a page that names its reader or carries a
per-visitor token is never stored by a shared cache. Answers other than 200 are left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import make_response, request, session
from flask_login import current_user

DEFAULT_MAX_AGE = 60


def cache_answer(response, max_age: int = DEFAULT_MAX_AGE):
    """Apply the rules above to `response` (for views that build their own response)."""
    if response.status_code != 200:
        return response
    response.vary.update(("Accept-Language", "Cookie"))
    personal = current_user.is_authenticated or session.modified
    if personal:
        response.cache_control.private = True
        response.cache_control.no_cache = True
        return response
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.add_etag()
    return response.make_conditional(request)


def cacheable(max_age: int = DEFAULT_MAX_AGE) -> Callable:
    """Decorate a view whose 200 answer is the same for every anonymous visitor."""

    def decorate(view):
        @wraps(view)
        def cached(*args, **kwargs):
            return cache_answer(make_response(view(*args, **kwargs)), max_age)

        return cached

    return decorate
