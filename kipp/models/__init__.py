"""All models, one module per aggregate; importing this registers every table."""

from kipp.models import (  # noqa: F401  (register their tables)
    account_links,
    awards,
    directory,
    group_rules,
    mail,
    periodic,
    publication,
    ratelimit,
    schedule,
    themes,
)
from kipp.models.agencies import AGENCY_KINDS, Agency
from kipp.models.audit import AuditEvent, AuditHead
from kipp.models.competitions import (
    ROUNDS,
    STAGES,
    Competition,
    CompetitionGroup,
    Criterion,
    Stage,
)
from kipp.models.documents import (
    JOB_KINDS,
    Certificate,
    DocumentItem,
    DocumentJob,
    RenderedDocument,
)
from kipp.models.entries import ATTACHMENT_KINDS, REPLICATION_TYPES, Attachment, Entry
from kipp.models.judging import TIERS, Assignment, ScoreValue, Selection, SelectionEntry
from kipp.models.sessions import UserSession
from kipp.models.users import REVIEWER_ROLES, ROLES, ApiToken, Conflict, LoginFailure, User

__all__ = [
    "AGENCY_KINDS",
    "JOB_KINDS",
    "ATTACHMENT_KINDS",
    "REPLICATION_TYPES",
    "REVIEWER_ROLES",
    "ROLES",
    "ROUNDS",
    "STAGES",
    "Stage",
    "TIERS",
    "Agency",
    "Assignment",
    "ApiToken",
    "Attachment",
    "Certificate",
    "DocumentItem",
    "DocumentJob",
    "RenderedDocument",
    "AuditEvent",
    "AuditHead",
    "Competition",
    "CompetitionGroup",
    "Conflict",
    "Criterion",
    "Entry",
    "LoginFailure",
    "ScoreValue",
    "Selection",
    "SelectionEntry",
    "User",
    "UserSession",
]
