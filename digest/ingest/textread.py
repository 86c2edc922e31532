"""The clean stage's plain-text path: a text or Markdown page read as a reader would.

Puts :mod:`digest.ingest.textpage` (where the article and its headline are)
and :mod:`digest.ingest.textmeta` (outlet, link, date) together, with the
lines the site repeats on its other pages (:mod:`digest.ingest.templates`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from digest.ingest import textheads, textmeta, textpage
from digest.ingest.dates import strip_dates
from digest.ingest.extract import INITIALS_TAIL_RE, Line, split_lines
from digest.ingest.language import detect_language, stop_words
from digest.ingest.outlet import find_outlet
from digest.ingest.outletplaces import name_shaped
from digest.ingest.pagemeta import strip_site
from digest.ingest.sitehosts import is_saver
from digest.ingest.sitename import host_key, name_key, split_title
from digest.ingest.templates import (
    NO_TEMPLATES,
    TemplateLookup,
    counted_as,
    line_key,
    site_of,
    template_keys,
)
from digest.ingest.textsite import outlet_from_text
from digest.models import SourceItem

# A line of at most this many words holding a date is a dateline.
DATELINE_WORDS = 12
# Prose read to decide the language.
LANGUAGE_SAMPLE_CHARS = 2500
# A sentence this long (in words) right before the article's first long
# paragraph opens the article.
OPENING_WORDS = 4
# How far after the article's run its newsroom's initials ("(lg/ars)") are looked for.
INITIALS_REACH = 4


@dataclass
class TextReading:
    """What the text says, before its chrome is stripped."""

    lines: list[Line]
    reasons: list[str | None]
    title: str
    head_index: int | None
    body: tuple[int, int]
    outlet: str
    url: str | None
    published: datetime
    published_from: str
    language: str
    site: str
    template_keys: tuple[int, ...]


def read_text(
    item: SourceItem,
    reasons_of: object,
    *,
    now: datetime,
    tz: ZoneInfo,
    templates: TemplateLookup = NO_TEMPLATES,
) -> TextReading:
    """Read a plain-text or Markdown item; ``reasons_of`` is the clean stage's line rule."""
    front, body = textpage.split_front_matter(item.body)
    md_title = None
    if (item.path or item.source).lower().endswith((".md", ".markdown")) or front.title:
        body, md_title = textpage.markdown_to_text(body)
    lines = split_lines(body, wrapped=True)
    rule = reasons_of  # the clean stage's shape rules for one line
    reasons: list[str | None] = [rule(line) for line in lines]  # type: ignore[operator]
    for i, line in enumerate(lines):
        if reasons[i] is None:
            if line.n <= DATELINE_WORDS and textmeta.is_foreign_dateline(line.text):
                reasons[i] = "date"
            elif textpage.control_shape(line):
                reasons[i] = "control"
            elif textpage.menu_shape(line):
                reasons[i] = "menu"
    language = detect_language(_prose_sample(lines))
    stops = stop_words(language)
    prose = [
        r is None and textpage.is_prose(line, stops) for r, line in zip(reasons, lines, strict=True)
    ]
    # The site speaking to its reader (sign-up thanks, cookie and paywall
    # notices) does not start the article, however well it reads.
    notices = {
        i for i, line in enumerate(lines) if prose[i] and textpage.addresses_reader(line, language)
    }
    for i in notices:
        prose[i] = False

    # Front matter's "source:" may be the page's address rather than its site's name.
    source_url = front.source if front.source and "://" in front.source else None
    url = item.url or front.url or source_url or textmeta.page_url(lines, body)
    text = body
    logo = textmeta.logo_outlet(lines)
    holder = textmeta.copyright_outlet(lines, text)
    slogan = textmeta.without_legal_form(textmeta.plausible_name(outlet_from_text(text)))
    named = logo or holder or slogan
    # An export's "source:" may name the app that saved the page ("Pocket"): no site.
    named_source = None if source_url or is_saver(front.source or "") else front.source
    outlet = item.outlet or named_source or ""
    site = site_of(item, outlet=outlet or named or "", url=url, host=textmeta.host_of(url))
    keys = template_keys(lines, prose)
    known = templates.known(site, keys, counted_as(item)) if site and keys else set()
    if known:
        for i, line in enumerate(lines):
            if reasons[i] is None and not prose[i] and line_key(line.text) in known:
                reasons[i] = "template"
    chrome = [r is not None for r in reasons]
    if not any(prose):  # a short note, or a lede cut off mid-sentence: its longer lines
        prose = [
            not c and line.n >= textpage.SHORT_PROSE_WORDS
            for line, c in zip(lines, chrome, strict=True)
        ]
    start, end = textpage.densest_run(lines, prose, chrome, neutral=notices)
    while start - 1 in notices:  # a lede or an ending that speaks to the reader ("When you …")
        start -= 1
    while end in notices:
        end += 1
    end = _to_initials(lines, reasons, end)

    title = (
        item.title
        or _without_site(front.title, front.source, url)
        or _without_site(md_title, front.source, url)
        or ""
    )
    head_index: int | None = None
    if title:
        if not item.title:
            last = min(len(lines), start + textheads.HEADLINE_INSIDE + 5)
            title = _heading_in_title(title, lines, after=-1, before=last)
        head_index = _find_line(lines, title, limit=max(start, 1) + 1)
    else:
        first = max(0, start - 3 * textheads.HEADLINE_WINDOW)
        last = min(len(lines), start + textheads.HEADLINE_INSIDE + 5)
        dated = {
            i
            for i in range(first, last)
            if reasons[i] in ("date", "byline")
            or (lines[i].n <= DATELINE_WORDS and _has_date(lines[i].text))
        }
        slug = textmeta.slug_words(url)
        choice = textheads.choose_headline(lines, reasons, prose, start, stops, dated, slug)
        if choice.index is not None:
            head_index = choice.index
            # A text browser prints the page's <title> as a line: "NusaBali.com - Headline".
            title = _without_site(lines[choice.index].text, None, url) or ""
            title = _heading_in_title(title, lines, after=head_index, before=last)
            kicker = textheads.kicker_above(lines, reasons, prose, head_index)
            under = textheads.headline_below_kicker(lines, reasons, prose, head_index)
            if kicker:
                title = f"{kicker} {title}"
            elif under is not None:
                title = f"{title}: {lines[under].text}"
                head_index = under

    if not outlet:
        said = textmeta.outlet_in_text(lines, text, start=start, head_index=head_index)
        kinds = (("logo", logo), ("copyright", holder), ("slogan", slogan), ("named", said))
        outlet = find_outlet(
            lines, text, start=start, end=end, head=head_index, url=url, named=kinds
        )
    if not outlet:
        outlet = textmeta.host_of(url) or textmeta.site_host(text)

    published, published_from = _date(item, lines, front, url, head_index, start, now, tz, language)
    return TextReading(
        lines=lines,
        reasons=reasons,
        title=title,
        head_index=head_index,
        body=(start, end),
        outlet=outlet,
        url=url,
        published=published,
        published_from=published_from,
        language=language,
        site=site,
        template_keys=keys,
    )


