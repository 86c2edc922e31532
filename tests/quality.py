"""Matching rules and a printed summary for the extraction quality tests.

Every figure a quality test measures is added to ``SUMMARY`` and printed at
the end of the pytest run (see ``pytest_terminal_summary`` in conftest), so
``pytest tests/test_text_quality.py`` shows the numbers without ``-s``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SUMMARY: list[str] = []

_WORD_RE = re.compile(r"\w+")
# Endings of a host that are not the site's name ("bbc.co.uk" → "bbc").
_HOST_TAIL_RE = re.compile(r"(?:\.(?:com|co|net|org|gov|ac|or|web|news|info|tv|[a-z]{2}))+$")
# A headline that one side holds must cover this share of the other's length.
HEADLINE_COVER = 0.8


def words(text: str | None) -> str:
    return " ".join(_WORD_RE.findall((text or "").casefold()))


def headline_matches(got: str, label: str) -> bool:
    """Same headline: equal case- and punctuation-blind, or one holds the other where
    the common part is at least 0.8 of the label and the answer at most twice it.

    Why: pages print a kicker before the headline or a site suffix after it on
    the same line ("Corona: …", "… | Site"), which does not mislead a reader, and
    a few labels carry a suffix the page does not print; a fragment (a kicker
    alone, half a title) or a paragraph that quotes the headline is not it.
    """
    g, w = words(got), words(label)
    if not g or not w:
        return False
    if g == w:
        return True
    if w in g:
        return len(g) <= 2 * len(w)
    return g in w and len(g) >= HEADLINE_COVER * len(w)


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _site_name(host_or_name: str) -> str:
    host = host_or_name.casefold().removeprefix("www.")
    return _key(_HOST_TAIL_RE.sub("", host)) if "." in host and " " not in host else _key(host)


def outlet_matches(got: str, label: str | None, url: str | None) -> bool:
    """Same outlet: the names equal letters-and-digits-only ("The" aside), or one
    name's words open the other's ("BBC" for "BBC News", "St. Lucia Times" for
    "St. Lucia Times News"), or the outlet given as a domain ("bbc.com",
    "KOMPAS.com") names the labelled page's domain or the labelled name.
    """
    if not got or not label:
        return False
    g = _key(got)
    bare = re.sub(r"^the\s+", "", label, flags=re.I)
    names = {_key(label), _key(bare), _site_name(label)}
    if g in names:
        return True
    a, b = words(re.sub(r"^the\s+", "", got, flags=re.I)).split(), words(bare).split()
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if shorter and longer[: len(shorter)] == shorter:
        return True
    site = _site_name(got)
    host = (urlsplit(url).hostname or "") if url else ""
    domains = {_key(part) for part in host.removeprefix("www.").split(".") if len(part) > 3}
    return bool(site) and (site in names or site in domains)
