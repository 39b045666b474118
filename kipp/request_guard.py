"""Refuse request text that no view can handle, before any view runs.

A request is refused with 422 `validation_error` (naming the field) when any text in it holds

- a NUL character (U+0000): PostgreSQL text cannot store it and the driver raises;
- an unpaired surrogate (U+D800–U+DFFF): it has no UTF-8 form, so encoding it raises;

and when its JSON body nests deeper than `MAX_JSON_DEPTH` (the parser would recurse until
Python's stack runs out). Checked: the path, query names and values, form names and values,
upload file names, and every key and string of a JSON body. A JSON body that does not parse
is left alone here: the view's parser answers it with 400.

Because the check runs before the view, a refused request changes nothing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from kipp.errors import ValidationFailed

MAX_JSON_DEPTH = 32  # the deepest body of the contract (competition groups) nests 5 deep

_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def _bad(text: str | None) -> bool:
    """NUL or a lone surrogate — or no text at all (a form part whose name did not parse)."""
    return not isinstance(text, str) or bool(_BAD_TEXT.search(text))


def _refuse(field: str) -> None:
    message = _("Contains a character that cannot be stored (NUL or an unpaired surrogate).")
    raise ValidationFailed(
        _("The request has invalid fields; see errors."), errors={field: [message]}
    )


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in `data` (brackets inside strings ignored)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_JSON_STRING.sub(b"", data)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _first_bad(value: Any, path: str) -> str | None:
    """The dotted path of the first bad key or string in a parsed JSON value (no recursion)."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if _bad(item):
                return where or "body"
        elif isinstance(item, dict):
            for key, sub in item.items():
                name = f"{where}.{key}" if where else str(key)
                if _bad(str(key)):
                    return where or "body"
                stack.append((sub, name))
        elif isinstance(item, list):
            stack.extend((sub, f"{where}.{i}" if where else str(i)) for i, sub in enumerate(item))
    return None


def _check_json() -> None:
    data = request.get_data(cache=True)
    if not data:
        return
    if json_depth(data) > MAX_JSON_DEPTH:
        raise ValidationFailed(
            _("The JSON body nests deeper than %(n)d levels.", n=MAX_JSON_DEPTH),
            errors={"body": [_("Nested too deeply.")]},
        )
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        return  # unparsable: the view's parser answers 400
    where = _first_bad(parsed, "")
    if where is not None:
        _refuse(where)


def _check_pairs(pairs: MultiDict, name: str) -> None:
    for key, values in pairs.lists():
        if _bad(key):
            _refuse(name)
        for value in values:
            if _bad(value):
                _refuse(key)


def _check_form() -> None:
    try:
        form, files = request.form, request.files
    except HTTPException:
        return  # too large or malformed: the view answers it as it always has (e.g. 413)
    _check_pairs(form, "form")
    for key, upload in files.items(multi=True):
        if _bad(key) or _bad(upload.filename or ""):
            _refuse(key)


def check_request() -> None:
    """Raise `ValidationFailed` for a request the module docstring says is refused."""
    if _bad(request.path):
        _refuse("path")
    _check_pairs(request.args, "query")
    if request.is_json:
        _check_json()
    else:
        _check_form()


def register_request_guard(app: Flask) -> None:
    """Run `check_request` first of the app's own before-request hooks."""
    app.before_request(check_request)
