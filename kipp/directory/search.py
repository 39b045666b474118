"""Full-text matching of directory queries, per database.

`text_match(q)` returns a `Match` — what to join on the entry id, the condition and
the relevance expression (best first) — or None when `q` holds no word (blank, punctuation
only): such a query filters nothing and the list keeps its default order.

Guarantees: the visitor's text only ever travels as a bound parameter. PostgreSQL parses it with
`websearch_to_tsquery` (quotes → phrase, `or`, `-word`; it never raises on any input) under the
Indonesian (`kipp_id`) and English (`kipp_en`) configurations, OR-ed, against the whole
document; ranking is `ts_rank` on the title and agency (see `_postgres`). SQLite gets an FTS5
expression built here from the words alone, each one double-quoted (no FTS5 operator can come
from the visitor), with the same websearch syntax and `kipp.directory.stem` word forms;
ranking is `bm25` weighting title, agency and summary 10 : 5 : 1.
Queries are at most `Q_MAX` characters (the API refuses longer ones, the page trims them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import String, bindparam, column, func, literal_column, table, text
from sqlalchemy.sql.elements import ColumnElement

from kipp.directory.stem import forms
from kipp.extensions import db
from kipp.models.directory import InnovationDocument

Q_MAX = 200
MAX_TERMS = 12  # words (and phrases) of one SQLite query; PostgreSQL has no need of a cap
_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')

innovation_fts = table("innovation_fts", column("rowid"))


@dataclass(frozen=True)
class Match:
    source: object  # joined on `key` = innovation_search.entry_id
    key: ColumnElement
    condition: ColumnElement
    rank: ColumnElement  # ascending order is best first


def has_words(q: str | None) -> bool:
    return bool(q and _WORD.search(q))


def _clean(q: str) -> str:
    return q[:Q_MAX].replace("\x00", "")


def text_match(q: str | None) -> Match | None:
    if not has_words(q):
        return None
    q = _clean(q)
    if db.engine.dialect.name == "postgresql":
        return _postgres(q)
    expr = fts5_expression(q)
    return _sqlite(expr) if expr else None


def text_params(q: str | None) -> dict:
    """The bound values of `text_match(q)`'s expressions, by name: a statement built for
    another text runs for this one with them (`kipp.directory.queries`)."""
    if not has_words(q):
        return {}
    if db.engine.dialect.name == "postgresql":
        return {"q": _clean(q)}
    return {"fts": fts5_expression(_clean(q))}


def _postgres(q: str) -> Match:
    """Matches the whole document (GIN index); ranks on the heading alone (title A, agency B),
    a short vector stored beside it, so ranking thousands of matches stays cheap: title and
    agency matches first, summary-only matches after them (then newest year, title)."""
    q = bindparam("q", q, type_=String)  # named: `text_params` gives its value
    query = func.websearch_to_tsquery(literal_column("'kipp_id'::regconfig"), q).op("||")(
        func.websearch_to_tsquery(literal_column("'kipp_en'::regconfig"), q)
    )
    return Match(
        InnovationDocument,
        InnovationDocument.entry_id,
        InnovationDocument.document.op("@@")(query),
        -func.ts_rank(InnovationDocument.heading, query),
    )


def _sqlite(expr: str) -> Match:
    return Match(
        innovation_fts,
        innovation_fts.c.rowid,
        text("innovation_fts MATCH :fts").bindparams(fts=expr),
        func.bm25(literal_column("innovation_fts"), 10.0, 5.0, 1.0),
    )


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _word_group(word: str) -> str:
    if len(word) < 3:  # a prefix query of one or two letters matches nearly everything
        return _quote(word.lower())
    terms = [_quote(word.lower())] + [_quote(f) + "*" for f in forms(word)]
    return "(" + " OR ".join(terms) + ")"


def fts5_expression(q: str) -> str:
    """An FTS5 MATCH expression for websearch-style `q` ("" when nothing is searchable):
    words AND-ed (each with its word forms), `"…"` a phrase, `or` between two terms, `-term`
    excluded (only after a positive term: FTS5 NOT is binary)."""
    positive: list[str] = []
    negative: list[str] = []
    join_or = False
    for m in _TOKEN.finditer(q):
        neg, phrase, bare = m.group(1), m.group(2), m.group(3)
        if bare is not None and bare.lower() == "or" and positive:
            join_or = True
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            neg, bare = "-", bare[1:]
        words = _WORD.findall(phrase if phrase is not None else bare)
        if not words:
            continue
        if phrase is not None and len(words) > 1:
            term = _quote(" ".join(w.lower() for w in words))
        else:
            term = " AND ".join(_word_group(w) for w in words)
            term = f"({term})" if len(words) > 1 else term
        if neg:
            negative.append(term)
        elif join_or:
            positive[-1] = f"({positive[-1]} OR {term})"
            join_or = False
        else:
            positive.append(term)
        if len(positive) + len(negative) >= MAX_TERMS:
            break
    if not positive:
        return ""
    expr = " AND ".join(positive)
    for term in negative:
        expr = f"({expr}) NOT {term}"
    return expr
