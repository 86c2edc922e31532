"""What moves between the pipeline's stages: small frozen dataclasses.

Each stage takes one of these and hands the next one on, so a stage can be
tested alone with values built by hand. Datetimes are always timezone-aware.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

SourceKind = Literal["file", "feed"]
# Where a date came from (``Article.published_from``) when no date was found
# (the file's time, never shown as a publication date), and when not recorded.
FILE_TIME = "file-time"
UNKNOWN_SOURCE = "unknown"


@dataclass(frozen=True)
class SourceItem:
    """One document as a source delivered it, decoded but not yet cleaned.

    ``source`` is the item's stable identity: for a file, its path relative to
    the watched folder with forward slashes; for a feed entry, its link (or its
    id when it has no link).
    """

    source: str
    kind: SourceKind
    body: str
    is_html: bool
    fingerprint: str
    modified: datetime
    path: str | None = None
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    encoding: str | None = None
    feed: str | None = None
    guid: str | None = None


@dataclass(frozen=True)
class Skipped:
    """A document that was not ingested, and why (``empty``, ``binary``, ``too-large`` …)."""

    source: str
    reason: str


@dataclass(frozen=True)
class Article:
    """A cleaned document: main text without site chrome, with its metadata.

    ``text`` holds paragraphs separated by blank lines. ``published_from`` says
    where the date was read: ``dateline`` (in the text), ``metadata`` (the
    page's markup), ``front-matter``, ``url``, ``feed``, ``file-time`` (no
    date found: ``published`` is the file's modification time or the time it
    was fetched), or ``unknown`` (stored before the store recorded it).
    ``date_is_fallback`` says the same as ``published_from == "file-time"``
    (one fact: ``published_from`` is made to follow it). ``outlet`` is ""
    when nothing names the site; ``url`` is the original's address when known.
    """

    source: str
    kind: SourceKind
    title: str
    outlet: str
    published: datetime
    date_is_fallback: bool
    text: str
    language: str
    fingerprint: str
    url: str | None = None
    path: str | None = None
    feed: str | None = None
    guid: str | None = None
    published_from: str = ""

    def __post_init__(self) -> None:
        # One fact: published_from is made to agree with date_is_fallback, so
        # that neither a default nor dataclasses.replace can leave them apart.
        if self.date_is_fallback:
            source = FILE_TIME
        elif self.published_from in ("", FILE_TIME):
            source = UNKNOWN_SOURCE
        else:
            source = self.published_from
        object.__setattr__(self, "published_from", source)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p.strip()]


@dataclass(frozen=True)
class TopicDecision:
    """Whether an article is on topic, and the reason recorded either way."""

    on_topic: bool
    reason: str
    score: float = 0.0


@dataclass(frozen=True)
class Copy:
    """A near-identical re-post folded into the item it copies."""

    source: str
    outlet: str
    url: str | None
    similarity: float = 1.0


@dataclass(frozen=True)
class StoryItem:
    """One independent report in a story, with the copies folded into it."""

    id: int
    source: str
    title: str
    outlet: str
    published: datetime
    date_is_fallback: bool
    url: str | None
    copies: tuple[Copy, ...] = ()
    new: bool = True


@dataclass(frozen=True)
class Story:
    """One event, as reported by one or more outlets.

    ``update`` is true when the story went out in an earlier digest and new
    reports have joined it since; ``items`` flagged ``new`` are those reports.
    """

    id: int
    headline: str
    summary: str
    published: datetime
    items: tuple[StoryItem, ...]
    update: bool = False

    @property
    def outlets(self) -> list[str]:
        """Every outlet once, in order; an unknown one ("") once per report, as each
        may be a different site."""
        seen: dict[str, None] = {}
        unknown = 0
        for item in self.items:
            for outlet in (item.outlet, *(copy.outlet for copy in item.copies)):
                if outlet:
                    seen.setdefault(outlet, None)
                else:
                    unknown += 1
        return list(seen) + [""] * unknown


@dataclass(frozen=True)
class Excluded:
    """An article that was read but left out of the digest (e.g. ``off-topic``)."""

    source: str
    reason: str


@dataclass(frozen=True)
class Digest:
    """Everything one email carries, before any presentation."""

    title: str
    language: str
    generated_at: datetime
    stories: tuple[Story, ...]
    excluded: tuple[Excluded, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.stories


@dataclass(frozen=True)
class RenderedEmail:
    """A digest rendered for sending: subject, both parts, and the structured form."""

    subject: str
    html: str
    text: str
    data: dict[str, Any] = field(hash=False, compare=False)
    preheader: str = ""


def day_number(value: datetime) -> int:
    """Days since 1970-01-01 (UTC): the unit of the event index's time window."""
    return int(value.timestamp() // 86400)
