"""Documented bodies of the innovation directory (API v1.1 § Public data)."""

from __future__ import annotations

from marshmallow import fields

from kipp.api.responses_base import Bool, Int, Items, Out, Paged, Str, Time, req


class ReplicatesOut(Out):
    id = Int(allow_none=True)
    title = Str()
    agency = Str(allow_none=True)


class InnovationOut(Out):
    """A directory innovation. `tier` is its best published tier (`final`, `shortlist`) or
    null for an agency's consented, non-winning entry; `island` an island-group key."""

    id = Int()
    title = Str()
    agency = Str()
    province = Str()
    island = Str()
    kind = Str()
    group = Str()
    year = Int()
    tier = Str(allow_none=True)
    is_3t = Bool()
    summary = Str()
    replicates = req(fields.Nested(ReplicatesOut, allow_none=True))
    replicated_by = Int()
    theme = Str(allow_none=True, metadata={"description": "A theme code (GET /public/themes)"})
    status = Str(
        allow_none=True,
        metadata={"enum": ["running", "stopped", None], "description": "null until validated"},
    )
    validated_at = Time()
    stale = Bool(metadata={"description": "Not validated for more than 365 days (or never)"})


class ReplicationOut(Out):
    id = Int()
    title = Str()
    agency = Str()
    year = Int()


class InnovationFullOut(InnovationOut):
    video_url = Str(allow_none=True)
    started_on = req(fields.Date(allow_none=True))
    abstract = Str(allow_none=True)
    replication_type = Str(allow_none=True)
    replication_notes = Str(allow_none=True)
    replications = Items(ReplicationOut)


class FacetValueOut(Out):
    value = req(fields.Raw(allow_none=True))
    count = Int()


class FacetsOut(Out):
    """Counts within the current results, per filter value (largest first; years newest
    first); the tier of a consented non-winning entry is `none`."""

    year = Items(FacetValueOut)
    tier = Items(FacetValueOut)
    island = Items(FacetValueOut)
    province = Items(FacetValueOut)
    kind = Items(FacetValueOut)
    group = Items(FacetValueOut)
    is_3t = Items(FacetValueOut)


class InnovationPage(Paged):
    items = Items(InnovationOut)
    facets = req(fields.Nested(FacetsOut))
