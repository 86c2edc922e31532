"""Reading plain-text pages: headline, outlet and date by the shape of their lines."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from digest.ingest.clean import clean_page
from digest.ingest.extract import Line
from digest.ingest.language import detect_language, stop_words
from digest.ingest.textheads import caption_shape, date_heavy, ends_sentence, headline_below_kicker
from digest.ingest.textmeta import holder_name, logo_outlet, url_date
from digest.ingest.textpage import addresses_reader
from digest.models import SourceItem

NOW = datetime(2026, 11, 30, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")

# A page as a text browser saves it, from no site the rules were tuned on.
DUMP = """\
Skip to main content
  • Home
  • World
  • Business
  • Sport
Search [                    ] [Go]
Harbour Gazette Logo
World | Europe
Sign up for our newsletter
Ferry strike leaves thousands stranded at northern ports
Unions say the walkout will last until Friday
By Anna Berg
Published March 3, 2024 at 9:15 a.m.
  • Share on Facebook
  • Share on Twitter

Thousands of travellers were stranded at the northern ferry ports on Sunday after crews walked \
out in a dispute over pay and rest periods, the operators said in a statement.

The strike is the third this year, and the unions said it would last until Friday unless the \
operators returned to the table with a better offer for the crews.

Passengers were told to check the operators' websites before setting off, and several \
sailings were cancelled at short notice.

Related stories
  • Airport workers vote on new contract
  • Rail fares to rise in spring
© 2024 Harbour Media Group Ltd. All rights reserved.
"""


def item(name: str, body: str) -> SourceItem:
    return SourceItem(
        source=name,
        kind="file",
        body=body,
        is_html=False,
        fingerprint="fp",
        modified=datetime(2026, 11, 29, tzinfo=UTC),
        path=f"/data/{name}",
    )


def test_a_text_dump_read_as_a_reader_would() -> None:
    cleaned = clean_page(item("dump.txt", DUMP), now=NOW, tz=UTC_ZONE)
    article = cleaned.article
    assert article.title == "Ferry strike leaves thousands stranded at northern ports"
    assert article.outlet == "Harbour Gazette"  # the logo, not the corporate copyright holder
    assert article.published.date().isoformat() == "2024-03-03"
    assert article.published_from == "dateline"
    assert article.language == "en"
    assert article.text.startswith("Thousands of travellers")
    assert "Related stories" not in article.text and "Rail fares" not in article.text
    why = dict(cleaned.dropped)
    assert why["Search [ ] [Go]"] in ("control", "before the headline")
    assert "Ferry strike leaves thousands stranded at northern ports" in why


def test_a_page_without_a_date_says_file_time() -> None:
    body = DUMP.replace("Published March 3, 2024 at 9:15 a.m.\n", "")
    article = clean_page(item("undated.txt", body), now=NOW, tz=UTC_ZONE).article
    assert article.published_from == "file-time"
    assert article.date_is_fallback


# A page as the ECB+ renderings and many scrapers write it: headline, a dated line,
# a short opening sentence, then the paragraphs (one with a dateline lacking its year).
OPENING = """\
Ferry strike leaves thousands stranded at northern ports

Published: Sunday, 3 March 2024

The ferries have stopped.

HELSINKI - March 1 -

Thousands of travellers were stranded at the northern ferry ports on Sunday after crews walked \
out in a dispute over pay and rest periods, the operators said in a statement.

