"""Headline, outlet and date of HTML pages, measured on real pages, and the rules one by one.

The measure runs the real folder source and clean stage over the 139 news
pages of ``../shared/corpora/article-pages`` (trafilatura's evaluation pages)
and compares with their labels, counting only labelled pages:

* headline: ``evaldata.json``'s ``title``. A match is the same text after
  normalising (NFKC, case folded, words only), or one containing the other
  when the shorter is at least 0.8 of the longer's length (a kicker or a
  trailing word of difference, never a different headline).
* date: ``evaldata.json``'s ``date``. A match is the same calendar day, in
  the offset the page gave its time; a file time never matches.
* outlet: ``evaldata.json``'s ``sitename`` where it has one (2 pages), else
  the page's own label in ``../shared/corpora/scraped-pages/labels.json``
  (og:site_name, 98 pages in all). A match is the same name after
  normalising (letters and digits, accents and a leading "The" dropped,
  "www." and a domain ending removed), against the label or one of its parts
  between separators, since some labels carry the site's tagline
  ("BioBioChile - La Red de Prensa Más Grande de Chile") that the digest
  strips on purpose.

The result is printed for the pages of even and of odd index (sorted by file
name) apart. The rules were written against the even half; the misses of
both halves were looked at while working, so the odd half is a check that
nothing page-specific crept in, not a clean held-out set.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.ingest.clean import clean
from digest.ingest.pagemeta import read_page_meta, strip_site, tree_of
from digest.ingest.sitename import name_key, split_title
from digest.ingest.sources.folder import scan_folders
from digest.models import Article, SourceItem

SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpora"
PAGES = SHARED / "article-pages"
SCRAPED_LABELS = SHARED / "scraped-pages" / "labels.json"
UTC = ZoneInfo("UTC")
NOW = datetime(2026, 11, 23, tzinfo=UTC)
THRESHOLDS = {"headline": 0.95, "date": 0.90, "outlet": 0.90}


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


def headline_matches(got: str, label: str) -> bool:
    g, w = _words(got), _words(label)
    if not g or not w:
        return False
    shorter, longer = sorted((g, w), key=len)
    return shorter == longer or (shorter in longer and len(shorter) >= 0.8 * len(longer))


def _outlet_key(name: str) -> str:
    key = name_key(name)
    return key.removeprefix("the") or key


def outlet_matches(got: str, label: str) -> bool:
    return bool(got) and any(
        _outlet_key(got) == _outlet_key(part) for part in [label, *split_title(label)]
    )


def _labelled_pages() -> list[dict]:
    if not (PAGES / "evaldata.json").exists() or not SCRAPED_LABELS.exists():
        pytest.skip(f"shared corpora not found at {SHARED}")
    entries = sorted(
        json.loads((PAGES / "evaldata.json").read_text(encoding="utf-8")), key=lambda e: e["file"]
    )
    own = {
        v["html"]: v.get("outlet")
        for v in json.loads(SCRAPED_LABELS.read_text(encoding="utf-8")).values()
    }
    for entry in entries:
        entry["outlet"] = entry.get("sitename") or own.get(entry["file"])
    return entries


def test_headline_date_and_outlet_of_real_pages() -> None:
    entries = _labelled_pages()
    items = {item.source: item for item in scan_folders([PAGES]) if hasattr(item, "body")}
    scores = {half: {k: [0, 0] for k in THRESHOLDS} for half in ("even", "odd", "all")}
    misses = []
    for index, entry in enumerate(entries):
        article = clean(items[entry["file"]], now=NOW, tz=UTC)
        date_day = None if article.date_is_fallback else article.published.date().isoformat()
        checks = {
            "headline": (
                entry.get("title"),
                lambda label, got=article.title: headline_matches(got, label),
            ),
            "date": (entry.get("date"), lambda label, got=date_day: got == label),
            "outlet": (
                entry.get("outlet"),
                lambda label, got=article.outlet: outlet_matches(got, label),
            ),
        }
        for measure, (label, matches) in checks.items():
            if not label:
                continue
            ok = matches(label)
            for half in ("even" if index % 2 == 0 else "odd", "all"):
                scores[half][measure][0] += ok
                scores[half][measure][1] += 1
            if not ok:
                misses.append(f"  {measure:8s} {entry['file']}: label {label!r}")
        assert Path(entry["file"]).stem not in article.outlet
    print(f"\narticle-pages ({len(entries)} HTML pages), labelled pages only:")
    for half in ("even", "odd", "all"):
        line = ", ".join(f"{m} {ok}/{n} = {ok / n:.3f}" for m, (ok, n) in scores[half].items() if n)
        print(f"  {half}: {line}")
    print("misses:\n" + "\n".join(misses))
    for measure, threshold in THRESHOLDS.items():
        ok, n = scores["all"][measure]
        assert ok / n >= threshold, f"{measure}: {ok}/{n} below {threshold}"


def _meta(html: str):
    tree = tree_of(html)
    assert tree is not None
    return read_page_meta(tree)


def test_visible_headline_wins_over_a_social_media_title() -> None:
    meta = _meta(
        """<html><head><title>Kim arrives in Moscow for talks | Example News</title>
        <meta property="og:title" content="Kim's train pulls into Moscow">
        <meta property="og:site_name" content="Example News"></head>
        <body><h1><a href="/">Example News</a></h1>
        <article><h1>Kim arrives in Moscow for talks</h1><p>Text.</p></article></body></html>"""
    )
    assert meta.title == "Kim arrives in Moscow for talks"
    assert meta.sitename == "Example News"


def test_kicker_in_the_h1_is_dropped_only_when_the_metadata_shows_it_apart() -> None:
    kicker = """<html><head><meta property="og:title" content="Diplomacy: Kim meets Putin">
        </head><body><h1><span>Diplomacy</span><span>Kim meets Putin</span></h1></body></html>"""
    assert _meta(kicker).title == "Kim meets Putin"
    linked = """<html><head><meta property="og:title" content="Putin meets Kim in Moscow">
        </head><body><h1><a href="/putin">Putin</a> meets Kim in Moscow</h1></body></html>"""
    assert _meta(linked).title == "Putin meets Kim in Moscow"


def test_without_an_h1_the_title_loses_the_site_name() -> None:
    meta = _meta(
        """<html><head><title>Rusia dan Korut teken pakta - KabarDunia.id</title>
        <link rel="canonical" href="https://www.kabardunia.id/berita/1"></head>
        <body><p>Isi.</p></body></html>"""
    )
    assert meta.title == "Rusia dan Korut teken pakta"
    assert meta.url == "https://www.kabardunia.id/berita/1"


def test_json_ld_gives_headline_publisher_and_date() -> None:
    meta = _meta(
        """<html><head><script type="application/ld+json">
        {"@context": "https://schema.org", "@graph": [
          {"@type": "WebSite", "name": "Warta Kita"},
          {"@type": "NewsArticle", "headline": "Putin terima Kim di Kremlin",
           "datePublished": "2025-06-17T09:30:00+07:00",
           "publisher": {"@type": "Organization", "name": "PT Warta Kita Tbk"}}]}
        </script></head><body><p>Isi.</p></body></html>"""
    )
    assert meta.title == "Putin terima Kim di Kremlin"
    assert meta.sitename == "PT Warta Kita"
    assert meta.date is not None and meta.date.value.isoformat() == "2025-06-17T09:30:00+07:00"
    assert meta.date.strong and not meta.date.utc


def test_site_name_loses_its_tagline_and_an_edition_name_is_not_a_site() -> None:
    tagline = _meta(
        """<html><head><meta property="og:site_name"
        content="Kabar Timur | Berita Terkini, Tajam dan Terpercaya"></head><body></body></html>"""
    )
    assert tagline.sitename == "Kabar Timur"
    edition = _meta(
        """<html><head><meta property="og:site_name" content="U.S.">
        <script type="application/ld+json">{"@type": "NewsArticle", "headline": "A b c",
        "publisher": {"name": "Reuters"}}</script></head><body></body></html>"""
    )
    assert edition.sitename == "Reuters"


@pytest.mark.parametrize(
    ("title", "site"),
    [
        ("Warta Timur | Rusia dan Korut Gelar Latihan Bersama", "Warta Timur"),
        ("Rusia dan Korut Gelar Latihan Bersama - Internasional | Warta Timur", "Warta Timur"),
        ("Rusia dan Korut Gelar Latihan Bersama | Warta Timur | 06.11.2025", "Warta Timur"),
        ("Rusia dan Korut Gelar Latihan Bersama", None),
        # the headline between two parts: neither is known to be the site
        ("Internasional | Rusia dan Korut Gelar Latihan Bersama | Warta Timur", None),
    ],
)
def test_without_site_metadata_the_title_beside_the_headline_names_the_site(
    title: str, site: str | None
) -> None:
    meta = _meta(
        f"""<html><head><title>{title}</title></head><body>
        <h1>Rusia dan Korut Gelar Latihan Bersama</h1><p>Isi.</p></body></html>"""
    )
    assert meta.title == "Rusia dan Korut Gelar Latihan Bersama"
    assert meta.sitename == site


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Headline of the day | Example News", "Headline of the day"),
        ("Example News: Headline of the day", "Headline of the day"),
        ("Headline - Section | Example News | 23.05.2011", "Headline - Section"),
        ("Coronavirus: New York ramps up burials", "Coronavirus: New York ramps up burials"),
    ],
)
def test_strip_site(title: str, expected: str) -> None:
    assert strip_site(title, {"examplenews"}) == expected


def test_a_page_names_no_outlet_and_no_file_name_stands_in() -> None:
    item = SourceItem(
        source="folder/108_465e.html",
        kind="file",
        body="<html><body><h1>Kim dan Putin bertemu</h1><p>"
        + "Presiden Rusia dan pemimpin Korea Utara bertemu di Moskow pada hari Selasa. " * 5
        + "</p></body></html>",
        is_html=True,
        fingerprint="x",
        modified=NOW,
    )
    article = clean(item, now=NOW, tz=UTC)
    assert article.outlet == ""
    assert article.date_is_fallback and article.published_from == "file-time"


def _cleaned_page(
    head: str, above_article: str, h1: str = "Putin terima Kim di Kremlin"
) -> Article:
    """A page with the given head and lines between its h1 and its article, cleaned."""
    body = (
        f"<html><head>{head}</head><body><h1>{h1}</h1>{above_article}"
        "<article><p>"
        + "Presiden Rusia menerima pemimpin Korea Utara di Moskow pada hari Selasa. " * 6
        + "</p></article></body></html>"
    )
    item = SourceItem(
        source="x.html", kind="file", body=body, is_html=True, fingerprint="x", modified=NOW
    )
    return clean(item, now=NOW, tz=ZoneInfo("Asia/Jakarta"))


def test_the_dateline_under_the_headline_comes_first() -> None:
    article = _cleaned_page(
        '<meta name="date" content="2025-06-20T08:00:00+07:00">',
        "<p>Selasa, 17 Juni 2025 09:30 WIB</p>",
    )
    assert article.title == "Putin terima Kim di Kremlin"
    assert article.published.date().isoformat() == "2025-06-17"
    assert article.published_from == "dateline"


def test_a_title_of_site_and_slogan_yields_to_the_h1() -> None:
    meta = _meta(
        """<html><head><title>Warta Timur - Jernih Melihat Dunia</title>
        <meta property="og:title" content="Warta Timur - Jernih Melihat Dunia">
        <meta property="og:site_name" content="Warta Timur"></head>
        <body><h1>Kereta Pyongyang-Moskow Kembali Beroperasi</h1><p>Isi.</p></body></html>"""
    )
    assert meta.title == "Kereta Pyongyang-Moskow Kembali Beroperasi"
    assert meta.sitename == "Warta Timur"


_LEDE = (
    "<p>The harbour authority said on Tuesday that the ferry crews would return to work "
    "after the operators agreed to a new contract with higher pay and shorter shifts.</p>"
)


def test_without_an_h1_a_heading_the_lede_repeats_beats_a_title_naming_only_the_site() -> None:
    meta = _meta(
        f"""<html><head><title>The Harbour Times : english edition</title></head>
        <body><h2>Most read</h2><h2>[Analysis] Ferry crews return to work after pay deal</h2>
        {_LEDE}<h2>Operators agreed to a new contract</h2></body></html>"""
    )
    assert meta.title == "[Analysis] Ferry crews return to work after pay deal"


def test_without_an_h1_a_title_the_lede_repeats_stays_the_headline() -> None:
    meta = _meta(
        f"""<html><head><title>Ferry crews return to work - Harbour Times</title></head>
        <body><h2>Operators agreed to a new contract with higher pay</h2>{_LEDE}</body></html>"""
    )
    assert meta.title == "Ferry crews return to work - Harbour Times"


def test_a_title_of_site_and_headline_keeps_the_headline() -> None:
    meta = _meta(
        """<html><head><title>Warta Timur | Putin terima Kim Jong Un di Kremlin</title>
        <meta property="og:site_name" content="Warta Timur"></head>
        <body><h1>Berita Terkini</h1><p>Isi.</p></body></html>"""
    )
    assert meta.title == "Putin terima Kim Jong Un di Kremlin"


def test_a_title_with_the_sites_suffix_does_not_complete_the_headline() -> None:
    """Only a title cut short is completed by a longer one; "Headline - Site" adds a part."""
    meta = _meta(
        """<html><head><title>North Korean troops seen in Zaporizhzhia - Harbour News</title>
        <meta name="DC.title" content="North Korean troops seen in Zaporizhzhia">
        </head><body><p>Text.</p></body></html>"""
    )
    assert meta.title == "North Korean troops seen in Zaporizhzhia"


def test_a_microdata_publisher_names_the_site_not_its_authors() -> None:
    meta = _meta(
        """<html><head></head><body><article itemscope itemtype="https://schema.org/NewsArticle">
        <div itemprop="publisher" itemscope itemtype="https://schema.org/Organization">
          <div itemprop="logo" itemscope><meta itemprop="name" content="logo.png"></div>
          <meta itemprop="name" content="The Harbour Independent"></div>
        <h1 itemprop="headline">Ferry strike ends after pay deal</h1>
        <span itemprop="author" itemscope><span itemprop="name">Jane Doe</span></span>
        </article></body></html>"""
    )
    assert meta.sitename == "The Harbour Independent"


def test_without_site_metadata_the_logo_above_the_headline_names_the_site() -> None:
    page = """<html><head></head><body><header>
        <a href="/"><img src="/assets/brand.svg" alt="{alt}"></a></header>
        <h1>Ferry strike ends after pay deal</h1>
        <img src="/img/logo-sponsor.png" alt="Sponsor Bank"><p>Text.</p></body></html>"""
    assert _meta(page.format(alt="HGZ")).sitename == "HGZ"
    assert _meta(page.format(alt="Harbour Gazette logo")).sitename == "Harbour Gazette"
    assert _meta(page.format(alt="Home")).sitename is None  # a control, not a name
    # An image below the headline is the article's or an advert's.
    below = """<html><body><h1>Ferry strike ends after pay deal</h1>
        <img src="/img/logo-sponsor.png" alt="Sponsor Bank"><p>Text.</p></body></html>"""
    assert _meta(below).sitename is None
    assert _meta(" ".join(below.split())).sitename is None  # a page on one line


def test_a_later_change_shown_under_the_headline_does_not_date_the_page() -> None:
    article = _cleaned_page(
        "",
        '<time datetime="2025-08-14T14:20:00+08:00">14 Aug 2025 02:20PM</time>'
        "<span>(Updated: 15 Aug 2025 09:10AM)</span>",
    )
    # The day shown, at the instant the markup states (its zone, not the configured one).
    assert article.published.isoformat() == "2025-08-14T14:20:00+08:00"
    assert article.published_from == "dateline"


def test_a_day_shown_alone_takes_the_time_the_markup_states_for_it() -> None:
    stated = '<meta property="article:published_time" content="2025-08-17T15:40:00+09:00">'
    article = _cleaned_page(stated, "<p>August 17, 2025</p>")
    assert article.published.isoformat() == "2025-08-17T15:40:00+09:00"
    other_day = _cleaned_page(stated, "<p>August 16, 2025</p>")  # the shown day wins
    assert other_day.published.date().isoformat() == "2025-08-16"


def test_a_change_shown_unlabelled_yields_to_the_publication_the_markup_states() -> None:
    stated = (
        '<meta property="article:published_time" content="2026-05-27T21:30:00+07:00">'
        '<meta property="article:modified_time" content="2026-05-28T08:14:00+07:00">'
    )
    article = _cleaned_page(stated, "<p>28 Mei 2026 | 08.14 WIB</p>")
    assert article.published.isoformat() == "2026-05-27T21:30:00+07:00"
    assert article.published_from == "metadata"
    # Shown as published (not the change's time), the shown day stays the dateline.
    article = _cleaned_page(stated, "<p>27 Mei 2026 | 21.30 WIB</p>")
    assert article.published.isoformat() == "2026-05-27T21:30:00+07:00"
    assert article.published_from == "dateline"


def test_an_h1_cut_short_with_an_ellipsis_is_completed_by_the_title() -> None:
    meta = _meta(
        """<html><head><title>Ferry crews return to work after the pay deal | Harbour Times</title>
        <meta property="og:title" content="Ferry crews return to work after the pay deal">
        </head><body><h1>Ferry crews return to work after…</h1><p>Isi.</p></body></html>"""
    )
    assert meta.title == "Ferry crews return to work after the pay deal"


def test_a_titles_suffix_the_logo_names_is_cut_off() -> None:
    meta = _meta(
        """<html><head><title>Ferry crews return to work after pay deal - Harbour</title>
        </head><body><header><a href="/"><img src="/img/logo.png" alt="HARBOUR"></a></header>
        <h1>Berita Terkini</h1><p>Isi.</p></body></html>"""
    )
    assert meta.title == "Ferry crews return to work after pay deal"
    assert meta.sitename == "HARBOUR"


def test_under_a_sections_h1_the_articles_shown_date_comes_first() -> None:
    # The headline is only in <title>; the one <h1> names the section, and the
    # article's header under it shows the page's day and time.
    article = _cleaned_page(
        "<title>Putin terima Kim di Kremlin untuk kedua kalinya - Warta</title>",
        "<p>Penulis: Ani</p><p>Kamis, 11 Desember 2025 14:30 WIB</p>",
        h1="Berita Terkini",
    )
    assert article.published.isoformat() == "2025-12-11T14:30:00+07:00"
    assert article.published_from == "dateline"
