"""HTML main-text extraction, fragments, and what a text says about its own site.

The boilerplate check runs the clean stage's HTML path over trafilatura's own
evaluation pages (in the shared corpora, next to the repository) and measures
how many expected snippets are kept and how many boilerplate snippets dropped.
"""

from __future__ import annotations

import json
import re
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from charset_normalizer import from_bytes

from digest.ingest.clean import clean
from digest.ingest.extract import (
    detect_language,
    extract_html,
    fragment_text,
    split_lines,
)
from digest.ingest.textsite import outlet_from_text, site_key
from digest.models import SourceItem

SHARED = Path(__file__).resolve().parents[3] / "shared"
PAGES = SHARED / "corpora" / "article-pages"
UTC = ZoneInfo("UTC")
NOW = datetime(2026, 11, 23, tzinfo=UTC)
MIN_SHARE = 0.90
_DECLARED_CHARSET = re.compile(rb"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


def decode(raw: bytes) -> str:
    """Decode a page as a source would: its declared charset, else a detected one."""
    declared = _DECLARED_CHARSET.search(raw[:4096])
    if declared:
        try:
            return raw.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    best = from_bytes(raw).best()
    return str(best) if best is not None else raw.decode("utf-8", "replace")


def normalise(text: str) -> str:
    return " ".join(text.split())


def test_boilerplate_removal_on_evaluation_pages() -> None:
    if not (PAGES / "evaldata.json").exists():
        pytest.skip(f"shared corpora not found at {PAGES}")
    entries = json.loads((PAGES / "evaldata.json").read_text(encoding="utf-8"))
    kept = wanted = dropped = unwanted = 0
    started = time.perf_counter()
    for entry in entries:
        item = SourceItem(
            source=entry["file"],
            kind="file",
            body=decode((PAGES / entry["file"]).read_bytes()),
            is_html=True,
            fingerprint=entry["file"],
            modified=NOW,
            url=entry.get("url"),
        )
        text = normalise(clean(item, now=NOW, tz=UTC).text)
        wanted += len(entry["with"])
        kept += sum(normalise(s) in text for s in entry["with"])
        unwanted += len(entry["without"])
        dropped += sum(normalise(s) not in text for s in entry["without"])
    elapsed = time.perf_counter() - started
    print(
        f"\n{len(entries)} pages in {elapsed:.1f} s: kept {kept}/{wanted} 'with' snippets "
        f"({kept / wanted:.1%}), dropped {dropped}/{unwanted} 'without' snippets "
        f"({dropped / unwanted:.1%})"
    )
    assert kept / wanted >= MIN_SHARE
    assert dropped / unwanted >= MIN_SHARE


def test_fragment_blocks_become_lines() -> None:
    html = (
        "Kim tiba.<br>Dia bertemu Putin <b>hari ini</b>.<p>Paragraf dua.</p>"
        "<script>var x = 1;</script><ul><li>satu</li><li>dua</li></ul><!-- komentar -->"
    )
    assert fragment_text(html) == "Kim tiba.\nDia bertemu Putin hari ini.\nParagraf dua.\nsatu\ndua"


def test_fragment_text_of_a_whole_document_skips_the_head() -> None:
    html = "<html><head><title>Judul</title></head><body><div>Satu<p>Dua</p></div></body></html>"
    assert fragment_text(html) == "Satu\nDua"
    assert fragment_text('<?xml version="1.0" encoding="utf-8"?><p>x</p>') == "x"
    assert fragment_text("   ") == ""


def test_short_feed_fragment_falls_back_to_its_blocks() -> None:
    html = "<p>Kim Jong Un tiba di Moskow.</p><p>Dia disambut Putin.</p>"
    page = extract_html(html, fragment=True)
    assert page.text == "Kim Jong Un tiba di Moskow.\nDia disambut Putin."


def test_empty_html_gives_empty_text() -> None:
    assert extract_html("").text == ""
    assert extract_html("<html><body></body></html>").text == ""


def test_page_metadata_is_read() -> None:
    html = """<html><head><title>Kim visits Moscow - Example News</title>
    <meta property="og:site_name" content="Example News">
    <meta property="og:title" content="Kim visits Moscow">
    <meta property="article:published_time" content="2025-04-28">
    </head><body><article><h1>Kim visits Moscow</h1>
    <p>North Korean leader Kim Jong Un arrived in Moscow on Monday for talks with President
    Vladimir Putin, the Kremlin said in a statement released in the afternoon.</p>
    <p>The two leaders discussed military cooperation and trade, according to state media
    reports from both countries, and agreed to meet again later in the year.</p>
    </article></body></html>"""
    page = extract_html(html)
    assert page.title == "Kim visits Moscow"
    assert page.sitename == "Example News"
    assert page.date == "2025-04-28"
    assert "Kim Jong Un arrived in Moscow" in page.text


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        ("Isi berita.\nCopyright © Tampang.com\nAll rights reserved", "Tampang.com"),
        ("Body.\n© 2025 Example Media. All rights reserved.", "Example Media"),
        ("Isi.\nHak Cipta © 2024 - 2025 Warta Kita. Seluruh hak dilindungi.", "Warta Kita"),
        ("Berita viral terkini, hanya ada di POS VIRAL setiap hari.\nPOSVIRAL kini", "POS VIRAL"),
        ("KLIKWARTAKU — Isi berita.\nKlikWartaku.Com Gak Cuma Cepat Tapi Tepat", "KlikWartaku"),
        ("JAKARTA, KOMPAS.com - Presiden berkata.", "KOMPAS.com"),
        ("POSVIRAL hadir di saluran whatsapp, silakan JOIN CHANNEL", "POSVIRAL"),
        # Malay's "Hak Cipta Terpelihara", a capital outside A-Z, "&" inside a name.
        ("Isi.\nHak Cipta Terpelihara © 2026 Warta Kita Sdn. Bhd.", "Warta Kita Sdn"),
        ("Cuerpo.\n© 2024 Últimas Novedades. Todos los derechos", "Últimas Novedades"),
        ("Body.\n© 2025 Harbour News & Media Ltd", "Harbour News & Media Ltd"),
        # Any country's domain: a second level before its two letters, or the two alone.
        ("Isi.\nCopyright © wartanusa.com.my. All rights reserved", "wartanusa.com.my"),
        ("Corpo.\n© jornalnorte.pt", "jornalnorte.pt"),
    ],
)
def test_outlet_named_in_the_text(text: str, outlet: str) -> None:
    assert outlet_from_text(text) == outlet


