"""The words of an article's events, whatever its language: stemmers, the
Indonesian forms a stemmer leaves cut, the days a text mentions.

:mod:`digest.ingest.features` builds an article's event terms from these;
they hold no state and read no configuration.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

_YEAR = re.compile(r"\d{4}(?<!\d\d{4})(?!\d)")
# How far before its year a mentioned date may start ("28 September, 2025").
_DATE_REACH = 24


def written_in_lower_case(word: str, text: str) -> bool:
    """Whether ``text`` holds ``word`` (lower case) as a whole word.

    Searched with ``str.find``: a name is rarely in the text in lower case at
    all, and the search then costs one pass in C.
    """
    at = text.find(word)
    while at != -1:
        end = at + len(word)
        if (at == 0 or not text[at - 1].isalnum()) and (
            end == len(text) or not text[end].isalnum()
        ):
            return True
        at = text.find(word, end)
    return False


# Indonesian verbs and nouns made with meN- and peN- drop a root's first k or t
# ("kirim": mengirim, pengiriman; "tembak": menembak), which the Snowball
# stemmer does not restore ("irim", "embak"); p and s it restores.
_NASAL_PREFIXES = {"k": ("meng", "peng"), "t": ("men", "pen")}
_NASAL_ENDINGS = ("", "kan", "i", "an")


def nasal_forms(word: str) -> list[str]:
    """The meN-/peN- forms of an Indonesian root that starts with k or t."""
    prefixes = _NASAL_PREFIXES.get(word[:1])
    if prefixes is None or " " in word or len(word) < 4:
        return []
    return [p + word[1:] + e for p in prefixes for e in _NASAL_ENDINGS]


# Weekday and month names say nothing that the date terms do not say better.
CALENDAR_WORDS = frozenset(
    (
        "senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "monday", "tuesday",
        "wednesday", "thursday", "friday", "saturday", "sunday", "januari", "februari", "maret",
        "april", "mei", "juni", "juli", "agustus", "september", "oktober", "november", "desember",
        "january", "february", "march", "may", "june", "july", "august", "october", "december",
        "",
    )
)  # fmt: skip
_MONTHS = {
    "jan": 1, "feb": 2, "peb": 2, "mar": 3, "apr": 4, "mei": 5, "may": 5, "jun": 6,
    "jul": 7, "agu": 8, "agt": 8, "aug": 8, "sep": 9, "okt": 10, "oct": 10, "nov": 11,
    "nop": 11, "des": 12, "dec": 12,
}  # fmt: skip
_MENTIONED_DAY = re.compile(
    r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)"
    r"|(?<!\d)(\d{1,2})\s+([a-z]{3})[a-z]*\.?,?\s+(\d{4})(?!\d)"
    r"|\b([a-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})(?!\d)",
    re.IGNORECASE,
)


def mentioned_days(text: str) -> set[str]:
    """Full dates (with a year) that a text mentions, as ISO days, in either language.

    Every form ends in a four-digit year, so the full pattern is only tried
    just before each year.
    """
    found = set()
    done = 0
    for year in _YEAR.finditer(text):
        end = year.end()
        start = max(done, text.rfind("\n", 0, year.start()) + 1, year.start() - _DATE_REACH)
        for m in _MENTIONED_DAY.finditer(text, start, end):
            if m.end() != end:
                continue
            done = end
            if m.group(1):
                day, month = int(m.group(1)), int(m.group(2))
            elif m.group(4):
                day, month = int(m.group(4)), _MONTHS.get(m.group(5).lower(), 0)
            else:
                day, month = int(m.group(8)), _MONTHS.get(m.group(7).lower(), 0)
            if 1 <= month <= 12 and 1 <= day <= 31:
                found.add(f"{int(year.group()):04d}-{month:02d}-{day:02d}")
            break
    return found


@lru_cache(maxsize=4)
def stemmer_for(language: str) -> Stemmer.Stemmer:
    """Snowball stemmers (PyStemmer, C): 'pasukannya' and 'pasukan' are one term."""
    stemmer = Stemmer.Stemmer("english" if language == "en" else "indonesian")
    stemmer.maxCacheSize = 100_000
    return stemmer
