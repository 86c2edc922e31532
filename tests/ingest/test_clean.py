"""The clean stage on the real seed articles and on hand-made ones with other chrome."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from digest.ingest.clean import clean
from digest.models import Article, SourceItem
from tests.helpers import SEED_CHROME, SEEDS

JAKARTA = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=JAKARTA)
MTIME = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
WIB = timezone(timedelta(hours=7))

SEED_EXPECTATIONS = {
    "000_f073430dd492f4b3.txt": {
        "title": "Mengejutkan! Korea Utara Kirim Pasukan ke Rusia, Putin Ucapkan Terima Kasih",
        "outlet": "POS VIRAL",
        "published": datetime(2025, 4, 28, tzinfo=JAKARTA),
        "kept": [
            "Korea Utara kirim pasukan ke Rusia untuk berperang melawan Ukraina",
            "Para pengamat menyebut ini sebagai aliansi pragmatis baru di abad ke-21.",
            "hubungan ini bisa merenggang di masa depan.",
            "era baru persaingan global yang lebih keras dari sebelumnya.",
        ],
        "gone": ["POS VIRAL", "Informasi Gambar", "detik.com", "Grup FB", "Shadow", "Search"],
    },
    "001_4365a202ad0700cc.txt": {
        "title": "Kim Jong Un Kirim Pesan Tahun Baru ke Putin",
        "outlet": "",  # the file never names its site: unknown, not the file's name
        "published": None,
        "kept": [
            "Menjelang pergantian tahun menuju 2026, Pemimpin Tertinggi Korea Utara",
            "Pasokan Amunisi: Pengiriman rudal dan peluru artileri",
            "bukan hanya pertahanan.",
        ],
        "gone": ["Alamat email", "Masa Depan Regulasi AI", "Polemik Pilkada"],
    },
    "002_f1a9f632fd983131.txt": {
        "title": "Kim Jong Un Tegaskan Dukungan Penuh Rusia dalam Perang Ukraina",
        "outlet": "KlikWartaku",
        "published": None,
        "kept": [
            "Pemimpin Korea Utara Kim Jong Un kembali menegaskan dukungan tanpa syarat",
            "Dalam video yang diunggah oleh Kementerian Luar Negeri Rusia melalui Telegram",
            "untuk memperkuat posisinya dalam geopolitik global.",
        ],
        "gone": ["Gak Cuma Cepat", "Homepage", "KLIKWARTAKU —", "***"],
    },
    "003_f011f847b0c797aa.txt": {
        "title": "Tentang Tุมภาพันธ์ Korea Utara dalam perjuangan di Rusia",
        "outlet": "",
        "published": datetime(2025, 8, 21, tzinfo=JAKARTA),
        "kept": [
            "pada Kamis, 21 Agustus 2025, Kim Jong Un menggelar angkatan bersenjata",
            "Tentara kita saat ini melaksanakan tugas mereka dengan tepat",
            "pada tahun 2024, bersama senjata artileri",
            "harus mempertimbangkan cara untuk melanjutkan perjuangan mereka.",
        ],
        "gone": ["Jurnalis Berita", "News Page"],
    },
    "004_e38d97292e5105f0.txt": {
        "title": (
            "Putin Berterima Kasih ke Korea Utara Karena Bantu Rebut Kembali Kursk dari "
            "Ukraina: Rusia Tidak Akan Pernah Melupakannya"
        ),
        "outlet": "Tampang.com",
        "published": datetime(2025, 4, 30, 8, 42, tzinfo=WIB),
        "kept": [
            "Presiden Rusia Vladimir Putin pada Senin (28/4/2025), berterima kasih",
            "Rusia tidak akan pernah melupakannya.",
            "sebuah pernyataan yang menandai babak baru dalam geopolitik dunia.",
        ],
        "gone": ["Tanggal:", "Google"],
    },
}


def file_item(source: str, body: str, **extra: object) -> SourceItem:
    fields: dict = {
        "source": source,
        "kind": "file",
        "body": body,
        "is_html": False,
        "fingerprint": f"fp-{source}",
        "modified": MTIME,
        "path": f"/data/{source}",
    }
    fields.update(extra)
    return SourceItem(**fields)


def clean_seed(name: str) -> Article:
    body = (SEEDS / name).read_text(encoding="utf-8")
    return clean(file_item(name, body), now=NOW, tz=JAKARTA)


@pytest.fixture(scope="module", params=sorted(SEED_EXPECTATIONS))
def seed(request: pytest.FixtureRequest) -> tuple[str, Article]:
    return request.param, clean_seed(request.param)


def test_seed_headline_outlet_and_language(seed: tuple[str, Article]) -> None:
    name, article = seed
    expected = SEED_EXPECTATIONS[name]
    assert article.title == expected["title"]
    assert article.outlet == expected["outlet"]
    assert article.language == "id"


def test_seed_date(seed: tuple[str, Article]) -> None:
    name, article = seed
    expected = SEED_EXPECTATIONS[name]["published"]
    if expected is None:
        assert article.date_is_fallback
        assert article.published == MTIME
    else:
        assert not article.date_is_fallback
        assert article.published == expected
        assert article.published.utcoffset() == timedelta(hours=7)


def test_seed_chrome_is_gone(seed: tuple[str, Article]) -> None:
    name, article = seed
    for field in (article.text, article.title):
        for chrome in SEED_CHROME + SEED_EXPECTATIONS[name]["gone"]:
            if chrome in SEED_EXPECTATIONS[name]["title"]:
                continue
            assert chrome.lower() not in field.lower(), f"{chrome!r} survived in {name}"


def test_seed_real_paragraphs_are_kept(seed: tuple[str, Article]) -> None:
    name, article = seed
    for sentence in SEED_EXPECTATIONS[name]["kept"]:
        assert sentence in article.text, f"{sentence!r} was lost from {name}"
    assert article.title not in article.paragraphs
    assert all(p == p.strip() and p for p in article.paragraphs)


def test_seed_identity_fields_are_copied() -> None:
    article = clean_seed("000_f073430dd492f4b3.txt")
    assert article.source == "000_f073430dd492f4b3.txt"
    assert article.kind == "file"
    assert article.fingerprint == "fp-000_f073430dd492f4b3.txt"
    assert article.path == "/data/000_f073430dd492f4b3.txt"
    assert article.url is None


def test_unknown_outlet_is_empty_never_a_file_name() -> None:
    for name in ("001_4365a202ad0700cc.txt", "003_f011f847b0c797aa.txt"):
        article = clean_seed(name)
        assert article.outlet == ""
        assert name.split("_")[0] not in article.outlet


ENGLISH_WITH_CHROME = """\
Home | World | Politics | Business
Share this: Facebook Twitter WhatsApp
North Korean troops arrive in Russia's Kursk region
By Jane Doe
April 28, 2025

