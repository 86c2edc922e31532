"""When a plain-text page was published, from where its date sits on the page.

The date is the dateline nearest the headline or the start of the article,
then the front matter's, then a date in the page's URL; only then the file's
time, which is recorded as such (``file-time``) and never shown as a date.

A page saved as text keeps its dateline among the chrome between the headline
and the first paragraph: under the headline, with the byline, above the
first paragraph, sometimes above the headline. It is read in rings:

1. short lines just under the headline, then just above it (most pages);
2. a *dated line* (a line that is mostly a date: "Mi, 18. Oktober 2023 um
   12:50 Uhr", "By Jane Doe on Thu, Nov 9, 2023 at 4:00 am") a few lines
   from the headline or from the first paragraph, the nearest first. This
   holds when the headline was missed or the page puts a share bar, a photo
   and its caption between the headline and its dateline;
3. further out (two dozen lines), a dated line that gives the time of day
   too: a publication stamp ("27.04.2020 - 18:50 Uhr"), where lists of
   related links and a masthead's "today" give the day alone;
4. a date without its year read in ring 1, then a date in the first
   paragraphs (``… on Thursday, 21 August 2025, …``).

Dates further away (related links, comments, a masthead's "today") and in
paragraphs deeper in the article (the story's own dates) are not read: a
wrong date misleads a reader more than "date unknown".
"""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import dateparser

from digest.ingest.datelines import GLUED_TIME_RE, any_language_date, line_date
from digest.ingest.dates import find_date_and_year, without_changes
from digest.ingest.extract import Line
from digest.ingest.textheads import caption_shape

# Lines around the headline (before, after) searched for its dateline, and
# the length of a line read first (datelines, bylines; not paragraphs).
DATELINE_BEFORE = 3
DATELINE_AFTER = 8
DATELINE_LINE_WORDS = 20
# A date without its year is read from a line of at most this many words only,
# or from a paragraph's first characters (a wire's dateline).
YEARLESS_WORDS = 8
OPENING_CHARS = 40
# Rings 2 and 3: how many lines a dated line may sit before and after the
# first paragraph, above and under the headline. The chrome between a
# headline and its first paragraph (share bar, photo, caption, byline) rarely
# runs past a dozen lines; after the first paragraph's start only the line
# or two of a byline block belong to the article's head.
BODY_AFTER = 3
NEAR = (12, BODY_AFTER, 8, 12)
FAR = (25, 12, 15, 25)

_URL_DATE_RES = (
    re.compile(r"/((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})(?:/|$|[^\d])"),
    re.compile(r"[/_-]((?:19|20)\d\d)-(\d\d)-(\d\d)(?:[/_.-]|$)"),
    re.compile(r"/((?:19|20)\d\d)(\d\d)(\d\d)(?:/|$)"),
)


def dateline_date(
    lines: list[Line],
    *,
    around: int,
    body: int | None = None,
    now: datetime,
    tz: ZoneInfo,
    language: str,
) -> datetime | None:
    """The date nearest line ``around`` (the headline, or the article's first line).

    ``body`` is the article's first line (``around`` when not given). The
    rings of the module's docstring are read in turn.
    """
    below = lines[around + 1 : around + DATELINE_AFTER]
    above = lines[max(0, around - DATELINE_BEFORE) : around]
    guessed: datetime | None = None
    for group in (below, above):
        # A photo caption's date is the photo's ("…, aufgenommen am 24.11.2014. (dpa)").
        short = [
            line for line in group if line.n <= DATELINE_LINE_WORDS and not caption_shape(line.text)
        ]
        dated = _window_date(short, now=now, tz=tz, language=language)
        if dated is None:
            continue
        if group is above and len(short) > 1:
            # Above the headline, the nearest dated line is the article's; a masthead's
            # "today" stands higher ("Senin, 01 Desember …" over "Kamis, 30 Oktober …").
            for k in range(1, len(short)):
                nearer = _window_date(short[-k:], now=now, tz=tz, language=language)
                if nearer is not None and nearer[1]:
                    dated = nearer
                    break
        # A short line under the headline whose date leaves out its year ("WASHINGTON -
        # April 27", "Wednesday") yields to a full date nearby.
        if dated[1]:
            return dated[0]
        if guessed is None:  # a yearless date in a sentence is an event's ("… on Feb. 9")
            terse = [line for line in short if line.n <= YEARLESS_WORDS]
            dated = _window_date(terse, now=now, tz=tz, language=language) if terse else None
            guessed = dated[0] if dated is not None else None
    first = around if body is None else body
    for reach, timed in ((NEAR, False), (FAR, True)):
        found = nearest_dated_line(
            lines,
            head=around,
            body=first,
            reach=reach,
            timed=timed,
            now=now,
            tz=tz,
            language=language,
        )
        if found is not None:
            return found
    if guessed is not None:
        return guessed
    # Paragraphs further into the article than its first few tell its story's dates;
    # in the first few, a date without its year or weekday is an event's ("at the
    # Oscars on Feb. 9"), where a lede's "Rabu (12/2)" is the day it reports.
    last = max(around, first + BODY_AFTER)
    window = above + below[: last - around]
    dated = _window_date(window, now=now, tz=tz, language=language, weekday=True)
    if dated is not None and not dated[1]:
        # A wire's dateline opening a paragraph says its day without the year
        # ("SEOUL, Feb. 9 (Yonhap) --"): the report's own date, unlike one mid-sentence.
        openings = [Line(line.text[:OPENING_CHARS]) for line in window]
        opened = _window_date(openings, now=now, tz=tz, language=language)
        return opened[0] if opened is not None else None
    return dated[0] if dated is not None else None


