"""Administrative screening reason codes with their labels (id first, en second)."""

from __future__ import annotations

REASONS: dict[str, dict[str, str]] = {
    "implementation_too_young": {
        "id": "Usia implementasi belum memenuhi syarat minimal",
        "en": "Implementation younger than the minimum age",
    },
    "incomplete_answers": {
        "id": "Jawaban tidak lengkap atau asal-asalan",
        "en": "Incomplete or careless answers",
    },
    "duplicate_title": {
        "id": "Judul inovasi sama dengan proposal lain",
        "en": "Same title used by another entry",
    },
    "missing_documents": {
        "id": "Dokumen pendukung tidak lengkap (SK inovator, video maks. 5 menit)",
        "en": "Missing documents (decree on the innovator, video of at most 5 minutes)",
    },
    "previous_winner": {
        "id": "Pernah menjadi pemenang atau dua kali Top 99",
        "en": "Previous top-tier winner or twice in the Top 99",
    },
    "off_theme": {
        "id": "Tidak sesuai tema/kategori kompetisi",
        "en": "Off the competition's theme",
    },
}


def label(code: str, locale: str) -> str:
    texts = REASONS.get(code, {})
    return texts.get(locale) or texts.get("en") or code
