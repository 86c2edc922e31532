"""Reading plain-text pages: headline, outlet and date by the shape of their lines."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from digest.ingest.clean import clean_page
from digest.ingest.extract import Line
from digest.ingest.language import detect_language, stop_words
from digest.ingest.textmeta import holder_name, logo_outlet, url_date
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
    ],
)
def test_copyright_holder(notice: str, name: str | None) -> None:
    assert holder_name(notice) == name


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
