"""Indonesian proposal texts for demo entries: a few sentences per criterion.

Guarantee: every answer respects the word limit of its criterion (sentences are dropped from
the end until it fits), so demo drafts never carry an answer the editor would refuse.
"""

from __future__ import annotations

from kipp.demo.catalog import MONTHS, Base
from kipp.entries.rules import word_count

SENTENCES: dict[str, list[str]] = {
    "latar_belakang": [
        "Sebelum {akronim} diterapkan, {sasaran} harus menempuh perjalanan rata-rata {jarak} km "
        "dan menunggu hingga {hari} hari untuk {layanan}.",
        "Data {instansi} tahun {tahun_lalu} menunjukkan baru {persen_awal}% {sasaran} yang "
        "terjangkau layanan ini.",
        "Keluhan yang paling sering masuk ke kanal pengaduan berkaitan dengan lamanya proses "
        "dan persyaratan yang berbelit.",
        "Tujuan inovasi ini adalah mendekatkan layanan kepada {sasaran}, memangkas waktu dan "
        "biaya, serta memastikan tidak ada warga yang tertinggal.",
    ],
    "kebaruan": [
        "{akronim} memadukan layanan jemput bola dengan pencatatan digital sehingga setiap "
        "permohonan dapat dipantau secara waktu nyata.",
        "Berbeda dengan cara lama, {sasaran} tidak perlu lagi datang ke kantor: petugas dan "
        "kader setempat yang mendatangi mereka sesuai jadwal yang diumumkan.",
        "Inovasi ini merupakan yang pertama di {provinsi} yang menggabungkan {layanan} dengan "
        "verifikasi data secara langsung di lapangan.",
        "Alur layanan dipangkas dari {langkah_awal} langkah menjadi {langkah_akhir} langkah "
        "tanpa mengurangi ketelitian verifikasi.",
    ],
    "implementasi": [
        "{akronim} mulai diterapkan pada {bulan} {tahun} di {lokasi_awal} lokasi percontohan "
        "dan kini menjangkau {lokasi_akhir} desa dan kelurahan.",
        "Pelaksanaannya ditetapkan melalui Keputusan {pimpinan} dan dievaluasi setiap triwulan.",
        "Tim pelaksana terdiri atas {petugas} petugas dan kader yang telah mengikuti pelatihan "
        "teknis.",
    ],
    "signifikansi": [
        "Sejak diterapkan, {penerima} orang dari kelompok {sasaran} telah terlayani melalui "
        "{akronim}.",
        "Waktu layanan turun dari {hari} hari menjadi {hari_akhir} hari, dan biaya yang "
        "ditanggung warga berkurang hingga {hemat}%.",
        "Survei kepuasan masyarakat tahun {tahun_survei} memberi nilai {ikm}, naik dari "
        "{ikm_awal} sebelum inovasi diterapkan.",
        "Cakupan layanan meningkat dari {persen_awal}% menjadi {persen_akhir}%.",
    ],
    "adaptabilitas": [
        "Model {akronim} telah direplikasi oleh {replikasi} instansi lain setelah studi tiru "
        "ke {instansi}.",
        "Panduan teknis, formulir dan aplikasi dibagikan tanpa biaya sehingga mudah diadaptasi "
        "oleh instansi lain.",
        "Inovasi ini tidak bergantung pada perangkat mahal: cukup telepon seluler dan jaringan "
        "seluler dasar.",
    ],
    "sumber_daya": [
        "Biaya operasional tahunan sekitar Rp{biaya} juta bersumber dari {sumber_dana}.",
        "Inovasi melibatkan {petugas} petugas, kader setempat, dan mitra dari perguruan tinggi.",
        "Sarana yang digunakan adalah kendaraan operasional yang sudah ada, telepon seluler "
        "petugas dan server milik instansi.",
    ],
    "keberlanjutan": [
        "{akronim} telah masuk dalam rencana strategis {instansi} sehingga anggarannya "
        "dialokasikan setiap tahun.",
        "Keberlanjutan dijaga dengan peraturan pimpinan, pelatihan petugas pengganti, dan "
        "evaluasi berkala bersama warga.",
        "Ke depan, {akronim} akan diintegrasikan dengan sistem layanan nasional agar data tidak "
        "dicatat dua kali.",
    ],
}
GENERIC = "{akronim} menjawab kebutuhan {sasaran} akan {layanan} secara lebih cepat dan mudah."
# Placeholder answers seen in careless proposals (screening reason `incomplete_answers`).
CARELESS = ["-", "Lihat lampiran.", "Sudah dijelaskan di atas.", "Ada."]


