"""Reading a plain-text or Markdown page: where its article is, and its headline.

A scraper or a text browser saves the whole page: menus, search boxes,
cookie notices, share buttons, teasers, footers, and somewhere among them the
headline and the article. Sites differ in wording but not in shape, so the
page is read the way jusText and boilerpipe read HTML blocks, by features that
carry across sites and languages:

- prose: a line long enough, dense in its language's stop words, ending like
  a sentence; chrome: short lines, lines of separators and bracketed controls
  (``[ ]``, ``[Go]``, ``□``, ``|``, ``»``), lines the site repeats on every page;
- the article is the densest run of prose (the best-scoring contiguous run of
  lines, prose counting for, chrome against);
- the headline is the best title-shaped line shortly before that run, whose
  words the first paragraphs repeat.

Front matter (``---`` YAML, as static-site tools and scrapers write it) and a
Markdown ``# heading`` say the title outright and win.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml

from digest.ingest.extract import Line

# --- Front matter and Markdown ----------------------------------------------------

_FRONT_MATTER_RE = re.compile(r"\A\ufeff?---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_MD_HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)
_MD_IMAGE_RE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_MD_LINK_RE = re.compile(r"\[([^\]\n]+)\]\((?:[^)\n]*)\)")
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


@dataclass(frozen=True)
class FrontMatter:
    """What a page's YAML front matter says; every field may be missing."""

    title: str | None = None
    source: str | None = None
    url: str | None = None
    date: str | date | datetime | None = None


def split_front_matter(body: str) -> tuple[FrontMatter, str]:
    """The page's front matter and the text after it (the body unchanged when there is none).

    Malformed YAML is left in the text: it is read as the page's first lines.
    """
    found = _FRONT_MATTER_RE.match(body)
    if found is None:
        return FrontMatter(), body
    try:
        data = yaml.safe_load(found.group(1))
    except yaml.YAMLError:
        return FrontMatter(), body
    if not isinstance(data, dict):
        return FrontMatter(), body
    lower = {str(k).lower(): v for k, v in data.items()}

    def text(*keys: str) -> str | None:
        for key in keys:
            value = lower.get(key)
            if isinstance(value, str | int | float) and str(value).strip():
                return " ".join(str(value).split())
        return None

    when = next((lower[k] for k in ("date", "published", "pubdate") if lower.get(k)), None)
    if not isinstance(when, str | date):
        when = None
    return (
        FrontMatter(
            title=text("title", "headline"),
            source=text("source", "site", "site_name", "publisher", "outlet"),
            url=text("url", "link", "canonical", "source_url"),
            date=when,
        ),
        body[found.end() :],
    )


def markdown_to_text(body: str) -> tuple[str, str | None]:
    """Markdown reduced to its text, and its first level-one heading (or None).

    Headings lose their ``#`` marks, links and images keep only their text,
    emphasis marks go; the rest of Markdown reads as text already.
    """
    title = None
    for m in _MD_HEADING_RE.finditer(body):
        if len(m.group(1)) == 1:
            title = m.group(2).strip()
            break
    body = _MD_HEADING_RE.sub(lambda m: m.group(2), body)
    body = _MD_IMAGE_RE.sub("", body)
    body = _MD_LINK_RE.sub(r"\1", body)
    body = _MD_EMPHASIS_RE.sub(r"\2", body)
    return body, title


# --- Block features ---------------------------------------------------------------

# A line of prose has at least this many words, and this share of stop words
# when the language's stop list is known (jusText uses 0.30 on HTML blocks;
# a text dump joins captions and teasers to paragraphs, so a little less).
PROSE_WORDS = 10
PROSE_STOP_SHARE = 0.2
# On a page without prose, lines this long stand in for it.
SHORT_PROSE_WORDS = 8
# A line this long is prose whether or not it ends a sentence.
LONG_PROSE_WORDS = 25
# Weights of the densest-run search: prose counts its characters (capped),
# other lines count against it (chrome more than an unclassified short line,
# which may be a subheading inside the article).
PROSE_CAP = 600
SHORT_PENALTY = 25
CHROME_PENALTY = 60
# Form controls and link renderings of text browsers and scrapers: "[ ]",
# "[Go]", "[Search]", "□", "( )", "[image-alt]", "<>".
_CONTROL_RE = re.compile(
    r"\[\s*\]|\[\s{2,}\]|\[[\w .-]{1,24}\]|^[□■☐☑◯○●]\s|\(\s\)|<>|^\*\s*$",
)
_SEPARATOR_RE = re.compile(r"[|»›•·→/]|::")
# Any character a separator starts with: looking each up is cheaper than the alternation.
_SEPARATOR_CHARS = "|»›•·→/:"


# A line opening with a hashtag and holding this many is a list of topic tags;
# a headline may carry one ("Why #MeToo matters").
HASHTAGS = 3
_HASHTAG_RE = re.compile(r"(?:^|\s)#[^\W_]")

BOXES = ("□", "■", "☐", "☑", "○", "●")


