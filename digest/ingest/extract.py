"""What a document says about itself: its main text, outlet, date and language.

trafilatura does the boilerplate removal for whole pages and reads the page's
own metadata (headline, site name, date) in the same pass. A feed entry's
content is a short fragment that is all content, and trafilatura often returns
nothing (or a sliver) for it, so fragments fall back to a plain conversion of
their block elements to lines with lxml. The clean stage then runs its own
line-level chrome rules on whichever text comes out.

The outlet and the date are resolved here too, from the feed, the page's
metadata, the text (a site usually names and dates itself only in its chrome,
so this reads the text before it is cleaned) and finally the file itself.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import use_config

from digest.ingest.language import detect_language as detect_language
from digest.ingest.pagedate import StatedDate
from digest.ingest.pagemeta import PageMeta, read_page_meta, tree_of
from digest.ingest.sitename import spelled_spans, tidy_name

# trafilatura logs an ERROR for every short feed fragment it finds no article
# in; that is expected here (fragments fall back to a plain conversion), so its
# loggers only speak when something is badly wrong.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

# trafilatura's default timeout uses SIGALRM, which fails outside the main
# thread; the pipeline may run the clean stage in a worker thread.
_CONFIG = use_config()
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")

# Elements whose end is a line break when a fragment is flattened to text.
_BLOCK_TAGS = frozenset(
    "p div li ul ol h1 h2 h3 h4 h5 h6 blockquote pre tr table section article header "
    "footer figure figcaption dd dt dl address aside main hr".split()
)
# Elements that never hold readable text.
_DROP_TAGS = ("head", "script", "style", "noscript", "template", "iframe", "svg", "form", "button")
# lxml refuses a str that still carries an encoding declaration.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# A fragment's extraction by trafilatura that keeps less than this share of the
# fragment's visible text is thrown away in favour of the plain conversion.
_FRAGMENT_MIN_SHARE = 0.5


@dataclass(frozen=True)
class Extracted:
    """Main text (one paragraph per line) and whatever metadata the page gave."""

    text: str
    title: str | None = None
    sitename: str | None = None
    date: str | None = None
    stated: StatedDate | None = None
    url: str | None = None
    after_headline: str | None = None


def extract_html(html: str | bytes, *, url: str | None = None, fragment: bool = False) -> Extracted:
    """Extract the main text of a page (or of a feed ``fragment``) and its metadata.

    A whole page is parsed once: its own metadata (headline, site name, stated
    date, canonical address) is read from the tree by ``ingest.pagemeta``, then
    trafilatura takes the main text (and htmldate's date) from the same tree.
    """
    tree = None if fragment or not html else tree_of(html)
    meta = PageMeta()
    if tree is not None:
        meta = read_page_meta(tree)
    doc = None
    if html and (isinstance(html, bytes) or html.strip()):
        try:
            doc = trafilatura.bare_extraction(
                tree if tree is not None else html,
                url=url or meta.url,
                include_comments=False,
                include_tables=True,
                with_metadata=True,
                config=_CONFIG,
            )
        except (ValueError, TypeError, etree.LxmlError):
            doc = None
    text = (getattr(doc, "text", None) or "").strip()
    if fragment or not text:
        plain = fragment_text(html)
        if len(text) < _FRAGMENT_MIN_SHARE * len(plain):
            text = plain
    if doc is None:
        return Extracted(text=text, title=meta.title, sitename=meta.sitename, url=meta.url)
    sitename = meta.sitename or _clean_meta(getattr(doc, "sitename", None))
    return Extracted(
        text=text,
        title=meta.title or _clean_meta(getattr(doc, "title", None)),
        sitename=tidy_name(sitename) if sitename else None,
        date=_clean_meta(getattr(doc, "date", None)),
        stated=meta.date,
        url=meta.url,
        after_headline=meta.after_headline,
    )


def fragment_text(html: str | bytes) -> str:
    """Flatten an HTML fragment to text with one line per block element."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    html = _XML_DECLARATION.sub("", html, count=1)
    if not html.strip():
        return ""
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    etree.strip_elements(root, *_DROP_TAGS, etree.Comment, with_tail=False)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif element.tag in _BLOCK_TAGS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _clean_meta(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


# --- Text as paragraph-sized lines ----------------------------------------------

# A line with at least this many words, or this many and a sentence end, is a
# real paragraph (the chrome rules leave those alone).
PARAGRAPH_WORDS = 20
SENTENCE_PARAGRAPH_WORDS = 8
# A line of this many characters counts as at least one word per this many.
CHARS_PER_WORD = 10
# A line must have this many words before a lower-case line can continue it.
CONTINUED_WORDS = 3
# A block is hard-wrapped when its lines (but the last) are this long, within
# this share of the longest, and at least this share stops mid-sentence.
WRAP_WIDTH = (40, 100)
WRAP_SHARE = 0.6
_WORD_RE = re.compile(r"\w+")
# Every ASCII character outside ``\w`` made a space: ASCII text splits into _WORD_RE's words.
_NON_WORD_BYTES = bytes(b for b in range(128) if not (chr(b).isalnum() or chr(b) == "_"))
_ASCII_GAPS = bytes.maketrans(_NON_WORD_BYTES, b" " * len(_NON_WORD_BYTES))
# White space that a line's words are not separated by; a line holding any is
# re-spaced (most lines hold none, and testing is much cheaper than re-spacing).
_ODD_SPACES = ("  ", "\t", "\u00a0", "\u2009", "\u202f", "\u3000", "\x0b", "\x0c")
_BLANK_LINE_RE = re.compile(r"\n[^\S\n]*\n\s*")
_BULLETS = "•·▪►»◦●■-*–"
_BULLET_RE = re.compile(rf"^(?:[{re.escape(_BULLETS)}]\s+)+")
_DECORATIONS = ("*", "#", "=", "~", "_")
_DECORATION_RE = re.compile(r"\s*[*#=~_]{3,}$")
_HEADING_MARK_RE = re.compile(r"^#{1,6}[ \t]+(?=\S)")
# A text browser's link number glued to the link's text (lynx: "[12]Kim").
_LINK_NUMBER_RE = re.compile(r"\[\d{1,4}\](?=[^\s\d\]])")
# The initials an Indonesian newsroom closes an article with: "(ant/ard)", "(rah)", "(*)".
INITIALS_TAIL_RE = re.compile(r"\s*\((?:[a-z]{2,6}(?:/[a-z]{2,6}){0,3}|\*{1,3})\)$")
# A line of this many words with link numbers is a paragraph, not a menu.
LINKED_PARAGRAPH_WORDS = 12


class Line:
    """One paragraph-sized unit of text with the features the rules use.

    Its words are only tokenised when a rule asks, since most rules stop at
    a long line's word count.
    """

    __slots__ = ("_words", "bulleted", "ends_sentence", "n", "text")

    def __init__(self, text: str, *, bulleted: bool = False) -> None:
        self.text = text
        # A list item in the source (its bullet is gone from ``text``).
        self.bulleted = bulleted
        # Scripts written without spaces (Chinese, Japanese, Thai) still get a
        # word count that grows with their length.
        self.n = max(text.count(" ") + 1, len(text) // CHARS_PER_WORD)
        self.ends_sentence = _ends_sentence(text)
        self._words: list[str] | None = None

    @property
    def words(self) -> list[str]:
        if self._words is None:
            lower = self.text.lower()
            if lower.isascii():  # the same words as the pattern's, in half the time
                self._words = lower.encode().translate(_ASCII_GAPS).decode().split()
            else:
                self._words = _WORD_RE.findall(lower)
        return self._words

    @property
    def is_paragraph(self) -> bool:
        return self.n >= PARAGRAPH_WORDS or (
            self.n >= SENTENCE_PARAGRAPH_WORDS and self.ends_sentence
        )


def split_lines(text: str, *, wrapped: bool = True) -> list[Line]:
    """Split text into paragraph-sized lines, re-joining hard-wrapped blocks.

    A plain-text file may wrap its paragraphs at a fixed width; a block whose
    lines are of similar length and mostly do not end a sentence is one
    paragraph. Elsewhere a line continues the previous one only when that one
    stops mid-sentence and this one starts in lower case.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    units: list[str] = []
    # Most pages hold no odd space at all: one test of the page spares one per row.
    tidy = _tidy if any(odd in text for odd in _ODD_SPACES) else str.strip
    for block in _BLANK_LINE_RE.split(text):
        rows = [tidy(r) for r in block.split("\n")]
        rows = [r for r in rows if r]
        if wrapped and _is_wrapped(rows):
            units.append(" ".join(rows))
            continue
        start = len(units)
        for row in rows:
            prev = units[-1] if len(units) > start else ""
            if (
                row[0].islower()
                and prev.count(" ") + 1 >= CONTINUED_WORDS
                and prev[-1] not in ":;"
                and not _ends_sentence(prev)
            ):
                units[-1] = f"{prev} {row}"
            else:
                units.append(row)
    lines = []
    for unit in units:
        bulleted = False
        if unit[0] in _BULLETS:
            stripped = _BULLET_RE.sub("", unit)
            bulleted = stripped != unit
            unit = stripped
        elif unit[0] == "#":  # a Markdown heading in a page saved as text
            unit = _HEADING_MARK_RE.sub("", unit)
        if "[" in unit:
            unit = _without_link_numbers(unit)
        if unit.endswith(_DECORATIONS):
            unit = _DECORATION_RE.sub("", unit)
        if unit:
            lines.append(Line(unit, bulleted=bulleted))
    return lines


def _without_link_numbers(unit: str) -> str:
    """A line without the numbers a text browser puts before each link ("[1]РИА
    Новости", "… said [17]Kim Jong Un …"), when it holds one link or is a paragraph;
    a short line of several is a menu ("[1]Beranda [2]News [3]Dunia") and keeps them,
    as its shape tells it apart."""
    found = _LINK_NUMBER_RE.findall(unit)
    if found and (len(found) == 1 or unit.count(" ") + 1 >= LINKED_PARAGRAPH_WORDS):
        return _LINK_NUMBER_RE.sub("", unit)
    return unit


def _tidy(row: str) -> str:
    return " ".join(row.split()) if any(odd in row for odd in _ODD_SPACES) else row.strip()


def _is_wrapped(rows: list[str]) -> bool:
    if len(rows) < 3 or any(_BULLET_RE.match(r) for r in rows):
        return False
    body = rows[:-1]
    longest = max(len(r) for r in body)
    if not WRAP_WIDTH[0] <= longest <= WRAP_WIDTH[1]:
        return False
    open_ended = sum(1 for r in body if not _ends_sentence(r))
    even = all(len(r) >= WRAP_SHARE * longest for r in body)
    return even and open_ended >= WRAP_SHARE * len(body)


def _ends_sentence(text: str) -> bool:
    if text.endswith(")"):
        text = INITIALS_TAIL_RE.sub("", text)  # "… di Seoul. (ant/ard)"
    return text.rstrip("\"”’')]").endswith((".", "!", "?", "…"))


# --- What a text says about its own site ----------------------------------------

# A site names itself in its header and footer: the slices of text searched.
HEAD_CHARS = 1500
TAIL_CHARS = 3000
# Domain suffixes that make a word a site name ("Tampang.com", "KOMPAS.com").
_DOMAIN = r"(?:\.(?i:co\.id|or\.id|web\.id|com|net|org|news|info|tv|id|co)\b)"
_NAME_TOKEN = rf"(?:[A-Z0-9][\w&'’-]*{_DOMAIN}?|[a-z0-9][\w-]*{_DOMAIN})"
_NAME = rf"(?P<name>{_NAME_TOKEN}(?:[ \t]+(?!(?i:all|hak|seluruh)\b){_NAME_TOKEN}){{0,3}})"
# A footer line opening with a copyright sign: "Copyright © Tampang.com",
# "© 2025 Example Media. All rights reserved." ("© 2019 by <author>" is not a site).
_COPYRIGHT_NAME_RE = re.compile(
    rf"^[ \t]*(?i:©|\(c\)|copyright|hak cipta)[ \t]*(?:©|\(c\))?[ \t]*"
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