The strike is the third this year, and the unions said it would last until Friday unless the \
operators returned to the table with a better offer for the crews.
"""


def test_a_short_opening_sentence_is_the_first_paragraph() -> None:
    """The story stage reads the lede: the opening sentence before the first long paragraph."""
    article = clean_page(item("opening.txt", OPENING), now=NOW, tz=UTC_ZONE).article
    assert article.title == "Ferry strike leaves thousands stranded at northern ports"
    assert article.paragraphs[0] == "The ferries have stopped."
    assert article.paragraphs[1].startswith("Thousands of travellers")


def test_a_full_date_beats_a_nearby_date_without_its_year() -> None:
    """A date under the headline without its year ("March 1") yields to a full date above it."""
    body = OPENING.replace("The ferries have stopped.\n\n", "")
    moved = "Published: Sunday, 3 March 2024\n\n" + body.replace(
        "Published: Sunday, 3 March 2024\n\n", ""
    )
    for text in (body, moved):
        article = clean_page(item("dated.txt", text), now=NOW, tz=UTC_ZONE).article
        assert article.published.date().isoformat() == "2024-03-03"
        assert article.published_from == "dateline"
    # Without a full date, the date without its year is still read (the latest such day).
    guessed = body.replace("Published: Sunday, 3 March 2024\n\n", "")
    article = clean_page(item("guessed.txt", guessed), now=NOW, tz=UTC_ZONE).article
    assert article.published.date().isoformat() == "2026-03-01"


@pytest.mark.parametrize(
    ("notice", "name"),
    [
        ("Copyright © 2023 Boston Herald", "Boston Herald"),
        ("© Copyright Cayman Compass Ltd.", "Cayman Compass"),
        ("© Copyright 2022 - St. Lucia Times. A Big Feat Media Production.", "St. Lucia Times"),
        ("Copyright © Neue Zürcher Zeitung AG. Alle Rechte vorbehalten.", "Neue Zürcher Zeitung"),
        ("Copyright © 2019 Salon.com, LLC. Reproduction", "Salon.com"),
        ("©RIPRODUZIONE RISERVATA", None),
        ("Copyright © 2019 by Jane Doe.", None),
        # An Indonesian company's form stays, so the name reads as a company's owner.
        ("© 2016 - 2025 PT. Bina Media Tenggara", "PT Bina Media Tenggara"),
        ("Hak Cipta © 2024 CV Warta Nusa. Hak cipta dilindungi", "CV Warta Nusa"),
        ("© 2024 PT Elang Mahkota Teknologi Tbk", "PT Elang Mahkota Teknologi"),
        # A Latin American company's form before its name, its tax number after it.
        ("© 2022 C.A. Últimas Novedades RIF J-00037398-1", "C.A Últimas Novedades"),
        ("© 2021 Harbour News ABN 12 345 678 901", "Harbour News"),
        # Legal forms of more countries, several in a row, and a dangling "&".
        ("© 2026 Warta Media Sdn Bhd. All rights reserved.", "Warta Media"),
        ("Copyright© 2025, HARBOUR PUBLISHING PVT LTD. or its affiliates.", "HARBOUR PUBLISHING"),
        ("© 2025 Harbour Digital News & Media Ltd", "Harbour Digital News & Media"),
        ("© Copyright: Harbour Media SA. Wszystkie prawa zastrzeżone.", "Harbour Media"),
        ("Hak Cipta Terpelihara © 2026 Media Warta Sdn. Bhd. (1337939-V)", "Media Warta"),
    ],
)
def test_copyright_holder(notice: str, name: str | None) -> None:
    assert holder_name(notice) == name


def test_a_date_after_a_holder_is_no_registration_number_to_cut() -> None:
    # "©SZ vom 15.05.2019/vit" (a print edition's credit) must not leave "SZ vom" as a name.
    assert holder_name("©HN vom 15.05.2019/vit") != "HN vom"


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("El Diario Logo", "El Diario"),
        ("Observer Observer Logo", "Observer"),
        ("Logo de Noticias del Sur", "Noticias del Sur"),
        ("Northern Sun Homepage", "Northern Sun"),
        ("a logo of a bank", None),
    ],
)
def test_logo_alt_text(line: str, name: str | None) -> None:
    assert logo_outlet([Line(line)]) == name


def test_url_dates() -> None:
    tz = UTC_ZONE
    assert url_date("https://x.example/2025/06/17/kim-visits", tz) == datetime(
        2025, 6, 17, tzinfo=tz
    )
    assert url_date("https://x.example/news/kim-2025-06-17.html", tz) == datetime(
        2025, 6, 17, tzinfo=tz
    )
    assert url_date("https://x.example/news/20250617/kim", tz) == datetime(2025, 6, 17, tzinfo=tz)
    assert url_date("https://x.example/news/1234567/kim", tz) is None


def test_german_prose_is_not_taken_for_english() -> None:
    text = (
        "Die Regierung in Berlin hat am Montag angekündigt, dass die neuen Regeln für den "
        "Handel in diesem Jahr in Kraft treten, was die Unternehmen seit Monaten gefordert hatten."
    )
    assert detect_language(text) == "de"
    assert {"die", "der", "und"} <= stop_words("de")
    assert "yang" in stop_words("id") and "the" in stop_words("en")


# --- Headline: captions, notices, kickers, subheadings ------------------------------

BODY = """\
Thousands of travellers were stranded at the northern ferry ports on Sunday after crews walked \
out in a dispute over pay and rest periods, the operators said in a statement.

