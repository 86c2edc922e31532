"""Compose: pick what a digest carries, and say each story in a few sentences.

Two jobs, both pure functions of their input so they can be tested alone:

* :func:`summarize` makes the extractive summary of a cleaned article. News
  text puts its point first, so the lede gets a strong prior; sentences that
  share the article's frequent content words come next. Scraped pages also
  carry headings, captions and long quotes, which read badly out of context,
  so those are left out before scoring.
* :func:`compose` orders stories so that the most widely reported come first
  and cuts the digest to a size people will read.

:func:`assemble_stories` turns the store's rows (lead items and their copies,
by story) into :class:`Story` values, and :func:`carried_ids` names the items
a kept story carries, so that they can be marked sent with it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from digest.models import Copy, Digest, Excluded, Story, StoryItem
from digest.store.items import ItemRow
from digest.text import shorten

#: A summary longer than this stops being a summary (characters, spaces included).
MAX_SUMMARY_CHARS = 450

LANGUAGES = ("id", "en")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words after which a period does not end a sentence. Lower-cased, without the
# period. "as" is the Indonesian AS (Amerika Serikat): "Presiden AS. Trump"
# must stay whole, and when "AS." does end a sentence, keeping two sentences
# together reads better than cutting one in half.
_ABBREVIATIONS = _word_set(
    """
    a.n an as bpk brigjen capt col dr dra drs gen gov hlm ir jend jl jln jr kapt kol
    kombes kompol letjen lt maj mayjen mr mrs ms no nos ny prof rp sdr sen sr st tn
    u.k u.n u.s vs yth jan feb mar apr jun jul aug agu sep sept okt oct nov des dec
    e.g i.e
    """
)
_TERMINALS = ".!?…"
_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«(["
_QUOTE_PAIRS = {"“": "”", "‘": "’", "«": "»"}
# Every character _quoted_spans acts on; the others are skipped in C.
_QUOTE_CHARS = re.compile('["' + "".join(_QUOTE_PAIRS) + "".join(_QUOTE_PAIRS.values()) + "]")
_BULLET = re.compile(r"^(?:[•·▪●◦‣]|[-–—*]\s)")
# A sentence boundary: terminal punctuation, optional closing quotes, space,
# then something that can start a sentence (capital, digit or opening quote).
_BOUNDARY = re.compile(
    r"([.!?…]+)([\"'”’»)\]]*)(\s+)(?=[\"“‘«(\[]?[A-Z0-9\u00c0-\u024f\u0400-\u04ff])"
)
# "JAKARTA, KOMPAS.com -" or "KLIKWARTAKU —": a dateline, not part of the sentence.
_DATELINE = re.compile(
    r"^[A-Z]{3,}(?:,?\s+[A-Z][\w.]*|\s*\([^)]{1,20}\))*\s+[-–—]{1,2}\s+(?=[A-Z“\"])"
)
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_HEADING_MAX_WORDS = 16
_MIN_SENTENCE_WORDS = 5

# Function words of Indonesian and English that say nothing about the topic.
_STOPWORDS = _word_set(
    """
    ada adalah agar akan akhir aku anda antara apa atas atau bagi bahwa baik bagaimana
    banyak baru bawah beberapa begitu belum benar berada berbagai bersama bisa boleh
    bukan bulan dalam dan dapat dari demikian dengan di dia ia ini itu jadi jika
    juga kami kamu kata ke kedua kemudian kepada ketika kini kita lagi lain lalu lama
    lebih maka mana masih melalui menjadi menurut mereka meski namun oleh pada para
    pula saat saja salah sama sampai sangat satu saya se sebagai sebelum sebuah sedang
    sejak sekitar selain selama seluruh semua sementara seperti serta setelah sudah
    tahun tak tanpa telah tengah tentang terhadap tersebut tetapi tidak untuk waktu
    yaitu yakni yang ujar katanya menyatakan mengatakan disebut
    a about after again all also an and any are as at be because been before being
    but by can could did do does during each for from had has have he her his how i
    if in into is it its just more most no not now of on one or other our out over
    said says she so some such than that the their them then there these they this
    those through to too under up very was we were what when where which while who
    will with would year years you
    """
)


@dataclass(frozen=True)
class _Sentence:
    index: int
    text: str
    words: frozenset[str]


def summarize(text: str, sentences: int = 3) -> str:
    """Pick up to ``sentences`` sentences that say what the article is about.

    Returned in document order, joined by spaces, at most about
    :data:`MAX_SUMMARY_CHARS` long; sentences are dropped to fit, never cut,
    unless even the best one alone is too long (then it is shortened at a
    word boundary with an ellipsis, since an empty summary helps nobody).
    """
    if sentences < 1 or not text.strip():
        return ""
    candidates = _candidates(text)
    if not candidates:
        return ""
    scores = _scores(candidates)
    ranked = sorted(candidates, key=lambda s: (-scores[s.index], s.index))
    chosen: list[_Sentence] = []
    length = 0
    for sentence in ranked:
        if len(chosen) == sentences:
            break
        extra = len(sentence.text) + (1 if chosen else 0)
        if length + extra > MAX_SUMMARY_CHARS:
            continue
        if any(_overlap(sentence.words, other.words) > 0.6 for other in chosen):
            continue
        chosen.append(sentence)
        length += extra
    if not chosen:
        return shorten(ranked[0].text, MAX_SUMMARY_CHARS)
    chosen.sort(key=lambda s: s.index)
    return " ".join(s.text for s in chosen)


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences, for Indonesian and English news text.

    A boundary is terminal punctuation followed by space and a capital, digit
    or opening quote; never inside a number ('11.000'), after a known
    abbreviation or an initial ('Kim J. Un'), or inside a balanced quotation
    (a quoted speech of several sentences stays one unit).
    """
    paragraph = " ".join(paragraph.split())
    if not paragraph:
        return []
    inside = _quoted_spans(paragraph)
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.start(3)
        if _is_abbreviation(paragraph, match.start(1), match.group(1)):
            continue
        if any(a < end <= b for a, b in inside):
            continue
        pieces.append(paragraph[start:end].strip())
        start = match.end(3)
    pieces.append(paragraph[start:].strip())
    return [p for p in pieces if p]