def nearest_dated_line(
    lines: list[Line],
    *,
    head: int,
    body: int,
    reach: tuple[int, int, int, int],
    timed: bool,
    now: datetime,
    tz: ZoneInfo,
    language: str,
) -> datetime | None:
    """The date of the dated line nearest the headline or the first paragraph (rings 2, 3).

    ``reach`` is how many lines before and after the first paragraph, above
    and under the headline are read; with ``timed``, only a line that gives
    the time of day counts (a publication stamp, not a list's date).
    A line above both the headline and the first paragraph counts as twice as
    far: a masthead prints today's date there, while the article's own
    dateline more often follows its headline.
    """
    before_body, after_body, above_head, below_head = reach
    top = min(head, body)
    zone = set(range(max(0, body - before_body), body + after_body + 1))
    zone.update(range(max(0, head - above_head), head + below_head + 1))

    def distance(i: int) -> int:
        near = min(abs(i - head), abs(i - body))
        return 2 * near if i < top else near

    order = sorted((i for i in zone if i < len(lines)), key=lambda i: (distance(i), i))
    # A line dated as a later change ("Diperbarui 13 Jul 2025") stands nearer the
    # headline as often as the first publication's: it counts when no other does.
    for changes in (False, True):
        for i in order:
            line = lines[i]
            if i == head or "://" in line.text:
                continue
            if changes and without_changes(line.text) is line.text:
                continue  # read in the first pass
            found = line_date(line, language, timed=timed, changes=changes, now=now, tz=tz)
            if found is not None:
                return found
    return None


def _window_date(
    group: list[Line], *, now: datetime, tz: ZoneInfo, language: str, weekday: bool = False
) -> tuple[datetime, bool] | None:
    """The best date of a few lines, and whether it wrote its year (or, with
    ``weekday``, a weekday that pins it)."""
    # A URL's date is weaker evidence than a dateline, and is tried last.
    window = "\n".join(line.text for line in group if "://" not in line.text)
    if not window:
        return None
    if ":" in window:  # a time glued to its year ("202112:30"); most windows hold no time
        window = GLUED_TIME_RE.sub(r"\1 \2", window)
    dated = find_date_and_year(window, now=now, tz=tz, weekday=weekday)
    if dated is None and language not in ("id", "en"):
        found = any_language_date(window, language, now=now, tz=tz)
        dated = (found, True) if found is not None else None
    return dated


def url_date(url: str | None, tz: ZoneInfo) -> datetime | None:
    """A date written in a URL's path (``/2025/06/17/``, ``-2025-06-17``, ``/20250617/``)."""
    if not url:
        return None
    path = urlsplit(url).path if "://" in url else url
    for pattern in _URL_DATE_RES:
        m = pattern.search(path)
        if m:
            try:
                return datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=tz)
            except ValueError:
                continue
    return None


def front_matter_date(value: object, tz: ZoneInfo) -> datetime | None:
    """The ``date:`` of a Markdown page's front matter (YAML gives a date, a datetime or text)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz)
    if isinstance(value, str):
        parsed: datetime | None = dateparser.parse(
            value, settings={"RETURN_AS_TIMEZONE_AWARE": False}
        )
        if parsed:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
    return None
