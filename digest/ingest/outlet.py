"""The outlet of a plain-text page, weighed from every place the page names it.

A saved page names its site in its chrome, and rarely once: a masthead line
at the top and again in the footer, photo credits (``(Matt Stone/Boston
Herald)``), a copyright notice, a logo's alt text, a dateline (``SEOUL, March
12 (Reuters) -``), a newsroom byline (``Redacción Los Andes``), an e-mail
address or link whose host spells the name (``@bostonherald.com``). Menus and
section names are short title-case lines too, so no single place decides.
Each name found in one of these places is a candidate, scored by features that
hold on any site:

- where it was found (a logo or dateline names the site; a short line alone
  may be a menu item);
- how often the page prints it (a site's name recurs in header, footer,
  credits and links; a section name recurs less, and an author's name follows
  "By");
- whether a host in the page spells it: its letters, with its words whole or
  as initials (``bostonherald`` is "Boston Herald", ``nytimes`` is "The New
  York Times", ``dw`` is "Deutsche Welle");
- its shape: one to five words, capitalised like a name, never written in
  lower case in the running text (a common word such as "News" is).

A file's or folder's name is never looked at. When no candidate scores
enough, the outlet is unknown (``""``).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from digest.ingest.extract import Line
from digest.ingest.outletplaces import (
    CREDIT_RE,
    GLUED_BY_RE,
    MARKS_RE,
    MENTION_RE,
    MENTIONS,
    NAME_CHARS,
    NAME_WORDS,
    NEWSROOM_RE,
    NOTICE_RE,
    NOTICE_SIGN_RE,
    RIGHTS_LINES,
    RIGHTS_RE,
    SELF_RE,
    dateline_name,
    domain_tokens_in,
    logo_name,
    name_shaped,
    rights_holder,
)
from digest.ingest.outletwords import brand_of, has_legal_form, is_company, is_control
from digest.ingest.places import is_place
from digest.ingest.sitehosts import (
    DOMAIN_TOKEN_RE,
    SPELLED_HOSTS,
    host_counts,
    host_label,
    is_platform,
    spelled_in,
    spells,
)
from digest.ingest.sitename import tidy_name

# Lines after the article's start searched for a dateline naming the outlet.
DATELINE_LINES = 4
# Lines between the headline and the article's start searched for it as well.
DATELINE_ABOVE = 3
# Candidates whose recurrence is counted (the best by their first evidence).
COUNTED = 40
# The lowest score an outlet needs; below it the page is taken to say nothing.
MIN_SCORE = 2.2

# The separators of a menu written on one line.
_MENU_SEP_RE = re.compile(r"\s[|•»·]\s")
_BY_RE = re.compile(r"\b(?:by|von|por|par|oleh)\s+$", re.I)
# A line that opens as a byline names its author ("By Ji Da-gyum", "Oleh Ani").
_BYLINE_RE = re.compile(r"(?:by|von|por|par|oleh)\s", re.I)
# A word shaped like a brand, not a dictionary word: "PhillyVoice", "TAG24", "ABC13".
_BRAND_RE = re.compile(r"[^\W\d_]\d|\d[^\W\d_]")


@dataclass
class Candidate:
    """A name the page may give for itself, with where it was found."""

    name: str
    kinds: set[str] = field(default_factory=set)
    first: int = 0
    hits: int = 0
    bare: int = 0
    items: int = 0
    first_bare: int = 1 << 30
    last_bare: int = -1
    score: float = 0.0
    places: int = 0
    host: float = 0.0
    features: dict[str, float] = field(default_factory=dict)


def find_outlet(
    lines: list[Line],
    text: str,
    *,
    start: int,
    end: int | None = None,
    head: int | None = None,
    url: str | None = None,
    named: tuple[tuple[str, str | None], ...] = (),
) -> str:
    """The outlet the page names, or ``""`` when no place names one clearly.

    The article runs from line ``start`` to ``end``, under its headline at
    line ``head``: what stands above the headline is the masthead, what
    follows the article the footer, and a short line within the article is
    one of its subheadings, not a name.

    ``named`` holds names other readers found, with their kind (``logo``,
    ``copyright``, ``slogan``, ``dateline``, ``newsroom``).
    """
    hosts, domains = host_counts(text, url)
    end = len(lines) if end is None or end <= start else end
    top = head if head is not None and head < start else start
    # A dateline on a line of its own between the headline and the first paragraph
    # ("SEOUL, June 19 (Yonhap) --") opens the article as much as one inside it.
    found = candidates(
        lines,
        text,
        start=start,
        end=end,
        named=named,
        hosts=hosts,
        domains=domains,
        above=max(0, start - max(top + 1, start - DATELINE_ABOVE)),
    )
    if not found:
        return ""
    best = rank(found, text, hosts, lines, top=top, end=end)
    if best is None or best.score < MIN_SCORE:
        return ""
    return spelled_out(best, found).name


def spelled_out(best: Candidate, found: dict[str, Candidate]) -> Candidate:
    """The full name a short name in capitals abbreviates, when the page gives it well.

    "NZZ" and "Neue Zürcher Zeitung" name one site; a reader knows it better by
    the whole name, so it wins when it scores enough on its own.
    """
    short = best.name
    if not (short.isupper() and short.isalpha() and 2 <= len(short) <= 5):
        return best
    for cand in found.values():
        words = cand.name.split()
        initials = "".join(w[0] for w in words).upper()
        if len(words) == len(short) and cand.score >= MIN_SCORE and initials == short:
            return cand
    return best


def candidates(
    lines: list[Line],
    text: str,
    *,
    start: int,
    end: int,
    named: tuple[tuple[str, str | None], ...] = (),
    hosts: Counter[str] | None = None,
    domains: tuple[str, ...] = (),
    above: int = 0,
) -> dict[str, Candidate]:
    """Every name the page may give for itself, with the places it was found.

    A dateline is looked for in the article's first lines and the ``above``
    lines before it.
    """
    found: dict[str, Candidate] = {}

    def add(name: str | None, kind: str, at: int, *, item: bool = False, hits: int = 1) -> None:
        if not name:
            return
        name = " ".join(name.split()).strip(" .,:;|-–—")
        if kind != "line":  # "Copyright 2020 Harper's Magazine", "Neue Zürcher Zeitung AG"
            name = tidy_name(NOTICE_RE.sub("", name))
        if GLUED_BY_RE.match(name) or is_platform(name):  # "WhatsApp", "Google News"
            return
        if kind == "line" and _BYLINE_RE.match(name):  # "By Ji Da-gyum": an author
            return
        if not name_shaped(name, lower_ok=kind == "logo"):
            return
        key = name.casefold()
        entry = found.get(key)
        if entry is None:
            entry = found[key] = Candidate(name, first=at)
        elif entry.name.isupper() and not name.isupper():
            entry.name = name  # "Wired" rather than "WIRED": the spelling a reader knows
        entry.kinds.add(kind)
        entry.hits += hits
        if kind == "line":
            if item:
                entry.items += 1
            else:
                entry.bare += 1
                entry.first_bare = min(entry.first_bare, at)
                entry.last_bare = max(entry.last_bare, at)

    chrome: list[str] = []
    for kind, name in named:
        add(name, kind, 0)
        if (
            name
            and kind in ("copyright", "slogan")
            and is_company(name, notice=has_legal_form(name, text))
        ):
            add(brand_of(name), "owner", 0)  # "Telegraph Media Group": "The Telegraph"
    logo = logo_name(lines)
    if logo:
        add(logo[1], "logo", logo[0])
    for i, line in enumerate(lines):
        raw = line.text
        if line.n <= NAME_WORDS + 1 and len(raw) <= NAME_CHARS + 4:
            bare = MARKS_RE.sub("", raw)
            m = NEWSROOM_RE.match(bare)
            if m:
                add(m["after"] or m["before"], "newsroom", i)
            elif not line.ends_sentence and not start <= i < end:
                add(bare, "line", i, item=line.bulleted or len(bare) < len(raw))
        if "(" in raw and ")" in raw:
            for m in CREDIT_RE.finditer(raw):
                add(m["tail"] or m["lead"], "credit", i)
        if line.n <= CHROME_WORDS and not start <= i < end:
            chrome.append(raw)
            m = SELF_RE.match(raw)
            if m:
                add(m["name"], "self", i)
            if domains and NOTICE_SIGN_RE.search(raw):  # "কপিরাইট © 2010-2021 ukbdnews.com"
                for token in domain_tokens_in(raw, domains):
                    add(token, "copyright", i)
    for raw in chrome:  # "Home | News | Economy": a name among a menu's items is a section
        parts = _MENU_SEP_RE.split(raw)
        if len(parts) >= 3:
            for part in parts:
                entry = found.get(part.strip().casefold())
                if entry is not None:
                    entry.items += 1
    mentions = Counter(m.group() for m in MENTION_RE.finditer("\n".join(chrome)))
    for name, count in mentions.items():
        if count >= MENTIONS and name.casefold() not in found:
            add(name, "mention", 0, hits=count)
    footer = range(max(end, len(lines) - RIGHTS_LINES), len(lines))
    if RIGHTS_RE.search("\n".join(lines[i].text for i in footer)):
        for i in footer:
            add(rights_holder(lines, i), "copyright", i)
    for token in domains:
        add(token, "domain", 0)
    for host, count in (hosts or Counter()).most_common(SPELLED_HOSTS):
        if count >= 2:  # a host mentioned once (an advert) confirms nothing
            add(spelled_in(text, host), "spelled", 0)
    for i in range(max(0, start - above), min(len(lines), start + DATELINE_LINES)):
        name = dateline_name(lines[i].text)
        if name:
            add(name, "dateline", i)
    return found


# A line of at most this many words is chrome (masthead, menu, credit, footer),
# where a site names itself; longer lines are the article and teasers.
CHROME_WORDS = 15

FEATURES = (
    "logo", "dateline", "newsroom", "slogan", "copyright", "credit", "domain", "line", "named",
    "mention", "owner", "self",
    "spelled", "kinds", "brand", "bare", "items", "chrome", "prose", "lower", "host", "top",
    "bottom", "words1", "upper", "by", "control", "company", "story", "repeat", "place",
)  # fmt: skip
WEIGHTS = dict.fromkeys(FEATURES, 0.0) | {
    "logo": 3.5, "dateline": 2.5, "newsroom": 1.5, "slogan": 2.0, "copyright": 1.2,
    "credit": 0.5, "domain": 0.5, "line": 0.3, "named": 2.0, "spelled": 0.5, "kinds": 0.3,
    "bare": 0.5, "items": -0.7, "chrome": 1.0, "prose": 0.2, "lower": -0.7, "host": 2.0,
    "top": 1.0, "bottom": 0.5, "words1": -0.8, "brand": 0.8, "by": -2.0, "control": -4.0,
    "company": -3.0, "story": -1.0, "repeat": -1.5, "mention": 0.3,
    "owner": 1.2, "place": -4.0, "self": 1.0,
}  # fmt: skip


def features(cand: Candidate, page: _Page, hosts: Counter[str]) -> dict[str, float]:
    """What the page says for ``cand``, as numbers (see FEATURES)."""
    name = cand.name
    f = dict.fromkeys(cand.kinds, 1.0)
    f["kinds"] = len(cand.kinds) - 1
    upper = name.upper()
    chrome = page.chrome.count(name) + (page.chrome.count(upper) if upper != name else 0)
    prose = page.prose.count(name) + (page.prose.count(upper) if upper != name else 0)
    f["bare"] = math.log2(1 + cand.bare)
    f["items"] = math.log2(1 + cand.items)
    notice = 1 if cand.kinds == {"owner"} else 0  # the copyright notice it was read from
    f["chrome"] = math.log2(1 + max(0, chrome - cand.bare - cand.items - notice))
    f["prose"] = math.log2(1 + prose)
    cand.places = chrome + prose
    lowered = name.lower()
    if lowered != name:
        # Written all in lower case ("news", "el país"): a common word or phrase.
        f["lower"] = min(3.0, page.text.count(lowered))
    agree = 0.0
    if hosts:
        most = hosts.most_common(1)[0][1]
        if DOMAIN_TOKEN_RE.fullmatch(name):
            # A name written as a domain agrees with the hosts only beyond itself.
            count = hosts.get(host_label(name), 0) - cand.places
            agree = math.log2(1 + count) if count > 0 else 0.0
        else:
            for h, c in hosts.most_common(5):
                agree = max(agree, spells(name, h) * math.log2(c) * c / most)
    f["host"] = cand.host = agree
    f["top"] = 1.0 if cand.first_bare < page.top else 0.0
    f["bottom"] = 1.0 if cand.last_bare >= page.end else 0.0

    f["upper"] = 1.0 if name.isupper() else 0.0
    f["brand"] = 1.0 if _brand(name) else 0.0
    f["words1"] = 1.0 if " " not in name and "." not in name and not f["brand"] else 0.0
    organisation = cand.kinds & {"copyright", "domain", "logo", "spelled"}
    f["by"] = 1.0 if not organisation and _after_by(name, page.text) else 0.0
    f["control"] = 1.0 if is_control(name) else 0.0
    incorporated = bool(cand.kinds & {"copyright", "slogan"}) and has_legal_form(name, page.text)
    f["company"] = 1.0 if is_company(name, notice=incorporated) and not agree else 0.0
    # Persons and places the article is about: named in its headline and body.
    if not cand.kinds & {"dateline", "named", "newsroom"}:  # which the story's opening prints
        f["story"] = math.log2(1 + page.story.count(name))
    f["repeat"] = 1.0 if cand.bare >= REPEATED else 0.0
    # A city or country the menus and datelines repeat ("Köln", "St. Paul"), unless
    # something only the site owns vouches for it (its notice, domain or logo).
    if not organisation and not agree and not cand.kinds & {"named", "newsroom", "owner"}:
        f["place"] = 1.0 if is_place(name) else 0.0
    return f


def _brand(name: str) -> bool:
    """A name shaped like a brand: one capital inside a word, or letters and digits mixed
    ("PhillyVoice", "TAG24"); several capitals inside a word are menu items glued together.
    """
    inner = sum(1 for a, b in itertools.pairwise(name) if a.islower() and b.isupper())
    return inner == 1 or (inner == 0 and bool(_BRAND_RE.search(name)))


# A credit or aside in parentheses: "(Foto Prensa Libre: …)" credits the site, not the story.
_PARENS_RE = re.compile(r"\([^()\n]*\)")
# A line printed this often is a control under each comment or teaser, not a masthead.
REPEATED = 8


@dataclass
class _Page:
    text: str
    story: str
    chrome: str
    prose: str
    top: int
    end: int


def rank(
    found: dict[str, Candidate],
    text: str,
    hosts: Counter[str],
    lines: list[Line],
    *,
    top: int,
    end: int,
) -> Candidate | None:
    """The best candidate by the weighted sum of its features."""
    page = _Page(
        text=text,
        story=_PARENS_RE.sub("", _story(lines, top, end)),
        chrome="\n".join(line.text for line in lines if _chrome(line)),
        prose="\n".join(line.text for line in lines if not _chrome(line)),
        top=top,
        end=end,
    )
    pool = sorted(found.values(), key=_prior, reverse=True)[:COUNTED]
    best: Candidate | None = None
    for cand in pool:
        cand.features = features(cand, page, hosts)
        cand.score = sum(WEIGHTS[k] * v for k, v in cand.features.items())
        if best is None or cand.score > best.score:
            best = cand
    return best


# A rights notice opening a line: "Copyright © St.Galler Tagblatt. Alle Rechte vorbehalten. …".
_NOTICE_OPEN_RE = re.compile(r"(?:©|\(c\)|copyright\b)", re.I)


def _chrome(line: Line) -> bool:
    """A short line, or a rights notice however long: the site's chrome, not its prose."""
    return line.n <= CHROME_WORDS or bool(_NOTICE_OPEN_RE.match(line.text))


