"""What a visitor without an account may read: competitions, published lists, open data.

Guarantees
- Nothing unpublished leaves this module: a competition in `draft` is invisible (None, left
  out of every list), a selection is visible only once published (`published_at` set), and a
  visible selection shows places, entries, agencies, the objection register's public fields
  (reference, entry, status, answer, decision time) and the decree — never scores, ranks,
  justifications, or an objector's name, e-mail or statement.
- Every answer depends only on the database and the time `at` (default now), never on who
  asks, so the pages and API answers built from it may be cached for everybody.
- Timestamps are ISO 8601 in the competition's timezone, as everywhere in the API.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from kipp import clock
from kipp.extensions import db
from kipp.models import Competition, Selection, Stage
from kipp.models.publication import Objection
from kipp.publication import queries as publication
from kipp.publication.queries import Placed

# Open data: one row per place of a published selection (API v1.1 § Public data).
CSV_COLUMNS = (
    "competition_id",
    "competition",
    "year",
    "selection_id",
    "tier",
    "award_label",
    "public_status",
    "place",
    "entry_id",
    "title",
    "agency",
    "province",
    "kind",
    "group",
    "status",
    "decree_number",
    "decree_signed_on",
)
# A cell starting with one of these is a formula to a spreadsheet: it is prefixed with "'".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def iso(value: datetime | None, tz: str) -> str | None:
    return clock.local(value, tz).isoformat() if value else None


# ----------------------------------------------------------------- competitions
def public_competitions() -> list[Competition]:
    """Every competition past `draft`, newest year first (then newest created)."""
    query = (
        select(Competition)
        .where(Competition.stage != Stage.DRAFT)
        .order_by(Competition.year.desc(), Competition.id.desc())
    )
    return list(db.session.scalars(query))


def public_competition(competition_id: int) -> Competition | None:
    """The competition when it is public (past `draft`), else None."""
    comp = db.session.get(Competition, competition_id)
    return comp if comp is not None and comp.stage != Stage.DRAFT else None


def current_competition() -> Competition | None:
    """The competition the home page leads with: the newest public one still running (not
    `awarded`); when every public competition is awarded, the newest of them."""
    found = public_competitions()
    running = [c for c in found if c.stage != Stage.AWARDED]
    return (running or found or [None])[0]


def competition_item(comp: Competition, at: datetime | None = None) -> dict:
    """The contract's item of `GET /public/competitions`."""
    at = at or clock.now()
    tz = comp.timezone
    return {
        "id": comp.id,
        "name": comp.name,
        "year": comp.year,
        "stage": comp.stage,
        "submission_opens_at": iso(comp.submission_opens_at, tz),
        "submission_closes_at": iso(comp.submission_closes_at, tz),
        "selections": [
            {"id": s.id, "tier": s.tier, "public_status": publication.public_status(s, at)}
            for s in publication.published_selections(comp.id)
        ],
    }


# ----------------------------------------------------------------- selections
def published_selection(selection_id: int) -> Selection | None:
    """The selection when it is published (and its competition public), else None."""
    sel = publication.published_selection(selection_id)
    if sel is None or public_competition(sel.competition_id) is None:
        return None
    return sel


@dataclass(frozen=True)
class PublicList:
    """A published selection as the results page shows it."""

    selection: Selection
    competition: Competition
    status: str  # objection_open | objection_closed | fixed
    award_label: str
    places: list[Placed]
    register: list[Objection]

    @property
    def window_open(self) -> bool:
        return self.status == publication.OBJECTION_OPEN

    @property
    def titles(self) -> dict[int, str]:
        """Entry id → title, for the register's rows."""
        return {p.entry_id: p.entry.title for p in self.places}


def public_list(sel: Selection, at: datetime | None = None, details: bool = True) -> PublicList:
    """`sel` as the public sees it at `at`; without `details`, no places and no register (a
    mere link to the list, as on the home page)."""
    comp = db.session.get(Competition, sel.competition_id)
    return PublicList(
        selection=sel,
        competition=comp,
        status=publication.public_status(sel, at or clock.now()),
        award_label=str(publication.award_label(sel)),
        places=publication.selection_entries(sel) if details else [],
        register=publication.objection_register(sel) if details else [],
    )


def competition_lists(comp: Competition, at: datetime | None = None) -> list[PublicList]:
    """The published selections of `comp`, shortlist before final (creation order)."""
    at = at or clock.now()
    return [public_list(s, at) for s in publication.published_selections(comp.id)]


def latest_lists(limit: int = 6, at: datetime | None = None) -> list[PublicList]:
    """The most recently published selections of public competitions, newest first (links
    only: no places, no register)."""
    query = (
        select(Selection)
        .join(Competition, Competition.id == Selection.competition_id)
        .where(Selection.published_at.is_not(None), Competition.stage != Stage.DRAFT)
        .order_by(Selection.published_at.desc(), Selection.id.desc())
        .limit(limit)
    )
    at = at or clock.now()
    return [public_list(s, at, details=False) for s in db.session.scalars(query)]


def place_item(place: Placed) -> dict:
    entry, agency = place.entry, place.entry.agency
    return {
        "entry_id": place.entry_id,
        "title": entry.title,
        "agency": agency.name,
        "province": agency.province,
        "kind": agency.kind,
        "group": entry.group,
        "status": place.status,
    }


def selection_item(found: PublicList, decree_url: str | None) -> dict:
    """The contract's body of `GET /public/selections/{id}`; `decree_url` is where the signed
    decree is downloaded (None until it is attached)."""
    sel, tz = found.selection, found.competition.timezone
    decree = None
    if sel.decree_number is not None:
        decree = {
            "number": sel.decree_number,
            "signed_on": sel.decree_signed_on.isoformat() if sel.decree_signed_on else None,
            "file_url": decree_url if sel.decree_file else None,
        }
    return {
        "id": sel.id,
        "competition_id": sel.competition_id,
        "tier": sel.tier,
        "award_label": found.award_label,
        "public_status": found.status,
        "published_at": iso(sel.published_at, tz),
        "objection_closes_at": iso(sel.objection_closes_at, tz),
        "decree": decree,
        "entries": [place_item(p) for p in found.places],
    }


# ----------------------------------------------------------------- open data
def _cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def results_rows(competition_id: int | None = None, at: datetime | None = None) -> list[dict]:
    """One row per place of every published selection (of one public competition, or of
    all), by competition then selection then place; keys are `CSV_COLUMNS`."""
    at = at or clock.now()
    rows = []
    for sel in publication.published_selections(competition_id):
        if public_competition(sel.competition_id) is None:
            continue
        found = public_list(sel, at)
        comp = found.competition
        signed = sel.decree_signed_on.isoformat() if sel.decree_signed_on else None
        for place in found.places:
            rows.append(
                {
                    "competition_id": comp.id,
                    "competition": comp.name,
                    "year": comp.year,
                    "selection_id": sel.id,
                    "tier": sel.tier,
                    "award_label": found.award_label,
                    "public_status": found.status,
                    "place": place.place,
                    **place_item(place),
                    "decree_number": sel.decree_number,
                    "decree_signed_on": signed,
                }
            )
    return rows


def results_csv(competition_id: int | None = None, at: datetime | None = None) -> bytes:
    """`results_rows` as CSV: UTF-8 with a byte-order mark (spreadsheets read the accents),
    a header row, CRLF line ends, formula-looking cells neutralised with a leading "'"."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in results_rows(competition_id, at):
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    return buf.getvalue().encode("utf-8-sig")
