"""What a selection's tier means: its round, its stage, its size, its pool and its label.

Guarantees
- The tiers of a competition are `shortlist`, `final` and its extra awards' codes
  (`Competition.tiers`); `is_tier` answers for exactly those.
- `shortlist` ranks the evaluation round, in stage `shortlist`, `shortlist_size` places;
  `final` ranks the panel round, in stage `final`, `final_size` places. An extra award ranks
  the evaluation round restricted to its group's eligible entries (ranks, ties and the cut are
  those of that group alone), in stage `final`, `size` places.
- Every evaluation ranking carries the pass mark's `below_pass_mark` flags.
"""

from __future__ import annotations

from kipp.judging.queries import ROUND_FOR_TIER, RoundRanking, load_pool, load_sheets, rank_round
from kipp.judging.ranking import MEAN, ZSCORE, flag_below_pass_mark, rank_mean
from kipp.judging.zscore import rank_zscore
from kipp.models import Competition
from kipp.models.awards import BUILTIN_TIERS


def is_tier(comp: Competition, tier: object) -> bool:
    return isinstance(tier, str) and (tier in BUILTIN_TIERS or comp.extra_award(tier) is not None)


def tier_round(tier: str) -> str:
    """The judging round a tier is ranked in (extra awards: the evaluation round)."""
    return ROUND_FOR_TIER.get(tier, "evaluation")


def tier_stage(tier: str) -> str:
    """The stage in which a tier is selected (extra awards: stage `final`)."""
    return tier if tier in BUILTIN_TIERS else "final"


def tier_size(comp: Competition, tier: str) -> int:
    if tier == "shortlist":
        return comp.shortlist_size
    if tier == "final":
        return comp.final_size
    award = comp.extra_award(tier)
    return award.size if award is not None else comp.final_size


def tier_group(comp: Competition, tier: str) -> str | None:
    """The group an extra award is drawn from (None for the built-in tiers)."""
    award = comp.extra_award(tier)
    return award.group if award is not None else None


def tier_ranking(comp: Competition, tier: str, method: str = MEAN) -> RoundRanking:
    """The ranking a selection of `tier` is made on (see the module guarantees)."""
    award = comp.extra_award(tier) if tier not in BUILTIN_TIERS else None
    if award is None:
        return rank_round(comp, tier_round(tier), method)
    pool = load_pool(comp, "evaluation", award.group)
    sheets, expected, names = load_sheets(comp, "evaluation", set(pool), names=method == ZSCORE)
    rank = rank_zscore if method == ZSCORE else rank_mean
    ranking = flag_below_pass_mark(rank(sheets, pool.keys(), expected, award.size), comp.pass_mark)
    return RoundRanking(comp.id, "evaluation", ranking, pool, names)
