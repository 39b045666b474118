"""Rows that a feature adds to the permission matrices, from a module of its own.

The matrices (tests/web/test_permission_matrix.py for /api/v1, and
tests/web/test_web_permission_matrix.py for the pages) must name every route of the app. A feature
keeps its rows, its world and its bodies in `tests/web/permission_<feature>.py`; every such module
is found here and may define:

- `API_ROWS`: a list of dicts, each the fields of the API matrix's `Row`: `method`, `rule` (with
  `<int:name>` path parameters), `expected` (role → status, build it with `api_expect`), and
  optionally `body` (a name passed to `api_body`), `params` (path parameter → world key) and
  `world` (the name of the fixture that builds the row's world; default "world").
- `WEB_ROWS`: the same for the page matrix's `Row`: `method`, `rule`, `expected` (role → status or
  `LOGIN`, build it with `web_expect`), and optionally `params` (path parameter → world key, or
  "=value" for a literal), `form` (a name passed to `web_form`), `query`, `world`.
- `api_body(name, world, role) -> dict | None` and `web_form(name, ids) -> dict | None`: the body
  of a request by name (None when the name is not the module's).
- `state() -> tuple`: what a refused request must leave as it was (added to both snapshots).
- pytest fixtures for the worlds (e.g. `def publication_world(world, make)`, which extends the
  base world, a dict of ids with `users` → {role: User}); tests/web/conftest.py registers them.

Roles: `ROLES` below. "owner" and "other" are agency accounts (the base world's entries are the
owner's); the reviewers are "evaluator", "panelist" and "chair"; "drafter" is a drafting unit of
the owner's agency with a draft of its own (`drafter_entry_id`; the base world's other entries
are not its own, so they answer it 404); "anonymous" has no login.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

ROLES = ("anonymous", "admin", "owner", "other", "evaluator", "panelist", "chair", "drafter")
LOGIN = "login"  # the page matrix's answer for a redirect to the login page


def api_expect(default: int, anonymous: int = 401, **by_role: int) -> dict[str, int]:
    """role → status for an API row: `default` for every role, `anonymous` (401 unless said)."""
    return {role: default for role in ROLES} | {"anonymous": anonymous} | by_role


def web_expect(default, anonymous=LOGIN, **by_role) -> dict:
    """role → status (or LOGIN) for a page row, like `api_expect`."""
    return {role: default for role in ROLES} | {"anonymous": anonymous} | by_role


def modules() -> list[ModuleType]:
    """Every tests/web/permission_*.py module, in name order."""
    here = Path(__file__).parent
    names = sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("permission_")
    )
    return [importlib.import_module(f"tests.web.{name}") for name in names]


def rows(kind: str) -> list[dict]:
    """Every module's `API_ROWS` (kind "api") or `WEB_ROWS` (kind "web")."""
    attr = {"api": "API_ROWS", "web": "WEB_ROWS"}[kind]
    return [row for module in modules() for row in getattr(module, attr, [])]


def body(kind: str, name: str, *args):
    """The first module's answer to `api_body(name, …)` / `web_form(name, …)`, or None."""
    attr = {"api": "api_body", "web": "web_form"}[kind]
    for module in modules():
        fn = getattr(module, attr, None)
        if fn is not None and (found := fn(name, *args)) is not None:
            return found
    return None


def state() -> tuple:
    """Every module's `state()`."""
    return tuple(module.state() for module in modules() if hasattr(module, "state"))


def fixtures() -> dict:
    """Every pytest fixture the modules define, by name (registered by tests/web/conftest.py)."""
    found = {}
    for module in modules():
        for name, value in vars(module).items():
            if type(value).__name__ == "FixtureFunctionDefinition":
                found[name] = value
    return found