def _to_initials(lines: list[Line], reasons: list[str | None], end: int) -> int:
    """The article's end moved down to its newsroom's initials ("(lg/ars)") when they
    follow within a few lines: a short closing sentence before them ("Rusia belum
    memberikan komentar resmi.") is the article's, though too short to count as prose.
    Chrome in between (a "Baca Juga" link) still goes by its own reason."""
    for k in range(end, min(len(lines), end + INITIALS_REACH)):
        if INITIALS_TAIL_RE.fullmatch(lines[k].text):
            between = [i for i in range(end, k) if reasons[i] is None]
            if between and all(lines[i].ends_sentence for i in between):
                return k
            return end
    return end


def opening_lines(page: TextReading) -> set[int]:
    """Short sentences between the headline and the first long paragraph.

    "The new Doctor Who has finally been unveiled." is too short to be prose,
    but it is the article's first paragraph, and the story stage reads the
    first paragraphs: without it the lede would start one paragraph late.
    """
    opening: set[int] = set()
    if page.head_index is None:
        return opening
    for i in range(page.body[0] - 1, page.head_index, -1):
        line = page.lines[i]
        if page.reasons[i] is None:
            if not (line.ends_sentence and line.n >= OPENING_WORDS):
                break
            opening.add(i)
    return opening


