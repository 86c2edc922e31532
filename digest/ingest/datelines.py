"""One line's date, in any language, and whether the line is a dateline.

:mod:`digest.ingest.dates` reads the Indonesian and English forms and the
numeric ones; here are the rest: ``day month year`` in any language
dateparser knows ("19. Oktober 2019", "4 de mayo de 2022"), a two-digit
year in a short numeric date with its time ("04.05.20 14:50"), and what a
scraper glues together ("Updated21:22, 6 OCT 2020", "4 de mayo de 202200:00",
"08 May 2022Actualizado").

A *dated line* is a line that is mostly its date: once the date, its time
and the zone are taken out, at most a label, a weekday and a name are left
("Mi, 18. Oktober 2023 um 12:50 Uhr", "By Jane Doe on Thu, Nov 9, 2023 at
4:00 am", "27.04.2020 - 18:50 Uhr 3 Kommentare"). Such a line states when
the page was published; a date inside a sentence is a date the story talks
about.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import dateparser

from digest.ingest.dates import (
    FUTURE_TOLERANCE,
    MIN_YEAR,
    find_date_and_year,
    strip_dates,
    without_changes,
)
from digest.ingest.extract import Line

# A dated line has at most this many words, and at most this many words
# (of two letters or more) besides its date and time: a label, a weekday, a
# byline's name ("By Emily Burack … Edit").
DATED_LINE_WORDS = 12
DATED_LINE_REST = 4

# A date in the first lines in any language dateparser knows: "19. Oktober 2019",
# "4 de Mayo de 2022", "8 فيفري 2019" (the month a word, the year four digits).
ANY_DATE_RE = re.compile(
    r"(?<!\d)(?P<day>\d{1,2})\.?\s+(?:de\s+)?(?P<month>[^\W\d_]{3,12})\.?,?\s+(?:de\s+)?"
    r"(?P<year>(?:19|20)\d\d)(?!\d)"
    r"|(?P<month2>[^\W\d_]{3,12})\.?\s+(?P<day2>\d{1,2}),?\s+(?P<year2>(?:19|20)\d\d)(?!\d)"
)
# A year glued to the time after it by a scraper: "March 12, 20253:15 PM" is 2025, 3:15.
GLUED_TIME_RE = re.compile(r"(?<=[\s,])((?:19|20)\d\d)(\d{1,2}:\d\d)(?!\d)")
# A word glued to a number, or a number to a word ("Updated21:22", "2022Actualizado").
_GLUED_WORD_RE = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_]{3,})")
# A time of day as datelines write it: "12:50 Uhr", "4:00 am", "20H06", "07h36", "01:10 hs".
_TIME_RE = re.compile(
    r"(?<!\d)\d{1,2}[:.hH]\d\d(?::\d\d)?(?!\d)\s*(?:[ap]\.?\s?m\b\.?|uhr\b|hrs?\b|hs\b|h\b)?", re.I
)
# A time of day written with a colon or an "h" ("21:22", "20H06", "18.50 Uhr"), never
# part of a date ("12.12.2019").
_CLOCK_RE = re.compile(r"(?<![\d.:])\d{1,2}(?::\d\d|[hH]\d\d|\.\d\d\s*(?:uhr|h)\b)(?!\d)", re.I)
# A numeric date with a two-digit year: "04.05.20", "19.10.19", "11/08/23".
_SHORT_YEAR_RE = re.compile(r"(?<![\d.,/])(\d{1,2})([./])(\d{1,2})\2(\d\d)(?![\d/]|\.\d)")
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_DIGIT_RE = re.compile(r"\d")
_WORD_RE = re.compile(r"[^\W\d_]{2,}")


def line_date(
    line: Line,
    language: str,
    *,
    timed: bool = False,
    changes: bool = True,
    now: datetime,
    tz: ZoneInfo,
) -> datetime | None:
    """The date of a dated line (see the module's docstring), or None.

    The date must give its year: a day and month alone on a line ("Kultur |
    19.10.") are as often a list's entries as a dateline. With ``changes``
    false, a date labelled as a later change ("Diperbarui 13 Jul 2025") is
    not read.
    """
    if line.n > DATED_LINE_WORDS or not _DIGIT_RE.search(line.text):
        return None
    if timed and not _CLOCK_RE.search(line.text):
        return None
    text = _GLUED_WORD_RE.sub(" ", GLUED_TIME_RE.sub(r"\1 \2", line.text))
    if not changes:
        text = without_changes(text)
    dated = find_date_and_year(text, now=now, tz=tz)
    found: datetime | None = None
    rest = text
    if dated is not None and dated[1]:
        found, rest = dated[0], strip_dates(text)
    elif _YEAR_RE.search(text):
        found = any_language_date(text, language, now=now, tz=tz)
        rest = ANY_DATE_RE.sub(" ", text)
    if found is None:
        found = _short_year_date(text, now=now, tz=tz)
        rest = _SHORT_YEAR_RE.sub(" ", text)
    if found is None:
        return None
    return found if len(_WORD_RE.findall(_TIME_RE.sub(" ", rest))) <= DATED_LINE_REST else None


def _short_year_date(text: str, *, now: datetime, tz: ZoneInfo) -> datetime | None:
    """A two-digit-year date ("04.05.20 14:50") on a line that also gives the time.

    With dots, day first (as in Europe) unless the second number cannot be a
    month; with slashes, only when one of the two numbers cannot be a month
    ("11/08/23" is the 11th of August in London and the 8th of November in
    New York, and a wrong date is worse than none).
    """
    m = _SHORT_YEAR_RE.search(text)
    if m is None or not _TIME_RE.search(text, m.end()):
        return None
    first, second = int(m[1]), int(m[3])
    if second > 12 >= first:
        day, month = second, first
    elif m[2] == "." or first > 12:
        day, month = first, second
    else:
        return None
    year = 2000 + int(m[4])
    if year > now.year:
        year -= 100
    try:
        found = datetime(year, month, day, tzinfo=tz)
    except ValueError:
        return None
    return found if year >= MIN_YEAR and found <= now + FUTURE_TOLERANCE else None


def is_foreign_dateline(text: str) -> bool:
    """Whether a short line holds a ``day month year`` date in a language other than id/en."""
    if not _YEAR_RE.search(text):
        return False
    m = ANY_DATE_RE.search(text)
    if m is None:
        return False
    rest = text[: m.start()] + text[m.end() :]
    return len(re.findall(r"[^\W\d_]{3,}", rest)) <= 6


def any_language_date(text: str, language: str, *, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The first ``day month year`` date of ``text`` in ``language``, parsed by dateparser."""
    for m in ANY_DATE_RE.finditer(text):
        if m["day"]:
            spelled = f"{m['day']} {m['month']} {m['year']}"
        else:
            spelled = f"{m['month2']} {m['day2']} {m['year2']}"
        day = _parse(spelled, language)
        if day is None or day.year < MIN_YEAR:
            continue
        found = datetime(day.year, day.month, day.day, tzinfo=tz)
        if found <= now + FUTURE_TOLERANCE:
            return found
    return None


@lru_cache(maxsize=4096)
def _parse(spelled: str, language: str) -> date | None:
    try:
        parsed = dateparser.parse(
            spelled, languages=[language], settings={"PREFER_DAY_OF_MONTH": "first"}
        )
    except (ValueError, KeyError):
        return None
    return parsed.date() if parsed else None
