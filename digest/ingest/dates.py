"""Find an article's publication date in its first lines.

Scraped text keeps the site's dateline in many shapes (``Tanggal: 30 Apr 2025
08:42 wib.``, ``Kamis, 21 Agustus 2025``, ``Senin (28/4/2025)``, ``Monday,
April 28``, ISO stamps). Running dateparser's search over a whole article is
slow and picks up any date the story mentions, so a regex finds candidate
spans in the head of the text (tried only next to digits that could start a
date), each is scored by how much it looks like a dateline (a label, a weekday,
a time, its place on the line), and only the best few are handed to
dateparser, whose results are cached because the same day is spelled the same
way across many articles. Times and zones (WIB, WITA, WIT) are read here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import dateparser

# How far into an article a publication date may sit: the dateline is in the
# first lines; anything later is a date the story talks about.
HEAD_LINES = 6
HEAD_CHARS = 1500
# Candidates with no label, weekday, time or line-start position are only
# believed this close to the top.
WEAK_HEAD_LINES = 3
# A date whose line holds at most this many other characters is a dateline.
DATELINE_SLACK = 25
# Nothing this digest reads was published before this year: an older date is a
# historical one the story mentions.
MIN_YEAR = 1990
# A date this far past `now` is a typo or an event date, not a publication date.
FUTURE_TOLERANCE = timedelta(days=1)
# A weekday pins a date's missing year only when that puts it within this span
# before now: a day and month fall on one weekday every 5, 6 or 11 years, so an
# older match is more likely a coming day ("Jumat (27/2) mendatang") or a slip.
PINNED_SPAN = timedelta(days=3 * 365)

# Month names and abbreviations, Indonesian, Malay and English (dateparser maps them).
# Malay "Mac" (March) is read only between its day and a year ("28 Mac 2026"):
# "Mac 11" and "Top 5 Mac apps" are a computer.
_MONTH = (
    r"januari|january|jan|februari|pebruari|february|feb|peb|maret|march|mac|mar|april|apr|"
    r"mei|may|juni|june|jun|julai|juli|july|jul|agustus|august|ogos|agu|agt|aug|september|sept|"
    r"sep|oktober|october|okt|oct|november|nopember|nov|nop|disember|desember|december|dis|des|"
    r"dec"
)
# Weekday names (Indonesian, English, English abbreviations) → Monday = 0.
WEEKDAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "sabtu": 5,
    "minggu": 6, "ahad": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6, "mon": 0, "tue": 1, "tues": 1, "wed": 2,
    "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
    "isnin": 0, "khamis": 3, "jumaat": 4,  # Malay (Selasa, Rabu, Sabtu, Ahad as above)
}  # fmt: skip
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
# Words that introduce a dateline ("Tanggal:", "Published on").
_LABEL = (
    r"tanggal|tgl|diterbitkan|dipublikasikan|diposting|terbit|diperbarui|"
    r"published|posted|updated|date|dated"
)
# A later change's label and what follows it, up to a separator, the end of the line,
# or a publication label after it: "Diperbarui 13 Jul 2025, 08:30 WIB",
# "Updated21:22, 6 OCT 2020", "Actualizado el 4 de mayo", "Editiert am 19. Oktober".
_CHANGE = (
    r"updated?|last\s+updated|modified|last\s+modified|diperbarui|diperbaharui|"
    r"diupdate|pembaruan|actualizado|actualizada|actualizaci[oó]n|aktualisiert|editiert|"
    r"ge[äa]ndert|mis\s+[àa]\s+jour|modifi[ée]|aggiornato|aggiornamento|atualizado|"
    r"atualiza[çc][ãa]o|обновлено|изменено|更新"
)
_PUBLISHED = (
    r"published|posted|diterbitkan|dipublikasikan|diposting|terbit|publicado|publicada|"
    r"veröffentlicht|publié|pubblicato|опубликовано"
)
# The label stands where a label does: at a line's start, after a separator, a
# bracket or a number ("08 May 2022 Actualizado el …"), never inside a sentence
# ("Putin signed the updated treaty on 19 June 2024").
CHANGE_RE = re.compile(
    rf"(?:^|(?<=[\d|•·,;:(\[–—-]))[ \t]*(?:{_CHANGE})(?![^\W\d_])[^|•·\n]{{0,60}}?"
    rf"(?=(?<![^\W\d_])(?:{_PUBLISHED})(?![^\W\d_])|[|•·\n]|$)",
    re.IGNORECASE | re.MULTILINE,
)
# A date as Chinese, Japanese and Korean write it, with its weekday and time:
# "2025年10月23日（木） 19時02分", "2025년 11월 17일 (월) 14:05".
_CJK_DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]"
    r"(?:\s*[(（][^)）]{1,3}[)）])?"
    r"(?:\s*(?P<h>\d{1,2})\s*(?:[時时시]\s*|:)(?P<mi>\d{2})\s*[分분]?)?"
)
# Cheap test before the pattern above: most heads hold no change label.
_CHANGE_SIGN_RE = re.compile(
    r"updat|modifi|edit|perbar|perbahar|actuali|aktuali|geänd|geand|jour|aggiorn|atualiza|"
    r"обновл|измен|更新",
    re.IGNORECASE,
)
# Indonesian zone names and other suffixes a dateline's time may carry.
TZ_OFFSETS = {"wib": 7, "wita": 8, "wit": 9, "myt": 8, "utc": 0, "gmt": 0, "z": 0}

DATE_RE = re.compile(
    rf"""
    (?P<label>\b(?:{_LABEL})\b\s*(?:on\s*)?[:\-–]?\s*)?
    (?:\b(?P<wd>{_WEEKDAY})\b\.?\s*,?\s*\(?\s*)?
    (?:
        (?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s*[\s-]\s*(?:of\s+)?
            (?P<m1>(?!mac\b(?![ \t]+\d{{4}}))(?:{_MONTH}))\b\.?
            (?:,?\s*[\s-]\s*(?P<y1>\d{{4}}))?
      | (?<![A-Za-z])(?!mac\b)(?P<m2>{_MONTH})\b\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?
            (?:,?\s+(?P<y2>\d{{4}}))?
      | (?P<iy>\d{{4}})(?P<sep>[-/.])(?P<im>\d{{1,2}})(?P=sep)(?P<id>\d{{1,2}})
      | (?P<nd>\d{{1,2}})[/.-](?P<nm>\d{{1,2}})[/.-](?P<ny>\d{{4}})
      | (?<=\()(?P<pd>\d{{1,2}})/(?P<pm>\d{{1,2}})(?=\))
    )
    (?!\d)
    (?:\)?\s*(?:,|T|\||-|–|pukul|jam|at)?\s*
        (?P<h>\d{{1,2}})[:.](?P<mi>\d{{2}})(?!\d)(?![.,]\d)(?::(?P<s>\d{{2}}))?(?:\.\d+)?
        (?:\s*(?P<ampm>[ap]\.?m\b\.?))?
        (?:\s*(?P<tz>(?:utc|gmt)\s?[+-]\d{{1,2}}(?::?\d{{2}})?|wib|wita|wit|myt|utc|gmt|z|[+-]\d{{2}}:?\d{{2}})\b)?
    )?
    """,
    re.IGNORECASE | re.VERBOSE,
)

_PARSER_SETTINGS = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"}

# The regex above is too slow to slide over every character of a text, so a
# date is only looked for around a run of digits that sits next to a month
# name or a date separator; the regex is then tried at the few word starts
# just before it.
_DIGITS_RE = re.compile(r"\d{1,4}")
_DIGIT_RE = re.compile(r"\d")
_WORD_START_RE = re.compile(r"\b\w")
_MONTH_PREFIXES = frozenset(name[:3] for name in _MONTH.split("|"))
_ORDINALS = frozenset(("st", "nd", "rd", "th"))
# How far before its first digit a date's label, weekday and month may start.
_LOOKBACK = 48


@dataclass(frozen=True)
class _Candidate:
    score: int
    start: int
    match: re.Match[str]


def find_date(text: str, *, now: datetime, tz: ZoneInfo) -> datetime | None:
    """The publication date in the dateline or first lines of ``text``, or None.

    Dates without a time get midnight in ``tz``; a weekday without a year takes
    the latest year (not after ``now``) on which that day falls on that weekday.
    A candidate more than a day after ``now`` is never returned.
    """
    found = find_date_and_year(text, now=now, tz=tz)
    return found[0] if found is not None else None


def find_date_and_year(
    text: str, *, now: datetime, tz: ZoneInfo, changes: bool = True, weekday: bool = False
) -> tuple[datetime, bool] | None:
    """:func:`find_date`, and whether the text wrote the date's year (else it was guessed).

    A date labelled as a later change ("Diperbarui 13 Jul 2025", "Updated:
    15 Aug 2025") counts only when the head gives no other date, and with
    ``changes`` false not at all. With ``weekday``, a weekday written with a
    date pins its year as well ("Rabu (12/2)": the latest 12 February on a
    Wednesday).
    """
    head, weak_end = _head(text)
    if "年" in head or "년" in head:
        head = _CJK_DATE_RE.sub(_iso_of_cjk, head)
    first = without_changes(head)
    found = _best_date(first, weak_end, now=now, tz=tz, weekday=weekday)
    if found is None and changes and first is not head:
        found = _best_date(head, weak_end, now=now, tz=tz, weekday=weekday)
    return found


def _iso_of_cjk(m: re.Match[str]) -> str:
    """ "2025年10月23日 19時02分" or "2025년 11월 17일 14시 05분" as "2025-10-23 19:02"."""
    day = f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}"
    return f"{day} {int(m['h']):02d}:{m['mi']}" if m["h"] else day


def without_changes(text: str) -> str:
    """``text`` with each date labelled as a later change blanked out (same length).

    A page that shows when it was published and when it was last changed
    ("Diterbitkan 12 Jul 2025 | Diperbarui 13 Jul 2025", "Published … Updated …",
    in either order) is dated by its first publication.
    """
    if not _CHANGE_SIGN_RE.search(text):
        return text
    return CHANGE_RE.sub(lambda m: " " * len(m.group()), text)


def _best_date(
    head: str, weak_end: int, *, now: datetime, tz: ZoneInfo, weekday: bool = False
) -> tuple[datetime, bool] | None:
    candidates = [
        _Candidate(_score(m, head), m.start(), m)
        for m in _date_matches(head)
        if m.start() < weak_end or _is_strong(m, head)
    ]
    candidates.sort(key=lambda c: (-c.score, c.start))
    for candidate in candidates[:3]:
        found = _to_datetime(candidate.match, now=now, tz=tz)
        if found is not None:
            m = candidate.match
            pinned = weekday and m["wd"] and now - PINNED_SPAN <= found <= now + FUTURE_TOLERANCE
            return found, bool(m["y1"] or m["y2"] or m["iy"] or m["ny"] or pinned)
    return None


def strip_dates(line: str) -> str:
    """``line`` with every date (and its label, weekday, time) removed.

    The clean stage uses it to tell a dateline (little left) from a sentence.
    """
    parts = []
    end = 0
    for m in _date_matches(line):
        parts.append(line[end : m.start()])
        end = m.end()
    return " ".join(parts) + " " + line[end:] if parts else line


def _date_matches(text: str) -> Iterator[re.Match[str]]:
    """Every date in ``text``, found from the digit runs outward."""
    taken = 0
    for digits in _DIGITS_RE.finditer(text):
        start, end = digits.span()
        if start < taken or not _near_month_or_separator(text, start, end):
            continue
        line_start = text.rfind("\n", 0, start) + 1
        origin = max(line_start, start - _LOOKBACK)
        for word in (*_WORD_START_RE.finditer(text, origin, start), digits):
            m = DATE_RE.match(text, word.start())
            if m is not None and m.end() > start:
                yield m
                taken = m.end()
                break


def _near_month_or_separator(text: str, start: int, end: int) -> bool:
    """Whether the digits at ``text[start:end]`` may be part of a date."""
    after = text[end : end + 12]
    if after[:1] in ("/", ".", "-") and after[1:2].isdigit():
        return True
    if end - start <= 2:
        following = after.lstrip(" -")[:9].lower()
        if following[:2] in _ORDINALS:  # "18th June 2025", "1st of May"
            following = following[2:].lstrip(" -").removeprefix("of ")
        following = following[:3]
        if following in _MONTH_PREFIXES:
            return True
        before = text[max(0, start - 14) : start].rstrip(" .,").split()
        if before and before[-1][:3].lower() in _MONTH_PREFIXES:
            return True
    return False


def _head(text: str) -> tuple[str, int]:
    """The first lines of ``text``, and where weak candidates stop counting.

    Lines of one or two words without a digit (menu items, a lone site name)
    are left out, so a menu above the headline does not push the dateline out.
    """
    lines: list[str] = []
    weak_end = 0
    size = 0
    for line in text[: HEAD_CHARS * 2].splitlines():
        if len(line.split()) < 3 and not _DIGIT_RE.search(line):
            continue
        lines.append(line)
        size += len(line) + 1
        if len(lines) == WEAK_HEAD_LINES:
            weak_end = size
        if len(lines) >= HEAD_LINES or size >= HEAD_CHARS:
            break
    head = "\n".join(lines)[:HEAD_CHARS]
    return head, weak_end or len(head)


def _at_line_start(m: re.Match[str], head: str) -> bool:
    """Whether the match opens its line, or fills it but for a short place name."""
    line_start = head.rfind("\n", 0, m.start()) + 1
    line_end = head.find("\n", m.end())
    rest = len(head[line_start : line_end if line_end != -1 else len(head)]) - len(m.group())
    return not head[line_start : m.start()].strip(" \t•-*|[(") or rest <= DATELINE_SLACK


def _is_strong(m: re.Match[str], head: str) -> bool:
    return bool(m["label"] or m["wd"] or m["h"] or m["iy"]) or _at_line_start(m, head)


def _score(m: re.Match[str], head: str) -> int:
    """How much a match looks like the article's own dateline."""
    # A date that gives its year beats one whose year must be guessed, whatever
    # else the latter carries ("Posted on January 5, 2011" over "Updated Wed, Jan 5").
    score = 1 if (m["m1"] and not m["y1"]) or (m["m2"] and not m["y2"]) or m["pd"] else 5
    if m["iy"]:
        score += 1
    if m["label"]:
        score += 3
    if m["wd"]:
        score += 2
    if m["h"]:
        score += 1
    if _at_line_start(m, head):
        score += 2
    return score


def _to_datetime(m: re.Match[str], *, now: datetime, tz: ZoneInfo) -> datetime | None:
    """Turn a match into an aware datetime, or None if it is invalid or in the future."""
    day = _day(m, now=now, tz=tz)
    if day is None or day.year < MIN_YEAR:
        return None
    hour = minute = second = 0
    if m["h"]:
        hour, minute, second = int(m["h"]), int(m["mi"]), int(m["s"] or 0)
        ampm = (m["ampm"] or "").lower()
        if ampm.startswith("p") and hour < 12:
            hour += 12
        elif ampm.startswith("a") and hour == 12:
            hour = 0
        if hour > 23 or minute > 59 or second > 59:
            hour = minute = second = 0
    zone = _zone(m["tz"], tz) if m["h"] else tz
    found = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=zone)
    if found > now + FUTURE_TOLERANCE:
        return None
    return found


def _zone(name: str | None, tz: ZoneInfo) -> timezone | ZoneInfo:
    if not name:
        return tz
    key = name.lower()
    if key in TZ_OFFSETS:
        return timezone(timedelta(hours=TZ_OFFSETS[key]))
    key = key.removeprefix("utc").removeprefix("gmt").strip()  # "GMT+7", "UTC-03:00"
    sign = -1 if key[0] == "-" else 1
    hours, _, minutes = key[1:].partition(":")
    if not minutes and len(hours) > 2:  # "+0700"
        hours, minutes = hours[:-2], hours[-2:]
    offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return timezone(sign * offset) if offset < timedelta(hours=24) else tz


def _day(m: re.Match[str], *, now: datetime, tz: ZoneInfo) -> date | None:
    """The calendar day of a match, resolving a missing year from the weekday or `now`."""
    if m["iy"]:
        try:
            return date(int(m["iy"]), int(m["im"]), int(m["id"]))
        except ValueError:
            return None
    if m["pd"]:  # "Rabu (12/2)": day and month after a weekday, as Indonesian ledes write them
        weekday = WEEKDAYS.get(m["wd"].lower()) if m["wd"] else None
        if weekday is None:
            return None
        return _resolve_year(int(m["pm"]), int(m["pd"]), weekday, now.astimezone(tz).date())
    if m["nd"]:
        first, second = int(m["nd"]), int(m["nm"])
        if second > 12 >= first:  # month/day/year, as US sites write it
            first, second = second, first
        return _parse_day(f"{first}/{second}/{m['ny']}")
    day_text, month, year = (m["d1"], m["m1"], m["y1"]) if m["m1"] else (m["d2"], m["m2"], m["y2"])
    if year:
        return _parse_day(f"{int(day_text)} {month.lower()} {year}")
    # 2000 is a leap year, so 29 February parses; only month and day are used.
    base = _parse_day(f"{int(day_text)} {month.lower()} 2000")
    if base is None:
        return None
    weekday = WEEKDAYS.get(m["wd"].lower()) if m["wd"] else None
    return _resolve_year(base.month, base.day, weekday, now.astimezone(tz).date())


def _resolve_year(month: int, day: int, weekday: int | None, today: date) -> date | None:
    """The latest date with this month and day not after ``today`` (+ tolerance).

    With a weekday, the latest such date that falls on it (searching 28 years,
    one full cycle of the calendar), else the latest one at all.
    """
    latest: date | None = None
    limit = today + FUTURE_TOLERANCE
    for year in range(limit.year, limit.year - 29, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate > limit:
            continue
        if latest is None:
            latest = candidate
        if weekday is None or candidate.weekday() == weekday:
            return candidate
    return latest


@lru_cache(maxsize=8192)
def _parse_day(text: str) -> date | None:
    """Parse a normalised ``day month year`` string with dateparser (cached)."""
    parsed = dateparser.parse(text, languages=["id", "ms", "en"], settings=_PARSER_SETTINGS)
    return parsed.date() if parsed else None