def compose(
    stories: Iterable[Story],
    *,
    title: str,
    language: str,
    generated_at: datetime,
    excluded: Iterable[Excluded] = (),
    max_stories: int = 30,
) -> Digest:
    """Build the digest: dated stories first, widest-reported first, then newest, then by id.

    A story none of whose reports has a publication date (only a file's time)
    comes after every dated one: its time says nothing about when it happened.
    The id breaks ties so that the same input always gives the same email.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    if generated_at.tzinfo is None:
        raise ValueError("generated_at must be timezone-aware")
    if max_stories < 1:
        raise ValueError("max_stories must be at least 1")
    ordered = sorted(
        stories,
        key=lambda s: (_undated(s), -len(s.outlets), -s.published.timestamp(), s.id),
    )
    return Digest(
        title=title,
        language=language,
        generated_at=generated_at,
        stories=tuple(ordered[:max_stories]),
        excluded=tuple(excluded),
    )


def _undated(story: Story) -> bool:
    return bool(story.items) and all(item.date_is_fallback for item in story.items)


def _candidates(text: str) -> list[_Sentence]:
    """The sentences worth scoring: no headings, bullets, fragments or quotes."""
    found: list[_Sentence] = []
    seen: set[str] = set()
    for paragraph in _body_paragraphs(text):
        for raw in split_sentences(paragraph):
            sentence = _DATELINE.sub("", raw.rstrip("*").strip())
            words = _words(sentence)
            key = " ".join(words)
            if (
                sum(not w.isdigit() for w in words) < _MIN_SENTENCE_WORDS
                or key in seen
                or sentence[-1] not in _TERMINALS + _CLOSERS
                or _quoted_share(sentence) > 0.5
            ):
                continue
            seen.add(key)
            content = frozenset(w for w in words if _is_content(w))
            found.append(_Sentence(len(found), sentence, content))
    return found


def _body_paragraphs(text: str) -> Iterable[str]:
    """Paragraphs of running text, with headings and list items left out.

    Lines inside a paragraph are joined, so hard-wrapped text stays whole; a
    line counts as a heading only when it is short, has no final punctuation
    and stands alone or is followed by a line that starts a new thought.
    """
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        kept: list[str] = []
        for i, line in enumerate(lines):
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if _BULLET.match(line):
                continue
            if _looks_like_heading(line, following):
                if kept:
                    yield " ".join(kept)
                    kept = []
                continue
            kept.append(line)
        if kept:
            yield " ".join(kept)


def _looks_like_heading(line: str, following: str) -> bool:
    stripped = line.rstrip(_CLOSERS)
    if stripped and stripped[-1] in _TERMINALS + ",;:":
        return False
    if len(line.split()) > _HEADING_MAX_WORDS:
        return False
    return not following or following[0].isupper() or following[0] in _OPENERS


def _is_abbreviation(paragraph: str, dot: int, punctuation: str) -> bool:
    """Whether the period at ``dot`` closes an abbreviation or initial, not a sentence."""
    if punctuation != ".":
        return False
    start = dot
    while start > 0 and not paragraph[start - 1].isspace() and paragraph[start - 1] not in _OPENERS:
        start -= 1
    token = paragraph[start:dot]
    if not token:
        return False
    if len(token) == 1 and token.isalpha() and token.isupper():
        return True
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", token):
        return True
    return token.lower() in _ABBREVIATIONS


def _quoted_spans(paragraph: str) -> list[tuple[int, int]]:
    """Where balanced quotations are; empty when the quotes do not pair up.

    Unbalanced quotes are common in scraped text (a quote cut by the page
    layout); trusting them would glue the rest of the paragraph together.
    """
    spans: list[tuple[int, int]] = []
    opener: str | None = None
    opened = 0
    for match in _QUOTE_CHARS.finditer(paragraph):
        i, char = match.start(), match.group()
        if opener is None:
            if char in _QUOTE_PAIRS or (char == '"' and _opens_straight_quote(paragraph, i)):
                opener, opened = char, i
        elif char == _QUOTE_PAIRS.get(opener, '"'):
            spans.append((opened, i))
            opener = None
        elif char in _QUOTE_PAIRS and opener != '"':
            return []
    return [] if opener is not None else spans


def _opens_straight_quote(paragraph: str, i: int) -> bool:
    return i == 0 or paragraph[i - 1].isspace() or paragraph[i - 1] in "([:"


def _quoted_share(sentence: str) -> float:
    spans = _quoted_spans(sentence)
    if not spans:
        opened = any(q in sentence for q in '“”"')
        return 1.0 if opened and sentence[0] in _OPENERS else 0.0
    return sum(b - a + 1 for a, b in spans) / len(sentence)


def _scores(candidates: list[_Sentence]) -> dict[int, float]:
    """Position prior for the lede plus centrality, both scaled to 0..1.

    Centrality is how many of the document's recurring content words a
    sentence carries, divided by the square root of its length so that long
    sentences do not win by size alone.
    """
    frequency: Counter[str] = Counter()
    for sentence in candidates:
        frequency.update(sentence.words)
    central: dict[int, float] = {}
    for sentence in candidates:
        recurring = sum(frequency[w] - 1 for w in sentence.words)
        central[sentence.index] = recurring / math.sqrt(len(sentence.words) + 1)
    top = max(central.values()) or 1.0
    return {s.index: 0.55 / (1 + 0.6 * s.index) + 0.45 * central[s.index] / top for s in candidates}


def _words(sentence: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(sentence)]


def _is_content(word: str) -> bool:
    return len(word) > 2 and word not in _STOPWORDS and not word.isdigit()


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


@dataclass(frozen=True)
class BuiltDigest:
    """A composed digest with the items it carries (to mark them sent later)."""

    digest: Digest
    item_ids: tuple[int, ...]


def assemble_stories(
    by_story: Mapping[int, Sequence[ItemRow]], copies: Mapping[int, Sequence[ItemRow]]
) -> list[Story]:
    """Stories from their on-topic lead items (oldest first) and the copies folded into each.

    The summary is left empty: only the stories a digest keeps need one.
    """
    stories: list[Story] = []
    for story_id, rows in by_story.items():
        if not rows:
            continue
        items = tuple(_story_item(row, copies.get(row.id, [])) for row in rows)
        lead = rows[0]
        update = any(not i.new for i in items) and any(i.new for i in items)
        stories.append(
            Story(
                id=story_id,
                headline=lead.title,
                summary="",
                published=max(r.published for r in rows if not r.date_is_fallback)
                if any(not r.date_is_fallback for r in rows)
                else lead.published,
                items=items,
                update=update,
            )
        )
    return stories


def carried_ids(
    by_story: Mapping[int, Sequence[ItemRow]],
    copies: Mapping[int, Sequence[ItemRow]],
    kept: Iterable[int],
) -> tuple[int, ...]:
    """The items (leads and their copies) of the kept stories, sorted."""
    keep = set(kept)
    carried: list[int] = []
    for story_id, rows in by_story.items():
        if story_id in keep:
            for row in rows:
                carried.append(row.id)
                carried.extend(c.id for c in copies.get(row.id, []))
    return tuple(sorted(carried))


def _story_item(row: ItemRow, copies: Sequence[ItemRow]) -> StoryItem:
    return StoryItem(
        id=row.id,
        source=row.source,
        title=row.title,
        outlet=row.outlet,
        published=row.published,
        date_is_fallback=row.date_is_fallback,
        url=row.url,
        copies=tuple(
            Copy(source=c.source, outlet=c.outlet, url=c.url, similarity=c.copy_similarity or 1.0)
            for c in copies
        ),
        new=row.sent_digest_id is None,
    )
