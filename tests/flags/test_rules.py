"""The pure rules: pg_trgm's trigrams and similarity, folding, the pair join, history."""

from __future__ import annotations

import itertools
import random

from kipp.screening.flags import (
    Earlier,
    fold,
    history_flags,
    similar,
    similar_pairs,
    similarity,
    trigrams,
)


def test_trigrams_are_pg_trgm_show_trgm():
    # The answers of PostgreSQL's `SELECT show_trgm(...)` (pg_trgm documentation and psql).
    assert trigrams("word") == {"  w", " wo", "wor", "ord", "rd "}
    assert trigrams("a-b") == {"  a", " a ", "  b", " b "}
    assert trigrams("") == frozenset() and trigrams("--!") == frozenset()
    assert trigrams("Word  word") == trigrams("word")


def test_fold_is_case_and_accent_blind():
    assert fold("Layanan CEPAT Café Ñ") == "layanan cepat cafe n"
    assert fold("ﬁle") == "file"  # compatibility decomposition
    assert similarity("Pelayanan Terpadu", "PELAYANAN TÉRPADU") == 1.0


def test_similarity_is_common_over_union():
    # "cat": {"  c"," ca","cat","at "}; "cap": {"  c"," ca","cap","ap "}: 2 common of 6.
    assert similarity("cat", "cap") == round(2 / 6, 4)
    assert similarity("", "cat") == 0.0 and not similar("", "")


def test_threshold_is_inclusive_at_six_tenths():
    # "abcd" has 5 trigrams; "abcde" has 6 of which 4 are shared: 4 / 7 < 0.6.
    assert not similar("abcd", "abcde")
    # 3 common of 5 exactly: "ab" {"  a"," ab","ab "} vs "ab x" adds {"  x"," x "}.
    assert similarity("ab", "ab x") == 0.6 and similar("ab", "ab x")


def _titles(n, seed):
    """Random titles of 1-6 words, a third of them re-spellings of an earlier one."""
    rng = random.Random(seed)
    words = [
        "sistem",
        "layanan",
        "online",
        "antrian",
        "desa",
        "digital",
        "kota",
        "sehat",
        "a",
        "b",
        "ab",
        "abc",
    ]
    titles: dict[int, str] = {}
    for i in range(n):
        if i and rng.random() < 0.35:
            title = titles[rng.randrange(i)]
            titles[i] = rng.choice([title + " x", title + " 2.0", title + "s", title[1:], title])
        else:
            titles[i] = " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
    return titles


def test_pair_join_equals_every_pair_compared():
    titles = _titles(400, 7)
    sets = {i: trigrams(t) for i, t in titles.items()}
    brute = {
        (a, b) for a, b in itertools.combinations(sorted(sets), 2) if similar(titles[a], titles[b])
    }
    found = similar_pairs(sets)
    assert {(a, b) for a, b, _ in found} == brute and len(brute) > 100
    assert len(found) == len(brute)
    assert all(s == similarity(titles[a], titles[b]) for a, b, s in found)


def _earlier(entry_id, agency, year, tier, title):
    return Earlier(entry_id, agency, year, year, tier, title)


def test_history_winner_and_twice_shortlisted_same_agency_only():
    grams = trigrams("Mal Pelayanan Publik")
    earlier = [
        _earlier(1, 7, 2023, "final", "MAL PELAYANAN PUBLIK"),
        _earlier(2, 7, 2022, "shortlist", "Mal Pelayanan Publik"),
        _earlier(3, 8, 2021, "final", "Mal Pelayanan Publik"),  # another agency
        _earlier(4, 7, 2020, "final", "Bank Sampah"),  # not similar
    ]
    flags = history_flags(grams, 7, earlier, {})
    assert [(f.code, f.other_entry_id, f.other_year) for f in flags] == [
        ("previous_winner", 1, 2023)
    ]
    earlier.append(_earlier(5, 7, 2024, "shortlist", "Mal Pelayanan Publik!"))
    codes = sorted((f.code, f.other_entry_id) for f in history_flags(grams, 7, earlier, {}))
    assert codes == [
        ("previous_winner", 1),
        ("twice_shortlisted", 2),
        ("twice_shortlisted", 5),
    ]
