"""The pipeline: sources → clean → topic → dedup → store → compose → render → deliver.

Each function here is one job a command or the scheduler runs. What reaches
outside the process (the clock, the mail transport, the HTTP fetcher) is
passed in, so tests can hand in a fixed clock or a real local server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from digest.config import Config
from digest.delivery.outbox import (
    SendResult,
    check_delivery,
    enqueue,
    hand_over,
    retry_outbox,
    transport_for,
)
from digest.delivery.transports import Transport
from digest.errors import DigestError
from digest.ingest.bounds import SUMMARY_CHARS, cut
from digest.ingest.prepare import Prepared, Preparer, prepare_stream
from digest.ingest.progress import Progress
from digest.ingest.sources.events import SourceEvent
from digest.ingest.sources.feeds import FeedPolled, poll_feeds
from digest.ingest.sources.fetch import Fetcher
from digest.ingest.sources.folder import FileState, Unchanged, scan_folders, state_of
from digest.ingest.sources.opening import OUTSIDE
from digest.ingest.templates import counted_as
from digest.ingest.topic import Terms, load_vocabulary
from digest.models import (
    Digest,
    Excluded,
    RenderedEmail,
    Skipped,
    SourceItem,
)
from digest.output.compose import (
    BuiltDigest,
    assemble_stories,
    carried_ids,
    compose,
    summarize,
)
from digest.output.render import render
from digest.store import Store, retention
from digest.store.locks import outbox_lock
from digest.stories.dedup import Deduplicator, FeatureExtractor
from digest.wording import count

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
BATCH = 200  # items written per transaction
PRUNE_EVERY = timedelta(hours=1)  # how often retention looks for what to forget


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class IngestReport:
    """What one ingest pass did, for the CLI and the service's log."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    excluded: int = 0
    copies: int = 0
    problems: list[str] = field(default_factory=list)
    # Excluded items by reason ("off-topic", "language fr not covered …"), for `digest ingest`.
    excluded_by: dict[str, int] = field(default_factory=dict)

    def merge(self, other: IngestReport) -> None:
        for name in ("new", "updated", "unchanged", "skipped", "excluded", "copies"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.problems.extend(other.problems)
        for reason, n in other.excluded_by.items():
            self.excluded_by[reason] = self.excluded_by.get(reason, 0) + n

    def reasons(self) -> str:
        """``excluded: 460 off-topic, 2 language fr not covered by topic.toml`` (most first).

        "" when nothing was excluded.
        """
        ranked = sorted(self.excluded_by.items(), key=lambda kv: (-kv[1], kv[0]))
        return "excluded: " + ", ".join(f"{n} {r}" for r, n in ranked) if ranked else ""

    def summary(self) -> str:
        return (
            f"new {self.new}, updated {self.updated}, skipped {self.skipped}, "
            f"excluded {self.excluded} (copies folded {self.copies}, unchanged {self.unchanged})"
        )


class Pipeline:
    """One configuration, one open store, and the stages wired together."""

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        clock: Clock = system_clock,
        fetcher: Fetcher | None = None,
        progress_bar: bool = False,
    ) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        # A long ingest draws a bar (a command on a terminal) or logs lines (otherwise).
        self.progress_bar = progress_bar
        # The HTTP seam for feeds (see digest.ingest.sources.feeds); None: the real one.
        self.fetcher = fetcher
        self.terms: Terms = load_vocabulary(config)
        self.extractor = FeatureExtractor(config.dedup, self.terms, config.digest.tz)
        self.dedup = Deduplicator(store, self.extractor)
        self.preparer = Preparer(config, self.terms, self.extractor, store.templates)
        self._pruned_at: datetime | None = None
        self._check_index()

    # -- ingest ---------------------------------------------------------------

    def _check_index(self) -> None:
        """Rebuild the dedup index when its parameters changed since it was written."""
        stored = self.store.index.get_meta("index_params")
        if stored == self.extractor.params:
            return
        with self.store.transaction():
            ids = self.store.index.reset_index()
        if stored is not None and ids:
            log.info(
                "index parameters changed (%s → %s): re-indexing %d items",
                stored,
                self.extractor.params,
                len(ids),
            )
            self._reindex(ids)
        # Recorded last: an interrupted re-index starts again on the next run.
        with self.store.transaction():
            self.store.index.set_meta("index_params", self.extractor.params)

    def _reindex(self, ids: list[int]) -> None:
        for start in range(0, len(ids), BATCH):
            with self.store.transaction():
                for row in self.store.items.rows(ids[start : start + BATCH]):
                    article = row.to_article()
                    features = self.extractor.features(article)
                    self.dedup.place(
                        row.id, features, published=None if row.date_is_fallback else row.published
                    )

    def prune(self) -> int:
        """Retention (:mod:`digest.store.retention`): forget what ``[store] keep_days`` lets go.

        Items first seen longer ago lose their text and index rows (their
        rows stay, so a source is still known), stories left without an
        indexed report their centroid, template lines unseen as long go.
        Returns the items forgotten.
        """
        cutoff = self.clock() - timedelta(days=self.config.store.keep_days)
        pruned = retention.prune(self.store, cutoff, self.dedup.forget)
        if pruned:
            log.info("retention: before %s, forgot %s", cutoff.astimezone(UTC), pruned)
        return pruned.items

    def _maybe_prune(self) -> None:
        now = self.clock()
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            self._pruned_at = now
            self.prune()

    def ingest_folders(self) -> IngestReport:
        """Scan the watched folders once; new and changed files go through every stage."""
        self._maybe_prune()
        report = IngestReport()

        def known(source: str) -> FileState | None:
            state = self.store.items.file_state(source)
            if state is None or state[0] is None:
                return None
            return FileState(size=state[0], mtime_ns=state[1] or 0, fingerprint=state[2])

        entries = scan_folders(
            self.config.sources.folders, known=known, max_bytes=self.config.sources.max_file_bytes
        )
        progress = Progress(len(entries), label="folders", bar=self.progress_bar)
        try:
            self._consume(entries, report, progress)
        finally:
            progress.close()
        return report

    def ingest(self) -> IngestReport:
        """Every source once: the watched folders, then the feeds."""
        report = self.ingest_folders()
        if self.config.sources.feeds or self.config.sources.opml:
            report.merge(self.ingest_feeds())
        return report

    def ingest_feeds(self, *, force: bool = False) -> IngestReport:
        """Poll the feeds that are due (all with ``force``); entries go through every stage."""
        self._maybe_prune()
        report = IngestReport()
        entries = poll_feeds(
            self.config, self.store, fetcher=self.fetcher, now=self.clock(), force=force
        )
        self._consume(entries, report)
        return report

    def _consume(
        self,
        entries: Iterable[SourceEvent],
        report: IngestReport,
        progress: Progress | None = None,
    ) -> None:
        """Prepare entries (in worker processes when many) and store them in order."""
        batch: list[tuple[SourceEvent, Prepared | None]] = []
        for pair in prepare_stream(entries, self.preparer, config=self.config, clock=self.clock):
            batch.append(pair)
            if progress is not None:
                progress.advance()
            if len(batch) >= BATCH:
                self._write(batch, report)
                batch = []
        if batch:
            self._write(batch, report)

    def _write(
        self, batch: list[tuple[SourceEvent, Prepared | None]], report: IngestReport
    ) -> None:
        with self.store.transaction():
            for entry, prepared in batch:
                if isinstance(entry, Unchanged):
                    report.unchanged += 1
                    if entry.state is not None:
                        self.store.items.touch_file(
                            entry.source, entry.state.size, entry.state.mtime_ns
                        )
                elif isinstance(entry, Skipped):
                    report.skipped += 1
                    if entry.reason == OUTSIDE:
                        self._withdraw(entry.source, entry.reason)
                    state = state_of(entry)
                    self.store.items.record_skip(
                        entry.source,
                        entry.reason,
                        state=(state.size, state.mtime_ns, state.fingerprint) if state else None,
                    )
                elif isinstance(entry, SourceItem) and prepared is not None:
                    self._store(entry, prepared, report, state=state_of(entry))
                elif isinstance(entry, FeedPolled):
                    self.store.feeds.save_feed_state(entry.state)

    def _withdraw(self, source: str, reason: str) -> None:
        """An item read from a file now found outside the folder leaves the store's use."""
        item_id = self.store.items.item_id(source)
        if item_id is not None:
            log.warning("%s: %s; its item is withdrawn", source, reason)
            self.dedup.unindex(item_id)
            self.store.items.withdraw(item_id, reason)

    def add(
        self, item: SourceItem, report: IngestReport, *, state: FileState | None = None
    ) -> None:
        """Clean, classify, deduplicate and store one item (inside a transaction)."""
        self._store(item, self.preparer(item, self.clock()), report, state=state)

    def _store(
        self,
        item: SourceItem,
        prepared: Prepared,
        report: IngestReport,
        *,
        state: FileState | None,
    ) -> None:
        """The main-process half of ingesting one item: match it against the index, store it."""
        article, decision = prepared.article, prepared.decision
        if article is None or decision is None:
            log.warning("cannot clean %s: %s", item.source, prepared.error)
            report.skipped += 1
            report.problems.append(f"{item.source}: {prepared.error}")
            self.store.items.record_skip(
                item.source,
                f"error: {prepared.error}",
                state=(state.size, state.mtime_ns, state.fingerprint) if state else None,
            )
            return
        self.store.items.clear_skip(item.source)
        # Count the page's short lines for its site, so that what the site
        # repeats is known as template from its next page on.
        self.store.templates.add(prepared.site, counted_as(item), prepared.template_keys)
        existing = self.store.items.item_id(item.source)
        if existing is not None:
            self.dedup.unindex(existing)
        item_id, created = self.store.items.save_item(
            article,
            decision,
            file_size=state.size if state else None,
            file_mtime_ns=state.mtime_ns if state else None,
        )
        if created:
            report.new += 1
        else:
            report.updated += 1
        if not decision.on_topic:
            report.excluded += 1
            reason = decision.reason
            report.excluded_by[reason] = report.excluded_by.get(reason, 0) + 1
            self.store.items.set_placement(
                item_id,
                copy_of=None,
                copy_similarity=None,
                story_id=None,
                story_similarity=None,
                matched_item=None,
            )
            return
        features = prepared.features or self.extractor.features(article)
        placement = self.dedup.place(
            item_id, features, published=None if article.date_is_fallback else article.published
        )
        if placement.copy_of is not None:
            report.copies += 1

    # -- compose and render -----------------------------------------------------

    def build(self, *, include_sent: bool = False) -> BuiltDigest:
        """Compose the digest of what has not been sent (everything with include_sent)."""
        return build_digest(self.store, self.config, self.clock, include_sent=include_sent)

    def render(self, digest: Digest) -> RenderedEmail:
        return render_digest(self.config, digest)