The strike is the third this year, and the unions said it would last until Friday unless the \
operators returned to the table with a better offer for the crews.

Passengers were told to check the operators' websites before setting off, and several \
sailings were cancelled at short notice.
"""


def _headline(body: str) -> str:
    return clean_page(item("page.txt", body), now=NOW, tz=UTC_ZONE).article.title


@pytest.mark.parametrize(
    "caption",
    [
        "Thousands of travellers stranded at the northern ferry ports on Sunday. Photo: Reuters",
        "Thousands of travellers stranded at the northern ferry ports.Photograph: Getty Images",
        "Thousands of travellers stranded at the northern ferry ports. (Picture alliance / dpa)",
        "Thousands of travellers stranded at the northern ferry ports on Sunday. EFE",
    ],
)
def test_a_photo_caption_is_not_the_headline(caption: str) -> None:
    """A caption sits between the headline and the article; its closing credit gives it away."""
    page = (
        "World | Europe\nFerry strike strands travellers\nBy Anna Berg\n"
        f"Published March 3, 2024\nListen\nSave\nPrint\n{caption}\n\n{BODY}"
    )
    assert _headline(page) == "Ferry strike strands travellers"


def test_a_caption_repeated_with_its_credit_is_not_the_headline() -> None:
    caption = "Thousands of travellers stranded at the northern ferry ports on Sunday"
    page = (
        "Ferry strike strands travellers\nBy Anna Berg\nListen\nSave\nPrint\n"
        f"{caption}\n{caption} © Lehtikuva Photo Agency\n\n{BODY}"
    )
    assert _headline(page) == "Ferry strike strands travellers"


def test_a_line_of_dates_is_not_the_headline() -> None:
    dates = (
        "Northern Ports Edition, Sunday 3 March 2024, 09:15, updated 3 March 2024, 10:20, 12/2024"
    )
    page = f"Ferry crews walk out\nListen\nSave\nPrint\nShare\nComments\n{dates}\n\n{BODY}"
    assert _headline(page) == "Ferry crews walk out"


NOTICES = """\
Home
Imprint
Thank you for registering. We have sent you an activation link for your account by email.
You have chosen the Swiss edition of our paper. We wish you a rewarding read.
You have chosen the German edition of our paper. We wish you a rewarding read.
Thank you for signing up.
Your account is now active. We wish you a great time reading our articles.
You now have unlimited access to our digital edition. We wish you a great read.
Thank you for your order. We wish you a great time reading all of our articles.
"""


def test_a_notice_to_the_reader_does_not_start_the_article() -> None:
    """Sign-up thanks and cookie notices read like prose; the site speaks to "you" in them."""
    page = NOTICES + "Ferry strike leaves thousands stranded at northern ports\n\n" + BODY
    cleaned = clean_page(item("notice.txt", page), now=NOW, tz=UTC_ZONE)
    assert cleaned.article.title == "Ferry strike leaves thousands stranded at northern ports"
    assert cleaned.article.text.startswith("Thousands of travellers")


def test_a_lede_that_speaks_to_the_reader_stays_in_the_article() -> None:
    """A notice stands apart from the article; a first or last paragraph saying "you" is in it."""
    lede = "When you board a ferry this week, you may find your crossing cancelled without notice."
    end = "If you travel on Friday, check your booking first: we will update this report."
    page = f"Ferry strike strands thousands\n\n{lede}\n\n{BODY}\n{end}\n"
    article = clean_page(item("you.txt", page), now=NOW, tz=UTC_ZONE).article
    assert article.paragraphs[0] == lede
    assert article.paragraphs[-1] == end


def test_a_kicker_line_joins_the_headline() -> None:
    page = "Europe\nFerry strike:\nThousands stranded at northern ports\n\n" + BODY
    assert _headline(page) == "Ferry strike: Thousands stranded at northern ports"


def test_the_headline_above_its_standfirst_heads_the_page() -> None:
    # The standfirst restates the lede, so its words overlap it more than the headline's.
    dek = (
        "Thousands of travellers were stranded at the northern ferry ports after crews "
        "walked out over pay, the operators said"
    )
    page = (
        f"World\n\nTravellers stranded as unions defy the operators\n\n{dek}\n\nReuters\n\n{BODY}"
    )
    assert _headline(page) == "Travellers stranded as unions defy the operators"


@pytest.mark.parametrize(
    "above", ["Breaking: crews walk out at the ports", "Ferry strike: live updates as it happened"]
)
def test_a_ticker_above_the_headline_does_not_take_its_place(above: str) -> None:
    # Only a standfirst (15 words or more, half as long again) gives way to the line above.
    page = f"World\n\n{above}\n\nFerry crews walk out in a dispute over pay and rest\n\n{BODY}"
    assert _headline(page) == "Ferry crews walk out in a dispute over pay and rest"


def test_a_title_line_loses_the_sites_domain_before_the_headline() -> None:
    # A text browser prints the page's <title>, the site's domain first.
    page = f"HarbourNews.com - Ferry crews walk out over pay\n\n{BODY}"
    assert _headline(page) == "Ferry crews walk out over pay"


@pytest.mark.parametrize("bar", ["Harbour Daily Roundup: {h}", "{h} | Harbour Daily Roundup"])
def test_a_title_bar_above_the_heading_gives_the_heading(bar: str) -> None:
    # A text browser prints the page's <title> first, with the site's name
    # (no domain to recognise it by), and the article's heading further down.
    headline = "Ferry crews walk out over pay"
    chrome = "Harbour Daily Roundup\nHome | Ports | Weather"
    page = f"{bar.format(h=headline)}\n\n{chrome}\n\n{headline}\n\n{BODY}"
    assert _headline(page) == headline


@pytest.mark.parametrize(
    "top",
    [
        "# {h} | World News - The Harbour Express\n\n[Home](https://example.net/)\n\n## {h}",
        '---\ntitle: "{h} — HX World News"\n---\n[World News](https://example.net/news/)\n\n## {h}',
    ],
)
def test_a_clipped_title_gives_way_to_the_heading_it_wraps(top: str) -> None:
    # A clipper copies the page's <title>, section and site included, whatever
    # their spelling; the article's own heading below it is the headline.
    headline = "Ferry crews walk out over pay"
    page = item("page.md", f"{top.format(h=headline)}\n\n{BODY}")
    assert clean_page(page, now=NOW, tz=UTC_ZONE).article.title == headline


def test_a_title_bar_without_the_heading_repeated_keeps_its_words() -> None:
    headline = "Ferry crews walk out: talks with owners collapse"
    page = f"{headline}\n\nHome | Ports | Weather\n\nFerry crews walk out\n\n{BODY}"
    assert _headline(page) != "Ferry crews walk out"


def test_a_subheading_inside_the_article_is_not_the_headline() -> None:
    """A short line with a paragraph of the article right above it is a subheading."""
    first, rest = BODY.split("\n\n", 1)
    sub = "Operators cancel sailings and refund passengers"
    more = (
        "The operators cancel sailings on Monday too, and refund passengers in full: every "
        "passenger of a cancelled sailing can ask the operators for a refund."
    )
    page = f"Ferry crews walk out\nListen\nSave\n\n{first}\n\n{sub}\n\n{more}\n\n{rest}"
    assert _headline(page) == "Ferry crews walk out"


def test_a_headline_printed_twice_with_its_kicker_heads_once() -> None:
    """A title bar, then the article's heading with its kicker glued on: the first heads."""
    page = (
        "Ferry strike leaves thousands stranded\nShare\n"
        "Sunday travellers at northern ferry ports: Ferry strike leaves thousands stranded\n\n"
        + BODY
    )
    assert _headline(page) == "Ferry strike leaves thousands stranded"


