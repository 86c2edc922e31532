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

import itertools
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
from digest.ingest.sitename import tidy_name

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
# A page is wrapped at a width when this many rows reach to within WRAP_DENSE of it;
# a row within WRAP_SLACK of it broke there when the next word did not fit (to within
# WRAP_FIT: tools count the width with or without a margin).
WRAP_ROWS = 5
WRAP_DENSE = 8
WRAP_SLACK = 15
WRAP_FIT = 3
# A row of text has words: a rule (━━━━) or an address is no wrapped row.
WRAP_ROW_SPACES = 3
_WORD_RE = re.compile(r"\w+")
# Every ASCII character outside ``\w`` made a space: ASCII text splits into _WORD_RE's words.
_NON_WORD_BYTES = bytes(b for b in range(128) if not (chr(b).isalnum() or chr(b) == "_"))
_ASCII_GAPS = bytes.maketrans(_NON_WORD_BYTES, b" " * len(_NON_WORD_BYTES))
# White space that a line's words are not separated by; a line holding any is
# re-spaced (most lines hold none, and testing is much cheaper than re-spacing).
_ODD_SPACES = ("  ", "\t", "\u00a0", "\u2009", "\u202f", "\u3000", "\x0b", "\x0c")
_BLANK_LINE_RE = re.compile(r"\n(?:[^\S\n]*\n)+")
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
    width = _wrap_width(text) if wrapped else 0
    for block in _BLANK_LINE_RE.split(text):
        raw = block.split("\n")
        rows = [tidy(r) for r in raw]
        rows = [r for r in rows if r]
        if wrapped and _is_wrapped(rows):
            units.append(" ".join(rows))
            continue
        # The width each row took as the page printed it (its indent included).
        widths = [len(r.rstrip()) for r in raw if r and not r.isspace()] if width else []
        # The rows of the line being built, and its word count: joined once at its end,
        # so a long run of continued rows costs no more than its length.
        parts: list[str] = []
        words = 0
        for i, row in enumerate(rows):
            prev = parts[-1] if parts else ""
            if prev and (
                (
                    row[0].islower()
                    and not _opens_on_its_own(row)
                    and words >= CONTINUED_WORDS
                    and prev[-1] not in ":;"
                    and not _ends_sentence(prev)
                )
                or (
                    width
                    and prev.count(" ") >= WRAP_ROW_SPACES
                    and _broke_at_width(widths[i - 1], row, width)
                    and not _ends_sentence(prev)
                )
            ):
                parts.append(row)
                words += row.count(" ") + 1
            else:
                if parts:
                    units.append(" ".join(parts))
                parts, words = [row], row.count(" ") + 1
        if parts:
            units.append(" ".join(parts))
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


# Rows in lower case that start a line of their own: a byline ("by Kateryna Hodunova")
# and a site's dateline in its domain's spelling ("tirto.id - Dinas intelijen …").
_OWN_LINE_RE = re.compile(
    r"(?:by|oleh|von|por|par)\s+[^\W\d_a-z][^\s.!?]*(?:\s+[^\s.!?]+){0,3}$"
    r"|[a-z][a-z0-9-]{1,30}(?:\.[a-z]{2,6}){1,2}\s+[-–—]{1,2}\s"
)


# Rows that stand on their own under a wrapped headline: a byline ("By Jane Doe",
# "Oleh Ani"), and a short row with a figure, a date or a time ("Tuesday, 10 February 2026").
_OWN_ROW_RE = re.compile(
    r"(?:by|oleh|von|por|par|penulis|reporter)\b|(?=.*\d)(?:\S+\s+){0,6}\S+$", re.I
)


# A photo credit closing a row: the end of a caption wrapped over two rows
# ("… di Kuala Lumpur, Jumat (11/7/2025). (Foto: Kemlu RI)"), not a date line of its own.
_CREDIT_END_RE = re.compile(
    r"\((?:foto|photo|bild|gambar|image|ilustrasi|credit)\b[^()]{0,60}\)\s*$", re.I
)


def _opens_on_its_own(row: str) -> bool:
    return bool(_OWN_LINE_RE.match(row))


def _wrap_width(text: str) -> int:
    """The column a text browser wrapped the page at (``lynx -dump`` at 79, w3m at
    its window's width), or 0 when the page is not wrapped: the longest row width
    that WRAP_ROWS rows of several words reach to within WRAP_DENSE characters,
    once the few longer rows (an address, a table) are set aside. Only rows a
    sentence goes on from count (the next row opens in lower case, or the block
    closes a sentence, as a paragraph does): a list of headlines of like length
    is no wrapping."""
    least = WRAP_WIDTH[0]
    lengths: list[int] = []
    for block in _BLANK_LINE_RE.split(text):
        rows = [r.rstrip() for r in block.split("\n") if r.strip()]
        closed = bool(rows) and _ends_sentence(rows[-1])  # a paragraph's last row
        for row, after in itertools.pairwise(rows):
            if len(row) < least or row.count(" ") < WRAP_ROW_SPACES:
                continue
            if closed or after.lstrip()[:1].islower():
                lengths.append(len(row))
    lengths.sort(reverse=True)
    outliers = max(3, len(lengths) // 20)
    for i, top in enumerate(lengths[: outliers + 1]):
        near = i + WRAP_ROWS - 1
        if near < len(lengths) and lengths[near] >= top - WRAP_DENSE and top >= least:
            return top
    return 0


def _broke_at_width(prev_width: int, row: str, width: int) -> bool:
    """Whether the row before ``row`` ended only because ``row``'s first word would not
    fit in ``width`` (a headline or caption wrapped over two rows), not where its
    writer ended it (a menu item, a short line)."""
    if row[0] in _BULLETS or row[0] == "[":
        return False
    if _OWN_ROW_RE.match(row) and not _CREDIT_END_RE.search(row):
        return False
    first = row.split(" ", 1)[0]
    return prev_width >= width - WRAP_SLACK and prev_width + 1 + len(first) > width - WRAP_FIT


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
