"""Building blocks of demo innovation titles: a base innovation, optionally a qualifier.

Each base says which agencies it fits: `d` regional governments, `p` ministries and
agencies, `u` any state or regional company, or one line of business: `b` banks, `l`
electricity, `o` post, `a` water.
"""

from __future__ import annotations

from dataclasses import dataclass

KIND_TAG = {
    "provinsi": "d",
    "kabupaten": "d",
    "kota": "d",
    "kementerian": "p",
    "lembaga": "p",
    "bumn": "u",
    "bumd": "u",
}


@dataclass(frozen=True)
class Base:
    acronym: str
    phrase: str
    category: str
    service: str  # what is delivered ("layanan")
    target: str  # who benefits ("sasaran")
    fits: str  # tags from KIND_TAG


BASES: list[Base] = [
    Base("SIPANDU", "Layanan Adminduk Keliling Desa", "Administrasi Kependudukan",
         "penerbitan KTP-el, kartu keluarga dan akta kelahiran",
         "warga desa yang jauh dari kantor Disdukcapil", "d"),
    Base("Posyandu Digital", "Pemantauan Tumbuh Kembang Balita", "Kesehatan",
         "pencatatan penimbangan dan imunisasi balita", "ibu dan balita", "dp"),
    Base("GERCEP STUNTING", "Gerakan Cepat Cegah Stunting Berbasis Keluarga", "Kesehatan",
         "pendampingan gizi keluarga berisiko stunting",
         "keluarga dengan balita dan ibu hamil", "dp"),
    Base("OJEK SEHAT", "Ambulans Motor untuk Kampung Pegunungan", "Kesehatan",
         "rujukan pasien gawat darurat", "warga kampung yang tidak terjangkau ambulans", "d"),
    Base("PERAHU SEHAT", "Puskesmas Keliling Antarpulau", "Kesehatan",
         "pemeriksaan kesehatan dan pengobatan dasar", "penduduk pulau-pulau kecil", "d"),
    Base("SEHATI", "Sehat Ibu Hamil Terpantau", "Kesehatan",
         "pemeriksaan kehamilan dan persalinan aman", "ibu hamil berisiko tinggi", "dp"),
    Base("SIMPATIK", "Perizinan Berusaha Satu Pintu Tanpa Tatap Muka", "Perizinan & Investasi",
         "penerbitan izin usaha", "pelaku usaha mikro dan kecil", "d"),
    Base("SIGAP LAPOR", "Pengaduan Warga Terjawab dalam 24 Jam", "Tata Kelola & Pengaduan",
         "penanganan pengaduan pelayanan publik", "seluruh warga", "dpu"),
    Base("GURU KUNJUNG", "Belajar di Rumah bagi Anak Pedalaman", "Pendidikan",
         "pendampingan belajar", "anak usia sekolah di dusun terpencil", "d"),
    Base("MOTOR PUSTAKA", "Perpustakaan Keliling Desa", "Pendidikan",
         "peminjaman buku dan kelas literasi", "anak dan remaja desa", "d"),
    Base("SEKOLAH APUNG", "Layanan Pendidikan Anak Kepulauan", "Pendidikan",
         "kelas jarak jauh dan guru kunjung antarpulau", "anak nelayan di pulau kecil", "d"),
    Base("TANI CERDAS", "Penyuluhan Pertanian Digital untuk Petani Milenial",
         "Pertanian & Pangan", "penyuluhan budidaya dan informasi harga", "petani muda", "dp"),
    Base("SEMAI", "Sekolah Lapang Iklim bagi Petani", "Pertanian & Pangan",
         "informasi iklim dan jadwal tanam", "kelompok tani lahan kering", "dp"),
    Base("NELAYAN PINTAR", "Informasi Cuaca dan Harga Ikan Harian", "Kelautan & Perikanan",
         "informasi cuaca laut dan harga ikan", "nelayan tradisional", "dp"),
    Base("BANK SAMPAH DIGITAL", "Tabungan Sampah Warga", "Lingkungan Hidup",
         "pengelolaan sampah rumah tangga", "rumah tangga dan sekolah", "du"),
    Base("SIAGA BANJIR", "Peringatan Dini Banjir Berbasis Komunitas", "Kebencanaan",
         "peringatan dini dan evakuasi", "warga bantaran sungai", "dp"),
    Base("SAPA ANAK", "Layanan Perlindungan Anak dan Perempuan", "Sosial & Perlindungan",
         "pengaduan dan pendampingan korban kekerasan",
         "anak dan perempuan korban kekerasan", "dp"),
    Base("JEMPOL LANSIA", "Jemput Bola Layanan Lansia", "Sosial & Perlindungan",
         "layanan kesehatan dan administrasi di rumah", "warga lanjut usia", "d"),
    Base("TEMAN DIFABEL", "Layanan Publik Ramah Penyandang Disabilitas",
         "Sosial & Perlindungan", "pendampingan layanan administrasi",
         "penyandang disabilitas", "dpu"),
    Base("TERANG DESA", "Penerangan Jalan Tenaga Surya di Perbatasan", "Infrastruktur",
         "penerangan jalan desa", "warga desa perbatasan", "d"),
    Base("SAMSAT DESA", "Pembayaran Pajak Kendaraan di Kantor Desa", "Pendapatan Daerah",
         "pembayaran pajak kendaraan bermotor", "pemilik kendaraan di perdesaan", "d"),
    Base("MPP DIGITAL", "Mal Pelayanan Publik Virtual", "Tata Kelola & Digitalisasi",
         "layanan perizinan dan administrasi dalam satu aplikasi", "seluruh warga", "d"),
    Base("E-PASAR", "Pasar Daring Produk UMKM Lokal", "Ekonomi & UMKM",
         "pemasaran produk UMKM", "pelaku UMKM", "du"),
    Base("DESA CANTIK", "Desa Cinta Statistik", "Tata Kelola & Digitalisasi",
         "pengelolaan data desa", "perangkat desa", "pd"),
    Base("KAMPUNG TANGGUH", "Ketahanan Pangan dari Pekarangan", "Pertanian & Pangan",
         "pemanfaatan pekarangan untuk pangan keluarga", "rumah tangga rawan pangan", "d"),
    Base("AKSI 112", "Layanan Darurat Satu Nomor", "Kebencanaan",
         "respons kedaruratan", "seluruh warga", "d"),
    Base("RUMAH GIZI", "Pemulihan Gizi Buruk Berbasis Desa", "Kesehatan",
         "pemulihan gizi balita", "balita gizi kurang", "d"),
    Base("SI JAMBAN", "Jamban Sehat untuk Setiap Keluarga", "Lingkungan Hidup",
         "pembangunan dan pemantauan sanitasi", "keluarga tanpa jamban sehat", "d"),
    Base("HALO HALAL", "Pendampingan Sertifikasi Halal UMKM", "Ekonomi & UMKM",
         "sertifikasi halal", "pelaku usaha mikro", "p"),
    Base("PUSAKA", "Pendaftaran Nikah dan Layanan KUA Daring", "Keagamaan",
         "pendaftaran nikah", "calon pengantin", "p"),
    Base("SI ELOK", "Layanan Kepegawaian Elektronik Tanpa Berkas", "Tata Kelola & Digitalisasi",
         "kenaikan pangkat dan pensiun ASN", "aparatur sipil negara", "pd"),
    Base("SATU DATA", "Portal Data Statistik Terbuka", "Tata Kelola & Digitalisasi",
         "penyediaan data statistik", "peneliti, media dan pemerintah daerah", "p"),
    Base("DESTANA", "Desa Tangguh Bencana", "Kebencanaan",
         "pelatihan kesiapsiagaan bencana", "warga desa rawan bencana", "pd"),
    Base("TELEMEDIS", "Konsultasi Dokter Spesialis Jarak Jauh", "Kesehatan",
         "konsultasi dokter spesialis", "pasien puskesmas di daerah terpencil", "pd"),
    Base("KARTU TANI DIGITAL", "Penyaluran Pupuk Bersubsidi Tepat Sasaran",
         "Pertanian & Pangan", "penyaluran pupuk bersubsidi", "petani terdaftar", "p"),
    Base("KUR KILAT", "Kredit Usaha Rakyat Cair dalam Sehari", "Ekonomi & UMKM",
         "penyaluran kredit usaha", "nelayan dan pedagang kecil", "b"),
    Base("AGEN DESA", "Layanan Perbankan Tanpa Kantor di Desa", "Ekonomi & UMKM",
         "layanan tabungan dan transfer", "warga desa tanpa akses bank", "b"),
    Base("NYALA DESA", "Sambungan Listrik Gratis Rumah Tangga Miskin", "Infrastruktur",
         "penyambungan listrik", "rumah tangga miskin", "l"),
    Base("POS UMKM", "Kiriman Produk UMKM dari Desa ke Kota", "Ekonomi & UMKM",
         "pengiriman paket", "pelaku UMKM desa", "o"),
    Base("AIR LANCAR", "Pembayaran Rekening Air Tanpa Antre", "Infrastruktur",
         "pembayaran rekening dan pengaduan air", "pelanggan air minum", "a"),
    Base("SIGAP AIR", "Perbaikan Kebocoran Pipa dalam 3 Jam", "Infrastruktur",
         "penanganan kebocoran dan gangguan distribusi", "pelanggan air minum", "a"),
    Base("LAPOR LISTRIK", "Pengaduan Gangguan Listrik Satu Aplikasi", "Infrastruktur",
         "penanganan gangguan listrik", "pelanggan listrik", "l"),
]  # fmt: skip

