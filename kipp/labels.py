"""Display labels of codes that several features show: one definition each.

The values are lazy strings: they are translated when rendered, in the request's language.
Every code of the model's tuple has a label (checked at import).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from kipp.models import AGENCY_KINDS, ATTACHMENT_KINDS, ROLES, ROUNDS, STAGES, TIERS
from kipp.models.documents import JOB_STATUSES
from kipp.models.entries import ENTRY_STATUSES, REPLICATION_TYPES
from kipp.models.judging import SHEET_STATUSES

AGENCY_KIND_LABELS = {
    "kementerian": _l("Ministry"),
    "lembaga": _l("Non-ministerial agency"),
    "provinsi": _l("Provincial government"),
    "kabupaten": _l("Regency government"),
    "kota": _l("City government"),
    "bumn": _l("State-owned enterprise"),
    "bumd": _l("Regional-owned enterprise"),
}
assert tuple(AGENCY_KIND_LABELS) == AGENCY_KINDS

ROLE_LABELS = {
    "admin": _l("Secretariat (admin)"),
    "agency": _l("Agency (Admin Lokal)"),
    "evaluator": _l("Evaluator"),
    "panelist": _l("Panelist"),
    "chair": _l("Panel chair"),
    "drafter": _l("Drafting unit (drafter)"),
}
assert set(ROLE_LABELS) == set(ROLES)

# The secretariat's and reviewers' names of the stages (agency pages use their own wording).
STAGE_LABELS = {
    "draft": _l("Draft"),
    "submission": _l("Submission"),
    "screening": _l("Screening"),
    "evaluation": _l("Evaluation"),
    "shortlist": _l("Shortlist"),
    "panel": _l("Panel"),
    "final": _l("Final"),
    "awarded": _l("Awarded"),
}
assert tuple(STAGE_LABELS) == STAGES

# The agencies' wording of two stages; the others as above.
AGENCY_STAGE_LABELS = {**STAGE_LABELS, "draft": _l("Preparation"), "awarded": _l("Awards")}

ROUND_LABELS = {"evaluation": _l("Desk evaluation"), "panel": _l("Panel round")}
assert tuple(ROUND_LABELS) == ROUNDS

TIER_LABELS = {"shortlist": _l("Shortlist"), "final": _l("Final tier")}
assert tuple(TIER_LABELS) == TIERS

ENTRY_STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "eligible": _l("Eligible"),
    "ineligible": _l("Ineligible"),
    "disqualified": _l("Disqualified"),
}
assert tuple(ENTRY_STATUS_LABELS) == ENTRY_STATUSES

# The screening queue's filter: a submitted entry is "unscreened" there.
SCREENING_STATUS_LABELS = {
    "submitted": _l("Unscreened"),
    "eligible": _l("Eligible"),
    "ineligible": _l("Ineligible"),
    "all": _l("All"),
}

ATTACHMENT_KIND_LABELS = {
    "decree": _l("Decree on the innovator (SK)"),
    "replication_statement": _l("Replication statement"),
    "evidence": _l("Evidence of implementation"),
    "other": _l("Other document"),
}
assert tuple(ATTACHMENT_KIND_LABELS) == ATTACHMENT_KINDS

REPLICATION_LABELS = {
    "adopsi": _l("Adoption (taken over whole)"),
    "adaptasi": _l("Adaptation"),
    "modifikasi": _l("Modification"),
}
assert set(REPLICATION_LABELS) == set(REPLICATION_TYPES)

SHEET_STATUS_LABELS = {
    "pending": _l("Not started"),
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
}
assert tuple(SHEET_STATUS_LABELS) == SHEET_STATUSES

JOB_STATUS_LABELS = {
    "queued": _l("Queued"),
    "running": _l("Running"),
    "done": _l("Done"),
    "failed": _l("Finished with failures"),
}
assert tuple(JOB_STATUS_LABELS) == JOB_STATUSES