def test_a_headline_closed_by_an_abbreviation_is_a_headline() -> None:
    headline = "Ferry Services to Resume on Wed. after Talks With Crews in Helsinki on Tues."
    page = f"Domestic\nDark Mode Go Top\n{headline}\nWritten: 2024-03-03 15:03\n\n{BODY}"
    assert _headline(page) == headline


@pytest.mark.parametrize(
    ("text", "caption"),
    [
        ("Un grupo de pingüinos, en la Antártida el 11 de febrero pasado. EFE", True),
        ("Der Philosoph, aufgenommen am 24.11.2014 in Köln. (picture alliance / dpa)", True),
        ("Le chlorothalonil est utilisé dans la culture des céréales. Image: Keystone", True),
        ("Photos: Floods hit Jakarta as rivers burst their banks", False),
        ("U.S. Troops Leave Iraq After Nine Years", False),
        ("Brexit vote delayed (updated)", False),
        ("Dr. Who Returns To BBC", False),
        ("Why the prime minister needs a new image: a short guide", False),
        ("Wie geht es weiter nach dem Brexit-Chaos? Neue Wahlen", False),
        ("Was ist in Hongkong in dieser Nacht passiert? (Video)", False),
        ("Kim Jong Un, right, shakes hands with Sergey Lavrov [KCNA via Reuters]", True),
        ("Soldiers march during a parade in Pyongyang [File: Ed Jones/AFP]", True),
        ("Kim greets Putin at the airport in Pyongyang (KCNA via AP)", True),
        ("Kim meets Putin in Vladivostok [VIDEO]", False),
        ("North Korean Foreign Minister Choe Son-hui arrives (Yonhap)", True),
        ("Kim and Putin sign the pact in Pyongyang (Video)", False),
        ("26 September 2013, 10:00 (GMT+05:00)", False),
    ],
)
def test_caption_shape(text: str, caption: bool) -> None:
    assert caption_shape(text) is caption


