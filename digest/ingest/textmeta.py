"""What a plain-text page says about its own site and link.

A scraped page names its outlet only in its chrome: a masthead, a domain
written out (``KabarDunia.id``), a dateline prefix (``JAKARTA, WARTAKINI -``,
``LOS ANGELES (Reuters) -``), a byline naming the newsroom, a copyright line,
or a URL. Each is read by its shape. A file's name or folder is never an
outlet: when nothing says, the outlet is unknown (``""``).

Its date is read by :mod:`digest.ingest.textdate`; the names below are kept
here for the text reader, which asks this module for all it says of itself.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from digest.ingest.datelines import any_language_date as any_language_date
from digest.ingest.datelines import is_foreign_dateline as is_foreign_dateline
from digest.ingest.extract import Line
from digest.ingest.outletwords import LEGAL_FORMS
from digest.ingest.places import is_place
from digest.ingest.textdate import dateline_date as dateline_date
from digest.ingest.textdate import front_matter_date as front_matter_date
from digest.ingest.textdate import url_date as url_date

# Lines at the top and bottom of a page searched for a masthead or domain name.
MASTHEAD_LINES = 6
FOOTER_LINES = 40

_DOMAIN_SUFFIX = (
    r"(?:co\.id|or\.id|web\.id|ac\.id|go\.id|co\.uk|com\.au|com|net|org|news|info|tv|id|co|"
    r"de|fr|it|es|ru|kr|uk|in|io)"
)
# A line that is only a domain-like site name: "KabarDunia.id", "BERITAKITA.COM".
_DOMAIN_LINE_RE = re.compile(
    rf"^(?:www\.)?(?P<name>[A-Za-z0-9][A-Za-z0-9-]{{1,40}}\.{_DOMAIN_SUFFIX})$", re.I
)
# A dateline opening the first paragraph, with the outlet in it:
# "JAKARTA, WARTAKINI -", "LOS ANGELES (Reuters) -", "SUARANUSA.COM -", "Kabar Timur -",
# "tirto.id -".
_PLACE = r"[A-Z][A-Za-z'’.-]+(?:\s+[A-Z][A-Za-z'’.-]+){0,3}"
_DATELINE_SITE_RE = re.compile(
    rf"^(?:{_PLACE}\s*,\s*(?P<after>[A-Z][\w.]*(?:\s+[A-Z][\w.]*){{0,2}})"
    rf"|{_PLACE}\s*\((?P<paren>[A-Z][\w .&/-]{{1,30}})\)"
    rf"|(?P<alone>[A-Z][\w.]*(?:\s+[A-Z][\w.]*){{0,2}})"
    rf"|(?P<domain>[a-z][a-z0-9-]{{1,40}}\.{_DOMAIN_SUFFIX}))"
    # the dash spaced, or an em or en dash glued to both words ("MANADOPOST.ID—Presiden")
    r"(?:\s*[—–-]{1,2}\s+\S|[—–](?=[A-Z]))"
)
# A byline naming the newsroom: "Oleh Redaksi Suara Pagi", "By the Daily Planet staff".
_NEWSROOM_RE = re.compile(
    r"^(?:oleh|by|penulis|reporter)\s*:?\s+(?:tim\s+)?(?:redaksi|newsroom|editorial(?: team)?)"
    r"\s+(?P<name>[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3})\s*$",
    re.I,
)
_URL_RE = re.compile(r"https?://[^\s<>\"')\]]+", re.I)
# Hosts of links any page carries (sharing, embeds): never the page's own.
_FOREIGN_HOSTS = (
    "facebook.", "twitter.", "x.com", "t.co", "instagram.", "youtube.", "youtu.be",
    "linkedin.", "pinterest.", "whatsapp.", "wa.me", "t.me", "telegram.", "google.",
    "apple.com", "tiktok.", "reddit.", "flipboard.", "bit.ly", "goo.gl",
)  # fmt: skip


def outlet_in_text(lines: list[Line], text: str, *, start: int, head_index: int | None) -> str:
    """The outlet the page names, or ``""``.

    In order (after a copyright line or self-promotion, which
    :func:`digest.ingest.textsite.outlet_from_text` reads): a dateline naming the outlet,
    a byline naming the newsroom, a masthead or
    footer line that is a domain-like name.
    """
    if start < len(lines):
        found = _dateline_outlet(lines[start].text, text)
        if found:
            return found
    top = head_index if head_index is not None else start
    for line in lines[: max(top, 1) + MASTHEAD_LINES]:
        m = _NEWSROOM_RE.match(line.text)
        if m:
            return m["name"]
    edges = (
        lines[:MASTHEAD_LINES] + lines[max(0, top - MASTHEAD_LINES) : top] + lines[-FOOTER_LINES:]
    )
    for line in edges:
        if " " not in line.text:
            m = _DOMAIN_LINE_RE.match(line.text)
            if m:
                return m["name"]
    return ""


# A copyright notice: "© 2023 Boston Herald", "Copyright © Neue Zürcher Zeitung AG.",
# "© Copyright 2022 - St. Lucia Times." (the sign or word opens the line).
_COPYRIGHT_OPEN_RE = re.compile(
    r"^(?:[•·*-]\s*)?(?:all content\s+|derechos reservados\s+|prawa autorskie\s+|hak cipta\s+"
    r"(?:terpelihara\s+)?)?"
    r"(?:©|\(c\)|&copy;?|copyright\b)",
    re.I,
)
_COPYRIGHT_LEAD_RE = re.compile(
    r"^(?:\s|©|\(c\)|&copy;?|copyright(?:ed)?\b|all content\b|derechos reservados\b|"
    r"prawa autorskie\b|hak cipta\b|terpelihara\b|(?:19|20)\d\d\b|[-–,:·])+",
    re.I,
)
# Where a copyright holder's name ends: a sentence, a separator, a rights notice.
_HOLDER_END_RE = re.compile(
    r"(?<!\b[A-Z][a-z])(?<!\b[A-Z])\.(?:\s|$)|\s[|/•·]\s?|\s[-–—]\s|,\s|\s(?:(?:19|20)\d\d)\b|\s[\[(]|"
    # A registration or tax number after the name: "RIF J-00037398-1", "ABN 12 345 678 901".
    r"\s[A-Z]{2,5}\.?:?\s+[A-Z]?-?\d[\d\-/ ]{5,}|"
    r"\s(?i:all rights|todos los|alle rechte|tous droits|direitos|wszelkie|hak cipta|"
    r"proudly|powered|do not)\b"
)
# A company's legal form written before its name: "PT" (Perseroan Terbatas), "CV".
# A Latin American "C.A." (Compañía Anónima) or "S.A." stands there too ("© 2022 C.A. Últimas
# Noticias").
_LEGAL_FORM_RE = re.compile(r"^(?P<form>pt|cv|c\.a|s\.a)\.?\s+(?=[^\W\d_])", re.I)
# Legal and corporate endings of a holder's name, dropped ("Cayman Compass Ltd").
_LEGAL_RE = re.compile(
    rf"(?:[\s,&]+(?:{LEGAL_FORMS}|corp|corporation|company|foundation|sa|co|ab|as)\.?)+$",
    re.I,
)
# Words of a rights notice, never a name ("© RIPRODUZIONE RISERVATA").
_RIGHTS_WORDS = frozenset(
    "all rights reserved todos los derechos reservados alle rechte vorbehalten tous droits "
    "réservés riproduzione riservata direitos reservados wszelkie prawa zastrzeżone hak cipta "
    "dilindungi undang image photo foto bild".split()
)
# Footer lines searched for a copyright notice.
COPYRIGHT_LINES = 80


# A masthead's logo as text browsers print its alt text: "El Nuevo Herald Logo",
# "PCMag Nav Logo", "Logo de Noticias de El Salvador", "Vancouver Sun Homepage".
_NAME_WORDS = (
    r"[A-Z0-9][\w.&'’-]*(?:\s+(?:[A-Z0-9][\w.&'’-]*|de|del|la|el|do|da|di|of|the|and|&)){0,4}"
)
_LOGO_RE = re.compile(
    rf"^(?:(?P<before>{_NAME_WORDS}?)\s+(?:nav\s+|main\s+|site\s+)?(?:logo|homepage)\b"
    rf"|(?:logo|homepage)\s+(?:de|of|del|von|du)\s+(?P<after>{_NAME_WORDS}))",
    re.I,
)
# Lines at the top of a page searched for the logo.
LOGO_LINES = 60


def logo_outlet(lines: list[Line]) -> str | None:
    """The site's name as its logo's alt text gives it, near the top of the page."""
    for line in lines[:LOGO_LINES]:
        if line.n > 12 or ("ogo" not in line.text and "omepage" not in line.text):
            continue
        if line.bulleted:  # a list of the group's other sites, each with its logo
            continue
        m = _LOGO_RE.match(line.text)
        if m is None:
            continue
        name = (m["before"] or m["after"] or "").strip()
        words = name.split()
        # Doubled alt text ("Observer Observer Logo"): the name once.
        if len(words) % 2 == 0 and words[: len(words) // 2] == words[len(words) // 2 :]:
            name = " ".join(words[: len(words) // 2])
        if name and name[0].isupper():
            return name
    return None


def copyright_outlet(lines: list[Line], text: str) -> str | None:
    """The holder named by the page's copyright notice that the page names most often.

    A page may carry several notices (its own, a wire's, a photo agency's);
    its own name recurs in its masthead and menus, so the most frequent wins.
    """
    best: tuple[int, str] | None = None
    start = max(0, len(lines) - COPYRIGHT_LINES)
    for line in lines[start:]:
        if line.n > 40 or not _COPYRIGHT_OPEN_RE.match(line.text):
            continue
        name = holder_name(line.text)
        if not name:
            continue
        count = text.count(name) + (text.count(name.upper()) if not name.isupper() else 0)
        if best is None or count > best[0]:
            best = (count, name)
    return best[1] if best else None


def holder_name(notice: str) -> str | None:
    """The name in a copyright notice, without years, rights words and legal endings."""
    rest = _COPYRIGHT_LEAD_RE.sub("", notice.lstrip("•·*- ")).strip()
    if re.match(r"(?:by|par|von|oleh)\s", rest, re.I):
        return None  # "© 2019 by Jane Doe": an author, not a site
    # An Indonesian company's form before its name ("PT. Kompas Media"): its full stop
    # does not end the name, and the form stays, so the name reads as a company's.
    rest = _LEGAL_FORM_RE.sub(lambda m: m["form"].upper() + " ", rest)
    end = _HOLDER_END_RE.search(rest)
    name = (rest[: end.start()] if end else rest).strip(" .,-–|")
    name = _LEGAL_RE.sub("", name).strip(" .,-–&")
    words = name.split()
    if not words or len(words) > 5 or not (name[0].isupper() or name[0].isdigit()):
        return None
    if all(w.lower() in _RIGHTS_WORDS for w in words) or not any(c.isalpha() for c in name):
        return None
    return name


def _on_a_line_of_its_own(name: str, text: str) -> bool:
    """Whether ``text`` prints ``name`` (any case) as a line of its own (a masthead)."""
    lower, key = text.lower(), name.lower()
    at = lower.find(key)
    while at != -1:
        start = lower.rfind("\n", 0, at) + 1
        end = lower.find("\n", at)
        end = len(lower) if end == -1 else end
        if lower[start:end].strip(" \t•·*-") == key:
            return True
        at = lower.find(key, at + 1)
    return False


def _dateline_outlet(first: str, text: str) -> str | None:
    m = _DATELINE_SITE_RE.match(first)
    if m is None:
        return None
    if m["paren"]:
        name = m["paren"].strip()
        return None if any(c.isdigit() for c in name) else name
    if m["domain"]:  # "tirto.id - …": the site's domain in lower case, as it writes it
        return str(m["domain"])
    name = (m["after"] or m["alone"] or "").strip()
    if not name:
        return None
    if re.search(rf"\.{_DOMAIN_SUFFIX}$", name, re.I):
        return name
    if m["after"]:
        return name
    # A lone name before the dash is a place ("MOSCOW —") unless the page
    # spells it elsewhere too (its masthead or footer) or writes it in mixed
    # case over more than one word ("Kabar Timur -"); a city GeoNames knows is
    # a place however often the page prints it ("HAT YAI -" and its tag "Hat Yai").
    if is_place(name):
        return None
    words = name.split()
    mixed = len(words) >= 2 and not name.isupper()
    elsewhere = len(name) >= 4 and _on_a_line_of_its_own(name, text)
    return name if mixed or elsewhere else None


def without_legal_form(name: str | None) -> str | None:
    """``name`` without a company's legal ending ("Star Media Group Berhad" → "Star Media
    Group"), so that it reads as the company it is."""
    return (_LEGAL_RE.sub("", name).strip(" .,-–") or name) if name else name