def build_digest(
    store: Store, config: Config, clock: Clock, *, include_sent: bool = False
) -> BuiltDigest:
    """Compose the digest of what has not been sent (everything with include_sent)."""
    story_ids = store.items.unsent_story_ids(include_sent=include_sent)
    by_story = store.items.story_items(story_ids, with_text=False)
    leads = [row for rows in by_story.values() for row in rows]
    copies = store.items.copies((row.id for row in leads), with_text=False)
    digest = compose(
        assemble_stories(by_story, copies),
        title=config.digest.title,
        language=config.digest.language,
        generated_at=clock(),
        excluded=[
            Excluded(s, r)
            for s, r in store.items.excluded(
                since=None if include_sent else store.outbox.last_sent_at()
            )
        ],
        max_stories=config.digest.max_stories,
    )
    # Summaries are the costly part (a few ms each) and only the kept
    # stories need one: every unsent story is composed, at most
    # max_stories are kept.
    sentences = config.digest.summary_sentences
    texts = {r.id: r.text for r in store.items.rows(by_story[s.id][0].id for s in digest.stories)}
    digest = replace(
        digest,
        stories=tuple(
            replace(
                s,
                summary=cut(
                    summarize(texts.get(by_story[s.id][0].id) or "", sentences), SUMMARY_CHARS
                ),
            )
            for s in digest.stories
        ),
    )
    kept = {s.id for s in digest.stories}
    return BuiltDigest(digest, carried_ids(by_story, copies, kept))