SEOUL, April 28 (Wire) - North Korea has sent several thousand troops to Russia's Kursk \
region, South Korea's spy agency said on Monday, in the clearest sign yet of the deepening \
military ties between the two countries.

The agency said the troops had been trained in the Russian Far East before being moved to the \
front line in recent weeks.

Subscribe to our newsletter

Russia's foreign ministry said on its Telegram channel that Kim would join talks in Moscow.

Officials in Kyiv said the deployment would prolong the war, and called on allies to respond \
with new sanctions against both governments.

Follow us on Telegram for breaking news
Read more:
Kim Jong Un visits missile factory
Russia and North Korea sign defence pact
Photo: Reuters
© 2025 Example Media. All rights reserved.
"""


def test_english_chrome_of_other_sites() -> None:
    article = clean(file_item("wire/kursk.txt", ENGLISH_WITH_CHROME), now=NOW, tz=JAKARTA)
    assert article.title == "North Korean troops arrive in Russia's Kursk region"
    assert article.outlet == "Example Media"
    assert article.published == datetime(2025, 4, 28, tzinfo=JAKARTA)
    assert article.language == "en"
    for chrome in (
        "Share this",
        "Subscribe",
        "Follow us",
        "Read more",
        "missile factory",
        "defence pact",
        "Photo:",
        "All rights reserved",
        "Home |",
        "Jane Doe",
    ):
        assert chrome not in article.text
    assert article.paragraphs[0].startswith("SEOUL, April 28 (Wire) - North Korea has sent")
    assert "Telegram channel that Kim would join talks in Moscow." in article.text
    assert article.paragraphs[-1].endswith("sanctions against both governments.")
    assert len(article.paragraphs) == 4


INDONESIAN_WITH_CHROME = """\
Beranda
Berita
Internasional
Rusia Terima Bantuan Amunisi dari Korea Utara
Foto: Istimewa
Penulis: Budi Santoso
Jakarta, 5 Mei 2025
JAKARTA, CONTOHNEWS.id - Rusia dilaporkan menerima kiriman amunisi artileri dalam jumlah besar \
dari Korea Utara sepanjang bulan lalu, menurut laporan intelijen yang dikutip sejumlah media.
Baca Juga: Kim Jong Un Tinjau Pabrik Rudal Baru
Pengiriman itu disebut berlangsung melalui jalur kereta api yang menghubungkan kedua negara di \
wilayah perbatasan timur jauh Rusia.
Gabung ke saluran Telegram ContohNews untuk update berita terbaru!
Klik di sini untuk download aplikasi kami
ikuti-kami-di-google-news
Para analis menilai bantuan tersebut memperpanjang kemampuan Rusia untuk bertahan dalam perang \
yang telah berlangsung lebih dari tiga tahun. Simak terus berita terkini hanya di ContohNews.
Berita Terkait
Putin Puji Tentara Korea Utara
Korea Selatan Pantau Pergerakan Kapal Kargo
Tulis Komentar
Hak Cipta © 2025 ContohNews.id. Seluruh hak cipta dilindungi.
"""


def test_indonesian_chrome_of_other_sites() -> None:
    article = clean(file_item("amunisi.txt", INDONESIAN_WITH_CHROME), now=NOW, tz=JAKARTA)
    assert article.title == "Rusia Terima Bantuan Amunisi dari Korea Utara"
    assert article.outlet == "ContohNews.id"
    assert article.published == datetime(2025, 5, 5, tzinfo=JAKARTA)
    for chrome in (
        "Beranda",
        "Istimewa",
        "Budi Santoso",
        "Baca Juga",
        "Gabung",
        "Klik di sini",
        "google-news",
        "hanya di ContohNews",
        "Berita Terkait",
        "Putin Puji",
        "Kapal Kargo",
        "Komentar",
        "Hak Cipta",
        "CONTOHNEWS",
    ):
        assert chrome.lower() not in article.text.lower()
    assert article.paragraphs == [
        "Rusia dilaporkan menerima kiriman amunisi artileri dalam jumlah besar dari Korea Utara "
        "sepanjang bulan lalu, menurut laporan intelijen yang dikutip sejumlah media.",
        "Pengiriman itu disebut berlangsung melalui jalur kereta api yang menghubungkan kedua "
        "negara di wilayah perbatasan timur jauh Rusia.",
        "Para analis menilai bantuan tersebut memperpanjang kemampuan Rusia untuk bertahan "
        "dalam perang yang telah berlangsung lebih dari tiga tahun.",
    ]


def test_short_real_paragraphs_and_headings_survive() -> None:
    body = (
        "Kim Tiba di Vladivostok\n\n"
        "Kim Jong Un tiba di Vladivostok dengan kereta lapis baja pada pagi hari.\n\n"
        "Agenda Pertemuan\n\n"
        "Putin menyambutnya di stasiun.\n\n"
        "Kedua pemimpin lalu membahas kerja sama militer, energi dan pangan selama tiga jam "
        "di sebuah universitas di pulau Russky.\n"
    )
    article = clean(file_item("kim.txt", body), now=NOW, tz=JAKARTA)
    assert article.title == "Kim Tiba di Vladivostok"
    assert article.paragraphs == [
        "Kim Jong Un tiba di Vladivostok dengan kereta lapis baja pada pagi hari.",
        "Agenda Pertemuan",
        "Putin menyambutnya di stasiun.",
        "Kedua pemimpin lalu membahas kerja sama militer, energi dan pangan selama tiga jam "
        "di sebuah universitas di pulau Russky.",
    ]


def test_hard_wrapped_text_is_rejoined() -> None:
    body = (
        "Kim and Putin meet again\n\n"
        "North Korean leader Kim Jong Un arrived in Moscow on Tuesday for talks\n"
        "with President Vladimir Putin, the Kremlin said, in his second visit to\n"
        "Russia in two years as the two countries deepen their military ties and\n"
        "trade.\n\n"
        "The two leaders were expected to sign agreements on energy and transport.\n"
    )
    article = clean(file_item("wrapped.txt", body), now=NOW, tz=JAKARTA)
    assert article.paragraphs[0].startswith("North Korean leader Kim Jong Un arrived")
    assert article.paragraphs[0].endswith("their military ties and trade.")
    assert len(article.paragraphs) == 2


def test_text_without_headline_takes_its_first_sentence() -> None:
    body = (
        "Rusia dan Korea Utara menandatangani perjanjian kerja sama baru di bidang energi. "
        "Perjanjian itu diteken di Pyongyang oleh para menteri kedua negara.\n"
    )
    article = clean(file_item("tanpa-judul.txt", body), now=NOW, tz=JAKARTA)
    assert article.title == (
        "Rusia dan Korea Utara menandatangani perjanjian kerja sama baru di bidang energi."
    )
    assert article.text == body.strip()


def test_outlet_falls_back_to_url_host_else_unknown() -> None:
    body = "Judul Berita Pendek Sekali\n\nIsi berita ini cukup panjang untuk menjadi paragraf.\n"
    with_url = file_item("x.txt", body, url="https://www.contoh.co.id/berita/1")
    assert clean(with_url, now=NOW, tz=JAKARTA).outlet == "contoh.co.id"
    # A folder or file name is where the user keeps the file, not who published it.
    in_folder = file_item("antaranews/2025/berita.txt", body)
    assert clean(in_folder, now=NOW, tz=JAKARTA).outlet == ""
    at_top = file_item("berita-satu.txt", body)
    assert clean(at_top, now=NOW, tz=JAKARTA).outlet == ""
    url_line = file_item("y.txt", "https://www.contoh.co.id/berita/2025/06/17/kim\n\n" + body)
    article = clean(url_line, now=NOW, tz=JAKARTA)
    assert (article.outlet, article.url) == (
        "contoh.co.id",
        "https://www.contoh.co.id/berita/2025/06/17/kim",
    )
    assert (article.published.date().isoformat(), article.published_from) == ("2025-06-17", "url")


def test_language_detection() -> None:
    english = clean(file_item("en.txt", ENGLISH_WITH_CHROME), now=NOW, tz=JAKARTA)
    german = clean(
        file_item(
            "de.txt",
            "Kim besucht Moskau\n\nDer nordkoreanische Machthaber ist am Dienstag in Moskau "
            "eingetroffen und wurde von Präsident Putin empfangen, wie der Kreml mitteilte.\n",
        ),
        now=NOW,
        tz=JAKARTA,
    )
    assert english.language == "en"
    assert german.language == "de"


def test_html_page_uses_extracted_text_and_metadata() -> None:
    page = """<html><head><title>Kim visits Moscow | Example News</title>
    <meta property="og:site_name" content="Example News">
    <meta property="article:published_time" content="2025-04-28T10:00:00+00:00">
    </head><body>
    <nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
    <article><h1>Kim visits Moscow</h1>
    <p>North Korean leader Kim Jong Un arrived in Moscow on Monday for talks with President
    Vladimir Putin, the Kremlin said in a statement released in the afternoon.</p>
    <p>The two leaders discussed military cooperation and trade, according to state media
    reports from both countries, and agreed to meet again later in the year.</p>
    <p>Follow us on Telegram for the latest updates!</p>
    </article>
    <footer>© 2025 Example News. All rights reserved.</footer></body></html>"""
    item = file_item("kim.html", page, is_html=True)
    article = clean(item, now=NOW, tz=JAKARTA)
    assert article.title == "Kim visits Moscow"
    assert article.outlet == "Example News"
    assert article.published.date().isoformat() == "2025-04-28"
    assert not article.date_is_fallback
    assert article.paragraphs[0].startswith("North Korean leader Kim Jong Un arrived")
    assert "Follow us" not in article.text
    assert "All rights reserved" not in article.text


def test_feed_entry_prefers_the_feed_metadata() -> None:
    published = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    item = SourceItem(
        source="https://example.org/kim-putin",
        kind="feed",
        body=(
            "<p>Kim dan Putin bertemu di Pyongyang.</p><p>Mereka membahas kerja sama.</p>"
            "<p>The post Kim dan Putin Bertemu appeared first on Contoh Feed.</p>"
        ),
        is_html=True,
        fingerprint="fp",
        modified=MTIME,
        url="https://example.org/kim-putin",
        title="Kim dan Putin Bertemu",
        outlet="Contoh Feed",
        published=published,
        feed="https://example.org/feed.xml",
        guid="guid-1",
    )
    article = clean(item, now=NOW, tz=JAKARTA)
    assert (article.title, article.outlet, article.published) == (
        "Kim dan Putin Bertemu",
        "Contoh Feed",
        published,
    )
    assert not article.date_is_fallback
    assert article.paragraphs == [
        "Kim dan Putin bertemu di Pyongyang.",
        "Mereka membahas kerja sama.",
    ]
    assert (article.kind, article.feed, article.guid) == ("feed", item.feed, "guid-1")


def test_empty_body_gives_an_empty_article_not_an_error() -> None:
    article = clean(file_item("empty.txt", ""), now=NOW, tz=JAKARTA)
    assert article.text == ""
    assert article.title == ""
    assert article.date_is_fallback
    assert article.published_from == "file-time"


WIRE_PAGE = (
    "KABAR PAGI\nBeranda | Terkini | Politik | Dunia\n"
    "Rusia dan Korea Utara teken perjanjian kesehatan\n"
    "Rabu, 21 Mei 2025 10:05 WIB\n"
    "Para dokter Korea Utara dan Rusia berfoto bersama di depan sebuah rumah sakit di Pyongyang "
    "pada awal pekan ini, sebelum perjanjian itu ditandatangani. Budi Santoso\n"
    "Seoul (KABAR PAGI) - Korea Utara dan Rusia menandatangani perjanjian kerja sama di bidang "
    "kesehatan dan pendidikan kedokteran, lapor kantor berita KCNA pada Rabu.\n"
    "Perjanjian itu ditandatangani oleh menteri kesehatan kedua negara di Pyongyang, dan kedua "
    "pihak sepakat bertukar tenaga medis serta membangun rumah sakit bersama.\n"
    "Simak berita terkini lainnya hanya di KABAR PAGI.\n"
)


def test_a_lede_naming_its_site_in_the_dateline_is_kept_and_the_photo_caption_is_not() -> None:
    cleaned = clean(file_item("kabar.txt", WIRE_PAGE), now=NOW, tz=JAKARTA)
    paragraphs = cleaned.text.split("\n\n")
    assert paragraphs[0].startswith("Seoul (KABAR PAGI) - Korea Utara dan Rusia menandatangani")
    assert "Budi Santoso" not in cleaned.text  # the caption with its credit
    assert "Simak berita" not in cleaned.text  # the site's closing slogan still goes


def test_a_read_also_box_inside_the_article_does_not_end_it() -> None:
    """Indonesian sites insert "Baca Juga" and its links between paragraphs: the article
    goes on under them (two paragraphs in a row), where a closing list of teasers does not."""
    paragraphs = [
        "Menteri Luar Negeri Rusia Sergey Lavrov tiba di kota pesisir Wonsan, Korea Utara, pada "
        "hari Sabtu untuk kunjungan tiga hari yang menegaskan eratnya hubungan kedua negara.",
        "Lavrov disambut Menteri Luar Negeri Korea Utara Choe Son Hui di kawasan wisata "
        "Wonsan-Kalma, resor pantai yang baru dibuka bulan lalu oleh pemimpin Korea Utara.",
        "Kedua menteri dijadwalkan membahas pelaksanaan perjanjian kemitraan strategis yang "
        "ditandatangani kedua pemimpin pada Juni tahun lalu, termasuk kerja sama ekonomi.",
        "Sejumlah pengamat menilai kunjungan Lavrov juga bertujuan membahas kemungkinan "
        "kunjungan Kim ke Rusia dalam waktu dekat, sebab undangan Kremlin tetap terbuka.",
        "Korea Selatan dan Amerika Serikat menyatakan keprihatinan atas kerja sama militer "
        "kedua negara, yang menurut mereka melanggar resolusi Dewan Keamanan PBB.",
    ]
    body = (
        "Kabar Pagi\n\nLavrov Kunjungi Wonsan, Puji Resor Kalma\n\n"
        "Sabtu, 12 Juli 2025 15:10 WIB\n\n"
        + "\n\n".join(paragraphs[:3])
        + "\n\nSCROLL TO CONTINUE WITH CONTENT\n\nBaca Juga\n\nKim Resmikan Resor Wonsan-Kalma\n\n"
        "Korut Buka Penerbangan Langsung Moskow-Pyongyang\n\n"
        + "\n\n".join(paragraphs[3:])
        + "\n\nBaca halaman selanjutnya\n\nPewarta: Rina Sari\n\nBerita Terkini\n\n"
        "Harga Minyak Dunia Turun Tajam\n\nTimnas Menang di Laga Perdana\n"
    )
    article = clean(file_item("wonsan.txt", body), now=NOW, tz=JAKARTA)
    assert article.paragraphs == paragraphs


@pytest.mark.parametrize(
    "link",
    [
        "Lea también: Impiden ingreso a reportero y camarógrafo en el aeropuerto",
        "LE PUEDE INTERESAR: La ficha del expresidente en la corte de Nueva York",
        "Veja também: Senado aprova projeto sobre indulto presidencial",
        "Lesen Sie auch: Bahn streicht Verbindungen im Fernverkehr",
        "Czytaj też: Były dowódca wojsk o sytuacji na granicy",
        "À lire aussi : Berne veut interdire le pesticide",
        "Mira: Madre se acerca a conocer los motivos de la captura",
    ],
)
def test_a_link_to_another_article_in_other_languages_is_dropped(link: str) -> None:
    paragraphs = [
        "The harbour authority said on Tuesday that the ferry crews would return to work next "
        "week after the operators agreed to a new contract with higher pay and shorter shifts.",
        "Passengers were told to check the operators' websites before setting off, and several "
        "sailings were cancelled at short notice while the talks went on through the night.",
    ]
    body = f"Ferry strike ends after pay deal\n\n{paragraphs[0]}\n\n{link}\n\n{paragraphs[1]}\n"
    article = clean(file_item("ferry.txt", body), now=NOW, tz=JAKARTA)
    assert article.paragraphs == paragraphs


def test_the_last_paragraph_closed_by_the_newsrooms_initials_is_kept() -> None:
    """ "… di Seoul. (ant/ard)": the initials close the article; the paragraph is its
    last, also after a "Baca Juga" box, not a teaser."""
    paragraphs = [
        "Korea Selatan menahan sebuah kapal kargo berbendera asing yang diduga mengangkut "
        "batu bara Korea Utara ke pelabuhan Rusia, kata pejabat di Seoul pada hari Jumat.",
        "Kapal itu ditahan di pelabuhan Pohang setelah otoritas menerima informasi intelijen "
        "tentang muatannya, menurut kantor berita Yonhap.",
        "Pemeriksaan awal menemukan ribuan ton batu bara yang dokumennya menyebut Rusia sebagai "
        "negara asal, padahal muatan itu diduga berasal dari pelabuhan Nampo di Korea Utara.",
        "Perdagangan batu bara Korea Utara dilarang oleh sanksi Dewan Keamanan PBB sejak 2017, "
        "dan Seoul menuduh sejumlah kapal memindahkan muatan di laut untuk menyamarkan asalnya.",
        "Ini merupakan penahanan kapal ketiga tahun ini terkait perdagangan gelap antara Korea "
        "Utara dan Rusia, kata seorang pejabat di Seoul. (ant/ard)",
    ]
    body = (
        "Kabar Pagi\n\nKorsel Tahan Kapal Pengangkut Batu Bara Korut\n\n"
        "Jumat, 14 November 2025 10:15 WIB\n\n"
        + "\n\n".join(paragraphs[:4])
        + "\n\nBACA JUGA:\n\nRusia Kirim 50 Dokter ke Korea Utara\n\n"
        "Korut Bangun Pabrik Obat dengan Teknologi Rusia\n\n"
        + paragraphs[4]
        + "\n\nRedaktur & Reporter : Adil\n\nBerita Terkait\n\nLavrov Bertemu Menlu Korut\n"
    )
    article = clean(file_item("kapal.txt", body), now=NOW, tz=JAKARTA)
    assert article.paragraphs == paragraphs


def test_a_short_closing_sentence_before_the_initials_line_is_the_articles() -> None:
    paragraphs = [
        "Korea Utara meluncurkan satelit pengintai militer dari pusat peluncuran Sohae pada "
        "Selasa pagi, menurut Kepala Staf Gabungan Korea Selatan di Seoul.",
        "Badan intelijen Seoul menduga Rusia membantu program satelit itu dengan teknologi "
        "mesin roket sebagai imbalan atas pasokan amunisi untuk perang di Ukraina.",
        "Jepang dan Amerika Serikat mengecam peluncuran tersebut sebagai pelanggaran resolusi "
        "Dewan Keamanan PBB yang melarang Pyongyang menggunakan teknologi rudal balistik.",
        "Rusia belum memberikan komentar resmi atas peluncuran tersebut.",
    ]
    body = (
        "Lintas Global\n\nKorut Luncurkan Satelit Mata-mata dengan Bantuan Rusia\n\n"
        "Selasa, 18 November 2025 09:40 WIB\n\n"
        + "\n\n".join(paragraphs[:3])
        + "\n\nBaca Juga: Putin: Rusia Tak Langgar Sanksi dalam Kerja Sama Antariksa\n\n"
        + paragraphs[3]
        + "\n\n(lg/ars)\n\nBagikan: [Facebook] [X] [WhatsApp]\n\nKOMENTAR (0)\n"
    )
    article = clean(file_item("satelit.txt", body), now=NOW, tz=JAKARTA)
    assert article.paragraphs == paragraphs
