"""Defaults taken from the 2023 competition (KIPP umum weights, quotas and age rules)."""

DEFAULT_GROUPS = {
    "umum": {"quota": 10, "min_implementation_years": 2},
    "replikasi": {"quota": 5, "min_implementation_years": 1},
}

EVALUATION_CRITERIA_2023 = [
    {"code": "ringkasan", "name": "Ringkasan", "weight": 0, "word_limit": 200},
    {"code": "latar_belakang", "name": "Latar Belakang & Tujuan", "weight": 10},
    {"code": "kebaruan", "name": "Kebaruan", "weight": 15},
    {"code": "implementasi", "name": "Implementasi", "weight": 5},
    {"code": "signifikansi", "name": "Signifikansi", "weight": 30},
    {"code": "adaptabilitas", "name": "Adaptabilitas", "weight": 20},
    {"code": "sumber_daya", "name": "Sumber Daya", "weight": 5},
    {"code": "keberlanjutan", "name": "Keberlanjutan", "weight": 15},
]

PANEL_CRITERIA = [
    {"code": "substansi", "name": "Substansi Inovasi", "weight": 40},
    {"code": "dampak", "name": "Dampak & Manfaat", "weight": 35},
    {"code": "presentasi", "name": "Presentasi & Wawancara", "weight": 25},
]