def test_sentence_and_abbreviation_endings() -> None:
    assert ends_sentence("Vielen Dank für Ihre Anmeldung.")
    assert not ends_sentence("Colder Temperatures Forecast for Wed. after Cold Wave Alert Tues.")
    assert date_heavy("19. Oktober 2019, 19:08 Uhr Editiert am 19. Oktober 2019, 19:08 Uhr")
    assert not date_heavy("Interior and Commerce Secretaries Must Act by May 9")


@pytest.mark.parametrize(
    ("text", "language", "notice"),
    [
        ("Vielen Dank für Ihre Bestellung. Wir wünschen Ihnen viel Spass beim Lesen.", "de", True),
        ("Sie sagten, dass sie die Regeln für den Handel in diesem Jahr ändern.", "de", False),
        ("We use cookies to improve our service for you. You can find out more here.", "en", True),
        (
            "The unions said they would strike again on Friday unless the offer improved.",
            "en",
            False,
        ),
        ("Nous utilisons des cookies pour améliorer l'offre que nous vous proposons.", "fr", True),
        ("We use cookies to improve our service for you.", "xx", False),
        # A long cookie banner, formal German: few "Sie" for its length, but cookies.
        (
            "Sie entscheiden, wie Sie unsere Inhalte nutzen wollen. Ihr Gerät verarbeitet dafür "
            "nötige Daten. Mit Ihrer Zustimmung werden Cookies und ähnliche Technologien "
            "gespeichert, auch von Drittanbietern. Zustimmen und weiter Mit Abo werbefrei lesen",
            "de",
            True,
        ),
        # An article on cookies that does not speak to its reader stays prose.
        (
            "The regulator said the cookies that track readers across sites would be banned "
            "from next year, after a consultation that drew thousands of replies.",
            "en",
            False,
        ),
    ],
)
def test_addresses_reader(text: str, language: str, notice: bool) -> None:
    assert addresses_reader(Line(text), language) is notice


