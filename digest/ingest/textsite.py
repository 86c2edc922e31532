"""The name a plain text gives its own site: a copyright line, a slogan, a dateline.

A page saved as text names its site where it speaks of itself: a footer's
"Copyright © Tampang.com", a line advertising itself ("berita … hanya ada di
POS VIRAL"), a dateline ("JAKARTA, KOMPAS.com - …"). :func:`outlet_from_text`
reads those places in the header and footer; :func:`site_key` makes one key of
the spellings of a site's name, for the template lines learnt per site.
"""

from __future__ import annotations

import re

from digest.ingest.outletwords import UPPER_LATIN
from digest.ingest.sitename import spelled_spans

# A site names itself in its header and footer: the slices of text searched.
HEAD_CHARS = 1500
TAIL_CHARS = 3000
# Domain suffixes that make a word a site name ("Tampang.com", "KOMPAS.com").
_DOMAIN = (
    r"(?:\.(?i:co\.id|or\.id|web\.id"
    # any other country's two letters, written in lower case as domains are
    r"|(?:co|com|or|ac|go|web|net|org|gov|edu|ne)\.(?-i:[a-z]{2})\b"
    r"|com|net|org|news|info|tv|id|co|(?-i:[a-z]{2}))\b)"
)
_NAME_TOKEN = rf"(?:[{UPPER_LATIN}0-9][\w&'’-]*{_DOMAIN}?|[a-z0-9][\w-]*{_DOMAIN})"
# Words of a name, "&" between two of them ("Independent Digital News & Media Ltd").
_NAME = (
    rf"(?P<name>{_NAME_TOKEN}"
    rf"(?:[ \t]+(?:&[ \t]+)?(?!(?i:all|hak|seluruh)\b){_NAME_TOKEN}){{0,3}})"
)
# A footer line opening with a copyright sign: "Copyright © Tampang.com",
# "© 2025 Example Media. All rights reserved." ("© 2019 by <author>" is not a site).
_COPYRIGHT_NAME_RE = re.compile(
    rf"^[ \t]*(?i:©|\(c\)|copyright|hak cipta(?:[ \t]+terpelihara)?)[ \t]*(?:©|\(c\))?[ \t]*"
    rf"(?:\d{{4}}(?:[ \t]*[-–][ \t]*\d{{4}})?[ \t,]*)?(?!(?i:by)\b){_NAME}",
    re.MULTILINE,
)
# The site advertising itself: "berita … hanya ada di POS VIRAL". The phrase is
# looked up with str.find (a regex over the whole text is slow) and the name read
# after it; a news word must come shortly before it.
_SLOGAN_PHRASES = ("hanya ada di ", "hanya di ", "cuma ada di ", "cuma di ", "only on ", "only at ")
_SLOGAN_CONTEXT = ("berita", "informasi", "info", "news", "update")
# "POSVIRAL hadir di saluran whatsapp", "News Site is now on Telegram".
_CHANNEL_PHRASES = ("hadir di saluran", "hadir di channel", "kini ada di", "is now on")
_NAME_AT_RE = re.compile(_NAME)
_NAME_LINE_START_RE = re.compile(rf"^[ \t]*{_NAME}[ \t]*$")
# A dateline naming the site: "KLIKWARTAKU — …", "JAKARTA, KOMPAS.com - …".
_DATELINE_NAME_RE = re.compile(
    rf"^(?:[A-Z]+(?:[ \t][A-Z]+)*,[ \t]*)?(?P<name>[A-Z][A-Za-z0-9]*{_DOMAIN}?)"
    r"[ \t]*(?:\([^)\n]{1,30}\))?[ \t]*[—–-]{1,2}[ \t]",
    re.MULTILINE,
)
_SUFFIX_RE = re.compile(rf"^(?P<base>.+?)(?P<suffix>{_DOMAIN})?$")
_NON_ALNUM_RE = re.compile(r"[\W_]+")


def _suffix_parts(name: str) -> re.Match[str]:
    """A name split into its base and a domain suffix (the pattern matches any non-empty name)."""
    parts = _SUFFIX_RE.match(name)
    assert parts is not None, name
    return parts


def outlet_from_text(text: str) -> str | None:
    """The site's name when the text names its own site, normalised for display.

    Looks at a copyright line, a self-promoting slogan, then a dateline (which
    counts only with a domain, or when the text spells the name with one
    elsewhere, so "MOSCOW —" is not taken for a site).
    """
    found = _COPYRIGHT_NAME_RE.search(text[-TAIL_CHARS:])
    if found is None:  # only the slogans read the page in lower case
        lower = text.lower()
        if len(lower) != len(text):  # a rare letter that lower-cases to two: skip the slogans
            lower = ""
        found = _slogan_name(text, lower)
    if found is None:
        found = _DATELINE_NAME_RE.search(text[:HEAD_CHARS])
        if found is not None:
            name = found["name"]
            if not re.search(rf"{re.escape(_suffix_parts(name)['base'])}{_DOMAIN}", text, re.I):
                found = None
    if found is None:
        return None
    name = re.sub(r"[ \t]+(?:19|20)\d\d$", "", found["name"].strip())
    ends = text if len(text) <= HEAD_CHARS + TAIL_CHARS else text[:HEAD_CHARS] + text[-TAIL_CHARS:]
    return _display_name(name, ends)


def site_key(outlet: str) -> str:
    """An outlet's name as bare lower-case letters and digits, without a domain suffix.

    "Tampang.com", "TAMPANG" and "Tampang" share the key "tampang", so the clean
    stage can find the site's name in any spelling.
    """
    base = _SUFFIX_RE.match(outlet.strip())
    return _NON_ALNUM_RE.sub("", (base["base"] if base else outlet).lower())


def _slogan_name(text: str, lower: str) -> re.Match[str] | None:
    """The name in a self-promoting phrase of ``text`` (``lower`` is it in lower case)."""
    for phrase in _SLOGAN_PHRASES:
        at = lower.find(phrase)
        while at != -1:
            found = _NAME_AT_RE.match(text, at + len(phrase))
            if found and any(w in lower[max(0, at - 70) : at] for w in _SLOGAN_CONTEXT):
                return found
            at = lower.find(phrase, at + 1)
    for phrase in _CHANNEL_PHRASES:
        at = lower.find(phrase)
        while at != -1:
            line_start = text.rfind("\n", 0, at) + 1
            found = _NAME_LINE_START_RE.match(text, line_start, at)
            if found:
                return found
            at = lower.find(phrase, at + 1)
    return None


def _display_name(name: str, text: str) -> str:
    """The best spelling of ``name`` that the text uses: mixed case, then spaced.

    "KLIKWARTAKU" becomes "KlikWartaku" when the text also writes it so, and
    "POSVIRAL" becomes "POS VIRAL"; a domain suffix the name came with is kept.
    """
    parts = _suffix_parts(name)
    base, suffix = parts["base"], (parts["suffix"] or "").lower()
    letters = [c for c in base.lower() if c.isalnum()]
    if not letters:
        return name
    lower = text.lower()
    if len(lower) == len(text):
        variants = [text[a:b] for a, b in spelled_spans("".join(letters), lower)] or [base]
    else:
        variants = [base]

    def rank(variant: str) -> tuple[bool, int]:
        alpha = [c for c in variant if c.isalpha()]
        mixed = any(c.isupper() for c in alpha) and any(c.islower() for c in alpha)
        return mixed, variant.count(" ")

    return max(variants, key=rank) + suffix