@pytest.mark.parametrize(
    "text",
    [
        "MOSCOW — The Kremlin said on Monday that talks would go on in Moscow.",
        "Reprinted from a book. Copyright © 2019 by Jane Author. Used with permission.",
        "Senjata itu hanya ada di Korea Utara, kata pejabat.",
        "Tidak ada nama situs di sini.",
    ],
)
def test_no_outlet_is_invented(text: str) -> None:
    assert outlet_from_text(text) is None


def test_site_key_ignores_case_spacing_and_domain() -> None:
    assert site_key("Tampang.com") == site_key("TAMPANG") == "tampang"
    assert site_key("POS VIRAL") == site_key("POSVIRAL") == "posviral"
    assert site_key("ContohNews.co.id") == "contohnews"


def test_language_by_stop_words() -> None:
    assert detect_language("Presiden Rusia mengatakan bahwa pasukan akan tetap di sana.") == "id"
    assert detect_language("The president said that the troops would stay there for now.") == "en"
    assert detect_language("Der Präsident sagte, die Truppen würden dort bleiben.") == "de"
    assert detect_language("Президент сказал, что войска останутся там.") == "ru"
    assert detect_language("") == "und"


def test_a_text_browsers_link_numbers_go_except_in_a_menu() -> None:
    text = (
        "[1]Kabar Pagi\n\n[2]Beranda [3]News [4]Dunia\n\n"
        "Pyongyang and Moscow signed the deal on Tuesday, [17]state media said, after talks "
        "that lasted [18]two days.\n"
    )
    assert [line.text for line in split_lines(text)] == [
        "Kabar Pagi",
        "[2]Beranda [3]News [4]Dunia",
        "Pyongyang and Moscow signed the deal on Tuesday, state media said, after talks that "
        "lasted two days.",
    ]


def _wrapped(paragraph: str, width: int = 72, indent: str = "   ") -> str:
    """``paragraph`` as a text browser prints it: indented, broken where a word no longer fits."""
    rows, row = [], ""
    for word in paragraph.split():
        if row and len(indent) + len(row) + 1 + len(word) > width:
            rows.append(indent + row)
            row = word
        else:
            row = f"{row} {word}" if row else word
    return "\n".join([*rows, indent + row])


