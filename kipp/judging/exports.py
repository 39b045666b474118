"""Competition results as CSV and XLSX: one row per submitted entry.

Guarantees
- Rows: every entry of the competition except drafts, by id, with its agency, kind, province,
  3T status, group, status, the evaluation and panel `mean` scores and ranks (empty when the
  entry is not ranked in that round) and its tier from the finalised selections (`final`
  beats `shortlist`; empty otherwise; extra awards are not counted). The same ranking rules
  as the ranking page apply, and the same reader filter: a reader never gets the rows of
  agencies they conflict with.
- A constant number of SQL statements (entries, two per round, one for finalised tiers).
- CSV is UTF-8 with a byte-order mark (Excel opens it with the right characters), comma
  separated, CRLF line ends. Scores are written with exactly 2 decimals.
- Text that a spreadsheet would run as a formula (starting with = + - @, tab or CR) is
  neutralised: prefixed with an apostrophe in the CSV, stored as a plain string in the XLSX.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from sqlalchemy import select

from kipp.extensions import db
from kipp.judging.queries import load_entries, rank_round
from kipp.judging.ranking import MEAN
from kipp.models import TIERS, Competition, Selection, SelectionEntry

COLUMNS = (
    "entry_id",
    "title",
    "agency",
    "kind",
    "province",
    "is_3t",
    "group",
    "status",
    "evaluation_score",
    "evaluation_rank",
    "panel_score",
    "panel_rank",
    "tier",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ResultRow:
    entry_id: int
    title: str
    agency: str
    kind: str
    province: str
    is_3t: bool
    group: str
    status: str
    evaluation_score: Decimal | None
    evaluation_rank: int | None
    panel_score: Decimal | None
    panel_rank: int | None
    tier: str


def _tiers(comp: Competition) -> dict[int, str]:
    rows = db.session.execute(
        select(SelectionEntry.entry_id, Selection.tier)
        .join(Selection, Selection.id == SelectionEntry.selection_id)
        .where(
            Selection.competition_id == comp.id,
            Selection.status == "final",
            Selection.tier.in_(TIERS),  # the built-in tiers; extra awards are not a tier here
        )
    )
    tiers: dict[int, str] = {}
    for entry_id, tier in rows:
        if tier == "final" or entry_id not in tiers:
            tiers[entry_id] = tier
    return tiers


def result_rows(comp: Competition, hidden_agencies: Collection[int] = ()) -> list[ResultRow]:
    """The export's rows (see the module guarantees), without the entries of
    `hidden_agencies` (those the reader conflicts with); ranks are the whole round's."""
    entries = [
        e for e in load_entries(comp, exclude_drafts=True) if e.agency_id not in hidden_agencies
    ]
    evaluation = {s.entry_id: s for s in rank_round(comp, "evaluation", MEAN).ranking.items}
    panel = {s.entry_id: s for s in rank_round(comp, "panel", MEAN).ranking.items}
    tiers = _tiers(comp)
    rows = []
    for e in entries:
        ev, pa = evaluation.get(e.id), panel.get(e.id)
        rows.append(
            ResultRow(
                e.id,
                e.title,
                e.agency,
                e.kind,
                e.province,
                e.is_3t,
                e.group,
                e.status,
                ev.score if ev else None,
                ev.rank if ev else None,
                pa.score if pa else None,
                pa.rank if pa else None,
                tiers.get(e.id, ""),
            )
        )
    return rows


def _csv_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.01")), "f")
    if isinstance(value, str):
        return _csv_text(value)
    return str(value)


def results_csv(comp: Competition, hidden_agencies: Collection[int] = ()) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in result_rows(comp, hidden_agencies):
        writer.writerow([_csv_cell(getattr(row, c)) for c in COLUMNS])
    return buf.getvalue().encode("utf-8-sig")


def results_xlsx(comp: Competition, hidden_agencies: Collection[int] = ()) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Results"
    ws.append(COLUMNS)
    for r, row in enumerate(result_rows(comp, hidden_agencies), start=2):
        for c, name in enumerate(COLUMNS, start=1):
            value = getattr(row, name)
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str):
                # Assigning the value directly would turn "=..." into a formula.
                cell.value = value
                cell.data_type = TYPE_STRING
            else:
                cell.value = value
                if isinstance(value, Decimal):
                    cell.number_format = "0.00"
    ws.freeze_panes = "A2"
    widths = (9, 50, 40, 13, 22, 6, 11, 11, 9, 9, 9, 9, 10)
    for col, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