def render_digest(config: Config, digest: Digest) -> RenderedEmail:
    return render(digest, templates_dir=config.templates_dir, tz=config.digest.tz)


def send_digest(
    pipeline: Pipeline,
    *,
    transport: Transport | None = None,
    dry_run: bool = False,
    respect_backoff: bool = False,
    ingest: bool = False,
) -> SendResult:
    """Retry the outbox, then build, store and deliver a digest of what is new.

    A manual run retries the outbox at once; the scheduler passes
    ``respect_backoff`` so that a server that is down is not hammered.
    ``ingest`` scans the sources first. A dry run does all of it inside a
    transaction that is rolled back, sends nothing, and says what it would do.
    """
    store, config, clock = pipeline.store, pipeline.config, pipeline.clock
    check_delivery(config)
    if dry_run:
        return SendResult(dry_run=_plan(pipeline, ingest=ingest))
    transport = transport or transport_for(config)
    if ingest:
        pipeline.ingest()
    result = SendResult()
    with outbox_lock(store.path):
        retry_outbox(store, config, clock, transport, result, respect_backoff=respect_backoff)
        built = build_digest(store, config, clock)
        if built.digest.is_empty and not config.delivery.send_empty:
            result.nothing_new = not result.delivered
            return result
        row = enqueue(store, config, built, render_digest(config, built.digest))
        hand_over(store, config, clock, transport, row, result)
    return result


