"""Score-sheet PDFs (one per entry, both rounds) and selection recaps (berita acara), cached.

Guarantees
- A score sheet shows every submitted sheet of the entry in both rounds — reviewer, value per
  criterion (with the criteria's weights), the sheet total, the comment — and each round's
  summary (sheets submitted of assigned, mean and spread from `kipp.judging.ranking.rank_mean`,
  per-criterion means; exact decimals, rounded once half-up to 2 dp). Drafts are not shown.
- Caching: a document is stored with the SHA-256 of its content (the data it prints plus the
  template and stylesheet). Asking again returns the cached row without rendering while that
  hash is unchanged and its file exists (nothing is rendered or written: a job item for an
  unchanged entry costs only the queries that gather its data); a reopened and changed sheet
  changes the hash and the document is rendered again (the row is updated in place; one row
  per kind and subject, two workers racing end with one row). The file a re-render replaces
  is deleted once the new name is committed, and a rendered file whose transaction rolls back
  is deleted too, so the storage holds one file per document (see `kipp.documents.storage`).
- A recap exists only for a finalised selection and prints its frozen snapshot: the SHA-256,
  the criteria, the choices with justifications and the ranking rows it was made on.
- Functions flush; the caller commits.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from kipp.canonical import canonical_json, sha256_hex
from kipp.clock import local
from kipp.documents import render, storage
from kipp.errors import InvalidStage, NotFound
from kipp.extensions import db
from kipp.judging.queries import ROUND_FOR_TIER, load_infos
from kipp.judging.ranking import Sheet, rank_mean
from kipp.judging.totals import half_up
from kipp.models import ROUNDS, Assignment, Competition, Entry, RenderedDocument, Selection, User

SCORE_SHEET, RECAP = "score_sheet", "selection_recap"
RECAP_EXTRA_ROWS = 2  # the recap lists ranking rows down to this many times the tier's size


def num(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")


def stamp(value, tz: str) -> str:
    return local(value, tz).strftime("%d-%m-%Y %H:%M %Z") if value else ""


def score_sheet_subjects(competition_id: int, round_: str | None = None) -> list[int]:
    """Ids of the competition's entries with at least one submitted sheet (of `round_` when
    given, of either round otherwise), ascending."""
    query = (
        select(Assignment.entry_id)
        .where(Assignment.competition_id == competition_id, Assignment.status == "submitted")
        .distinct()
        .order_by(Assignment.entry_id)
    )
    if round_ is not None:
        query = query.where(Assignment.round == round_)
    return list(db.session.scalars(query))


def _round_data(entry: Entry, round_: str, assignments: list[Assignment]) -> dict | None:
    comp = entry.competition
    criteria = comp.criteria_of(entry.group, round_)
    submitted = [a for a in assignments if a.status == "submitted" and a.total is not None]
    if not submitted:
        return None
    sheets = []
    columns: list[list[Decimal]] = [[] for _ in criteria]
    for a in submitted:
        values = {v.criterion_code: v.value for v in a.values}
        for i, c in enumerate(criteria):
            if c.code in values:
                columns[i].append(values[c.code])
        sheets.append(
            {
                "reviewer": a.user.name,
                "submitted_at": stamp(a.submitted_at, comp.timezone),
                "values": [num(values.get(c.code)) for c in criteria],
                "total": num(a.total),
                "comment": a.comment or "",
            }
        )
    ranking = rank_mean(
        [Sheet(entry.id, a.user_id, a.total) for a in submitted], [entry.id], len(assignments), 1
    )
    standing = ranking.items[0]
    return {
        "round": round_,
        "criteria": [c.summary() for c in criteria],
        "criterion_means": [
            num(half_up(sum(map(Fraction, col), Fraction(0)) / len(col), 2)) if col else ""
            for col in columns
        ],
        "sheets": sheets,
        "summary": {
            "submitted": standing.sheets,
            "assigned": len(assignments),
            "mean": num(standing.score),
            "spread": num(standing.spread),
            "flags": list(standing.flags),
        },
    }


def score_sheet_data(entry: Entry) -> dict:
    """What the entry's score sheet prints (plain JSON-able values, exact decimals as text).
    Sheets of a reviewer who declared a conflict after scoring are left out, as they are of
    every ranking (they stay in the database and the audit log as a record)."""
    assignments = db.session.scalars(
        select(Assignment)
        .where(Assignment.entry_id == entry.id, Assignment.conflicted.is_(False))
        .options(selectinload(Assignment.values), selectinload(Assignment.user))
        .order_by(Assignment.id)
    ).all()
    rounds = []
    for round_ in ROUNDS:
        data = _round_data(entry, round_, [a for a in assignments if a.round == round_])
        if data is not None:
            rounds.append(data)
    comp = entry.competition
    return {
        "entry_id": entry.id,
        "title": entry.title,
        "agency": entry.agency.name,
        "group": entry.group,
        "category": entry.category or "",
        "competition": comp.name,
        "year": comp.year,
        "rounds": rounds,
    }


def content_hash(data: dict, template: str) -> str:
    return sha256_hex(render.layout_fingerprint(template) + "\n" + canonical_json(data))


def cached(kind: str, subject_id: int, template: str, data: dict) -> RenderedDocument:
    digest = content_hash(data, template)
    where = (RenderedDocument.kind == kind, RenderedDocument.subject_id == subject_id)
    doc = db.session.scalar(select(RenderedDocument).where(*where))
    if doc is not None and doc.content_hash == digest and storage.exists(doc.stored_name):
        return doc
    pdf = render.render_pdf(template, d=data, content_hash=digest)
    name, sha = storage.store(pdf)
    storage.discard_unless_committed(name)
    fields = {"content_hash": digest, "stored_name": name, "sha256": sha, "size": len(pdf)}
    meta = {"title": data.get("title"), "rounds": len(data.get("rounds", []))}
    if doc is None:
        try:
            with db.session.begin_nested():
                doc = RenderedDocument(kind=kind, subject_id=subject_id, meta=meta, **fields)
                db.session.add(doc)
                db.session.flush()
            return doc
        except IntegrityError:  # another worker stored it meanwhile: take its row, our file
            pass
    # Read the row again under a lock: the file replaced is the one named by the last commit,
    # not one a concurrent render has replaced since (that file would be left behind).
    doc = db.session.execute(
        select(RenderedDocument)
        .where(*where)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    if doc.stored_name != name:
        storage.remove_after_commit(doc.stored_name)
    for key, value in fields.items():
        setattr(doc, key, value)
    doc.meta = meta
    db.session.flush()
    return doc


def render_score_sheet(entry_id: int) -> RenderedDocument:
    """The entry's score-sheet PDF, rendered only when its content changed (see module).
    NotFound for an unknown entry, InvalidStage when it has no submitted sheet yet."""
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        raise NotFound(_("Not found."))
    data = score_sheet_data(entry)
    if not data["rounds"]:
        raise InvalidStage(_("This entry has no submitted score sheet yet."))
    return cached(SCORE_SHEET, entry.id, "score_sheet.html", data)


def recap_data(sel: Selection) -> dict:
    """What a finalised selection's recap prints, from its frozen snapshot."""
    snap = sel.snapshot or {}
    comp = db.session.get(Competition, sel.competition_id)
    chooser = db.session.get(User, sel.created_by_id)
    chosen = set(snap.get("chosen", []))
    justifications = snap.get("justifications", {})
    items = snap.get("items", [])
    limit = max(RECAP_EXTRA_ROWS * sel.size, 1)
    shown = [i for n, i in enumerate(items) if n < limit or i["entry_id"] in chosen]
    infos = load_infos([i["entry_id"] for i in shown])
    places = {p["entry_id"]: p for p in snap.get("places", [])}

    def title(entry_id: int) -> tuple[str, str]:
        if entry_id in places:
            return places[entry_id]["title"], places[entry_id]["agency"]
        info = infos.get(entry_id)
        return (info.title, info.agency) if info else ("", "")

    ranking = [
        {**i, "title": title(i["entry_id"])[0], "agency": title(i["entry_id"])[1]}
        | {"chosen": i["entry_id"] in chosen}
        for i in shown
    ]
    choices = [
        {
            **p,
            "justification": justifications.get(str(p["entry_id"]), ""),
            "rank": next((i["rank"] for i in items if i["entry_id"] == p["entry_id"]), None),
            "score": next((i["score"] for i in items if i["entry_id"] == p["entry_id"]), ""),
        }
        for p in snap.get("places", [])
    ]
    award = comp.extra_award(sel.tier)  # an extra award names itself (built-in tiers: no key)
    return ({"award_label": award.label} if award is not None else {}) | {
        "selection_id": sel.id,
        "competition": comp.name,
        "year": comp.year,
        "tier": sel.tier,
        "size": sel.size,
        "round": snap.get("round", ROUND_FOR_TIER.get(sel.tier, "evaluation")),
        "method": snap.get("method", ""),
        "sha256": sel.snapshot_sha256,
        "finalized_at": stamp(sel.finalized_at, comp.timezone),
        "chair": chooser.name if chooser else "",
        "criteria": snap.get("criteria", []),
        "choices": choices,
        "ranking": ranking,
        "ranked_total": len(items),
        "unscored": len(snap.get("unscored", [])),
        "cut": snap.get("cut", {}),
    }


def render_selection_recap(selection_id: int) -> RenderedDocument:
    """The recap PDF of a finalised selection (cached like score sheets). NotFound for an
    unknown selection, InvalidStage for one that is only proposed."""
    sel = db.session.get(Selection, selection_id)
    if sel is None:
        raise NotFound(_("Not found."))
    if sel.status != "final" or not sel.snapshot_sha256:
        raise InvalidStage(_("Only a finalised selection has a recap."))
    return cached(RECAP, sel.id, "selection_recap.html", recap_data(sel))