def context(rng, base: Base, agency_name: str, kind: str, province: str, started) -> dict:
    """The numbers and names the sentences are filled with, drawn from `rng`."""
    year = started.year if started else 2022
    hari = rng.randint(5, 30)
    awal = rng.randint(25, 60)
    ikm = rng.randint(820, 960) / 10
    funds = {
        "kementerian": "APBN",
        "lembaga": "APBN",
        "provinsi": "APBD provinsi",
        "bumn": "anggaran perusahaan",
        "bumd": "anggaran perusahaan daerah",
    }
    heads = {
        "kementerian": "Menteri",
        "lembaga": "Kepala Badan",
        "provinsi": "Gubernur",
        "kabupaten": "Bupati",
        "kota": "Wali Kota",
    }
    return {
        "akronim": base.acronym,
        "pimpinan": heads.get(kind, "Direksi"),
        "layanan": base.service,
        "sasaran": base.target,
        "instansi": agency_name,
        "provinsi": province,
        "tahun": year,
        "tahun_lalu": year - 1,
        "bulan": MONTHS[(started.month if started else 1) - 1],
        "jarak": rng.randint(8, 90),
        "hari": hari,
        "hari_akhir": rng.randint(1, max(1, hari // 4)),
        "hemat": rng.randint(30, 85),
        "persen_awal": awal,
        "persen_akhir": rng.randint(awal + 20, 98),
        "langkah_awal": rng.randint(7, 12),
        "langkah_akhir": rng.randint(2, 4),
        "lokasi_awal": rng.randint(2, 6),
        "lokasi_akhir": rng.randint(20, 250),
        "petugas": rng.randint(8, 120),
        "penerima": f"{rng.randint(1200, 48000):,}".replace(",", "."),
        "tahun_survei": min(year + 2, 2025),
        "ikm": f"{ikm:.1f}".replace(".", ","),
        "ikm_awal": f"{ikm - rng.randint(40, 120) / 10:.1f}".replace(".", ","),
        "replikasi": rng.randint(2, 14),
        "biaya": rng.randint(150, 2400),
        "sumber_dana": funds.get(kind, "APBD kabupaten/kota dan dana desa"),
    }


def _fit(sentences: list[str], limit: int | None) -> str:
    while limit is not None and len(sentences) > 1 and word_count(" ".join(sentences)) > limit:
        sentences = sentences[:-1]
    text = " ".join(sentences)
    if limit is not None and word_count(text) > limit:
        text = " ".join(text.split()[:limit])
    return text


def answer(rng, code: str, ctx: dict, limit: int | None) -> str:
    pool = SENTENCES.get(code, [GENERIC])
    picked = rng.sample(pool, min(len(pool), rng.randint(2, 3)))
    return _fit([s.format(**ctx) for s in picked], limit)


def ringkasan(rng, title: str, ctx: dict, limit: int | None) -> str:
    """A summary built from the other criteria: opening line, then one sentence of each."""
    parts = [
        f"{title} adalah inovasi {ctx['instansi']} untuk {ctx['layanan']} bagi {ctx['sasaran']}."
    ]
    for code in ("latar_belakang", "kebaruan", "implementasi", "signifikansi", "keberlanjutan"):
        parts.append(rng.choice(SENTENCES[code]).format(**ctx))
    return _fit(parts, limit)


def answers(rng, title: str, ctx: dict, criteria: list[tuple[str, int | None]]) -> dict:
    """One answer per (code, word_limit) of the evaluation round."""
    out = {}
    for code, limit in criteria:
        if code == "ringkasan":
            out[code] = ringkasan(rng, title, ctx, limit)
        else:
            out[code] = answer(rng, code, ctx, limit)
    return out


def summary(ctx: dict) -> str:
    return f"Inovasi {ctx['instansi']} yang mendekatkan {ctx['layanan']} kepada {ctx['sasaran']}."
