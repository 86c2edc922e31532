"""The feed source: poll RSS, Atom and JSON feeds politely, one bad feed never stopping the rest.

:func:`poll_feeds` fetches the feeds that are due, a few at a time, and yields
a :class:`~digest.models.SourceItem` for every entry that is new or changed;
the pipeline consumes them exactly like files. What it learns about each feed
(validators, status, failures, when to try next) goes to the store's
``feeds`` table, which ``digest feeds list`` shows.

**Politeness.** Fetching itself (User-Agent, validators, gzip, timeouts, the
size cap, redirects) is :mod:`digest.ingest.sources.fetch`. Here: a 304 ingests
nothing; a feed is fetched again only after ``[schedule] poll_minutes``, and a
failing one waits
``poll_minutes × 2^failures`` (at most ``[fetch] max_backoff_hours``). A 301
or 308 moves the feed for good (the new URL is remembered once it answers
well); a 302/307 does not. A 410 Gone disables the feed until ``digest feeds
check`` finds it back.

**Isolation.** Fetching happens in worker threads (``[fetch] concurrency``);
parsing too, since it is pure. Everything that touches the store happens on
the calling thread, because a SQLite connection is not shared across threads.
Nothing a feed does raises out of :func:`poll_feeds`: it is recorded.

**Identity.** An entry is its guid/id, else its link, else a hash of title and
content. A short id that is not a URI ("42") is only unique within its feed,
so it is prefixed with the feed's URL; a URI or a long id (a UUID) is taken to
be global, so the same entry syndicated in two feeds is one item, owned by the
feed that brought it first. An entry whose title and content hash equal the
stored fingerprint yields nothing.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from digest.config import Config
from digest.ingest.bounds import ENTRIES_PER_FEED, bound_item, reference
from digest.ingest.sitename import site_name
from digest.ingest.sources.feedparse import Entry, ParsedFeed, parse_feed
from digest.ingest.sources.fetch import (
    CANCELLED,
    OUT_OF_BUDGET,
    Fetcher,
    FetchResult,
    HttpFetcher,
)
from digest.ingest.sources.opml import OpmlFeed, read_opml, to_opml
from digest.models import Skipped, SourceItem
from digest.store import Store
from digest.store.feeds import FeedState

log = logging.getLogger(__name__)

_GLOBAL_ID_RE = re.compile(r"^[a-z][a-z0-9+.-]*:\S", re.IGNORECASE)
_GLOBAL_ID_CHARS = 32
FAILED_STATUSES = ("error", "not-a-feed", "gone")

__all__ = [
    "FeedPolled",
    "FeedRow",
    "FeedSpec",
    "FetchResult",
    "Fetcher",
    "HttpFetcher",
    "configured_feeds",
    "export_feeds",
    "feed_rows",
    "format_feeds",
    "next_state",
    "poll_feeds",
]


# -- which feeds --------------------------------------------------------------------


@dataclass(frozen=True)
class FeedSpec:
    """One configured feed: ``url`` as written (its key in the store), ``location`` as fetched."""

    url: str
    location: str
    title: str = ""


def configured_feeds(config: Config) -> list[FeedSpec]:
    """``[sources] feeds`` then the feeds of ``[sources] opml``, each once.

    Local paths resolve against the config file's folder.
    """
    listed = [(url, "") for url in config.sources.feeds]
    # An OPML file that does not exist yet is an empty list: `digest feeds add`
    # and `import` create it.
    if config.sources.opml is not None and config.sources.opml.exists():
        listed += [(feed.url, feed.title) for feed in read_opml(config.sources.opml)]
    specs: dict[str, FeedSpec] = {}
    for url, title in listed:
        url = url.strip()
        if url and url not in specs:
            specs[url] = FeedSpec(url, _location(url, config.base_dir), title)
    return list(specs.values())


def _location(url: str, base: Path) -> str:
    scheme = urlsplit(url).scheme
    if len(scheme) > 1:
        return url
    path = Path(url).expanduser()
    return str(path if path.is_absolute() else (base / path).resolve())


# -- polling ------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedPolled:
    """A feed's new state, yielded after its entries: the caller saves it with them.

    Saving the new ETag in the same transaction as the entries it covers means
    a crash or a failed write cannot leave a 304 hiding entries never stored.
    """

    state: FeedState


def poll_feeds(
    config: Config,
    store: Store,
    *,
    fetcher: Fetcher | None = None,
    now: datetime,
    force: bool = False,
) -> Iterator[SourceItem | Skipped | FeedPolled]:
    """Fetch the feeds that are due (all of them with ``force``) and yield new or changed entries.

    After each feed's entries comes a :class:`FeedPolled` with its new state,
    which the caller stores in the same transaction as those entries.

    A feed never fetched is always due; a disabled (gone) feed only with ``force``.
    The whole poll ends within ``[fetch] budget_seconds`` (plus a fetch's
    connect timeout): a feed not fetched by then keeps its state and stays due.
    """
    ends_at = time.monotonic() + config.fetch.budget_seconds
    specs = configured_feeds(config)
    states = store.feeds.feed_states()
    due = [spec for spec in specs if force or is_due(states.get(spec.url), now)]
    if not due:
        return
    fetcher = fetcher or HttpFetcher(config.fetch)
    claimed: set[str] = set()
    pool = ThreadPoolExecutor(
        max_workers=min(config.fetch.concurrency, len(due)), thread_name_prefix="digest-feed"
    )
    try:
        futures = [
            pool.submit(_fetch, fetcher, spec, states.get(spec.url), ends_at) for spec in due
        ]
        left = 0
        for spec, future in zip(due, futures, strict=True):
            result, parsed = future.result()
            if result.error in (CANCELLED, OUT_OF_BUDGET):
                left += 1
                continue
            state = next_state(states.get(spec.url), spec, result, parsed, config=config, now=now)
            if state.status == "ok" and parsed is not None:
                yield from _changed_items(parsed, spec, store, claimed, now)
            yield FeedPolled(state)
            if state.status in FAILED_STATUSES:
                log.warning("feed %s: %s (%s)", spec.url, state.status, state.last_error)
        if left:
            log.warning(
                "feeds: %d of %d not fetched this time (stopping or out of time)", left, len(due)
            )
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def is_due(state: FeedState | None, now: datetime) -> bool:
    if state is None:
        return True
    if state.disabled:
        return False
    return state.next_fetch_at is None or state.next_fetch_at <= now


def _fetch(
    fetcher: Fetcher, spec: FeedSpec, state: FeedState | None, ends_at: float
) -> tuple[FetchResult, ParsedFeed | None]:
    """Fetch and parse one feed (in a worker thread) by ``ends_at``; never raises."""
    target = (state.current_url if state else None) or spec.location
    if time.monotonic() >= ends_at:
        return FetchResult(target, error=OUT_OF_BUDGET), None
    try:
        result = fetcher.fetch(
            target,
            etag=state.etag if state else None,
            modified=state.last_modified if state else None,
            ends_at=ends_at,
        )
        if result.body is None or result.error:
            return result, None
        return result, parse_feed(result.body, url=result.url, content_type=result.content_type)
    except Exception as exc:  # one feed's surprise must not stop the others
        log.exception("feed %s: unexpected failure", spec.url)
        return FetchResult(target, error=f"unexpected {type(exc).__name__}: {exc}"), None


def next_state(
    previous: FeedState | None,
    spec: FeedSpec,
    result: FetchResult,
    parsed: ParsedFeed | None,
    *,
    config: Config,
    now: datetime,
) -> FeedState:
    """What to remember after one fetch: status, validators, failures and the next try."""
    poll = timedelta(minutes=config.schedule.poll_minutes)
    state = replace(
        previous or FeedState(url=spec.url, title=spec.title or None),
        last_fetched_at=now,
        http_status=result.status,
    )
    if result.status == 410:
        return replace(
            state,
            status="gone",
            disabled=True,
            last_error="410 Gone: the server says this feed was removed for good",
            next_fetch_at=None,
        )
    moved: dict[str, Any] = {"current_url": result.permanent_url} if result.permanent_url else {}
    if result.not_modified:
        return replace(
            state,
            **moved,
            status="not-modified",
            etag=result.etag or state.etag,
            last_modified=result.modified or state.last_modified,
            last_error=None,
            failures=0,
            disabled=False,
            next_fetch_at=now + poll,
        )
    if parsed is None or parsed.error:
        failures = state.failures + 1
        backoff = min(
            poll * 2 ** min(failures, 30), timedelta(hours=config.fetch.max_backoff_hours)
        )
        return replace(
            state,
            status="not-a-feed" if parsed is not None and parsed.not_a_feed else "error",
            last_error=result.error or (parsed.error if parsed else None) or "no content",
            failures=failures,
            next_fetch_at=now + backoff,
        )
    return replace(
        state,
        **moved,
        status="ok",
        title=parsed.title or state.title,
        etag=result.etag,
        last_modified=result.modified,
        last_error=parsed.problem,
        failures=0,
        disabled=False,
        entries=len(parsed.entries),
        next_fetch_at=now + poll,
    )


def feed_outlet(spec: FeedSpec, parsed: ParsedFeed) -> str:
    """The outlet of a feed's entries: the OPML outline's title when it gives one, else
    the site's name out of the feed's title without section or tagline ("The Moscow
    Times - News, Business, …" → "The Moscow Times"), else the site's host.
    """
    site = parsed.link or spec.url
    return (
        spec.title
        or site_name(parsed.title, url=site)
        or (urlsplit(site).hostname or "").removeprefix("www.")
    )


def entry_identity(entry: Entry, feed_url: str) -> str:
    """guid/id (scoped to the feed unless it is a URI or long), else link, else content hash."""
    if entry.id:
        if _GLOBAL_ID_RE.match(entry.id) or len(entry.id) >= _GLOBAL_ID_CHARS:
            return entry.id
        return f"{feed_url}#{entry.id}"
    return entry.link or f"sha256:{entry.content_hash}"


def _changed_items(
    parsed: ParsedFeed, spec: FeedSpec, store: Store, claimed: set[str], now: datetime
) -> Iterator[SourceItem]:
    """Source items for the entries that are new, or changed since they were stored."""
    outlet = feed_outlet(spec, parsed)
    if len(parsed.entries) > ENTRIES_PER_FEED:
        log.warning(
            "feed %s lists %d entries: only the first %d are read",
            spec.url,
            len(parsed.entries),
            ENTRIES_PER_FEED,
        )
    for entry in parsed.entries[:ENTRIES_PER_FEED]:
        identity = reference(entry_identity(entry, spec.url)) or ""
        if identity in claimed:  # earlier in this poll, in this feed or another
            continue
        claimed.add(identity)
        fingerprint = entry.content_hash
        source = reference(entry.link or entry.id or identity) or identity
        known = store.feeds.feed_item(identity, source)
        if known is not None:
            known_source, known_fingerprint, owner = known
            if owner != spec.url or known_fingerprint == fingerprint:
                continue
            source = known_source
        yield bound_item(
            SourceItem(
                source=source,
                kind="feed",
                body=entry.body,
                is_html=True,
                fingerprint=fingerprint,
                modified=now,
                url=entry.link,
                title=entry.title or None,
                outlet=outlet,
                published=entry.published,
                feed=spec.url,
                guid=identity,
            )
        )


# -- reporting ----------------------------------------------------------------------


@dataclass(frozen=True)
class FeedRow:
    """A configured feed with what the store knows of it (None: never fetched)."""

    spec: FeedSpec
    state: FeedState | None

    @property
    def status(self) -> str:
        if self.state is None or self.state.status is None:
            return "new"
        return self.state.status

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATUSES


def feed_rows(config: Config, store: Store) -> list[FeedRow]:
    states = store.feeds.feed_states()
    return [FeedRow(spec, states.get(spec.url)) for spec in configured_feeds(config)]


def format_feeds(rows: list[FeedRow]) -> str:
    """The feeds with their state, two or three lines each, for `digest feeds list|check`."""
    if not rows:
        return "no feeds configured (set [sources] feeds or [sources] opml)"
    lines = []
    for row in rows:
        state = row.state
        lines.append(row.spec.url)
        if state is None:
            lines.append("  new: not fetched yet")
            continue
        facts = [row.status + (" (disabled)" if state.disabled else "")]
        if state.http_status:
            facts.append(f"HTTP {state.http_status}")
        facts.append(f"{state.entries} entries")
        if state.failures:
            facts.append(f"{state.failures} failures in a row")
        if state.last_fetched_at:
            facts.append(f"fetched {_when(state.last_fetched_at)}")
        if state.next_fetch_at and not state.disabled:
            facts.append(f"next {_when(state.next_fetch_at)}")
        title = f"  “{state.title}”" if state.title else ""
        lines.append("  " + ", ".join(facts) + title)
        if state.current_url and state.current_url != row.spec.url:
            lines.append(f"  moved permanently to {state.current_url}")
        if state.last_error:
            lines.append(f"  last error: {state.last_error}")
    return "\n".join(lines)


def export_feeds(config: Config) -> bytes:
    """OPML of every configured feed, titled by what the feeds call themselves when known."""
    titles: dict[str, str] = {}
    if config.store.path.exists():
        with Store(config.store.path) as store:
            titles = {url: s.title for url, s in store.feeds.feed_states().items() if s.title}
    feeds = [
        OpmlFeed(spec.url, titles.get(spec.url) or spec.title) for spec in configured_feeds(config)
    ]
    return to_opml(feeds, title=f"{config.digest.title}: feeds")


def _when(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
