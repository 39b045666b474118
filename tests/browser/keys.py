"""Driving a page with the keyboard only, as a person without a mouse does.

Every step moves the focus with Tab (or Shift+Tab) and acts on the focused element with the
keys a person would press: typing, Enter on links and buttons, Space on checkboxes, arrow keys
in a <select>. Nothing here clicks or fills an element the keyboard has not reached. Each
element reached must show its focus (a computed outline or box-shadow, WCAG 2.4.7), and a
target that Tab never reaches fails with the list of what was focused on the way.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from tests.browser.axe import FOCUSED, FROM_THE_TOP

# A short readable name of the focused element, for failure messages.
NAME = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return '<body>';
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (el.name) s += `[name=${el.name}]`;
  const href = el.getAttribute('href');
  if (href) s += `[href=${href}]`;
  const text = (el.innerText || el.value || '').trim().slice(0, 30);
  return text ? `${s} "${text}"` : s;
}"""


def focused_name(page: Page) -> str:
    return page.evaluate(NAME)


def from_the_top(page: Page) -> None:
    """Start the next Tab at the top of the document, as after a fresh page load."""
    page.evaluate(FROM_THE_TOP)


def tab_to(
    page: Page, target: Locator, limit: int = 80, back: bool = False, ring: bool = True
) -> None:
    """Press Tab (Shift+Tab with `back`) until `target` (its first match) has the focus, at
    most `limit` times (none when it has the focus already). With `ring`, the focused target
    must show a focus indicator, and so must every element the focus passed on the way.

    Fails naming the target and the elements the focus passed through when it is never
    reached (a control the keyboard cannot reach is a bug of the page)."""
    handle = target.first.element_handle()
    key = "Shift+Tab" if back else "Tab"
    path: list[str] = []
    unringed: list[str] = []
    for _ in range(limit + 1):
        if handle.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press(key)
        name = focused_name(page)
        path.append(name)
        shown = page.evaluate(FOCUSED)
        if ring and shown and not shown["ring"]:
            unringed.append(name)
    else:
        raise AssertionError(
            f"{limit} × {key} never reached {target} on {page.url}; passed: {path[-12:]}"
        )
    assert not unringed, f"no visible focus on {unringed} ({page.url})"
    if ring:
        shown = page.evaluate(FOCUSED)
        assert shown and shown["ring"], f"{focused_name(page)} shows no focus on {page.url}"


AHEAD = """el => {
  const now = document.activeElement;
  if (!now || now === document.body || now === el) return true;
  return !!(now.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
}"""


def reach(page: Page, target: Locator, limit: int = 200) -> None:
    """Move the focus to `target` as a person would: onwards with Tab when it comes later in
    the page than the focus, else from the top of the page."""
    target.first.wait_for()
    if not target.first.evaluate(AHEAD):
        from_the_top(page)
    tab_to(page, target, limit=limit)


def tab_through(page: Page, limit: int = 400) -> list[str]:
    """Tab from the top of the page through every focusable element, until the focus leaves
    the document or comes back to the first one; each must show its focus. Returns the names
    of the elements reached, in order."""
    from_the_top(page)
    seen: list[str] = []
    unringed: list[str] = []
    first = None
    for _ in range(limit):
        page.keyboard.press("Tab")
        shown = page.evaluate(FOCUSED)
        if shown is None:
            break
        name = focused_name(page)
        handle = page.evaluate_handle("() => document.activeElement")
        if first is not None and handle.evaluate("(el, first) => el === first", first):
            break
        first = first or handle
        seen.append(name)
        if not shown["ring"]:
            unringed.append(name)
    else:
        raise AssertionError(f"{limit} Tabs never left {page.url}")
    assert not unringed, f"no visible focus on {unringed} ({page.url})"
    return seen


def type_into(page: Page, target: Locator, text: str, **tab) -> None:
    """Tab to a text field, select what it holds and type `text` over it (long text is
    inserted at once, as a paste or an input method does)."""
    tab_to(page, target, **tab)
    page.keyboard.press("Control+A")
    if not text:
        page.keyboard.press("Delete")
    elif len(text) > 200:
        page.keyboard.insert_text(text)
    else:
        page.keyboard.type(text)


def choose(page: Page, target: Locator, value: str, **tab) -> None:
    """Tab to a <select> and move with the arrow keys to the option whose value is `value`."""
    tab_to(page, target, **tab)
    values = target.first.evaluate("el => [...el.options].map(o => o.value)")
    assert value in values, f"{target} has no option {value!r}: {values}"
    page.keyboard.press("Home")
    for _ in range(len(values)):
        if target.first.evaluate("el => el.value") == value:
            return
        page.keyboard.press("ArrowDown")
    current = target.first.evaluate("el => el.value")
    assert current == value, f"the arrow keys left {target} at {current!r}, not {value!r}"


def tick(page: Page, target: Locator, on: bool = True, **tab) -> None:
    """Tab to a checkbox or radio button and press Space unless it already is as wanted."""
    tab_to(page, target, **tab)
    if target.first.is_checked() != on:
        page.keyboard.press("Space")
    assert target.first.is_checked() == on, f"Space did not set {target} to {on}"


def radio(page: Page, target: Locator, **tab) -> None:
    """Tab into the radio group of `target` (Tab stops once per group) and move with the
    arrow keys until `target` is the checked one."""
    name = target.first.get_attribute("name")
    group = page.locator(f"input[type=radio][name='{name}']")
    size = group.count()
    handles = [group.nth(i).element_handle() for i in range(size)]
    for _ in range(tab.get("limit", 80)):
        page.keyboard.press("Shift+Tab" if tab.get("back") else "Tab")
        if any(h.evaluate("el => el === document.activeElement") for h in handles):
            break
    else:
        raise AssertionError(f"Tab never reached the radio group {name!r} on {page.url}")
    shown = page.evaluate(FOCUSED)
    assert shown and shown["ring"], f"{focused_name(page)} shows no focus on {page.url}"
    for _ in range(size):
        if target.first.is_checked():
            return
        page.keyboard.press("ArrowDown")
    assert target.first.is_checked(), f"the arrow keys never checked {target}"


def press(page: Page, target: Locator, key: str = "Enter", **tab) -> None:
    """Tab to a link or button and press `key` on it (Enter follows a link or sends a form)."""
    tab_to(page, target, **tab)
    page.keyboard.press(key)


def follow(page: Page, target: Locator, key: str = "Enter", **tab) -> None:
    """`press`, waiting for the page it leads to."""
    tab_to(page, target, **tab)
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state()


def login(page: Page, base: str, email: str, password: str, lang: str = "") -> None:
    """Log in by keyboard: the skip link, then the e-mail, the password and Enter."""
    page.goto(f"{base}/login{'?lang=' + lang if lang else ''}")
    from_the_top(page)
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["href"] == "#main", focused_name(page)
    page.keyboard.press("Enter")
    type_into(page, page.locator("main input[name=email]"), email, limit=5)
    type_into(page, page.locator("main input[name=password]"), password, limit=2)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"{email} could not log in: {page.inner_text('main')}"
