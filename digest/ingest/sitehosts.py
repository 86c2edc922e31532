"""Hosts a page mentions, and whether a host spells a site's name.

A site's host almost always spells its name: ``bostonherald.com`` is "Boston
Herald", ``nytimes.com`` "The New York Times" (initials and a whole word),
``zeit.de`` "ZEIT ONLINE" (a word left out). The hosts a page mentions in
links, e-mail addresses and names written as domains ("Clarín.com") are
counted, sharing and platform hosts aside, so that the page's own, mentioned
most, confirms the name it prints.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache

_WORD_RE = re.compile(r"[^\W_]+")
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe"})
# Generic endings, and any country's two letters with the second level some
# countries put before them ("co.id", "com.my", "or.jp", "web.id").
_DOMAIN_SUFFIX = (
    r"(?:co\.id|or\.id|web\.id|ac\.id|go\.id|co\.uk|com\.au|com\.br|com\.ar|com\.pa|com\.uy|"
    r"com\.ve|com\.mx|com\.co|co\.jp|or\.jp|"
    # any other country's two letters, written in lower case as domains are
    r"(?:co|com|or|ac|go|web|net|org|gov|edu|ne)\.(?-i:[a-z]{2})(?![\w-])|"
    r"com|net|org|news|info|tv|id|co|de|at|ch|fr|it|es|"
    r"ru|kr|uk|in|io|pl|cl|pe|hn|cu|tn|se|nl|be|ie|jp|br|ar|mx|ve|uy|pa|bo|py|ec|gt|"
    r"(?-i:[a-z]{2}))"
)
# A name written as a domain in running text: "Clarín.com", "wien.ORF.at", "stern.de".
DOMAIN_TOKEN_RE = re.compile(
    rf"(?<![\w@./-])(?:[^\W_][\w-]*\.)*[^\W\d_][\w-]*\.{_DOMAIN_SUFFIX}(?![\w-])", re.I
)
_EMAIL_HOST_RE = re.compile(r"[\w.+-]@([\w-]+(?:\.[\w-]+)+)")
_URL_HOST_RE = re.compile(r"https?://([\w-]+(?:\.[\w-]+)+)", re.I)
# Hosts any page links to (sharing, embeds, platforms): never the page's own.
_FOREIGN = frozenset(
    "facebook twitter instagram youtube youtu linkedin pinterest whatsapp telegram google "
    "apple tiktok reddit flipboard bit goo wordpress wp gravatar doubleclick googleapis "
    "gstatic cloudflare amazonaws akamaized schema w3 mailchimp disqus spotify soundcloud "
    "vimeo outbrain taboola "
    # Badges a page shows beside its own logo ("[Google News logo]", "[App Store logo]").
    "googlenews googleplay appstore applenews".split()
)


def _foreign(host: str) -> bool:
    return any(label in _FOREIGN for label in host.split("."))


# Read-later and note apps whose exports name themselves as a page's "source:".
_SAVERS = frozenset(
    "pocket instapaper readwise reader omnivore matter raindrop wallabag obsidian "
    "markdownload evernote notion joplin webclipper clipper".split()
)


def is_platform(name: str) -> bool:
    """Whether ``name`` is a platform every page links to ("WhatsApp", "YouTube"), not a site."""
    return name.casefold().replace(" ", "") in _FOREIGN


def is_saver(name: str) -> bool:
    """Whether ``name`` is the app a page was saved with ("Pocket", "Instapaper",
    "Obsidian Web Clipper"), which its export writes as the source, not the site."""
    words = name.casefold().replace("-", " ").split()
    return bool(words) and all(w in _SAVERS or w == "web" for w in words)


def host_counts(text: str, url: str | None) -> tuple[Counter[str], tuple[str, ...]]:
    """The page's hosts by their name label ("news.bostonherald.com" → bostonherald), counted,
    and the names it writes as domains ("Clarín.com"), sharing and platform hosts aside.

    The page's own URL counts as three mentions.
    """
    hosts: Counter[str] = Counter()
    domains: list[str] = []
    if url:
        m = _URL_HOST_RE.search(url)
        if m:
            key = host_label(m.group(1))
            if key:
                hosts[key] += 3
    if "@" in text:
        for m in _EMAIL_HOST_RE.finditer(text):
            _count(hosts, m.group(1))
    if "://" in text:
        for m in _URL_HOST_RE.finditer(text):
            _count(hosts, m.group(1))
    for token in _domain_tokens(text):
        if _count(hosts, token):
            domains.append(token)
    return hosts, tuple(domains)


# A domain ending right after a dot, no space around it: where a domain token ends. The
# lookahead turns away a sentence's full stop before the long list of suffixes is tried.
_ENDING_RE = re.compile(rf"\.(?=\w){_DOMAIN_SUFFIX}(?![\w-])", re.I)
_TOKEN_CHARS = frozenset("._-")


def _domain_tokens(text: str) -> list[str]:
    """The names written as domains in ``text``, found from their endings.

    Searching for the ending (a dot, then a known suffix) and walking back
    over the name is many times faster than a pattern that may start anywhere.
    """
    found = []
    for m in _ENDING_RE.finditer(text):
        start = m.start()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in _TOKEN_CHARS):
            start -= 1
        if start > 0 and text[start - 1] in "@/":
            continue
        token = text[start : m.end()].lstrip("._-")
        if DOMAIN_TOKEN_RE.fullmatch(token):
            found.append(token)
    return found


def _count(hosts: Counter[str], host: str) -> bool:
    host = host.lower()
    if _foreign(host):
        return False
    key = host_label(host)
    if key:
        hosts[key] += 1
    return bool(key)


_HOST_END_RE = re.compile(rf"(?:\.{_DOMAIN_SUFFIX})+$", re.I)


def host_label(host: str) -> str:
    """The label of a host that names the site ("wien.orf.at" → orf, "www.zeit.de" → zeit)."""
    host = _HOST_END_RE.sub("", host.lower().rstrip("./"))
    labels = [_key(label) for label in host.split(".") if label and label != "www"]
    return labels[-1] if labels else ""


# Accented Latin letters folded to their base letter, one character for one,
# so that a match in the folded text is at the same place in the text.
_FOLD = str.maketrans(
    "àáâãäåāăąçćčďèéêëēėęěìíîïīįłñńňòóôõöøōőùúûüūůűųýÿžźżšśşťţŕřğ"
    "ÀÁÂÃÄÅĀĂĄÇĆČĎÈÉÊËĒĖĘĚÌÍÎÏĪĮŁÑŃŇÒÓÔÕÖØŌŐÙÚÛÜŪŮŰŲÝŸŽŹŻŠŚŞŤŢŔŘĞ",
    "aaaaaaaaacccdeeeeeeeeiiiiiilnnnoooooooouuuuuuuuyyzzzsssttrrg"
    "AAAAAAAAACCCDEEEEEEEEIIIIIILNNNOOOOOOOOUUUUUUUUYYZZZSSSTTRRG",
)
# Hosts whose spelling is looked for in the text, the most mentioned first.
SPELLED_HOSTS = 2


@lru_cache(maxsize=256)
def _spelling(host: str) -> re.Pattern[str]:
    gap = r"[ .'’&-]?"
    return re.compile(r"(?<![^\W_])" + gap.join(re.escape(c) for c in host) + r"(?![^\W_])", re.I)


def spelled_in(text: str, host: str) -> str | None:
    """How the page writes the name its host spells: "El Mostrador" for elmostrador,
    "BioBioChile" for biobiochile (the letters in order, spaces and marks between words
    allowed, accents ignored; in a short line or a title-case run of words).
    """
    if len(host) < 3 or not host.isalnum():
        return None
    pattern = _spelling(host)
    folded = text.translate(_FOLD)
    plain: str | None = None
    for m in pattern.finditer(folded):
        written = text[m.start() : m.end()]
        if not written[0].isupper() or "." in written:
            continue
        if " " in written or not written[1:].islower():
            return written  # spaced, camel-cased or in capitals: written as a name
        plain = plain or written
    return plain


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in folded if c.isalnum() and not unicodedata.combining(c))


def _word_keys(word: str) -> set[str]:
    lower = word.lower()
    return {k for k in (_key(lower), _key(lower.translate(_TRANSLIT))) if k}


def spells(name: str, host: str) -> float:
    """How well ``host`` (a host's name label) spells ``name``: 1.0 letter for letter,
    less when some words are initials or left out, 0.0 when it does not.
    """
    if len(host) < 2:
        return 0.0
    domain = DOMAIN_TOKEN_RE.fullmatch(name)
    if domain:
        return 1.0 if host_label(name) == host else 0.0
    words = [_word_keys(w) for w in _WORD_RE.findall(name)]
    words = [w for w in words if w]
    if not words:
        return 0.0
    # best[p] = the fewest penalties with which the words so far spell host[:p].
    best: dict[int, float] = {0: 0.0}
    for keys in words:
        step: dict[int, float] = {}
        for p, cost in best.items():
            for k in keys:
                if host.startswith(k, p):
                    _keep(step, p + len(k), cost)
                if host.startswith(k[0], p) and len(k) > 1:
                    _keep(step, p + 1, cost + 0.15)
            # A word the host leaves out: an article ("The"), else a word ("Online").
            _keep(step, p, cost + (0.1 if len(min(keys)) <= 3 else 0.5))
        best = step
    if len(host) not in best:
        return 0.0
    return max(0.0, 1.0 - best[len(host)])


def _keep(step: dict[int, float], at: int, cost: float) -> None:
    if cost < step.get(at, math.inf):
        step[at] = cost
