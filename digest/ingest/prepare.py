"""The CPU-bound half of ingesting: clean → topic → features, on every core.

Ingesting one item is two halves. This one (read the cleaned text, decide the
topic, compute the dedup features) needs nothing but the item and the
configuration, and is most of the CPU time; the other half (match against the
index, store) needs the one SQLite connection and stays in the main process
(:class:`digest.jobs.Pipeline`).

A large batch (a first scan of a full folder, a re-index) is prepared by a
process pool, in chunks, with a bounded number of chunks in flight so that
memory stays flat however many files arrive; the main process stores the
results in their original order, so the outcome is the same as preparing them
one by one. A small batch (the service's usual few new files) is prepared in
process: below ``POOL_MIN_ITEMS`` a pool costs more than it saves.

Workers are forked from a ``forkserver`` that has imported this module once,
not from the caller, which may be running threads (the service's scheduler).
The pool is shut down on every way out of :func:`prepare_stream` (its
pending work cancelled), and each worker watches the process that started
it and exits when that one is gone, even killed with SIGKILL: otherwise
workers blocked on their task queue would live on, one set per crash.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import select
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from digest.config import Config
from digest.ingest.bounds import bound_article
from digest.ingest.clean import clean_page
from digest.ingest.features import FeatureExtractor, Features
from digest.ingest.sources.events import SourceEvent
from digest.ingest.templates import NO_TEMPLATES, TemplateLookup
from digest.ingest.topic import Terms, classify, load_vocabulary
from digest.models import Article, SourceItem, TopicDecision
from digest.store.templates import ReadOnlyTemplates

log = logging.getLogger(__name__)

# Every article is kept when [topic] enabled = false.
UNFILTERED = TopicDecision(True, "on-topic", 0.0)
# Below this many items in one run, items are prepared in process.
POOL_MIN_ITEMS = 200
# Items per task sent to a worker (amortises the inter-process round trip),
# and tasks in flight per worker (keeps workers busy, bounds memory).
CHUNK_ITEMS = 32
CHUNKS_IN_FLIGHT_PER_WORKER = 4


@dataclass(frozen=True)
class Prepared:
    """One item after the CPU-bound stages: its article, topic decision and features.

    ``error`` is set (and the rest None) when the item could not be cleaned.
    ``features`` is None for an off-topic item.
    """

    article: Article | None
    decision: TopicDecision | None
    features: Features | None
    error: str | None = None
    # The page's site and the keys of its lines that may be template, which the
    # main process counts (digest.ingest.templates).
    site: str = ""
    template_keys: tuple[int, ...] = ()


class Preparer:
    """clean → topic → features for one item; holds only configuration, so workers can."""

    def __init__(
        self,
        config: Config,
        terms: Terms,
        extractor: FeatureExtractor,
        templates: TemplateLookup = NO_TEMPLATES,
    ) -> None:
        self.tz = config.digest.tz
        self.filter = config.topic.enabled
        self.terms = terms
        self.extractor = extractor
        # The site template lines learnt so far: the store's own connection in
        # the main process, a read-only one in a worker.
        self.templates = templates

    def __call__(self, item: SourceItem, now: datetime) -> Prepared:
        try:
            cleaned = clean_page(item, now=now, tz=self.tz, templates=self.templates)
        except Exception as exc:  # one bad document must not stop the run
            return Prepared(None, None, None, f"{type(exc).__name__}: {exc}")
        article = bound_article(cleaned.article)
        decision = classify(article, self.terms) if self.filter else UNFILTERED
        features = self.extractor.features(article) if decision.on_topic else None
        return Prepared(article, decision, features, None, cleaned.site, cleaned.template_keys)


def workers_for(setting: int) -> int:
    """Worker processes for ``[ingest] workers`` (0: one per core)."""
    return setting or os.cpu_count() or 1


def prepare_stream(
    entries: Iterable[SourceEvent],
    preparer: Preparer,
    *,
    config: Config,
    clock: Callable[[], datetime],
) -> Iterator[tuple[SourceEvent, Prepared | None]]:
    """Each entry with its :class:`Prepared` (None for entries that are not items), in order.

    Uses a process pool of ``[ingest] workers`` when at least
    ``POOL_MIN_ITEMS`` items arrive; otherwise prepares in process.
    """
    iterator = iter(entries)
    head: list[SourceEvent] = []
    items = 0
    workers = workers_for(config.ingest.workers)
    if workers > 1:
        for entry in iterator:
            head.append(entry)
            items += isinstance(entry, SourceItem)
            if items >= POOL_MIN_ITEMS:
                break
    if items < POOL_MIN_ITEMS:
        for entry in _chain(head, iterator):
            yield entry, preparer(entry, clock()) if isinstance(entry, SourceItem) else None
        return
    yield from _pooled(_chain(head, iterator), preparer, config, clock, workers)


def _chain(head: list[SourceEvent], rest: Iterator[SourceEvent]) -> Iterator[SourceEvent]:
    yield from head
    yield from rest


def _pooled(
    entries: Iterator[SourceEvent],
    preparer: Preparer,
    config: Config,
    clock: Callable[[], datetime],
    workers: int,
) -> Iterator[tuple[SourceEvent, Prepared | None]]:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    pending: deque[tuple[list[SourceEvent], Future[list[Prepared]] | None]] = deque()
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(config, os.getpid())
    )
    try:
        while chunk := list(islice(entries, CHUNK_ITEMS)):
            items = [e for e in chunk if isinstance(e, SourceItem)]
            future = None
            if items:
                try:
                    future = pool.submit(_prepare_chunk, items, clock())
                except BrokenProcessPool:
                    future = None  # prepared in process by _collect
            pending.append((chunk, future))
            while len(pending) > workers * CHUNKS_IN_FLIGHT_PER_WORKER:
                yield from _collect(*pending.popleft(), preparer, clock)
        while pending:
            yield from _collect(*pending.popleft(), preparer, clock)
    finally:  # also when the consumer stops early or raises: no work left running
        pool.shutdown(wait=True, cancel_futures=True)


def _collect(
    chunk: list[SourceEvent],
    future: Future[list[Prepared]] | None,
    preparer: Preparer,
    clock: Callable[[], datetime],
) -> Iterator[tuple[SourceEvent, Prepared | None]]:
    prepared: list[Prepared] | None = None
    if future is not None:
        try:
            prepared = future.result()
        except BrokenProcessPool:
            log.warning("a prepare worker died; preparing its items in process")
    if prepared is None:
        prepared = [preparer(e, clock()) for e in chunk if isinstance(e, SourceItem)]
    results = iter(prepared)
    for entry in chunk:
        yield entry, next(results) if isinstance(entry, SourceItem) else None


# -- in the worker processes -------------------------------------------------------

_worker: Preparer | None = None


def _start_worker(config: Config, parent: int) -> None:
    global _worker
    _watch_parent(parent)
    terms = load_vocabulary(config)
    store = str(config.store.path)
    templates = NO_TEMPLATES if store == ":memory:" else ReadOnlyTemplates(store)
    extractor = FeatureExtractor(config.dedup, terms, config.digest.tz)
    _worker = Preparer(config, terms, extractor, templates)


def _prepare_chunk(items: list[SourceItem], now: datetime) -> list[Prepared]:
    if _worker is None:
        raise RuntimeError("the prepare worker was not initialised")
    return [_worker(item, now) for item in items]


# How often a worker without pidfd support checks that its parent lives (seconds).
PARENT_POLL_SECONDS = 0.5


def _watch_parent(pid: int) -> None:
    """Exit this worker as soon as process ``pid`` (the pool's owner) is gone.

    A pidfd becomes readable when the process ends (Linux 5.3+); elsewhere
    the pid is polled.
    """
    try:
        fd: int | None = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None

    def watch() -> None:
        if fd is not None:
            select.select([fd], [], [])
        else:
            while _alive(pid):
                time.sleep(PARENT_POLL_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="digest-parent-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