# Appended when a base was already used in the competition, to keep titles distinct.
QUALIFIERS = [
    "Berbasis Aplikasi Seluler",
    "Berbasis Komunitas",
    "Terpadu Lintas Sektor",
    "Tanpa Biaya bagi Warga",
    "Bersama Kader Desa",
    "Terintegrasi Satu Data",
    "Jemput Bola",
    "untuk Semua",
]

# Earlier winners that replication entries name as their source.
ORIGINS = [
    ("Kabupaten Sleman", "Top 45 KIPP 2021"),
    ("Kota Bandung", "Top 99 KIPP 2022"),
    ("Kabupaten Gresik", "Top 45 KIPP 2019"),
    ("Kota Tangerang", "Top 45 KIPP 2020"),
    ("Kabupaten Bojonegoro", "Top 99 KIPP 2023"),
    ("Kota Yogyakarta", "Top 45 KIPP 2022"),
    ("Kabupaten Sragen", "Top 99 KIPP 2021"),
    ("Kota Pekanbaru", "Top 45 KIPP 2023"),
]

MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip


BUSINESS_TAG = {"Bank": "b", "PLN": "l", "Pos": "o", "Air": "a"}


def bases_for(kind: str, name: str) -> list[Base]:
    """Bases that suit the agency: by kind, and for companies also by line of business."""
    tags = {KIND_TAG[kind]}
    if kind in ("bumn", "bumd"):
        tags |= {tag for word, tag in BUSINESS_TAG.items() if word in name.split()}
    return [b for b in BASES if tags & set(b.fits)]


class Titles:
    """Hands out distinct titles: a base the first time, base + qualifier afterwards."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, rng, base: Base) -> str:
        plain = f"{base.acronym}: {base.phrase}"
        words = set(plain.lower().split())
        fitting = [q for q in QUALIFIERS if q.split()[0].lower() not in words]
        options = [plain] + [f"{plain} {q}" for q in rng.sample(fitting, len(fitting))]
        for title in options:
            if title not in self.used:
                self.used.add(title)
                return title
        n = 2
        while f"{plain} {n}" in self.used:
            n += 1
        self.used.add(f"{plain} {n}")
        return f"{plain} {n}"
