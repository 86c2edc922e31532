"""What `digest status` shows: counts, skipped files, the last digest, the outbox, the service."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from digest.service.state import ServiceStatus, format_service, service_status
from digest.store.items import SkippedFile
from digest.wording import count

if TYPE_CHECKING:
    from digest.config import Config
    from digest.store import Store


@dataclass(frozen=True)
class LastDigest:
    id: int
    sent_at: str | None
    subject: str


@dataclass(frozen=True)
class WaitingDigest:
    """A digest in the outbox: pending (to be retried) or failed for good."""

    id: int
    status: str
    subject: str
    attempts: int
    next_attempt_at: str | None
    last_error: str | None


@dataclass(frozen=True)
class FeedStatus:
    url: str
    status: str | None
    failures: int
    last_error: str | None
    next_fetch_at: str | None


@dataclass(frozen=True)
class Status:
    """Everything `digest status` prints; :meth:`to_json` is what ``--json`` prints."""

    store: str
    store_exists: bool
    config: str
    counts: dict[str, int]
    skipped_by_reason: dict[str, int]
    skipped: tuple[SkippedFile, ...]
    last_digest: LastDigest | None
    outbox: tuple[WaitingDigest, ...]
    feeds: tuple[FeedStatus, ...]
    service: ServiceStatus

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"service": self.service.to_json()}


def gather(store: Store, config: Config, *, skipped_list: bool = True) -> Status:
    """Collect the figures (the CLI prints them, or dumps them as JSON).

    Skipped files are counted by reason; the list of them (which may run to
    100,000 lines) only with ``skipped_list``.
    """
    sent = store.outbox.digests(status="sent", limit=1)
    waiting = store.outbox.digests(status="pending", limit=1000) + store.outbox.digests(
        status="failed", limit=20
    )
    skipped = store.items.skipped() if skipped_list else []
    return Status(
        store=str(config.store.path),
        store_exists=store.path == config.store.path,
        config=config.source_line(),
        counts=store.counts(),
        skipped_by_reason=dict(store.items.skipped_reasons()),
        skipped=tuple(SkippedFile(s, r) for s, r in skipped),
        last_digest=(
            LastDigest(id=sent[0].id, sent_at=sent[0].sent_at, subject=sent[0].subject)
            if sent
            else None
        ),
        outbox=tuple(
            WaitingDigest(
                id=d.id,
                status=d.status,
                subject=d.subject,
                attempts=d.attempts,
                next_attempt_at=d.next_attempt_at,
                last_error=d.last_error,
            )
            for d in waiting
        ),
        feeds=tuple(
            FeedStatus(
                url=url,
                status=state.status,
                failures=state.failures,
                last_error=state.last_error,
                next_fetch_at=state.next_fetch_at.isoformat() if state.next_fetch_at else None,
            )
            for url, state in sorted(store.feeds.feed_states().items())
        ),
        service=service_status(store, config),
    )


def format_status(info: Status) -> str:
    c = info.counts
    lines = [
        f"config: {info.config}",
        f"store: {info.store}"
        + ("" if info.store_exists else " (not created yet: `digest send` creates it)"),
        f"items: {c['items']} ({c['on_topic']} on topic, {c['items'] - c['on_topic']} excluded, "
        f"{count(c['copies'], 'copy', 'copies')} folded)",
        f"stories: {c['stories']} ({c['unsent_stories']} not yet sent)",
        f"skipped files: {c['skipped']}",
    ]
    lines.extend(f"  {n} {reason}" for reason, n in info.skipped_by_reason.items())
    if info.skipped:
        lines.append("  the files:")
        lines.extend(f"    {s.source}: {s.reason}" for s in info.skipped)
    elif c["skipped"]:
        lines.append("  (digest status --skipped lists them)")
    last = info.last_digest
    lines.append(
        f"last digest: #{last.id} sent {last.sent_at}: {last.subject}"
        if last
        else "last digest: none sent yet"
    )
    lines.append(f"outbox: {c['outbox']} pending, {c['failed']} failed")
    for d in info.outbox:
        lines.append(
            f"  #{d.id} {d.status} after {count(d.attempts, 'attempt')}: {d.last_error or ''}"
            + (f" (next try {d.next_attempt_at})" if d.next_attempt_at else "")
        )
    feeds = info.feeds
    failing = [f for f in feeds if f.failures or f.status in ("gone", "not-a-feed")]
    if feeds:
        lines.append(f"feeds: {count(len(feeds), 'feed')} polled, {len(failing)} failing")
        lines.extend(
            f"  {f.url}: {f.status} after {count(f.failures, 'failure')}: {f.last_error or ''}"
            for f in failing
        )
    lines.extend(format_service(info.service))
    return "\n".join(lines)
