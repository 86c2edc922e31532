"""Where a text page's date sits, and which lines are datelines (hand-written pages).

These show behaviour; the quality on real pages is measured by
tests/ingest/test_text_quality.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from digest.ingest.datelines import line_date
from digest.ingest.dates import without_changes
from digest.ingest.extract import Line, split_lines
from digest.ingest.textdate import dateline_date

TZ = ZoneInfo("UTC")
NOW = datetime(2026, 11, 30, tzinfo=UTC)


def day_of(text: str, language: str, *, timed: bool = False) -> date | None:
    found = line_date(Line(text), language, timed=timed, now=NOW, tz=TZ)
    return found.date() if found is not None else None


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Do, 12. März 2024 um 09:15 Uhr", "de", date(2024, 3, 12)),
        ("Jueves 09 junio de 2022 | 23:40", "es", date(2022, 6, 9)),
        ("Updated08:05, 14 FEB 2021", "en", date(2021, 2, 14)),
        ("15/06/2021 10H30 - ACTUALIZADO A 15/06/2021 11H02", "es", date(2021, 6, 15)),
        ("03.02.2021 - 07:45 Uhr 12 Kommentare", "de", date(2021, 2, 3)),
        ("17 Jun 2021Actualizado el 17 de Junio 2021 | 8:00 h", "es", date(2021, 6, 17)),
        ("Ana Ruiz viernes, 7 de enero de 202216:30 hs", "es", date(2022, 1, 7)),
        ("By Sam Lee on Fri, Dec 1, 2023 at 6:15 pm", "en", date(2023, 12, 1)),
        ("By Kim Park 21 March 2019, 9:02 am 4 Edit", "en", date(2019, 3, 21)),
        ("03.25.2021 08:00 AM", "en", date(2021, 3, 25)),
        ("2021-07-30 11:02:17 来源：新华社", "zh", date(2021, 7, 30)),
        ("23.09.2021", "de", date(2021, 9, 23)),
        # A two-digit year, with the time that marks the line as a stamp.
        ("07.06.21 18:20", "de", date(2021, 6, 7)),
        ("Veröffentlicht am 28.02.22 um 06:10 Uhr", "de", date(2022, 2, 28)),
        ("Publicado 25/03/22 10:00", "es", date(2022, 3, 25)),
    ],
)
def test_dated_lines(text: str, language: str, expected: date) -> None:
    assert day_of(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # A sentence that mentions a date is not a dateline.
        ("Die Kommission entschied am 3. Mai 2019, das Mittel ganz zu verbieten.", "de"),
        ("The council voted on June 4, 2021 to close the old bridge for good.", "en"),
        # A day and month without a year.
        ("Kultur | 19.10.", "de"),
        ("Publicado el 11 de mayo", "es"),
        # "04/07/23" is 4 July in London and 7 April in New York.
        ("By Ann Cole • 04/07/23 5:19pm", "en"),
        # A two-digit year without a time may be anything (a version, a score).
        ("Ausgabe 04.05.20", "de"),
        # Later than now.
        ("Tuesday, 5 January 2027", "en"),
    ],
)
def test_lines_that_are_not_datelines(text: str, language: str) -> None:
    assert day_of(text, language) is None


def test_far_out_only_a_stamp_with_its_time_counts() -> None:
    assert day_of("12.12.2019", "fr", timed=True) is None
    assert day_of("Créé: 12.12.2019, 07h36", "fr", timed=True) == date(2019, 12, 12)
    assert day_of("Stand: 20. April 2020, 14:57 Uhr", "de", timed=True) == date(2020, 4, 20)


PARAGRAPH = (
    "The city council met on the second floor of the old town hall, where members argued "
    "for most of the evening about the price of the new bridge and who would pay for it."
)


def page(*parts: str) -> list[Line]:
    return split_lines("\n\n".join(parts))


def found(lines: list[Line], *, head: int, body: int, language: str = "en") -> date | None:
    result = dateline_date(lines, around=head, body=body, now=NOW, tz=TZ, language=language)
    return result.date() if result is not None else None


def index(lines: list[Line], text: str) -> int:
    return next(i for i, line in enumerate(lines) if line.text == text)


def test_a_dateline_behind_a_share_bar_and_a_photo_is_found() -> None:
    chrome = ["Share", "Tweet", "Email", "Print", "Comments", "Photo: Ann Cole", "Listen"]
    lines = page(
        "Council approves the new bridge",
        *chrome,
        "A crane lifts the first steel beam into place",
        "Updated14:05, 9 MAR 2021",
        PARAGRAPH,
        PARAGRAPH,
    )
    head, body = 0, index(lines, PARAGRAPH)
    assert body - head > 8  # beyond the short lines read under the headline
    assert found(lines, head=head, body=body) == date(2021, 3, 9)


def test_a_full_dated_line_beats_a_date_without_its_year() -> None:
    filler = [f"Related topic {n}" for n in range(6)]
    lines = page(
        "Council approves the new bridge",
        "WASHINGTON - April 27",
        *filler,
        "Published: 10:00am, 20 Jan, 2020",
        PARAGRAPH,
    )
    assert found(lines, head=0, body=index(lines, PARAGRAPH)) == date(2020, 1, 20)


def test_the_dated_line_nearest_the_article_wins() -> None:
    lines = page(
        "Thursday, 9 November 2023",  # the masthead's "today", far above
        *[f"Section {n}" for n in range(5)],
        "Council approves the new bridge",
        *[f"Share {n}" for n in range(8)],
        "November 7, 2023",
        PARAGRAPH,
    )
    head = index(lines, "Council approves the new bridge")
    assert found(lines, head=head, body=index(lines, PARAGRAPH)) == date(2023, 11, 7)


@pytest.mark.parametrize(
    "stamps",
    [
        ("Diperbarui 13 Jul 2025, 08:30 WIB", "Diterbitkan 12 Jul 2025, 15:10 WIB"),
        ("Diterbitkan 12 Jul 2025, 15:10 WIB", "Diperbarui 13 Jul 2025, 08:30 WIB"),
        ("Updated: July 13, 2025 8:30 AM | Published: July 12, 2025 3:10 PM",),
        ("Published 12 July 2025 15:10 · Updated 13 July 2025 08:30",),
    ],
)
def test_the_first_publication_beats_a_later_change(stamps: tuple[str, ...]) -> None:
    """Whichever stands nearer the headline, the page is dated by its first publication."""
    lines = page("Korea Utara Kirim Pasukan ke Rusia", *stamps, PARAGRAPH)
    assert found(lines, head=0, body=index(lines, PARAGRAPH)) == date(2025, 7, 12)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Putin signed the updated treaty on 19 June 2024 in Pyongyang", True),
        ("Edited by Jane Doe, 12 July 2025", True),
        ("Diperbarui 13 Jul 2025, 08:30 WIB", False),
        ("(Updated: 15 Aug 2025 09:10AM)", False),
    ],
)
def test_only_a_change_label_blanks_its_date(text: str, kept: bool) -> None:
    assert (without_changes(text) == text) is kept


def test_a_change_alone_dates_the_page() -> None:
    lines = page(
        "Korea Utara Kirim Pasukan ke Rusia", "Diperbarui 13 Jul 2025, 08:30 WIB", PARAGRAPH
    )
    assert found(lines, head=0, body=index(lines, PARAGRAPH)) == date(2025, 7, 13)


def test_just_above_the_headline_the_nearer_date_beats_the_mastheads_today() -> None:
    lines = page(
        "Senin, 01 Desember 2025 – 05:22 WIB",  # the masthead's "today"
        "Internasional",
        "Kamis, 30 Oktober 2025 – 21:35 WIB",
        "Korea Utara Kirim Pasukan Zeni Tambahan ke Rusia",
        PARAGRAPH,
    )
    head = index(lines, "Korea Utara Kirim Pasukan Zeni Tambahan ke Rusia")
    assert found(lines, head=head, body=index(lines, PARAGRAPH)) == date(2025, 10, 30)


def test_far_from_the_article_only_a_time_stamped_line_is_read() -> None:
    related = [f"Other story number {n} in the list" for n in range(14)]
    body_and_list = [PARAGRAPH, *related]
    stamped = page("Council approves the new bridge", *body_and_list, "27.04.2020 - 18:50 Uhr")
    assert found(stamped, head=0, body=1, language="de") == date(2020, 4, 27)
    listed = page("Council approves the new bridge", *body_and_list, "27.04.2020")
    assert found(listed, head=0, body=1, language="de") is None


def test_dates_in_lists_far_below_are_not_read() -> None:
    related = [f"Other story number {n} in the list" for n in range(30)]
    lines = page("Council approves the new bridge", PARAGRAPH, *related, "28.04.2020, 10:27 Uhr")
    assert found(lines, head=0, body=1, language="de") is None


def test_a_story_date_deep_in_the_article_does_not_date_it() -> None:
    # The headline was taken from a subheading inside the article: the
    # paragraphs around it tell the story's dates, not the page's.
    story = (
        "La Commission européenne a décidé le 29 avril 2019 de retirer ce produit du marché, "
        "et les agriculteurs suisses devront trouver une autre solution pour leurs champs."
    )
    lines = page(PARAGRAPH, PARAGRAPH, PARAGRAPH, PARAGRAPH, "Céréales et légumes", story)
    assert found(lines, head=4, body=0, language="fr") is None
    # In the first paragraphs, such a date is the article's dateline.
    lines = page("Berne interdit le produit", story, PARAGRAPH)
    assert found(lines, head=0, body=1, language="fr") == date(2019, 4, 29)


def test_a_date_without_its_year_in_a_sentence_is_an_events_not_the_pages() -> None:
    said = "The mayor said no one could predict what might happen at the final vote on Feb. 9"
    lines = page("Council approves the new bridge", PARAGRAPH, said, PARAGRAPH)
    assert found(lines, head=0, body=1) is None
    # A short dateline without its year still dates the page ("WASHINGTON - April 27").
    lines = page("Council approves the new bridge", "WASHINGTON - April 27", PARAGRAPH)
    assert found(lines, head=0, body=2) == date(2026, 4, 27)


@pytest.mark.parametrize(
    "dateline",
    [
        "SEOUL, Feb. 9 (Yonhap) -- ",
        "JAKARTA, 9 Februari (ANTARA) - ",
        "WELLINGTON, Feb 9 (Wire) - ",
    ],
)
def test_a_wires_dateline_without_its_year_opening_the_lede_dates_the_page(dateline: str) -> None:
    lines = page("Council approves the new bridge", dateline + PARAGRAPH, PARAGRAPH)
    assert found(lines, head=0, body=1) == date(2026, 2, 9)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("Rabu (12/2)", date(2025, 2, 12)),  # the latest Wednesday 12 February
        ("Jumat (27/12)", date(2024, 12, 27)),
        ("Jumat (12/2)", None),  # a Friday 12 February: 2021, too long before NOW
        ("12 Februari", None),  # no weekday: the year is a guess
    ],
)
def test_a_ledes_weekday_pins_the_year_within_three_years(day: str, expected: date | None) -> None:
    lede = (
        "Pemimpin Korea Utara Kim Jong Un mengirim pesan kepada Presiden Rusia Vladimir Putin, "
        f"lapor kantor berita KCNA pada {day}."
    )
    lines = page("Kim Jong Un Kirim Pesan ke Putin", lede, PARAGRAPH)
    assert found(lines, head=0, body=1, language="id") == expected
