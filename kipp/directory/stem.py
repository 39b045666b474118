"""Indonesian word forms for the SQLite fallback (PostgreSQL stems with Snowball instead).

FTS5 cannot run a Python tokenizer, so the index keeps words as written (Porter-stemmed for
English) and a query word is widened here instead: `forms(word)` is the word, its root with
particles, possessives, derivational suffixes and prefixes removed (a simplified
Nazief–Adriani / Snowball Indonesian), and the root under the usual prefixes, each used as a
prefix query (`"pelayan"*` finds pelayanan). Guarantees: pure, at most `MAX_FORMS` forms, every
form made of the word's own letters.
"""

from __future__ import annotations

PARTICLES = ("lah", "kah", "tah", "pun")
POSSESSIVES = ("nya", "ku", "mu")
SUFFIXES = ("kan", "an", "i")
PREFIXES = (
    "meng", "meny", "mem", "men", "me", "peng", "peny", "pem", "pen", "per", "pe",
    "ber", "be", "ter", "di", "ke", "se",
)  # fmt: skip
# Prefixes put back onto a root to meet the forms a document may hold.
REBUILD = ("pe", "pen", "peng", "me", "men", "meng", "ke", "di", "ber", "ter", "per")
MIN_ROOT = 3
MAX_FORMS = 24


def _strip_end(word: str, endings: tuple[str, ...]) -> str:
    for end in endings:
        if word.endswith(end) and len(word) - len(end) >= MIN_ROOT + 1:
            return word[: -len(end)]
    return word


def root(word: str) -> str:
    """The word without its Indonesian affixes (lower case); the word itself if too short."""
    w = word.lower()
    w = _strip_end(w, PARTICLES)
    w = _strip_end(w, POSSESSIVES)
    for prefix in PREFIXES:
        if w.startswith(prefix) and len(w) - len(prefix) >= MIN_ROOT:
            w = w[len(prefix) :]
            break
    return _strip_end(w, SUFFIXES)


def forms(word: str) -> list[str]:
    """The word and the forms of its root to look for (see the module docstring)."""
    w = word.lower()
    r = root(w)
    out = [w] + [p + w for p in REBUILD if not w.startswith(p)]
    if len(r) >= MIN_ROOT and r != w:
        out += [r] + [p + r for p in REBUILD]
    seen: list[str] = []
    for f in out:
        if f not in seen:
            seen.append(f)
    return seen[:MAX_FORMS]
