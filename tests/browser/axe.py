"""Accessibility checks of one page in the browser tests.

`axe_violations`: axe-core, injected from the project's node_modules (`npm ci`) or the copy
named by KIPP_AXE_JS, into a page of a context opened with `bypass_csp=True` (the pages' CSP
rightly refuses the inline script it becomes). `check_page`: axe plus the landmark, heading,
language, skip-link, focus and error-message checks of tests/browser/test_accessibility.py.
"""

from __future__ import annotations

import os
from pathlib import Path

AXE = Path(
    os.environ.get("KIPP_AXE_JS")
    or Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
)
SERIOUS = ("serious", "critical")


def axe_violations(page) -> list[dict]:
    """The serious and critical axe-core violations of the page as it is now: each as its rule
    id, impact and the selectors of up to three offending nodes."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [_node(n) for n in v["nodes"]][:3]}
        for v in found
        if v["impact"] in SERIOUS
    ]


def _node(node: dict) -> list:
    """The node's selector; for a contrast failure also its colours and ratio."""
    data = next((c.get("data") for c in node.get("any", []) if c["id"] == "color-contrast"), None)
    if isinstance(data, dict) and data.get("contrastRatio"):
        return [*node["target"], f"{data['fgColor']} on {data['bgColor']}: {data['contrastRatio']}"]
    return node["target"]


PAGE_FACTS = """() => {
  const mains = document.querySelectorAll('main, [role=main]');
  return {
    lang: document.documentElement.getAttribute('lang'),
    mains: mains.length,
    main: mains.length ? mains[0].id : null,
    h1: document.querySelectorAll('h1').length,
  };
}"""
# The element that has the keyboard focus: what it is, where it points, whether it is on
# screen, and whether its focus shows (a computed outline or box-shadow).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const css = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const outline = css.outlineStyle !== 'none' && parseFloat(css.outlineWidth) > 0;
  return {
    tag: el.tagName.toLowerCase(),
    href: el.getAttribute('href'),
    text: el.innerText,
    onscreen: box.width > 1 && box.height > 1 && box.right > 0 && box.bottom > 0,
    ring: outline || (css.boxShadow && css.boxShadow !== 'none'),
  };
}"""
# Move the keyboard's starting point to the top of the document (as a fresh page load
# without autofocus has it): the next Tab goes to the first focusable element.
FROM_THE_TOP = """() => {
  const body = document.body;
  body.setAttribute('tabindex', '-1');
  body.focus();
  body.removeAttribute('tabindex');
  window.scrollTo(0, 0);
}"""
INVALID = """() => [...document.querySelectorAll('[aria-invalid=true]')].map(el => {
  const ids = (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
  return {
    name: el.name || el.id,
    described: ids.map(id => (document.getElementById(id) || {}).textContent || '').join(' '),
  };
})"""


def check_page(page, path: str, lang: str = "id") -> list[str]:
    """Every problem of the page as now shown, as readable lines prefixed by `path`: a serious
    or critical axe violation; not exactly one <main> or one <h1>; `<html lang>` other than
    `lang`; a first Tab from the top that does not reach a visible skip link to the <main>; a
    focused element without a ring; an aria-invalid field whose aria-describedby names no
    text."""
    problems = [f"axe {v['id']} ({v['impact']}): {v['nodes']}" for v in axe_violations(page)]
    facts = page.evaluate(PAGE_FACTS)
    if facts["lang"] != lang:
        problems.append(f"<html lang={facts['lang']!r}>, the interface speaks {lang!r}")
    if facts["mains"] != 1:
        problems.append(f"{facts['mains']} <main> landmarks")
    if facts["h1"] != 1:
        problems.append(f"{facts['h1']} <h1> headings")
    # keyboard: from the top of the page, the first Tab reaches the skip link
    page.evaluate(FROM_THE_TOP)
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED)
    if not skip or skip["href"] != f"#{facts['main']}" or not facts["main"]:
        problems.append(f"the first Tab reaches {skip}, not a skip link to the <main>")
    else:
        if not skip["onscreen"]:
            problems.append("the focused skip link is not visible")
        if not skip["ring"]:
            problems.append("the focused skip link shows no focus indicator")
        page.keyboard.press("Tab")
        after = page.evaluate(FOCUSED)
        if after and not after["ring"]:
            problems.append(f"no visible focus on {after['tag']} {after['text']!r}")
    for field in page.evaluate(INVALID):
        if not field["described"].strip():
            problems.append(f"invalid field {field['name']!r} names no error message")
    return [f"{path}: {p}" for p in problems]


def tab_to(page, predicate: str, limit: int = 80) -> dict:
    """Press Tab until the focused element satisfies the JS `predicate` (el => bool)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({predicate})(document.activeElement)"):
            return page.evaluate(FOCUSED)
    raise AssertionError(f"{limit} Tabs never reached {predicate} on {page.url}")
