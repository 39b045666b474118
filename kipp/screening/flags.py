"""Multi-year eligibility flags: pure rules (API v1.1 § Competition rules: flags).

Guarantees:
- `fold(title)` is the case- and accent-blind form of a title: NFKD, combining marks
  U+0300–U+036F removed, lower case. It is the Python twin of the SQL function
  `kipp_title_key(text)` (migration 0015) that the PostgreSQL GIN trigram index is built on.
- `trigrams(title)` and `similarity(a, b)` compute exactly pg_trgm's `similarity()` on folded
  titles: words are runs of alphanumeric characters, each padded with two spaces before and
  one after, the distinct trigrams of both sides compared as |common| / |union|.
- Titles are similar when that ratio is >= 0.6, decided in integers (no rounding surprises).
- `similar_pairs` finds every similar pair of a set of titles (prefix filtering on rare
  trigrams: the same answer as comparing every pair, far fewer comparisons).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

THRESHOLD_NUM, THRESHOLD_DEN = 3, 5  # similarity >= 0.6
CODES = ("previous_winner", "twice_shortlisted", "duplicate_title")


@dataclass(frozen=True)
class Flag:
    code: str
    other_entry_id: int
    other_year: int
    similarity: float

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "other_entry_id": self.other_entry_id,
            "other_year": self.other_year,
            "similarity": self.similarity,
        }


@dataclass(frozen=True)
class Earlier:
    """An earlier entry of an agency that sat in a finalised tier (`shortlist` or `final`)."""

    entry_id: int
    agency_id: int
    year: int
    competition_id: int
    tier: str
    title: str


def fold(title: str) -> str:
    decomposed = unicodedata.normalize("NFKD", title)
    return "".join(c for c in decomposed if not "\u0300" <= c <= "\u036f").lower()


def trigrams(title: str) -> frozenset[str]:
    words, word = [], []
    for c in fold(title):
        if c.isalnum():
            word.append(c)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    grams = set()
    for w in words:
        padded = "  " + w + " "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def _ratio(a: frozenset[str], b: frozenset[str]) -> tuple[int, int]:
    common = len(a & b)
    return common, len(a) + len(b) - common


def is_similar_sets(a: frozenset[str], b: frozenset[str]) -> bool:
    common, union = _ratio(a, b)
    return bool(a and b) and common * THRESHOLD_DEN >= union * THRESHOLD_NUM


def similarity_sets(a: frozenset[str], b: frozenset[str]) -> float:
    common, union = _ratio(a, b)
    return round(common / union, 4) if a and b else 0.0


def similarity(a: str, b: str) -> float:
    return similarity_sets(trigrams(a), trigrams(b))


def similar(a: str, b: str) -> bool:
    return is_similar_sets(trigrams(a), trigrams(b))


def _prefix_len(n: int) -> int:
    """How many of a set's rarest trigrams must be shared by any set similar to it."""
    return n - (THRESHOLD_NUM * n + THRESHOLD_DEN - 1) // THRESHOLD_DEN + 1


def similar_pairs(sets: dict[int, frozenset[str]]) -> list[tuple[int, int, float]]:
    """Every pair (a, b, similarity) with a < b whose sets are similar.

    PPJoin (Xiao et al., 2008): sets in ascending size, trigrams in ascending frequency; a pair
    can only be similar when their prefixes share a trigram (prefix filter; the indexed prefix
    is the shorter one of PPJoin, the probing prefix the longer one), the smaller is at
    least 3/5 of the larger (size filter), and the trigrams left after the first shared one can
    still reach the overlap that 0.6 needs (positional filter). The survivors are compared in
    full, so the answer is the one of comparing every pair.
    """
    freq: dict[str, int] = defaultdict(int)
    for grams in sets.values():
        for g in grams:
            freq[g] += 1
    # trigram -> (key, size, trigrams after this one in the key's order), in ascending size
    index: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    found = []
    for key, grams in sorted(sets.items(), key=lambda kv: (len(kv[1]), kv[0])):
        n = len(grams)
        if not n:
            continue
        min_size = (THRESHOLD_NUM * n + THRESHOLD_DEN - 1) // THRESHOLD_DEN
        prefix = sorted(grams, key=lambda g: (freq[g], g))[: _prefix_len(n)]
        # Sets come smallest first, so a later (larger) set needs 3/4 of this one's trigrams
        # (common >= 3/8 (n + m) >= 3/4 n): only the rarest n - ceil(3n/4) + 1 are indexed.
        index_len = n - (3 * n + 3) // 4 + 1
        overlap: dict[int, int] = {}
        for i, g in enumerate(prefix):
            rest = n - i - 1
            postings = index[g]
            for other, m, other_rest in reversed(postings):  # largest sets first
                if m < min_size:
                    break
                have = overlap.get(other, 0)
                if have < 0:
                    continue
                # common >= 3/8 (n + m) is what common / (n + m - common) >= 3/5 needs
                need = (THRESHOLD_NUM * (n + m) + 7) // (THRESHOLD_NUM + THRESHOLD_DEN)
                bound = rest if rest < other_rest else other_rest
                overlap[other] = -1 if have + 1 + bound < need else have + 1
            if i < index_len:
                postings.append((key, n, rest))
        for other, have in overlap.items():
            if have > 0 and is_similar_sets(grams, sets[other]):
                a, b = sorted((key, other))
                found.append((a, b, similarity_sets(grams, sets[other])))
    return found


def history_flags(
    grams: frozenset[str], agency_id: int, earlier: Iterable[Earlier], cache: dict
) -> list[Flag]:
    """`previous_winner` for each similar earlier `final` entry of the agency; and, when the
    agency's similar titles sat in shortlist tiers of two or more earlier competitions,
    `twice_shortlisted` for each of those entries. `cache` maps titles to trigram sets."""
    winners, shortlisted = [], []
    for e in earlier:
        if e.agency_id != agency_id:
            continue
        other = cache.get(e.title)
        if other is None:
            other = cache[e.title] = trigrams(e.title)
        if not is_similar_sets(grams, other):
            continue
        sim = similarity_sets(grams, other)
        target = winners if e.tier == "final" else shortlisted
        target.append((e, sim))
    flags = [Flag("previous_winner", e.entry_id, e.year, s) for e, s in winners]
    if len({e.competition_id for e, _ in shortlisted}) >= 2:
        flags += [Flag("twice_shortlisted", e.entry_id, e.year, s) for e, s in shortlisted]
    return flags


def ordered(flags: Iterable[Flag]) -> list[Flag]:
    """Flags in a stable order: by code (as in CODES), then the most similar first."""
    return sorted(
        set(flags),
        key=lambda f: (CODES.index(f.code), -f.similarity, -f.other_year, f.other_entry_id),
    )