def test_a_headline_a_text_browser_wrapped_over_two_rows_is_one_line() -> None:
    headline = (
        "Shoigu Returns to Pyongyang for the Second Time in Two Weeks, Carrying Putin's Message"
    )
    prose = (
        "Russia's Security Council secretary arrived in Pyongyang on Tuesday for his second "
        "visit in two weeks, state media said, after talks on troops and workers for Kursk."
    )
    text = "\n\n".join(
        [
            "   Home News World Business Sport\n   Podcasts",
            "   " + "━" * 70 + "\n   Share this",
            _wrapped(headline),
            *[_wrapped(prose)] * 4,
        ]
    )
    lines = [line.text for line in split_lines(text)]
    assert headline in lines
    assert "Share this" in lines  # a rule has no words: nothing continues it
    assert "Podcasts" in lines  # a menu row ending short of the width ends there


def test_an_unwrapped_page_keeps_its_two_row_blocks_apart() -> None:
    text = "Council approves the new bridge\nBy Ann Cole\n\n" + "A short paragraph here.\n" * 3
    lines = [line.text for line in split_lines(text)]
    assert lines[:2] == ["Council approves the new bridge", "By Ann Cole"]


@pytest.mark.parametrize(
    "row",
    ["by Kateryna Hodunova", "tirto.id - Dinas intelijen militer Ukraina menyatakan temuan itu."],
)
def test_a_byline_or_a_sites_dateline_in_lower_case_starts_its_own_line(row: str) -> None:
    headline = "North Korean missiles hit Kharkiv as deliveries to Russia grow"
    lines = [line.text for line in split_lines(f"{headline}\n{row}\nMore text follows here.")]
    assert lines[:2] == [headline, row]
    # A lower-case row that goes on with a sentence still continues it.
    lines = [line.text for line in split_lines("The treaty was signed\nby the two leaders.")]
    assert lines == ["The treaty was signed by the two leaders."]


def test_under_a_wrapped_headline_a_date_or_byline_row_stays_its_own_line() -> None:
    headline = "Ferry crews to return to work next week as operators agree new pay deal"
    prose = (
        "The harbour authority said on Tuesday that the ferry crews would return to work "
        "next week after the operators agreed to a new contract with higher pay."
    )
    text = "\n\n".join(
        [
            "   " + headline + "\n   Tuesday, 10 February 2026\n   By Jane Doe",
            *[_wrapped(prose)] * 4,
        ]
    )
    lines = [line.text for line in split_lines(text)]
    assert lines[:3] == [headline, "Tuesday, 10 February 2026", "By Jane Doe"]


def test_a_wrapped_caption_ending_in_its_photo_credit_is_one_line() -> None:
    # Its last row is short and holds a date, as a date line does, but ends in the credit.
    caption = (
        "The harbour master speaks to reporters at the ferry terminal in Portsmouth "
        "on Tuesday (10/2/2026). (Photo: Harbour Authority)"
    )
    prose = (
        "The harbour authority said on Tuesday that the ferry crews would return to work "
        "next week after the operators agreed to a new contract with higher pay."
    )
    text = "\n\n".join([_wrapped(caption), *[_wrapped(prose)] * 4])
    lines = [line.text for line in split_lines(text)]
    assert lines[0] == caption


def test_a_list_of_like_headlines_sets_no_wrap_width() -> None:
    paragraph = (
        "Russia and North Korea opened a new road bridge across the Tumen River on Wednesday, "
        "officials in both capitals said, in a ceremony broadcast live on state television."
    )
    related = [
        "Kim Jong Un inspects new artillery factory ahead of party congress meeting",
        "South Korea says it detected a missile launch from the North's west coast",
        "Japan and South Korea agree to share missile warning data in real time",
        "Ukraine says North Korean troops are fighting again in the Kursk region",
        "Seoul court sentences former defence official over drone incursion case",
    ]
    text = (
        "Russia and North Korea open new road bridge across the Tumen River\n"
        "Wednesday, 11 February 2026\n\n"
        + f"{paragraph}\n\n" * 3
        + "Related\n"
        + "\n".join(related)
    )
    lines = [line.text for line in split_lines(text)]
    assert "Wednesday, 11 February 2026" in lines
    assert all(headline in lines for headline in related)
