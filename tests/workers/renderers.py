"""Test renderers in the place of the real ones, on the registry of document kinds.

A test renderer is a function `f(kind, entry_id)`, called where the worker would call the
kind's own renderer (`kipp.documents.kinds.KINDS[kind].render_function()`). The registry is
changed, never the production code:

- `use(monkeypatch, f)`: in this process, for one test (undone by pytest's teardown);
- `install(f)` / `install_named("tests.<module>:<function>")`: for good, in a worker process
  (`tests.workers.celery_entry`);
- `use_real()`: the real renderers again, until the test ends;
- `real(kind)`: the kind's real renderer, whatever is installed, so a test renderer can wrap it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import partial
from importlib import import_module
from typing import TYPE_CHECKING

from kipp.documents.kinds import KINDS, DocumentKind

if TYPE_CHECKING:
    import pytest

TestRenderer = Callable[[str, int], object]


@dataclass(frozen=True)
class SubstitutedKind(DocumentKind):
    """A kind whose documents a test renderer makes; `original` is the registry's own kind."""

    substitute: TestRenderer | None = None
    original: DocumentKind | None = None

    def render_function(self) -> Callable[[int], object]:
        return partial(self.substitute, self.code)


def _original(kind: DocumentKind) -> DocumentKind:
    return kind.original if isinstance(kind, SubstitutedKind) else kind


def substituted(renderer: TestRenderer) -> dict[str, SubstitutedKind]:
    """Every kind of the registry, its documents made by `renderer`."""
    out = {}
    for code, kind in KINDS.items():
        original = _original(kind)
        values = {f.name: getattr(original, f.name) for f in fields(DocumentKind)}
        out[code] = SubstitutedKind(**values, substitute=renderer, original=original)
    return out


def real(kind: str) -> Callable[[int], object]:
    """The real renderer of `kind`, whether or not a test renderer is installed."""
    return _original(KINDS[kind]).render_function()


def use(monkeypatch: pytest.MonkeyPatch, renderer: TestRenderer) -> None:
    """Render with `renderer` until the end of the test."""
    for code, kind in substituted(renderer).items():
        monkeypatch.setitem(KINDS, code, kind)


def use_real() -> None:
    """The real renderers again (for the rest of the test when `use` installed another)."""
    for code, kind in list(KINDS.items()):
        KINDS[code] = _original(kind)


def install(renderer: TestRenderer) -> None:
    """Render with `renderer` in this process from now on (a test worker's entry point)."""
    KINDS.update(substituted(renderer))


def resolve(path: str) -> TestRenderer:
    """The function `path` names: "tests.<module>:<function>"."""
    module, _, name = path.partition(":")
    if not module.startswith("tests.") or not name:
        raise ValueError(f"a test renderer is named tests.<module>:<function>, not {path!r}")
    return getattr(import_module(module), name)


def install_named(path: str) -> None:
    """`install` the function that `path` names; an empty path keeps the real renderers."""
    if path:
        install(resolve(path))
