"""The kinds of document a job renders: one registry read by jobs, workers, pages and the API.

Each kind names, once: its label, the PDF template it is drawn from, which entries of a
competition get one (`subjects`), the function that renders one entry's document (idempotent:
running it twice for the same entry writes nothing twice), and the stage a job of that kind
needs (None: any stage). Who may download a rendered document is a permission predicate of
its own (`kipp.permissions.can_download_certificate`, `can_read_score_sheet`).

Adding a kind: its code in `kipp.models.documents.JOB_KINDS` (and a migration for the CHECK
constraint), an entry here, and its template under `templates/pdf/`. The registry refuses to
load if it and the model disagree.

Functions are named by dotted path and imported on first use, so this module stays importable
by the models' neighbours and by the worker before the rendering stack is loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from flask_babel import lazy_gettext as _l

from kipp.models import JOB_KINDS


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: Any  # a lazy translation
    template: str  # under templates/pdf/
    subjects: str  # "module:function(competition_id) -> entry ids"
    renderer: str  # "module:function(entry_id)", idempotent
    stage: str | None = None  # the stage a job of this kind needs
    stage_refusal: Any = None  # what to say when a job is asked for in another stage

    def subject_ids(self, competition_id: int) -> list[int]:
        """The entry ids to render for a competition, deduplicated and ascending."""
        return sorted(set(_resolve(self.subjects)(competition_id)))

    def render_function(self) -> Callable[[int], object]:
        return _resolve(self.renderer)


def _resolve(path: str) -> Callable[..., Any]:
    module, name = path.split(":")
    return getattr(import_module(module), name)


KINDS: dict[str, DocumentKind] = {
    "certificates": DocumentKind(
        code="certificates",
        label=_l("Certificates"),
        template="certificate.html",
        subjects="kipp.documents.certificates:certificate_entry_ids",
        renderer="kipp.documents.certificates:issue_certificate",
        stage="awarded",
        stage_refusal=_l("Certificates are issued once the competition is awarded."),
    ),
    "score_sheets": DocumentKind(
        code="score_sheets",
        label=_l("Score sheets"),
        template="score_sheet.html",
        subjects="kipp.documents.score_sheets:score_sheet_subjects",
        renderer="kipp.documents.score_sheets:render_score_sheet",
    ),
}
LABELS = {code: kind.label for code, kind in KINDS.items()}

if tuple(KINDS) != JOB_KINDS:  # pragma: no cover - caught by every test run
    raise RuntimeError(f"document kinds {tuple(KINDS)} disagree with the model's {JOB_KINDS}")
