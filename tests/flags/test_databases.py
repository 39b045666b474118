"""PostgreSQL's pg_trgm and the Python similarity give the same answers; one entry's flags are
its share of the whole queue's on either database."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kipp.extensions import db
from kipp.screening.flag_queries import competition_flags, entry_flags
from kipp.screening.flags import fold, similar, similarity

PAIRS = [
    ("Mal Pelayanan Publik Terpadu", "MAL PELAYANAN PUBLIK TERPADU"),
    ("Sistem Antrian Online Puskesmas", "Sistem Antrian Onlíne Puskesmas 2.0"),
    ("Aplikasi Lapor Cepat Warga", "Aplikasi Lapor-Cepat Warga Desa!"),
    ("Layanan Cepat", "Layanan Cepat Tanggap Darurat Bencana"),
    ("Gerakan Ayo Sekolah", "Gerakan Ayo Sekolah Lagi"),
    ("Bank Sampah Digital", "Bank Sampah Digitál Kelurahan"),
    ("Ñandú Café Crème", "nandu cafe creme"),
    ("ab", "ab x"),
    ("abcd", "abcde"),
    ("cat", "cap"),
    ("SiPaMan: Si Pelayanan Mandiri", "SIPAMAN (Sistem Pelayanan Mandiri)"),
    ("Inovasi 1", "Inovasi 2"),
    ("", "Layanan"),
    ("Perizinan Online Satu Pintu (OSS) Kabupaten", "Perizinan Daring Satu Pintu Kabupaten"),
    ("E-Kinerja ASN", "e-kinerja asn terintegrasi"),
]


def _pg():
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL: pg_trgm exists on PostgreSQL only")


def test_pg_trgm_and_python_agree_on_every_pair(app):
    _pg()
    for a, b in PAIRS:
        row = db.session.execute(
            text(
                "SELECT kipp_title_key(:a), similarity(kipp_title_key(:a), kipp_title_key(:b)),"
                " set_limit(0.6) IS NOT NULL AND kipp_title_key(:a) % kipp_title_key(:b)"
            ),
            {"a": a, "b": b},
        ).one()
        assert row[0] == fold(a), a
        assert round(row[1], 4) == similarity(a, b), (a, b)
        assert row[2] == similar(a, b), (a, b)


def test_the_title_index_exists_and_serves_the_lookup(app):
    _pg()
    defn = db.session.scalar(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_entries_title_trgm'")
    )
    assert "gin" in defn and "kipp_title_key" in defn and "gin_trgm_ops" in defn
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = db.session.execute(
        text("EXPLAIN SELECT id FROM entries WHERE kipp_title_key(title) % kipp_title_key('x')")
    ).all()
    assert "ix_entries_title_trgm" in " ".join(r[0] for r in plan)


def test_one_entry_is_its_share_of_the_queue(app, history):
    every = competition_flags(history["comp"])
    for name in ("winner_again", "twice", "b_once", "dup1", "dup2", "plain"):
        entry = history[name]
        assert entry_flags(entry) == every.get(entry.id, []), name