class _Rollback(Exception):
    """Unwinds a dry run's transaction."""


def _plan(pipeline: Pipeline, *, ingest: bool) -> list[str]:
    """What a send would do, worked out in a transaction that is then rolled back."""
    store, config = pipeline.store, pipeline.config
    d = config.delivery
    lines = ["dry run: nothing is sent or recorded"]
    try:
        with store.transaction():
            if ingest:
                lines.append(f"ingest: {pipeline.ingest().summary()}")
            for row in reversed(store.outbox.digests(status="pending")):
                lines.append(
                    f"would retry digest #{row.id} from the outbox: {row.subject!r} "
                    f"({count(row.attempts, 'attempt')} so far)"
                )
            built = build_digest(store, config, pipeline.clock)
            if built.digest.is_empty and not d.send_empty:
                lines.append("nothing new to send")
            else:
                rendered = render_digest(config, built.digest)
                where = f" via {d.smtp_host}:{d.smtp_port}" if d.method == "smtp" else ""
                lines.append(
                    f"would send {rendered.subject!r} to {', '.join(d.to)} by {d.method}{where}: "
                    f"{count(len(built.digest.stories), 'story', 'stories')}, "
                    f"{count(len(built.item_ids), 'item')}"
                )
                lines.extend(f"  - {story.headline}" for story in built.digest.stories)
            raise _Rollback
    except _Rollback:
        pass
    return lines


def open_pipeline(
    config: Config,
    *,
    clock: Clock = system_clock,
    fetcher: Fetcher | None = None,
    progress_bar: bool = False,
) -> Pipeline:
    """Open the store named by the config and wire the stages to it."""
    store = Store(config.store.path)
    try:
        return Pipeline(config, store, clock=clock, fetcher=fetcher, progress_bar=progress_bar)
    except DigestError:
        store.close()
        raise
