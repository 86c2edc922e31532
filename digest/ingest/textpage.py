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
from dataclasses import dataclass, field
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
_SEPARATORS = ("|", "»", "›", "•", "·", "→", "/", "::")


_BOXES = ("□", "■", "☐", "☑", "○", "●")


def control_shape(line: Line) -> bool:
    """Whether ``line`` looks like a form control, an image alt or a bracketed link."""
    text = line.text
    if "[" not in text and not text.startswith(("□", "■", "☐", "☑", "○", "●")) and "<>" not in text:
        return False
    found = _CONTROL_RE.findall(text)
    if not found:
        return False
    rest = _CONTROL_RE.sub(" ", text)
    return len(rest.split()) <= max(3, line.n // 3)


def menu_shape(line: Line) -> bool:
    """Whether ``line`` is a run of links joined by separators (a menu, a breadcrumb)."""
    text = line.text
    seps = sum(text.count(s) for s in _SEPARATORS)
    if seps == 0:
        return False
    parts = [p for p in re.split(r"[|»›•·→/]|::", text) if p.strip()]
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


def densest_run(lines: list[Line], prose: list[bool], chrome: list[bool]) -> tuple[int, int]:
    """``(start, end)`` of the best-scoring run of lines (maximum-sum segment).

    ``start`` is a prose line; ``(0, 0)`` when there is none.
    """
    if not any(prose):
        return (0, 0)
    best, best_span = 0.0, (0, 0)
    total, start = 0.0, 0
    for i, line in enumerate(lines):
        if prose[i]:
            weight = float(min(len(line.text), PROSE_CAP))
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


# --- Headline ---------------------------------------------------------------------

# Lines before the article looked at (chrome aside), lines of the article's
# start looked at too, and a headline's length in words.
HEADLINE_WINDOW = 30
HEADLINE_INSIDE = 6
HEADLINE_WORDS = (3, 30)
# A headline is at most this many characters in a script without spaces.
HEADLINE_CHARS = 200
# The lowest score a candidate needs (a line sharing no word with the body and
# standing far from it is no headline).
HEADLINE_MIN_SCORE = 0.9
# First prose lines whose words a headline is compared with.
LEDE_LINES = 3
# Added when a dateline or byline stands right under a candidate.
DATED_BONUS = 0.5
# Weight of the share of a candidate's words that the page's URL spells.
SLUG_WEIGHT = 1.5
# Added when the line under a candidate is title-shaped too (its dek).
DEK_BONUS = 0.3
# Taken from a candidate inside the article's first lines.
INSIDE_PENALTY = 0.5
# A candidate's word overlap is counted over at least this many content words,
# so that a two-word line is not a perfect match by chance.
MIN_CONTENT_WORDS = 4
_TOKEN_RE = re.compile(r"\w+")


@dataclass
class HeadlineChoice:
    index: int | None
    score: float = 0.0
    scores: dict[int, float] = field(default_factory=dict)


def choose_headline(
    lines: list[Line],
    reasons: list[str | None],
    prose: list[bool],
    start: int,
    stops: Collection[str],
    dated: Collection[int] = (),
    slug: Collection[str] = (),
) -> HeadlineChoice:
    """The best headline line near the article at ``start``, scored by shape and overlap.

    Candidates are the title-shaped lines (3–30 words, not ending in a colon
    or comma, not chrome, not prose) among the lines before the article and
    its first few lines. A candidate's score adds the share of its content
    words that the paragraphs after it repeat, its nearness to them (chrome
    lines between do not count), a date or byline right under it (``dated``
    holds the indexes of lines that are datelines or bylines), and its shape
    (no closing full stop, not all in capitals), and the share of its words
    that the page's URL spells (``slug``: sites write the headline into it).
    """
    choice = HeadlineChoice(None)
    end = min(len(lines), start + HEADLINE_INSIDE)
    ledes: dict[int, set[str]] = {}
    next_prose = len(lines)
    distance = 0
    seen = 0
    for i in range(end - 1, -1, -1):
        if prose[i] and (i > start or not _title_like(lines[i])):
            next_prose, distance = i, 0
            continue
        if reasons[i] is not None:
            continue
        distance += 1
        if i < start:
            seen += 1
            if seen > HEADLINE_WINDOW:
                break
        if next_prose >= len(lines):
            continue
        lede = ledes.get(next_prose)
        if lede is None:
            lede = ledes[next_prose] = _lede(lines, prose, next_prose)
        score = headline_score(lines[i], lede, stops, distance)
        if score is None:
            continue
        if slug:
            content = content_words(lines[i], stops)
            score += SLUG_WEIGHT * len(content & set(slug)) / max(1, len(content))
        if any(j in dated for j in range(i + 1, i + 5)):
            score += DATED_BONUS
        if i + 1 in choice.scores:
            score += DEK_BONUS  # a headline with its subtitle under it
        if i > start:
            score -= INSIDE_PENALTY  # a short line within the article: a quote, a subheading
        choice.scores[i] = score
        if score > choice.score:
            choice.index, choice.score = i, score
        if prose[i]:  # a long headline ("… Peter Capaldi Cast as the 12th Time Lord!")
            next_prose, distance = i, 0
    if choice.score < HEADLINE_MIN_SCORE or choice.index is None:
        choice.index = None
        return choice
    # A page often prints its headline twice (a title bar, then the article's
    # heading): the first one starts the article's header.
    words = lines[choice.index].words
    for i in choice.scores:
        if i < choice.index and lines[i].words == words:
            choice.index = i
    return choice


def _title_like(line: Line) -> bool:
    """A line that reads as prose but may be a headline: not too long, no full stop."""
    text = line.text.rstrip("\"”’') ")
    ends = (".", "…", ",", ";", ":")
    return line.n <= HEADLINE_WORDS[1] and len(text) <= HEADLINE_CHARS and not text.endswith(ends)


def _lede(lines: list[Line], prose: list[bool], first: int) -> set[str]:
    words: set[str] = set()
    found = 0
    for i in range(first, min(len(lines), first + 12)):
        if prose[i]:
            words.update(lines[i].words)
            found += 1
            if found >= LEDE_LINES:
                break
    return words


def headline_score(
    line: Line, lede: set[str], stops: Collection[str], distance: int
) -> float | None:
    """How much ``line`` looks like the headline of a text whose lede words are ``lede``."""
    text = line.text
    n = line.n
    if not HEADLINE_WORDS[0] <= n <= HEADLINE_WORDS[1] or len(text) > HEADLINE_CHARS:
        return None
    if line.bulleted or text.startswith(_BOXES):
        return None  # an item of a list: a menu, a teaser
    if text.endswith((":", ",", ";", "-", "–", "—")) or control_shape(line) or menu_shape(line):
        return None
    content = content_words(line, stops)
    if not content:
        return None
    overlap = len(content & lede) / max(len(content), MIN_CONTENT_WORDS)
    score = 2.0 * overlap + max(0.0, 1.0 - (distance - 1) / HEADLINE_WINDOW)
    if text.rstrip("\"”’') ").endswith((".", "…")):
        score -= 0.4
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and n > 3:
        score -= 0.2
    if letters and letters[0].islower():
        score -= 0.3
    if n >= LONG_PROSE_WORDS:
        score -= 0.3
    if 5 <= n <= 20:
        score += 0.2
    return score


_CAPITALISED_RE = re.compile(r"\b[^\W\d_a-z][\w'’-]{3,}")


def content_words(line: Line, stops: Collection[str]) -> set[str]:
    """The words of ``line`` that carry its meaning: not stop words, and names.

    justext's stop lists are the most frequent words of each language's
    Wikipedia, which include names ("Rusia", "Korea" in Indonesian); a word
    written with a capital in the line counts whatever the list says.
    """
    names = {m.lower() for m in _CAPITALISED_RE.findall(line.text)}
    return {w for w in line.words if not w.isdigit() and (w not in stops or w in names)}


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text.lower())


def as_text(value: Any) -> str:
    return " ".join(str(value).split())
