"""The headline of a plain-text page: the best title-shaped line before its article.

A page saved as text prints many lines of a headline's length near the top:
menu items, section names, teasers of other articles, photo captions, notices
("Thanks for signing up."), datelines. The headline is told from them by
features that hold on any site and in any language:

- shape: a title's length, no closing full stop, not a list item, not a menu,
  not a caption (a description closed by its image credit), not mostly dates;
- overlap: the article's first paragraphs repeat the headline's words;
- nearness to the article, and what stands around it: a dateline or byline
  under it, its subtitle under it, the same line printed twice (a title bar and
  the article's heading), the page's URL spelling its words.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from digest.ingest.extract import Line
from digest.ingest.textpage import BOXES, LONG_PROSE_WORDS, control_shape, menu_shape

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
# ...and at most this many words of them: a page wrapped by a text browser splits a
# paragraph in two, a reader's tool joins it, and the lede stays the same.
LEDE_WORDS = 100
# Added when a dateline or byline stands right under a candidate.
DATED_BONUS = 0.5
# Weight of the share of a candidate's words that the page's URL spells.
SLUG_WEIGHT = 1.5
# Added when the line under a candidate is title-shaped too (its dek).
DEK_BONUS = 0.3
# A longer line right under the best one wins over it only by more than this
# (blind set indo14: 0.3 keeps one standfirst as the headline, 0.5 none; the
# corpora are the same from 0.3 to 0.5, and 0.8 loses two text dumps), and the
# line on top needs this many words (a breadcrumb, "Site > Section", is shorter).
DEK_MARGIN = 0.5
DEK_HEADLINE_WORDS = 5
# A standfirst is a sentence or two: this many words at least, and half as many again
# as the line above (a ticker or live-blog line above a headline is the shorter one).
DEK_WORDS = 15
DEK_RATIO = 1.5
# Taken from a candidate inside the article's first lines, and more when a
# paragraph of the article stands right above it (a subheading).
INSIDE_PENALTY = 0.5
SUBHEADING_PENALTY = 1.0
# A candidate's word overlap is counted over at least this many content words,
# so that a two-word line is not a perfect match by chance.
MIN_CONTENT_WORDS = 4


# Words that introduce an image credit in the languages news sites write
# ("Photo: AP", "Foto: dpa", "Bild: Keystone", "Image: Getty").
_CREDIT_MARK = (
    r"(?:photos?|photograph|photographer|pictures?|images?|imagen|bild|foto|fotos|fotografía|"
    r"fotografia|credit|crédit|crédito|illustration|ilustración|ilustrasi|gambar|grafik|"
    r"graphic|quelle|source|fonte|fuente)"
)
# "… pasado. Photo: AP", "…hour.Photograph: Getty Images": a marker and a
# short credit close the line.
_CREDIT_TAIL_RE = re.compile(rf"(?i:\b{_CREDIT_MARK})\s?:\s*[^:.!?]{{1,60}}$")
# "… in Köln. (picture alliance / dpa / Oliver Berg)": an agency list in brackets;
# "… in Wonsan [KCNA via Reuters]", "… (Kevin Lamarque/Reuters)": a credit in square
# or round brackets, after a full stop or marked by "via", "/", "©" (or, in square
# brackets, ":" as in "[File: AFP]"; in round ones it is a zone's: "(GMT+05:00)").
_CREDIT_PARENS_RE = re.compile(
    r"(?:\.\s*\([^()]{2,80}\)|\([^()]*(?:[/©]|\svia\s)[^()]*\)"
    r"|\.\s*\[[^\[\]]{2,80}\]|\[[^\[\]]*(?:[/©:]|\svia\s)[^\[\]]*\])$"
)
# "… Choe Son-hui (Yonhap)": a news or photo agency alone in brackets closes a caption
# (agencies are a small, stable set; a headline ends in a tag such as "(Video)").
_AGENCY_CREDIT_RE = re.compile(
    r"\((?:AP|AFP|Reuters|Yonhap|KCNA|KNS|EPA|Getty Images|ANTARA(?: FOTO)?|Xinhua|TASS|"
    r"Sputnik|RIA Novosti|Kyodo|dpa|Bloomberg|Anadolu|EFE|Bernama|Shutterstock|iStock)\)$"
)
# A sentence, then a name with no sentence of its own: "… 11 de febrero pasado. EFE".
_SENTENCE_THEN_NAME_RE = re.compile(r"(?<=[^\W\d_A-Z]{2})\.\s*[-–—]?\s*(?P<tail>[^.!?]{2,50})$")
# The longest tail a credit and its marker take (the patterns above stop at 60–85).
CREDIT_TAIL_CHARS = 160
# Credit names are at most this many words, each capitalised ("Getty Images").
CREDIT_NAME_WORDS = 5
# Words before a sentence end for the rest of the line to read as its credit.
CAPTION_LEAD_WORDS = 5


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
        if score is None or credit_below(lines, reasons, i) or _ends_caption_above(lines, i):
            continue
        if slug:
            content = content_words(lines[i], stops)
            score += SLUG_WEIGHT * len(content & set(slug)) / max(1, len(content))
        if any(j in dated for j in range(i + 1, i + 5)):
            score += DATED_BONUS
        if i + 1 in choice.scores:
            score += DEK_BONUS  # a headline with its subtitle under it
        if i > start:  # a short line within the article: a quote, a subheading
            score -= INSIDE_PENALTY
            if prose[i - 1] and reasons[i - 1] is None:  # a paragraph of it right above
                score -= SUBHEADING_PENALTY
        choice.scores[i] = score
        if score > choice.score:
            choice.index, choice.score = i, score
        if prose[i]:  # a long headline ("… Peter Capaldi Cast as the 12th Time Lord!")
            next_prose, distance = i, 0
    if choice.score < HEADLINE_MIN_SCORE or choice.index is None:
        choice.index = None
        return choice
    # A standfirst restates the lede, so it can outscore the headline right above
    # it; the shorter line on top is the headline when it scores nearly as well.
    above = choice.index - 1
    if (
        above in choice.scores
        and choice.scores[above] >= choice.score - DEK_MARGIN
        and lines[above].n >= DEK_HEADLINE_WORDS
        and lines[choice.index].n >= max(DEK_WORDS, DEK_RATIO * lines[above].n)
    ):
        choice.index, choice.score = above, choice.scores[above]
    # A page often prints its headline twice (a title bar, then the article's
    # heading, or the heading with its kicker glued on): the first one starts
    # the article's header.
    words, best = lines[choice.index].words, choice.score
    for i in sorted(choice.scores):
        if i >= choice.index:
            break
        if lines[i].words == words or (
            choice.scores[i] >= best - SAME_HEADLINE_MARGIN
            and _same_words(set(lines[i].words), set(words))
        ):
            choice.index = i
            break
    return choice


# Share of the shorter line's words the longer must hold for the two to print
# one headline ("Die Minze als Mutmacher – …" and "Flörsheimer auf der
# Buchmesse Die Minze als Mutmacher – …").
SAME_HEADLINE_SHARE = 0.8
# How far below the best the first of two near-copies may score (a caption
# that shares the headline's words scores far lower).
SAME_HEADLINE_MARGIN = 0.5


def _same_words(a: set[str], b: set[str]) -> bool:
    return len(a & b) >= SAME_HEADLINE_SHARE * min(len(a), len(b))


# Taken from a line closed by a full stop: headlines are not sentences
# ("Thank you for signing up.", a caption); one ending in an abbreviation
# ("… Alert Tues.") loses less.
SENTENCE_PENALTY = 0.8
_LAST_WORD_RE = re.compile(r"(\w+)\W*$")
# A closing word this short and capitalised is an abbreviation ("Tues.", "Inc.").
ABBREVIATION_CHARS = 4


def ends_sentence(text: str) -> bool:
    """Whether ``text`` closes with a sentence's full stop, not an abbreviation's."""
    last = _LAST_WORD_RE.search(text)
    if last is None:
        return False
    word = last.group(1)
    return not (len(word) <= ABBREVIATION_CHARS and word[0].isupper())


# Share of a caption's words its credited copy under it repeats.
CAPTION_REPEAT = 0.6


def credit_below(lines: list[Line], reasons: list[str | None], i: int) -> bool:
    """Whether the line under ``lines[i]`` repeats it with an image credit (it is a caption).

    A credit alone under a line proves nothing: the lead picture often stands
    right under the headline.
    """
    if i + 1 >= len(lines) or reasons[i + 1] not in ("credit", "copyright"):
        return False
    words = set(lines[i].words)
    return len(words & set(lines[i + 1].words)) >= CAPTION_REPEAT * len(words)


def _ends_caption_above(lines: list[Line], i: int) -> bool:
    """Whether ``lines[i]`` closes the caption right above it (its credit on a line of its own)."""
    if i == 0 or not caption_shape(lines[i - 1].text):
        return False
    return lines[i - 1].text.endswith(lines[i].text)


# A kicker above a headline ("Tanz in der St. Galler Lokremise:") has at most
# this many words.
KICKER_WORDS = 10
# A kicker without its colon is shorter: a topic, not a sentence.
SHORT_KICKER_WORDS = 5


def kicker_above(lines: list[Line], reasons: list[str | None], prose: list[bool], i: int) -> str:
    """The kicker printed on its own line above the headline at ``i``, or "".

    Many sites set a topic line closed by a colon over the headline; the
    page's title joins them, so the digest does too.
    """
    if i == 0 or reasons[i - 1] is not None or prose[i - 1]:
        return ""
    above = lines[i - 1]
    if not 2 <= above.n <= KICKER_WORDS or not above.text.endswith(":"):
        return ""
    return above.text


def headline_below_kicker(
    lines: list[Line], reasons: list[str | None], prose: list[bool], i: int
) -> int | None:
    """The line under a kicker chosen as the headline, when that line is the headline.

    Sites print a short topic line straight over the headline ("Kim Jong Uns
    Kriegswirtschaft" over "Wie Nordkorea zu Russlands wichtigstem
    Waffenlieferanten wurde"), without a colon: the longer title-shaped line
    right under a short one, with no reason to drop it, is the headline.
    """
    below = i + 1
    if below >= len(lines) or reasons[below] is not None or prose[below]:
        return None
    kicker, line = lines[i], lines[below]
    if kicker.n > SHORT_KICKER_WORDS or kicker.text.endswith((".", "!", "?", ":")):
        return None
    if not (kicker.text[:1].isalnum() and line.text[:1].isalnum()):
        return None  # list items of a menu ("☆ SPIEGEL Geschichte", "☆ SPIEGEL TV Wissen")
    if line.n <= kicker.n or line.n < HEADLINE_WORDS[0] or not _title_like(line):
        return None
    return below


def _title_like(line: Line) -> bool:
    """A line that reads as prose but may be a headline: not too long, no full stop.

    An abbreviation's full stop ("… Cold Wave Alert Tues.") closes no sentence.
    """
    text = line.text.rstrip("\"”’') ")
    if line.n > HEADLINE_WORDS[1] or len(text) > HEADLINE_CHARS:
        return False
    if text.endswith("."):
        return not ends_sentence(text)
    return not text.endswith(("…", ",", ";", ":"))


def _lede(lines: list[Line], prose: list[bool], first: int) -> set[str]:
    words: set[str] = set()
    found = 0
    count = 0
    for i in range(first, min(len(lines), first + 12)):
        if prose[i]:
            take = lines[i].words[: LEDE_WORDS - count]
            words.update(take)
            count += len(take)
            found += 1
            if found >= LEDE_LINES or count >= LEDE_WORDS:
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
    if line.bulleted or text.startswith(BOXES):
        return None  # an item of a list: a menu, a teaser
    if text.endswith((":", ",", ";", "-", "–", "—")) or control_shape(line) or menu_shape(line):
        return None
    if caption_shape(text) or date_heavy(text):
        return None
    content = content_words(line, stops)
    if not content:
        return None
    overlap = len(content & lede) / max(len(content), MIN_CONTENT_WORDS)
    score = 2.0 * overlap + max(0.0, 1.0 - (distance - 1) / HEADLINE_WINDOW)
    if text.rstrip("\"”’') ").endswith((".", "…")):
        score -= SENTENCE_PENALTY if ends_sentence(text) else 0.4
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


def caption_shape(text: str) -> bool:
    """Whether ``text`` is a photo caption: a description closed by its image credit.

    Captions sit between the headline and the article on most news sites, in
    every language, and share the headline's length; what gives them away is
    the credit at their end (a marker such as "Photo:", an agency in brackets,
    or a bare name after the closing full stop).
    """
    # A credit is at the line's end: searching only its tail keeps long lines cheap.
    tail_at = max(0, len(text) - CREDIT_TAIL_CHARS)
    # Each pattern needs its punctuation in the tail: a find is cheaper than a failing search.
    credit = _CREDIT_TAIL_RE.search(text, tail_at) if text.find(":", tail_at) != -1 else None
    # "Photos: Floods in Jakarta" is a gallery's headline; "… needs a new image:
    # a guide" has the word, not the capitalised marker.
    if credit is not None and credit.group(0)[0].isupper():
        return len(text[: credit.start()].split()) >= CAPTION_LEAD_WORDS
    if text.endswith((")", "]")) and _CREDIT_PARENS_RE.search(text, tail_at):
        return True
    if text.endswith(")"):
        agency = _AGENCY_CREDIT_RE.search(text, tail_at)
        if agency is not None and len(text[: agency.start()].split()) >= CAPTION_LEAD_WORDS:
            return True
    # No full stop follows the one the pattern matches: only the last one can.
    stop = text.rfind(".")
    found = _SENTENCE_THEN_NAME_RE.match(text, stop) if stop >= tail_at else None
    if found is None or len(text[: found.start()].split()) < CAPTION_LEAD_WORDS:
        return False
    tail = [w for w in found["tail"].split() if any(c.isalpha() for c in w)]
    return 0 < len(tail) <= CREDIT_NAME_WORDS and all(w[0].isupper() for w in tail)


# A line whose tokens are this much dates, times and numbers is metadata.
DATE_HEAVY_SHARE = 0.35
_NUMBERED_RE = re.compile(r"\d")


def date_heavy(text: str) -> bool:
    """Whether ``text`` is mostly dates and numbers ("19. Oktober 2019, 19:08 Uhr … Nr. 43")."""
    parts = text.split()
    numbered = sum(1 for p in parts if _NUMBERED_RE.search(p))
    return numbered >= 3 and numbered >= DATE_HEAVY_SHARE * len(parts)


_CAPITALISED_RE = re.compile(r"\b[^\W\d_a-z][\w'’-]{3,}")


def content_words(line: Line, stops: Collection[str]) -> set[str]:
    """The words of ``line`` that carry its meaning: not stop words, and names.

    justext's stop lists are the most frequent words of each language's
    Wikipedia, which include names ("Rusia", "Korea" in Indonesian); a word
    written with a capital in the line counts whatever the list says.
    """
    names = {m.lower() for m in _CAPITALISED_RE.findall(line.text)}
    return {w for w in line.words if not w.isdigit() and (w not in stops or w in names)}