def _date(
    item: SourceItem,
    lines: list[Line],
    front: textpage.FrontMatter,
    url: str | None,
    head_index: int | None,
    start: int,
    now: datetime,
    tz: ZoneInfo,
    language: str,
) -> tuple[datetime, str]:
    if item.published is not None:
        return item.published, "feed"
    around = head_index if head_index is not None else start
    found = textmeta.dateline_date(
        lines, around=around, body=start, now=now, tz=tz, language=language
    )
    if found is not None:
        return found, "dateline"
    found = textmeta.front_matter_date(front.date, tz) if front.date else None
    if found is not None:
        return found, "front-matter"
    found = textmeta.url_date(url, tz)
    if found is not None and found <= now:
        return found, "url"
    return item.modified, "file-time"


_DIGIT_RE = re.compile(r"\d")
_NUMERIC_DATE_RE = re.compile(r"(?<!\d)\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d\d(?!\d)")


def _has_date(text: str) -> bool:
    """Whether a short line holds a date (a byline with its date, a dateline)."""
    if not _DIGIT_RE.search(text):
        return False
    if _NUMERIC_DATE_RE.search(text) or textmeta.is_foreign_dateline(text):
        return True
    return strip_dates(text) != text


def _prose_sample(lines: list[Line]) -> str:
    parts: list[str] = []
    size = 0
    for line in lines:
        if line.n >= textpage.PROSE_WORDS:
            parts.append(line.text)
            size += len(line.text)
            if size >= LANGUAGE_SAMPLE_CHARS:
                break
    return " ".join(parts) if parts else " ".join(line.text for line in lines[:50])


def _find_line(lines: list[Line], title: str, *, limit: int) -> int | None:
    """The index of the line holding ``title`` (near the top), or None."""
    key = textpage.tokens(title)
    for i, line in enumerate(lines[: limit + textheads.HEADLINE_WINDOW]):
        if line.words == key:
            return i
    return None


_TITLE_SEPS = "-–—|/»›>·•:｜"
# A heading has at least this many words (a shorter line is a section's name).
HEADING_WORDS = 3


def _heading_in_title(title: str, lines: list[Line], *, after: int, before: int) -> str:
    """The article's own heading when ``title`` is the page's ``<title>`` around it.

    A text browser prints the ``<title>`` first ("Blog Name: Headline"), a
    clipper copies it into front matter or a ``# heading`` ("Headline | World
    News - The Indian Express"), and the article's heading follows further down
    ("Headline"). What only the title has, in parts shaped like names, is the
    site's name and section, whatever their spelling.
    """
    title = " ".join(title.split())
    if len(split_title(title)) < 2:
        return title
    for line in lines[after + 1 : before]:
        heading = line.text.lstrip("# ")
        if len(heading) >= len(title) or line.n < HEADING_WORDS:
            continue
        if title.startswith(heading):
            rest = title[len(heading) :]
            sep = rest.lstrip(" ")[:1]
        elif title.endswith(heading):
            rest = title[: -len(heading)]
            sep = rest.rstrip(" ")[-1:]
        else:
            continue
        parts = split_title(rest)
        if sep and sep in _TITLE_SEPS and parts and all(name_shaped(p) for p in parts):
            return heading
    return title


def _without_site(title: str | None, source: str | None, url: str | None) -> str | None:
    """A front matter title without the site's name a clipper copied from the page's
    ``<title>`` ("… Nilai Dagang Melonjak - Katadata.co.id"): the part the source,
    the address or a domain's shape names."""
    if not title:
        return title
    keys = {host_key(url), name_key(source or "")}
    parts = split_title(title)
    for part in {parts[0], parts[-1]}:  # "NusaBali.com - Headline", "Headline - Katadata.co.id"
        if textmeta.is_domain_name(part):
            keys.add(name_key(part))
    keys.discard("")
    return strip_site(title, keys) or title