def test_a_photo_captions_date_is_not_the_articles() -> None:
    caption = "The harbour of Helsinki, photographed on 24.11.2014. (Picture alliance / dpa)"
    page = (
        "Europe\nStart Europe 03.03.2024, 09:15\nListen\nSave\n"
        f"Ferry strike strands travellers\n{caption}\n\n{BODY}"
    )
    article = clean_page(item("dated.txt", page), now=NOW, tz=UTC_ZONE).article
    assert article.published.date().isoformat() == "2024-03-03"


def test_a_row_of_topic_tags_is_not_the_headline() -> None:
    """Its names are the article's (Kim, Lavrov, Wonsan), but a tag row is a menu."""
    page = (
        "Kabar Pagi\nBeranda | News | Global\n"
        "#Kim Jong Un #Lavrov #Wonsan #Harga BBM\n"
        "Lavrov Kunjungi Wonsan, Puji Resor Kalma\nOleh Rina Sari\n12 Jul 2025, 15:10 WIB\n\n"
        "Menteri Luar Negeri Rusia Sergei Lavrov mengunjungi resor Wonsan Kalma dan bertemu "
        "Kim Jong Un pada hari Sabtu, kata kantor berita resmi Korea Utara.\n\n"
        "Lavrov memuji resor itu dan berjanji akan lebih banyak turis Rusia yang datang ke "
        "Wonsan dalam beberapa bulan mendatang, menurut laporan media pemerintah.\n"
    )
    assert _headline(page) == "Lavrov Kunjungi Wonsan, Puji Resor Kalma"


def test_a_markdown_heading_in_a_text_page_loses_its_marks() -> None:
    page = f"World | Europe\n\n# Ferry strike strands travellers\n\nBy Anna Berg\n\n{BODY}"
    assert _headline(page) == "Ferry strike strands travellers"


@pytest.mark.parametrize(
    ("kicker", "below", "headline"),
    [
        ("Kim Jong Uns Kriegswirtschaft", "Wie Nordkorea zu Russlands Waffenlieferanten wurde", 1),
        ("Ferry strike", "Crews return to work after the pay deal is signed", 1),
        ("☆ SPIEGEL Geschichte", "☆ SPIEGEL TV Wissen und mehr", None),  # a menu's items
        ("Ferry strike ends.", "Crews return to work after the pay deal is signed", None),
        ("Ferry crews return to work", "after the deal", None),  # shorter: no headline
    ],
)
def test_the_headline_under_a_kicker_without_a_colon(
    kicker: str, below: str, headline: int | None
) -> None:
    """A short topic line chosen as the headline gives way to the title-shaped line under it."""
    lines = [Line(kicker), Line(below), Line(BODY.split("\n\n")[0])]
    reasons: list[str | None] = [None, None, None]
    prose = [False, False, True]
    assert headline_below_kicker(lines, reasons, prose, 0) == headline
