"""Site names: an outlet's name out of a title that also carries a section or a tagline.

Sites and feeds name themselves with more than their name: "The Moscow Times -
News, Business, Culture & Multimedia from Russia", "World – The Indian
Express", "Aktuell - FAZ.NET", "Reuters: World News". The name is one of the
parts between separators; which one is decided by what else is known about
the site (its host name, which almost always spells the name: theguardian.com
is "The Guardian") and otherwise by shape (a name is short; a tagline is a
phrase with commas and lower-case words).

Page titles carry the site the same way ("Headline | Site", "Headline -
Site"), so the same splitting removes the site from a headline.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from tld import get_tld
from tld.utils import Result

from digest.ingest.outletwords import LEGAL_ENDING

# Separators between a title's parts: spaced dashes, bars, slashes, guillemets,
# arrows and colons ("Section: Site"); a bar or a full-width bar also unspaced.
_SEPARATOR_RE = re.compile(
    r"\s+[-–—|/»›>·•:]{1,2}\s+|\s*[|｜]\s*|(?<=\S):\s+|\s+::\s+|(?<=[^\x00-\u2e7f])\s*[-–—]\s*"
)
# A name has at most this many words; more is a tagline or a headline.
NAME_WORDS = 5
# Domain endings removed when names are compared ("FAZ.NET" is "faz").
# A domain's ending: generic endings and any country's two letters, with the
# second level some countries use before theirs ("co.id", "com.my", "or.jp").
_DOMAIN_END_RE = re.compile(
    r"(?:\.(?:com|net|org|info|news|co|tv|gov|go|ac|or|web|ne|gob|edu|[a-z]{2})){1,3}$",
    re.IGNORECASE,
)
# Words of a company's legal form, never part of an outlet's name.
_LEGAL_FORM_RE = re.compile(LEGAL_ENDING)
_WORD_RE = re.compile(r"\w+")


def split_title(title: str) -> list[str]:
    """A title's parts between separators, tidied ("A | B - C" gives A, B, C)."""
    parts = (" ".join(p.split()).strip(" -–—|:·•") for p in _SEPARATOR_RE.split(title))
    return [p for p in parts if p]


def name_key(name: str) -> str:
    """A name as bare lower-case letters and digits, without "www." or a domain ending.

    "The Guardian", "theguardian.com" and "THE GUARDIAN" share a key, so a
    title's part can be recognised as the site's name in any spelling.
    """
    name = unicodedata.normalize("NFKD", name).strip().lower()
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = re.sub(r"^(?:https?://)?(?:www\d?\.)?", "", name).rstrip("/")
    name = _DOMAIN_END_RE.sub("", name)
    return "".join(c for c in name if c.isalnum())


def host_key(url: str | None) -> str:
    """The key of a URL's host without its subdomain ("www.theguardian.com" → "theguardian").

    The registered name is read with the Public Suffix List (``tld``), so
    "www.publico.pt" is "publico" and "news.bbc.co.uk" is "bbc" in any country.
    """
    if not url or "://" not in url:
        return ""
    try:
        parsed = get_tld(url, as_object=True, fail_silently=True)
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    if isinstance(parsed, Result) and parsed.domain:
        return "".join(c for c in parsed.domain.lower() if c.isalnum())
    labels = [label for label in name_key_labels(host) if label]
    return labels[-1] if labels else ""


def name_key_labels(host: str) -> list[str]:
    """The labels of a host with the domain ending removed ("news.bbc.co.uk" → news, bbc)."""
    host = _DOMAIN_END_RE.sub("", host.lower().removeprefix("www."))
    return ["".join(c for c in label if c.isalnum()) for label in host.split(".")]


def same_site(part: str, keys: set[str]) -> bool:
    """Whether a title's ``part`` names the site known by ``keys`` (name or host keys)."""
    key = name_key(part)
    if len(key) < 2:
        return False
    for known in keys:
        if not known:
            continue
        if key == known:
            return True
        shorter, longer = sorted((key, known), key=len)
        # "wien.ORF.at" and "ORF.at", "The Independent" and "independent":
        # one contains the other and is most of it, or is its host label.
        if len(shorter) >= 3 and shorter in longer and len(shorter) >= 0.5 * len(longer):
            return True
    return False


def site_name(title: str | None, *, url: str | None = None) -> str | None:
    """The site's name in a feed's or site's ``title``, without section or tagline.

    The part that spells the site's host wins ("World – The Indian Express" at
    indianexpress.com); a part that starts with the host's name is cut to it
    ("Japan Times latest articles" at japantimes.co.jp). Otherwise the first
    part short enough to be a name. None when ``title`` is empty.
    """
    if not title or not title.strip():
        return None
    title = " ".join(title.split())
    parts = split_title(title) or [title]
    host = host_key(url)
    if host:
        for part in parts:
            if same_site(part, {host}):
                return tidy_name(part)
        for part in parts:
            prefix = _prefix_spelling(part, host)
            if prefix:
                return tidy_name(prefix)
    if len(parts) == 1:
        return tidy_name(parts[0])
    named = [p for p in parts if len(p.split()) <= NAME_WORDS and not _is_phrase(p)]
    return tidy_name(named[0] if named else parts[0])


def tidy_name(name: str) -> str:
    """A site name for display: one line, without a company's legal form or a URL's scheme."""
    name = " ".join(name.split()).strip(" -–—|:·•@")
    name = re.sub(r"^https?://(?:www\.)?", "", name, flags=re.IGNORECASE).rstrip("/")
    return _LEGAL_FORM_RE.sub("", name).rstrip(" ,&") or name


def _prefix_spelling(part: str, host: str) -> str | None:
    """The first words of ``part`` when they spell ``host`` and lower-case words follow.

    "Japan Times latest articles" at japantimes.co.jp is "Japan Times"; "ABC13
    Houston" at abc13.com stays whole, as does "Harper's Magazine".
    """
    words = part.split()
    joined = ""
    for i, word in enumerate(words[:NAME_WORDS]):
        joined += name_key(word)
        rest = words[i + 1 :]
        if joined == host and rest and all(w[0].islower() for w in rest):
            return " ".join(words[: i + 1])
        if not host.startswith(joined):
            return None
    return None


def _is_phrase(part: str) -> bool:
    """A tagline or description rather than a name: commas, or mostly lower-case words."""
    if "," in part:
        return True
    words = _WORD_RE.findall(part)
    lower = sum(1 for w in words if w[0].islower() and len(w) > 3)
    return len(words) >= 3 and lower * 2 > len(words)


def spelled_spans(letters: str, lower: str) -> list[tuple[int, int]]:
    """Where ``lower`` spells ``letters`` with at most one space or tab between two of them.

    The spans in order, not overlapping: what ``re.finditer`` of that pattern
    finds, without compiling a pattern per site (a compile costs more than the
    whole search). A letter is never a space, so each step has one way to go.
    """
    heads = letters[:2], f"{letters[:1]} {letters[1:2]}", f"{letters[:1]}\t{letters[1:2]}"
    starts: set[int] = set()
    for head in heads if len(letters) > 1 else heads[:1]:
        at = lower.find(head)
        while at != -1:
            starts.add(at)
            at = lower.find(head, at + 1)
    found: list[tuple[int, int]] = []
    end, size = 0, len(lower)
    for at in sorted(starts):
        if at < end:
            continue
        i = at + 1
        for c in letters[1:]:
            if i + 1 < size and lower[i] in " \t" and lower[i + 1] == c:
                i += 2
            elif i < size and lower[i] == c:
                i += 1
            else:
                break
        else:
            found.append((at, i))
            end = i
    return found
