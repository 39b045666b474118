"""What /api/v1/agency/drafters answers (see `kipp.api.drafts`), for the OpenAPI document."""

from __future__ import annotations

from kipp.api.responses_base import Bool, Int, Items, Listed, Out, Str


class DrafterOut(Out):
    """A drafting unit's account under the caller's agency."""

    id = Int()
    email = Str()
    name = Str()
    active = Bool()
    invited = Bool(
        metadata={"description": "True until the drafter has set a password from its invitation"}
    )
    drafts = Int(metadata={"description": "Its entries that are still drafts"})
    submitted = Int(metadata={"description": "Its entries the agency has submitted"})
    version = Int()


class DrafterList(Listed):
    items = Items(DrafterOut)
