"""What the preview's inspector shows: every item and why it went where it went.

The inspector answers the questions a person tuning the digest asks: was
this article read, what text was kept, which date was used (and was it only
the file's time), was it on topic and why, which story did it join and how
similar was it, which item was it folded into as a copy, and which files
were skipped. Everything here is read from the store; nothing is changed.

The topic decision is also re-derived with the *current* topic terms, because
stored items keep the decision they got when they were read: after an edit of
``topic.toml`` the inspector shows which items the new terms would decide
differently, before anything is re-ingested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from digest.ingest.features import FeatureExtractor
from digest.ingest.topic import Terms, classify, describe
from digest.models import TopicDecision
from digest.store.items import SkippedFile
from digest.stories.explain import shared_terms
from digest.text import safe_href

if TYPE_CHECKING:
    from digest.config import Config
    from digest.store import Store
    from digest.store.items import ItemRow

#: The inspector lists at most this many items, newest first.
ITEM_LIMIT = 1000
# Other reports of a story whose texts are compared with a report's (the newest first).
WHY_REPORTS = 8


@dataclass(frozen=True)
class SharedTerm:
    term: str
    #: In how many of the compared reports the term is.
    reports: int


@dataclass(frozen=True)
class StoryWhy:
    """The terms a report shares with the other reports of the story it joined."""

    shared: tuple[SharedTerm, ...]
    compared_reports: int


@dataclass(frozen=True)
class StoryPlacement:
    """How a report came to its story: joined it, or started it (and how close another was)."""

    joined: bool
    threshold: str
    #: The closest report of another story, when the report started its own.
    near: int | None
    near_story: int | None
    below: bool
    why: StoryWhy | None


@dataclass(frozen=True)
class InspectedItem:
    """One item as the inspector explains it (times local, similarities as text)."""

    id: int
    title: str
    source: str
    href: str | None
    kind: str
    outlet: str
    language: str
    date: str
    date_is_fallback: bool
    #: Where the date came from: dateline, metadata, front-matter, url, feed, file-time, unknown.
    date_from: str
    first_seen: str
    on_topic: bool
    topic_reason: str
    topic_why: str
    #: What the current topic.toml would decide, when it differs from the stored decision.
    topic_now: str | None
    topic_now_on: bool
    copy_of: int | None
    copy_similarity: str | None
    copies: tuple[int, ...]
    story_id: int | None
    story_similarity: str | None
    story_matched_item: int | None
    story_items: tuple[int, ...]
    sent_digest_id: int | None
    paragraphs: tuple[str, ...]
    words: int
    story_joined: bool
    story_threshold: str
    story_near: int | None
    story_near_story: int | None
    story_below: bool
    story_why: StoryWhy | None


@dataclass(frozen=True)
class Inspection:
    """The inspector's page: counts, items (newest first, at most ``limit``), skipped files."""

    counts: dict[str, int]
    limit: int
    items: tuple[InspectedItem, ...]
    changed_by_terms: int
    skipped: tuple[SkippedFile, ...]


def inspect(store: Store, config: Config, terms: Terms) -> Inspection:
    """The inspector's view of the store (``dataclasses.asdict`` gives it as JSON).

    ``terms`` are the topic rules as loaded now, to show which items they would judge anew.
    """
    tz = config.digest.tz
    rows = store.items.all_items(limit=ITEM_LIMIT)
    copies: dict[int, list[int]] = {}
    stories: dict[int, list[int]] = {}
    for row in rows:
        if row.copy_of is not None:
            copies.setdefault(row.copy_of, []).append(row.id)
        elif row.story_id is not None and row.on_topic:
            stories.setdefault(row.story_id, []).append(row.id)
    by_id = {row.id: row for row in rows}
    threshold = config.dedup.event_threshold
    extractor = FeatureExtractor(config.dedup, terms, tz)
    items = tuple(
        _item(
            row,
            terms,
            tz,
            copies,
            stories,
            _placement(store, row, threshold, lambda r: _why(extractor, r, stories, by_id)),
        )
        for row in rows
    )
    return Inspection(
        counts=store.counts(),
        limit=ITEM_LIMIT,
        items=items,
        changed_by_terms=sum(1 for item in items if item.topic_now is not None),
        skipped=tuple(SkippedFile(s, r) for s, r in store.items.skipped()),
    )


def _item(
    row: ItemRow,
    terms: Terms,
    tz: ZoneInfo,
    copies: dict[int, list[int]],
    stories: dict[int, list[int]],
    story: StoryPlacement,
) -> InspectedItem:
    article = row.to_article()
    stored = TopicDecision(row.on_topic, row.topic_reason)
    current = classify(article, terms)
    text = row.text or ""
    return InspectedItem(
        id=row.id,
        title=row.title,
        source=row.source,
        href=safe_href(row.url),
        kind=row.kind,
        outlet=row.outlet,
        language=row.language,
        date=local_time(row.published, tz),
        date_is_fallback=row.date_is_fallback,
        date_from=row.published_from,
        first_seen=local_time(row.first_seen, tz),
        on_topic=row.on_topic,
        topic_reason=row.topic_reason,
        topic_why=describe(stored, article, terms),
        topic_now=(describe(current, article, terms) if current.on_topic != row.on_topic else None),
        topic_now_on=current.on_topic,
        copy_of=row.copy_of,
        copy_similarity=_score(row.copy_similarity),
        copies=tuple(copies.get(row.id, [])),
        story_id=row.story_id,
        story_similarity=_score(row.story_similarity),
        story_matched_item=row.story_matched_item,
        story_items=tuple(i for i in stories.get(row.story_id or -1, []) if i != row.id),
        sent_digest_id=row.sent_digest_id,
        paragraphs=tuple(p for p in text.split("\n\n") if p.strip()),
        words=len(text.split()),
        story_joined=story.joined,
        story_threshold=story.threshold,
        story_near=story.near,
        story_near_story=story.near_story,
        story_below=story.below,
        story_why=story.why,
    )


def _placement(
    store: Store, row: ItemRow, threshold: float, why: Callable[[ItemRow], StoryWhy | None]
) -> StoryPlacement:
    near = row.story_matched_item
    joined = near is not None and row.copy_of is None and _story_of(store, near) == row.story_id
    other = None if joined or row.copy_of is not None else near
    return StoryPlacement(
        joined=joined,
        threshold=f"{threshold:.2f}",
        near=other,
        near_story=_story_of(store, near) if other else None,
        below=(row.story_similarity or 0.0) < threshold,
        why=why(row) if joined else None,
    )


def _story_of(store: Store, item_id: int | None) -> int | None:
    return None if item_id is None else store.items.placement(item_id)[1]


def _why(
    extractor: FeatureExtractor,
    row: ItemRow,
    stories: dict[int, list[int]],
    by_id: dict[int, ItemRow],
) -> StoryWhy | None:
    """The terms a report shares with the other reports of the story it joined."""
    if row.text is None:
        return None
    others = [
        by_id[i].to_article()
        for i in stories.get(row.story_id or -1, [])
        if i != row.id and by_id[i].text is not None
    ][:WHY_REPORTS]
    why = shared_terms(extractor, row.to_article(), others)
    return StoryWhy(
        shared=tuple(SharedTerm(term, n) for term, n in why.shared),
        compared_reports=why.others,
    )


def local_time(value: datetime | str | None, tz: ZoneInfo) -> str:
    """A stored time (datetime or ISO text, UTC) as the reader's wall-clock time."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = value.astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".strip()


def _score(value: float | None) -> str | None:
    return None if value is None else f"{value:.2f}"
