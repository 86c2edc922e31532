"""``digest inspect``: what the clean stage understood of a file, without storing anything.

Users tune with it (why did this line go? where did this date come from?),
and the quality tests and benchmarks measure with it. It reads the files the
way the folder source does, cleans them with the template lines learnt so far
(read from the store when one exists; a store is never created or changed),
and decides the topic without letting the decision filter anything.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from digest.config import Config
from digest.ingest.clean import clean_page
from digest.ingest.sources.folder import read_file, scan_folders
from digest.ingest.templates import NO_TEMPLATES, TemplateLookup
from digest.ingest.topic import Terms, classify, describe, load_vocabulary
from digest.models import Skipped, SourceItem
from digest.store.templates import ReadOnlyTemplates

UNKNOWN_OUTLET = "unknown outlet"


@dataclass(frozen=True)
class Dropped:
    line: str
    why: str


@dataclass(frozen=True)
class Topic:
    on_topic: bool
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class Inspection:
    """What the clean stage made of one file (``skipped`` set when it was not read)."""

    source: str
    headline: str = ""
    outlet: str = ""
    published: str | None = None
    published_from: str = "file-time"
    language: str = ""
    text: str = ""
    url: str | None = None
    dropped: tuple[Dropped, ...] = ()
    topic: Topic | None = None
    skipped: str | None = None

    def to_json(self) -> str:
        data = asdict(self)
        if self.skipped is None:
            data.pop("skipped")
        return json.dumps(data, ensure_ascii=False)

    def to_text(self) -> str:
        if self.skipped is not None:
            return f"== {self.source}\nskipped: {self.skipped}\n"
        published = (
            f"unknown (file time {self.published})"
            if self.published_from == "file-time"
            else f"{self.published} (from {self.published_from})"
        )
        topic = self.topic
        decision = f"{topic.reason}: {topic.detail}" if topic else ""
        out = [
            f"== {self.source}",
            f"headline:  {self.headline or '(none)'}",
            f"outlet:    {self.outlet or UNKNOWN_OUTLET}",
            f"published: {published}",
            f"language:  {self.language}",
            f"link:      {self.url or '(none)'}",
            f"topic:     {decision}",
            "text:",
            *(f"  {p}" for p in self.text.split("\n\n") if p),
            f"dropped ({len(self.dropped)}):",
            *(f"  [{d.why}] {d.line}" for d in self.dropped),
        ]
        return "\n".join(out) + "\n"


class Inspector:
    """Cleans files as ingest would; holds the topic terms and the store's template lines."""

    def __init__(self, config: Config, *, now: datetime) -> None:
        self.config = config
        self.now = now
        self.terms: Terms = load_vocabulary(config)  # as ingest reads them
        self.templates: TemplateLookup = NO_TEMPLATES
        store = config.store.path
        if str(store) != ":memory:" and store.is_file():
            self.templates = ReadOnlyTemplates(os.fspath(store))

    def paths(self, paths: Iterable[Path]) -> Iterator[Inspection]:
        """Each file named (a folder: every file the folder source would read in it)."""
        max_bytes = self.config.sources.max_file_bytes
        for path in paths:
            if path.is_dir():
                for entry in scan_folders([path], max_bytes=max_bytes):
                    if isinstance(entry, SourceItem | Skipped):
                        yield self.item(entry)
            else:
                yield self.item(read_file(path, max_bytes=max_bytes))

    def item(self, item: SourceItem | Skipped) -> Inspection:
        if isinstance(item, Skipped):
            return Inspection(source=item.source, skipped=item.reason)
        tz = self.config.digest.tz
        cleaned = clean_page(item, now=self.now, tz=tz, templates=self.templates)
        article = cleaned.article
        decision = classify(article, self.terms)
        published = article.published.isoformat(timespec="minutes")  # as the page gives it
        return Inspection(
            source=item.path or item.source,
            headline=article.title,
            outlet=article.outlet,
            published=published,
            published_from=article.published_from,
            language=article.language,
            text=article.text,
            url=article.url,
            dropped=tuple(Dropped(line, why) for line, why in cleaned.dropped),
            topic=Topic(
                decision.on_topic, decision.reason, describe(decision, article, self.terms)
            ),
        )
