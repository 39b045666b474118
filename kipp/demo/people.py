"""Demo agencies and accounts. Names are plausible demo data, not statements about real bodies."""

from __future__ import annotations

DEMO_PASSWORD = "kipp-demo-2026"

# (name, kind, province, is_3t) — every kind, provinces on every island group.
AGENCIES: list[tuple[str, str, str, bool]] = [
    ("Kementerian Kesehatan", "kementerian", "DKI Jakarta", False),
    ("Kementerian Agama", "kementerian", "DKI Jakarta", False),
    ("Kementerian Pertanian", "kementerian", "DKI Jakarta", False),
    ("Badan Pusat Statistik", "lembaga", "DKI Jakarta", False),
    ("Badan Kepegawaian Negara", "lembaga", "DKI Jakarta", False),
    ("Badan Nasional Penanggulangan Bencana", "lembaga", "DKI Jakarta", False),
    ("Provinsi Jawa Timur", "provinsi", "Jawa Timur", False),
    ("Provinsi Sumatera Barat", "provinsi", "Sumatera Barat", False),
    ("Provinsi Kalimantan Timur", "provinsi", "Kalimantan Timur", False),
    ("Provinsi Sulawesi Selatan", "provinsi", "Sulawesi Selatan", False),
    ("Provinsi Nusa Tenggara Barat", "provinsi", "Nusa Tenggara Barat", False),
    ("Kabupaten Banyuwangi", "kabupaten", "Jawa Timur", False),
    ("Kabupaten Sumedang", "kabupaten", "Jawa Barat", False),
    ("Kabupaten Kulon Progo", "kabupaten", "DI Yogyakarta", False),
    ("Kabupaten Nias Selatan", "kabupaten", "Sumatera Utara", True),
    ("Kabupaten Kepulauan Mentawai", "kabupaten", "Sumatera Barat", True),
    ("Kabupaten Musi Banyuasin", "kabupaten", "Sumatera Selatan", False),
    ("Kabupaten Kapuas Hulu", "kabupaten", "Kalimantan Barat", True),
    ("Kabupaten Nunukan", "kabupaten", "Kalimantan Utara", True),
    ("Kabupaten Bantaeng", "kabupaten", "Sulawesi Selatan", False),
    ("Kabupaten Kepulauan Sangihe", "kabupaten", "Sulawesi Utara", True),
    ("Kabupaten Badung", "kabupaten", "Bali", False),
    ("Kabupaten Sumba Barat Daya", "kabupaten", "Nusa Tenggara Timur", True),
    ("Kabupaten Kepulauan Aru", "kabupaten", "Maluku", True),
    ("Kabupaten Nduga", "kabupaten", "Papua Pegunungan", True),
    ("Kabupaten Merauke", "kabupaten", "Papua Selatan", True),
    ("Kota Surabaya", "kota", "Jawa Timur", False),
    ("Kota Semarang", "kota", "Jawa Tengah", False),
    ("Kota Makassar", "kota", "Sulawesi Selatan", False),
    ("Kota Denpasar", "kota", "Bali", False),
    ("Kota Padang", "kota", "Sumatera Barat", False),
    ("Kota Ambon", "kota", "Maluku", False),
    ("Kota Jayapura", "kota", "Papua", False),
    ("PT Bank Rakyat Indonesia (Persero) Tbk", "bumn", "DKI Jakarta", False),
    ("PT PLN (Persero)", "bumn", "DKI Jakarta", False),
    ("PT Pos Indonesia (Persero)", "bumn", "Jawa Barat", False),
    ("Perumda Air Minum Tirta Moedal Kota Semarang", "bumd", "Jawa Tengah", False),
    ("PT Bank Pembangunan Daerah Jawa Timur Tbk", "bumd", "Jawa Timur", False),
    ("Perumda Air Minum Kota Makassar", "bumd", "Sulawesi Selatan", False),
]

DEMO_AGENCY = "Kabupaten Banyuwangi"

# (role, e-mail, name, home agency or None). Order is the order of the login table.
USERS: list[tuple[str, str, str, str | None]] = [
    ("admin", "admin@kipp.demo", "Tim Sekretariat KIPP", None),
    ("agency", "agency@kipp.demo", "Dwi Handayani", DEMO_AGENCY),
    ("agency", "agency2@kipp.demo", "Andi Muhammad Fadli", "Kota Makassar"),
    ("agency", "agency3@kipp.demo", "Yohanis Gaite", "Kabupaten Kepulauan Aru"),
    ("agency", "agency4@kipp.demo", "Ratna Wulandari", "Kementerian Kesehatan"),
    ("evaluator", "evaluator1@kipp.demo", "Prof. Dr. Bambang Wicaksono", None),
    ("evaluator", "evaluator2@kipp.demo", "Dr. Ni Made Ayu Lestari", None),
    ("evaluator", "evaluator3@kipp.demo", "Dr. Rudi Hartono", "Provinsi Jawa Timur"),
    ("evaluator", "evaluator4@kipp.demo", "Dr. Fitriani Siregar", None),
    ("evaluator", "evaluator5@kipp.demo", "Dr. Yusuf Mahendra", "Badan Pusat Statistik"),
    ("evaluator", "evaluator6@kipp.demo", "Dr. Maria Goreti Lamanepa", None),
    ("panelist", "panelist1@kipp.demo", "Prof. Dr. Suryadi Kartanegara", None),
    ("panelist", "panelist2@kipp.demo", "Dr. Indah Permatasari", None),
    ("panelist", "panelist3@kipp.demo", "Ir. Agus Setiawan, M.P.A.", None),
    ("panelist", "panelist4@kipp.demo", "Dra. Lestari Wulandari, M.Si.", None),
    ("chair", "chair@kipp.demo", "Prof. Dr. Hendra Gunawan Saputra", None),
]

# (e-mail, agency, reason): conflicts of interest declared by reviewers.
CONFLICTS: list[tuple[str, str, str]] = [
    (
        "evaluator1@kipp.demo",
        DEMO_AGENCY,
        "Menjadi narasumber pendampingan inovasi Kabupaten Banyuwangi pada tahun 2025.",
    ),
]
