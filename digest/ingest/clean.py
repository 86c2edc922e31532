"""The clean stage: one SourceItem in, one Article (main text and metadata) out.

Scraped articles arrive with their site around them: menus, channel promos,
share lines and comment forms, copyright lines, related-post teasers, image
credits, bylines, slogans, the headline repeated. Sites differ in wording but
not in shape, so each rule looks at the shape of a line (how long it is,
whether it ends like a sentence, whether its words are mostly call-to-action
or channel words, whether it is the title again, where it stands relative to
the real paragraphs) and the word lists below only feed those features.

Metadata (outlet, date, headline) is read before anything is stripped, since a
site usually names and dates itself only in its chrome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from digest.ingest.cuts import cut_tail, drop_menus_and_footer
from digest.ingest.dates import strip_dates
from digest.ingest.extract import (
    SENTENCE_PARAGRAPH_WORDS,
    Extracted,
    Line,
    detect_language,
    extract_html,
    split_lines,
)
from digest.ingest.itemfacts import outlet_for, publication_date
from digest.ingest.templates import NO_TEMPLATES, TemplateLookup
from digest.ingest.textheads import caption_shape
from digest.ingest.textread import opening_lines, read_text
from digest.ingest.textsite import site_key
from digest.ingest.vocabulary import (
    BYLINE_WORDS,
    CHANNEL_WORDS,
    COMMENT_FORM,
    COPYRIGHT,
    CTA_WORDS,
    CUE_WORDS,
    FEED_FOOTER,
    IMAGE_WORDS,
    NAV_WORDS,
    READ_ALSO,
    SLOGAN_WORDS,
)
from digest.models import Article, SourceItem

_READ_ALSO_RE = re.compile(rf"^(?:{READ_ALSO})(?!\w)", re.IGNORECASE)
# The first words the pattern's phrases can open with (a superset): most lines open
# with none of them, and a set lookup spares the pattern's many alternatives.
_READ_ALSO_FIRST = frozenset(
    m.group().lower()
    for piece in re.sub(r"[()?]", " ", READ_ALSO).split("|")
    if (m := re.search(r"\w+", piece))
)
_FEED_FOOTER_RE = re.compile(FEED_FOOTER, re.IGNORECASE)
_COMMENT_RE = re.compile(COMMENT_FORM, re.IGNORECASE)
_COPYRIGHT_RE = re.compile(COPYRIGHT, re.IGNORECASE)
# A line holds one of these words before the two patterns above are tried.
_COMMENT_HINTS = frozenset(
    "reply comment comments email balasan komentar tanggapan dipublikasikan ruas kolom "
    "required logged closed".split()
)
_COPYRIGHT_HINTS = frozenset("c copyright rights hak dilindungi powered theme".split())
_WORD_RE = re.compile(r"\w+")
_DIGIT_RE = re.compile(r"\d")
_SLUG_RE = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+){2,}\b")
_URL_RE = re.compile(
    r"^(?:(?:https?://|www\.)\S+|[\w.-]+\.(?:com|net|org|co\.id|id|news|info|tv)(?:/\S*)?)$",
    re.IGNORECASE,
)
# Labels of a page's filing metadata: "Category: …", "Tags: …", "Topik: …".
_META_LABEL_RE = re.compile(
    r"^(?:categor(?:y|ies)|kategori|tags?|topik|topics?|filed under|rubrik|label)\s*:",
    re.IGNORECASE,
)
_MENU_SEPARATORS = "|»›>•·/"
_MENU_SEPARATORS_RE = re.compile(r"\s[|»›>•·/]\s|\s[|»›]|[|»›]\s")
_INITIALS_RE = re.compile(r"^\(?[a-z]{2,5}(?:/[a-z]{2,5})+\)?$", re.IGNORECASE)
_SENTENCE_OPENER_RE = re.compile(r"(?:^|[.!?]\s+)(\w+)")
# A caption: a line closed by a photo credit, "(Foto: Antara/…)" or "By AGENCY NAME".
_CAPTION_RE = re.compile(
    r"(?:\([^()]*\b(?i:foto|photo|image|gambar|credit|kredit|ilustrasi|getty|dok)\b[^()]*\)"
    r"|\b(?i:by|oleh|foto|photo)\s*:?\s+[A-Z][A-Z .,&'/-]{5,})\.?$"
)
_PHRASE_HINTS = frozenset(("sign", "signing", "log", "login", "daftar"))
_PHRASE_CTA_RE = re.compile(r"\b(?:sign(?:ing)? (?:up|in)|log ?in|daftar sekarang)\b", re.I)
# "KLIKWARTAKU — ", "JAKARTA, KOMPAS.com - " before a first paragraph; it goes
# when it names the outlet (a place dateline such as "KOBE –" is content).
_DATELINE_PREFIX_RE = re.compile(
    r"^[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}(?:\s*,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})?"
    r"(?:\s*\([^)]{1,40}\))?\s*[—–-]{1,2}\s+(?=\S)"
)
# A paragraph's dateline lead-in, up to its dash: "Seoul (ANTARA) - ", "TEMPO.CO, Jakarta - ".
_LEAD_IN_RE = re.compile(r"^[^.!?\n]{0,60}?\s?[—–-]{1,2}\s+")
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?…])\s+(?=[\"“A-Z0-9])")

# Short lines: candidates for credits, bylines, menus and footers.
SHORT_WORDS = 12
# How far down a headline is looked for, and how long a headline may be.
HEADLINE_SEARCH_LINES = 12
HEADLINE_WORDS = (3, 30)
# A page title shorter than this and than HEADLINE_WORDS[0] words says too little.
VAGUE_CHARS = 15
# A site name shorter than this (e.g. "AP") is too common to strip as a slogan.
MIN_SITE_KEY = 4
# Lines this long are never classified by promo vocabulary; a call to action
# longer than CTA_LINE_WORDS needs a channel and the reader addressed.
PROMO_MAX_WORDS = 40
CTA_LINE_WORDS = 25
# A byline ("By Jane Doe") or a line of only promo words is at most this long.
BYLINE_MAX_WORDS = 6
# A site's closing slogan sentence fits in this many characters.
SLOGAN_TAIL_CHARS = 300
# A line that is a date plus at most this many words is a dateline.
DATELINE_REST_WORDS = 3
# Comment-form lines ("Your email address will not be published …") and
# copyright lines are short; so are "Baca juga: …" and "Tags: …" lines.
COMMENT_WORDS = 20
COPYRIGHT_WORDS = 25
LABELLED_WORDS = 30


@dataclass(frozen=True)
class Cleaned:
    """The clean stage's full answer: the article, every dropped line and why, and the site.

    ``site`` and ``template_keys`` are what the main process counts as the
    site's template lines once the item is stored (empty for HTML and feeds).
    """

    article: Article
    dropped: tuple[tuple[str, str], ...] = ()
    site: str = ""
    template_keys: tuple[int, ...] = ()


def clean(item: SourceItem, *, now: datetime, tz: ZoneInfo) -> Article:
    """Strip site chrome from ``item`` and read its headline, outlet, date and language."""
    return clean_page(item, now=now, tz=tz).article


def clean_page(
    item: SourceItem, *, now: datetime, tz: ZoneInfo, templates: TemplateLookup = NO_TEMPLATES
) -> Cleaned:
    """:func:`clean`, with the lines it dropped and the rule that dropped each."""
    if not item.is_html:
        return _clean_text(item, now=now, tz=tz, templates=templates)
    page = extract_html(item.body, url=item.url, fragment=item.kind == "feed")
    lines = split_lines(page.text, wrapped=False)
    outlet = outlet_for(item, page)
    reasons = [_line_chrome(line) for line in lines]
    title, head_index = _headline(item, page, lines, reasons)
    published, published_from = publication_date(item, page, now=now, tz=tz)
    why = strip_chrome(lines, reasons, title=title, outlet=outlet, start=head_index)
    paragraphs = _kept(lines, why, outlet)
    text = "\n\n".join(paragraphs)
    if not title:
        title = _first_sentence(paragraphs[0]) if paragraphs else outlet
    article = Article(
        source=item.source,
        kind=item.kind,
        title=" ".join(title.split()),
        outlet=outlet,
        published=published,
        date_is_fallback=published_from == "file-time",
        text=text,
        language=detect_language(text or title),
        fingerprint=item.fingerprint,
        url=item.url or page.url,
        path=item.path,
        feed=item.feed,
        guid=item.guid,
        published_from=published_from,
    )
    return Cleaned(article, _dropped(lines, why))


def _clean_text(
    item: SourceItem, *, now: datetime, tz: ZoneInfo, templates: TemplateLookup
) -> Cleaned:
    """The plain-text path: the page read by :func:`digest.ingest.textread.read_text`."""
    page = read_text(item, _line_chrome, now=now, tz=tz, templates=templates)
    lines, title = page.lines, page.title
    start, end = page.body
    reasons = list(page.reasons)
    opening = opening_lines(page)
    for i in range(len(lines)):
        outside = (i < start and i not in opening) or i >= end
        if reasons[i] is None and outside and i != page.head_index:
            reasons[i] = "outside the article"
    first = min([start, *opening])
    if first + 1 < end and reasons[first] is None and caption_shape(lines[first].text):
        reasons[first] = "caption"  # the photo's caption, above the article's first paragraph
    why = strip_chrome(lines, reasons, title=title, outlet=page.outlet, start=page.head_index)
    paragraphs = _kept(lines, why, page.outlet)
    if not title:
        title = _first_sentence(paragraphs[0]) if paragraphs else ""
    fallback = page.published_from == "file-time"
    article = Article(
        source=item.source,
        kind=item.kind,
        title=" ".join(title.split()),
        outlet=page.outlet,
        published=page.published,
        date_is_fallback=fallback,
        text="\n\n".join(paragraphs),
        language=page.language,
        fingerprint=item.fingerprint,
        url=page.url,
        path=item.path,
        feed=item.feed,
        guid=item.guid,
        published_from=page.published_from,
    )
    return Cleaned(article, _dropped(lines, why), page.site, page.template_keys)


def _dropped(lines: list[Line], why: list[str | None]) -> tuple[tuple[str, str], ...]:
    return tuple((line.text, reason) for line, reason in zip(lines, why, strict=True) if reason)


def _headline(
    item: SourceItem, page: Extracted, lines: list[Line], reasons: list[str | None]
) -> tuple[str, int | None]:
    """The article's headline, and the index of its line in the text (if it is there).

    A feed's title wins, then the page's own; the text's headline line is
    preferred to a page title it matches, which often carries a site suffix.
    The headline's line is returned only when it is the chosen headline, since
    everything above it is then header chrome.
    """
    index = _headline_index(lines, reasons)
    in_text = lines[index].text if index is not None else ""
    title = item.title or page.title or in_text
    vague = page.title and len(page.title) < VAGUE_CHARS and Line(page.title).n < HEADLINE_WORDS[0]
    # A page's own title is read from its markup without the site's name.
    prefer_text = vague or (not item.is_html and _similar(in_text, page.title or ""))
    if page.title and not item.title and in_text and prefer_text:
        title = in_text
    if index is not None and not _similar(in_text, title):
        index = None
    return title, index


def _headline_index(lines: list[Line], reasons: list[str | None]) -> int | None:
    """Index of the first title-like line near the top, or None.

    Image credits, datelines, bylines and other chrome above it are skipped; a
    real paragraph before any title-like line means the text has no headline.
    """
    for i, line in enumerate(lines[:HEADLINE_SEARCH_LINES]):
        if line.is_paragraph and (line.n > HEADLINE_WORDS[1] or line.text.endswith(".")):
            return None
        if line.n < HEADLINE_WORDS[0] or reasons[i] is not None:
            continue
        if line.n <= HEADLINE_WORDS[1] and not line.text.endswith((".", ",", ":", ";")):
            return i
    return None


def _line_chrome(line: Line) -> str | None:
    """Why ``line`` is chrome on any site (a short reason), or None when it may be content."""
    text, n = line.text, line.n
    if n > PROMO_MAX_WORDS:
        return None
    words = line.words
    if not words or _URL_RE.match(text):
        return "junk"
    if n <= COMMENT_WORDS and not _COMMENT_HINTS.isdisjoint(words) and _COMMENT_RE.search(text):
        return "comment"
    copyright_hint = "©" in text or not _COPYRIGHT_HINTS.isdisjoint(words)
    if n <= COPYRIGHT_WORDS and copyright_hint and _COPYRIGHT_RE.search(text):
        return "copyright"
    if n <= LABELLED_WORDS and words[0] in _READ_ALSO_FIRST and _READ_ALSO_RE.match(text):
        return "related"
    if _FEED_FOOTER_RE.match(text):
        return "related"
    if n <= LABELLED_WORDS and _META_LABEL_RE.match(text):
        return "nav"
    if _is_promo(line):
        return "promo"
    if (text.endswith((")", ").")) or text[-1].isupper()) and _CAPTION_RE.search(text):
        return "credit"
    if n <= SHORT_WORDS and _DIGIT_RE.search(text):
        rest = strip_dates(text)
        if rest != text and len(_WORD_RE.findall(rest)) <= DATELINE_REST_WORDS:
            return "date"
    if n > SHORT_WORDS or (line.ends_sentence and n > 3):
        return None
    if any(w in IMAGE_WORDS for w in words[:3]) or text.startswith(("(Foto", "(Photo", "(Credit")):
        return "credit"
    if (n <= BYLINE_MAX_WORDS and words[0] in BYLINE_WORDS) or _INITIALS_RE.match(text):
        return "byline"
    if "-" in text and _is_slug(text):
        return "slug"
    if all(w in NAV_WORDS or w in CHANNEL_WORDS for w in words):
        return "nav"
    if any(c in text for c in _MENU_SEPARATORS) and len(_MENU_SEPARATORS_RE.findall(text)) >= 2:
        return "nav"
    return None


def _is_slug(text: str) -> bool:
    """A file or URL slug ("banner-free-jersey-2025") making up most of the line."""
    found = _SLUG_RE.search(text)
    return found is not None and len(found.group()) * 2 >= len(text)


def _is_title_again(line: Line, title_key: str, title_n: int) -> bool:
    return abs(line.n - title_n) <= 1 and _key(line.text) == title_key


def _is_promo(line: Line) -> bool:
    """A call to action: CTA and channel words, addressed to the reader when long."""
    words = line.words
    phrases = 0 if _PHRASE_HINTS.isdisjoint(words) else len(_PHRASE_CTA_RE.findall(line.text))
    if not phrases and CTA_WORDS.isdisjoint(words) and CHANNEL_WORDS.isdisjoint(words):
        return False
    cta = sum(map(CTA_WORDS.__contains__, words)) + phrases
    channel = sum(map(CHANNEL_WORDS.__contains__, words))
    if not cta and channel < 2 and not (channel and line.n <= 3):
        return False
    cue = sum(map(CUE_WORDS.__contains__, words))
    n = line.n
    short = n <= SHORT_WORDS and not (line.ends_sentence and n >= SENTENCE_PARAGRAPH_WORDS)
    if channel and (cta or channel >= 2) and (short or cue):
        return True
    if cta and channel and n <= CTA_LINE_WORDS and _imperative(line.text):
        return True
    if cta and cue and n <= CTA_LINE_WORDS and (cta >= 2 or _imperative(line.text)):
        return True
    return n <= BYLINE_MAX_WORDS and not line.ends_sentence and (cta + channel) * 2 >= n


def _imperative(text: str) -> bool:
    """Whether a sentence of ``text`` opens with a call-to-action verb ("Submit a …")."""
    return any(w.lower() in CTA_WORDS for w in _SENTENCE_OPENER_RE.findall(text))


def strip_chrome(
    lines: list[Line], reasons: list[str | None], *, title: str, outlet: str, start: int | None
) -> list[str | None]:
    """Why each line is dropped (None for the article's lines), in order.

    Lines before ``start`` (the headline) go, then every line with a reason,
    the headline repeated and exact repeats, everything from a comment form or
    a closing related-posts heading on, menus (runs of very short lines), the
    footer after the last real paragraph. :func:`_kept` then removes an
    opening "SITENAME —" and a closing sentence in which the site advertises
    itself.
    """
    title_key, title_n = _key(title), len(title.split())
    reasons = [
        reason or ("title" if _is_title_again(line, title_key, title_n) else None)
        for reason, line in zip(reasons, lines, strict=True)
    ]
    first = start + 1 if start is not None else 0
    why: list[str | None] = [
        "headline" if i == start else reasons[i] or "before the headline" for i in range(first)
    ]
    why += [None] * (len(lines) - first)
    real = [line.is_paragraph and reasons[i] is None for i, line in enumerate(lines)]
    cut_tail(lines, reasons, real, why)
    seen: set[str] = set()
    for i, line in enumerate(lines):
        folded = line.text.casefold()
        if why[i] is None:
            if reasons[i] is not None:
                why[i] = reasons[i]
            elif folded in seen:
                why[i] = "repeat"
        seen.add(folded)
    key = site_key(outlet)
    site = _site_pattern(key) if len(key) >= MIN_SITE_KEY else None
    drop_menus_and_footer(lines, real, why, site)
    return why


def _kept(lines: list[Line], why: list[str | None], outlet: str) -> list[str]:
    """The paragraphs ``why`` keeps, without an opening "SITENAME —" or a closing slogan."""
    key = site_key(outlet)
    site = _site_pattern(key) if len(key) >= MIN_SITE_KEY else None
    paragraphs = [line.text for i, line in enumerate(lines) if why[i] is None]
    if site and paragraphs:
        prefix = _DATELINE_PREFIX_RE.match(paragraphs[0])
        if prefix and site.search(prefix.group().lower()):
            paragraphs[0] = paragraphs[0][prefix.end() :]
        paragraphs = [_drop_slogan_sentence(p, site) for p in paragraphs]
    return [p for p in paragraphs if p]


def _drop_slogan_sentence(paragraph: str, site: re.Pattern[str]) -> str:
    """Remove a closing sentence in which the site advertises itself."""
    if not site.search(paragraph[-SLOGAN_TAIL_CHARS:].lower()):
        return paragraph
    sentences = _SENTENCE_SPLIT_RE.split(paragraph)
    last = sentences[-1]
    if len(sentences) == 1:
        # A lede names its site in its dateline ("Seoul (ANTARA) - …"): that is no slogan.
        last = _LEAD_IN_RE.sub("", last, count=1)
    words = set(_WORD_RE.findall(last.lower()))
    if site.search(last.lower()) and words & (CUE_WORDS | CTA_WORDS | SLOGAN_WORDS):
        return " ".join(sentences[:-1])
    return paragraph


def _similar(a: str, b: str) -> bool:
    """Whether two headlines are the same headline (one may carry a site suffix)."""
    wa, wb = set(_WORD_RE.findall(a.lower())), set(_WORD_RE.findall(b.lower()))
    if not wa or not wb or min(len(wa), len(wb)) < 0.5 * max(len(wa), len(wb)):
        return False
    return len(wa & wb) >= 0.7 * min(len(wa), len(wb))


def _first_sentence(paragraph: str, limit: int = 120) -> str:
    sentence = _SENTENCE_SPLIT_RE.split(paragraph, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0] + "…"


def _key(text: str) -> str:
    return " ".join(_WORD_RE.findall(text.lower()))


@lru_cache(maxsize=1024)
def _site_pattern(key: str) -> re.Pattern[str]:
    """The site's name in any spelling ("POS VIRAL", "PosViral", "Pos-Viral"), in lower case.

    Matched against lower-cased text, so the search can skip ahead to the
    name's first letter instead of reducing every paragraph to its letters.
    """
    return re.compile(r"[\W_]?".join(re.escape(c) for c in key))