def control_shape(line: Line) -> bool:
    """Whether ``line`` looks like a form control, an image alt or a bracketed link."""
    text = line.text
    if "[" not in text and not text.startswith(BOXES) and "<>" not in text:
        return False
    found = _CONTROL_RE.findall(text)
    if not found:
        return False
    rest = _CONTROL_RE.sub(" ", text)
    return len(rest.split()) <= max(3, line.n // 3)


def menu_shape(line: Line) -> bool:
    """Whether ``line`` is a run of links joined by separators (a menu, a breadcrumb)."""
    text = line.text
    if text.startswith("#") and len(_HASHTAG_RE.findall(text)) >= HASHTAGS:
        return True  # "#Kim Jong Un #Lavrov #Wonsan #Harga BBM": a row of topic tags
    if not any(map(text.__contains__, _SEPARATOR_CHARS)) or not _SEPARATOR_RE.search(text):
        return False
    parts = [p for p in _SEPARATOR_RE.split(text) if p.strip()]
    short = sum(1 for p in parts if len(p.split()) <= 4)
    return len(parts) >= 2 and short >= 0.75 * len(parts) and not line.ends_sentence


def stop_share(line: Line, stops: frozenset[str]) -> float:
    words = line.words
    if not words:
        return 0.0
    return sum(map(stops.__contains__, words)) / len(words)


def is_prose(line: Line, stops: frozenset[str]) -> bool:
    """A line that reads as a paragraph of the article's language."""
    if line.n < PROSE_WORDS or not (line.ends_sentence or line.n >= LONG_PROSE_WORDS):
        return False
    return not stops or stop_share(line, stops) >= PROSE_STOP_SHARE


def densest_run(
    lines: list[Line],
    prose: list[bool],
    chrome: list[bool],
    neutral: Collection[int] = (),
) -> tuple[int, int]:
    """``(start, end)`` of the best-scoring run of lines (maximum-sum segment).

    ``start`` is a prose line; ``(0, 0)`` when there is none. Lines in
    ``neutral`` (paragraphs that may be a notice) count neither for nor against.
    """
    if not any(prose):
        return (0, 0)
    best, best_span = 0.0, (0, 0)
    total, start = 0.0, 0
    for i, line in enumerate(lines):
        if prose[i]:
            weight = float(min(len(line.text), PROSE_CAP))
        elif i in neutral:
            weight = 0.0
        elif chrome[i]:
            weight = -CHROME_PENALTY
        else:
            weight = -SHORT_PENALTY
        if total <= 0:
            if not prose[i]:
                continue
            total, start = 0.0, i
        total += weight
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span


_TOKEN_RE = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text.lower())


def as_text(value: Any) -> str:
    return " ".join(str(value).split())


# --- Notices ----------------------------------------------------------------------

# Words that address the reader, and the site's "we", by language. A site
# speaks to its reader in notices (thanks for signing up, cookie and
# notification prompts, paywalls); a news report speaks about others. German
# formal "Sie"/"Ihr…" count only capitalised inside a sentence, since "sie"
# and "ihr" are also "she", "they" and "her".
_READER_WORDS = {
    "en": "you your yours yourself",
    "de": "du dich dir dein deine deinen deinem deiner euch euer eure",
    "fr": "vous votre vos tu ton ta tes",
    "es": "usted ustedes vosotros vuestro vuestra tú",
    "pt": "você vocês",
    "it": "voi vostro vostra vostri vostre",
    "nl": "jij jouw uw",
    "id": "anda kamu kalian",
}
_SITE_WORDS = {
    "en": "we our us",
    "de": "wir unser unsere unseren unserem unserer uns",
    "fr": "nous notre nos",
    "es": "nosotros nuestro nuestra nuestros nuestras",
    "pt": "nós nosso nossa nossos nossas",
    "it": "noi nostro nostra nostri nostre",
    "nl": "wij ons onze",
    "id": "kami",
}
_READER = {k: frozenset(v.split()) for k, v in _READER_WORDS.items()}
_SITE = {k: frozenset(v.split()) for k, v in _SITE_WORDS.items()}
_GERMAN_FORMAL_RE = re.compile(
    r"(?<![.!?:]\s)(?<!^)\b(?:Sie|Ihr|Ihre|Ihnen|Ihrem|Ihren|Ihrer|Ihres)\b"
)
# A notice has at least this many such words, this share of its words.
NOTICE_WORDS = 2
NOTICE_SHARE = 0.1


def addresses_reader(line: Line, language: str) -> bool:
    """Whether ``line`` is the site speaking to its reader ("Thank you for signing up. We …")."""
    reader = _READER.get(language)
    if reader is None:
        return False
    words = line.words
    formal = language == "de" and ("Sie" in line.text or "Ih" in line.text)
    if reader.isdisjoint(words) and not formal:
        return False  # most lines: no word for "you" at all
    you = sum(map(reader.__contains__, words))
    if formal:
        you += len(_GERMAN_FORMAL_RE.findall(line.text))
    if not you:
        return False
    if "ookie" in line.text:  # a cookie banner speaking to its reader, however long
        return True
    both = you + sum(map(_SITE[language].__contains__, words))
    return both >= NOTICE_WORDS and both >= NOTICE_SHARE * len(words)