def is_domain_name(text: str) -> bool:
    """Whether ``text`` is a domain-like site name ("KabarDunia.id", "katadata.co.id")."""
    return bool(_DOMAIN_LINE_RE.match(text.strip()))


def urls_in(text: str) -> list[str]:
    return [u.rstrip(".,;:") for u in _URL_RE.findall(text)]


def page_url(lines: list[Line], text: str) -> str | None:
    """The page's own address when the text names it on a line of its own near the top."""
    for line in lines[:MASTHEAD_LINES]:
        if " " not in line.text and _URL_RE.fullmatch(line.text):
            return line.text
    return None


def host_of(url: str | None) -> str:
    if not url:
        return ""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def site_host(text: str) -> str:
    """The host the page links to most (at least twice), sharing and embed hosts aside.

    A page's own links outnumber its embeds'; one stray address names nothing.
    """
    if "://" not in text:
        return ""
    hosts = Counter(
        h for h in map(host_of, urls_in(text)) if h and not any(f in h for f in _FOREIGN_HOSTS)
    )
    if not hosts:
        return ""
    host, count = hosts.most_common(1)[0]
    return host if count >= 2 else ""


def plausible_name(name: str | None) -> str | None:
    """``name`` unless it is only a rights notice's words ("RIPRODUZIONE RISERVATA")."""
    if not name:
        return None
    words = name.lower().split()
    return None if all(w in _RIGHTS_WORDS for w in words) else name


def slug_words(url: str | None) -> frozenset[str]:
    """The words of a URL's path ("/news/kim-visits-moscow-2025" → kim, visits, moscow)."""
    if not url:
        return frozenset()
    path = urlsplit(url).path if "://" in url else url
    return frozenset(w for w in re.findall(r"[^\W\d_]+", path.lower()) if len(w) > 1)