# A dateline or credit opening a paragraph ("Jakarta, CNN Indonesia -- …", "TEMPO.CO, Jakarta -"):
# the site's name, not the story's.
_LEAD_RE = re.compile(r"^(?:[^.!?]|\.(?=\w)){0,60}?(?:\s(?:-{1,2}|–|—)\s|[—–](?=[A-Z]))")
# The farthest a lead-in's dash can stand (the pattern's first 64 characters hold it).
_LEAD_CHARS = 64


def _story(lines: list[Line], top: int, end: int) -> str:
    """The headline and the article's sentences: what the story names, without its
    bylines, datelines and credits (short lines, and a paragraph's lead-in)."""
    body = (line.text for line in lines[top + 1 : end] if line.n > CHROME_WORDS)
    return "\n".join(
        [lines[top].text if top < len(lines) else "", *(_without_lead(b) for b in body)]
    )


def _without_lead(paragraph: str) -> str:
    """``paragraph`` without its lead-in; most have no dash near the start, and skip the pattern."""
    head = paragraph[:_LEAD_CHARS]
    if "-" not in head and "–" not in head and "—" not in head:
        return paragraph
    return _LEAD_RE.sub("", paragraph, count=1)


def _prior(cand: Candidate) -> float:
    return max(WEIGHTS[k] for k in cand.kinds) + 0.1 * len(cand.kinds) + 0.3 * cand.hits


def _after_by(name: str, text: str) -> bool:
    """Whether the page prints ``name`` after "By" (an author's name, not a site's)."""
    at = text.find(name)
    while at != -1:
        if _BY_RE.search(text[max(0, at - 6) : at]):
            return True
        at = text.find(name, at + 1)
    return False
