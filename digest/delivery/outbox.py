"""Delivery: the outbox, and handing its digests to a transport.

The promise is that a digest is never lost and never sent twice:

- A digest is written to the outbox in the store *before* it is handed
  over, and its stories are marked sent only after the transport accepted it.
- A failed hand-over stays in the outbox (pending) with the same Message-ID
  and is retried with backoff; a permanent refusal (SMTP 5xx) is recorded as
  failed, shown by ``digest status``, and its stories become free for the
  next digest, as nothing of it was delivered.
- A story carried by a pending digest goes into no other digest until that
  one is delivered (:meth:`Store.unsent_story_ids`), so retries never
  duplicate a story; new reports of it wait and then come as an update.
- A hand-over whose answer never came after the whole message went out (an
  SMTP timeout after DATA) is *unknown*, not failed: the server may have it.
  The digest stays pending and is sent again with the same Message-ID, and
  its stories stay with it for good, even if a later try is refused.
- Only one process hands digests over at a time (:func:`outbox_lock`), so
  the service and a manual ``digest send`` never send the same one together.

One window remains: a crash after the server accepted a message and before
the store recorded it (the QUIT and one SQLite commit) sends it again on the
next run, with the same Message-ID, which lets mail clients thread or drop it.

Transports are passed in (:mod:`digest.delivery.transports`), so tests can hand in a
real SMTP server on 127.0.0.1 and the CLI the one the config names.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from digest.config import Config, DeliveryConfig
from digest.delivery.transports import (
    FileTransport,
    MaildirTransport,
    SmtpTransport,
    Transport,
    transport_for,
)
from digest.errors import (
    ConfigError,
    DeliveryError,
    PermanentDeliveryError,
    UncertainDeliveryError,
)
from digest.models import RenderedEmail
from digest.output.compose import BuiltDigest
from digest.output.message import build_message, make_message_id
from digest.store import Store
from digest.store.locks import outbox_lock
from digest.store.outbox import DigestRow
from digest.wording import count

__all__ = [
    "FileTransport",
    "MaildirTransport",
    "SendResult",
    "SmtpTransport",
    "Transport",
    "check_delivery",
    "enqueue",
    "hand_over",
    "message_for",
    "retry_outbox",
    "retry_pending",
    "transport_for",
]

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def digest_key(item_ids: Sequence[int]) -> str:
    """A key that names a digest by what it carries: the same items, the same key."""
    text = ",".join(str(i) for i in sorted(item_ids))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"


def _message(
    config: Config, rendered: RenderedEmail, *, date: datetime, message_id: str
) -> EmailMessage:
    """The email for the configured addresses; ConfigError if one is malformed."""
    d = config.delivery
    try:
        return build_message(
            rendered,
            sender=d.sender,
            to=list(d.to),
            date=date,
            message_id=message_id,
            reply_to=d.reply_to,
            list_id=d.list_id or f"digest.{_domain(d.sender)}",
            list_unsubscribe=d.list_unsubscribe,
        )
    except ValueError as exc:
        raise ConfigError(
            str(exc), key="[delivery]", path=str(config.path) if config.path else None
        ) from None


def new_message_id(config: Config, key: str) -> str:
    """A Message-ID on the sender's domain; a sender that has none is a config error."""
    try:
        return make_message_id(key, _domain(config.delivery.sender))
    except ValueError as exc:
        raise ConfigError(
            f"cannot make a Message-ID: {exc}",
            key="[delivery] from",
            path=str(config.path) if config.path else None,
        ) from None


def check_delivery(config: Config) -> None:
    """Raise ConfigError now if the configured addresses cannot make a message.

    The service calls it at start, so a typo stops it at once instead of
    failing every morning.
    """
    probe = RenderedEmail(subject="check", html="<p>check</p>", text="check", data={})
    message_id = new_message_id(config, "check")
    _message(config, probe, date=datetime.now(UTC), message_id=message_id)


def message_for(
    config: Config,
    rendered: RenderedEmail,
    built: BuiltDigest,
    *,
    date: datetime,
    message_id: str | None = None,
) -> EmailMessage:
    """The message a digest would be sent as (``digest build --format eml``)."""
    message_id = message_id or new_message_id(config, digest_key(built.item_ids))
    return _message(config, rendered, date=date, message_id=message_id)


@dataclass
class SendResult:
    """What a send did: delivered digests, paths written, failures (or a dry run's plan)."""

    delivered: list[int] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    retried: int = 0
    failed: list[str] = field(default_factory=list)
    nothing_new: bool = False
    dry_run: list[str] | None = None
    # " to a@example.org via smtp.example.org:587": to whom and how.
    destination: str = ""

    def lines(self) -> list[str]:
        if self.dry_run is not None:
            return self.dry_run
        out = []
        if self.retried:
            out.append(f"retried {count(self.retried, 'digest')} from the outbox")
        out.extend(
            f"delivered digest #{digest_id}{self.destination}" for digest_id in self.delivered
        )
        out.extend(f"wrote {p}" for p in self.paths)
        if self.nothing_new:
            out.append("nothing new to send")
        return out

    def summary(self) -> str:
        """One line of everything, failures included (the service's job result)."""
        return "; ".join([*self.lines(), *(f"not delivered: {r}" for r in self.failed)])


def destination(config: Config, transport: Transport) -> str:
    """To whom and how a transport delivers, for the success line."""
    d = config.delivery
    if isinstance(transport, SmtpTransport):
        return f" to {', '.join(d.to)} via {d.smtp_host}:{d.smtp_port}"
    if isinstance(transport, MaildirTransport):
        return f" to {', '.join(d.to)} into the Maildir {transport.maildir}"
    if isinstance(transport, FileTransport):
        return f" as files in {transport.out_dir}"
    return ""


def _backoff(config: DeliveryConfig, attempts: int, now: datetime) -> str:
    minutes = min(config.retry_minutes * 2**attempts, config.max_retry_hours * 60)
    return (now + timedelta(minutes=minutes)).astimezone(UTC).isoformat(timespec="seconds")


def _stem(row: DigestRow) -> str:
    created = datetime.fromisoformat(row.created_at)
    return f"digest-{created:%Y%m%d-%H%M%S}-{row.id}"


def _stored_message(config: Config, row: DigestRow) -> EmailMessage:
    """Rebuild the message of an outbox digest exactly: same parts, same Message-ID."""
    rendered = RenderedEmail(
        subject=row.subject, html=row.html, text=row.text, data=json.loads(row.json)
    )
    date = datetime.fromisoformat(row.created_at)
    return _message(config, rendered, date=date, message_id=row.message_id)


def hand_over(
    store: Store,
    config: Config,
    clock: Clock,
    transport: Transport,
    row: DigestRow,
    result: SendResult,
) -> bool:
    """Deliver one outbox digest; record success or the failure. True if delivered."""
    message = _stored_message(config, row)
    try:
        paths = transport.deliver(message, html=row.html, stem=_stem(row))
    # Failures go into the result, and whoever runs the send reports them once
    # (the CLI on stderr, the service in its log); here they are debug detail.
    except PermanentDeliveryError as exc:
        store.outbox.mark_attempt(row.id, error=str(exc), next_attempt_at=None, permanent=True)
        log.debug("digest #%d refused for good: %s", row.id, exc)
        if row.uncertain_at:
            log.error(
                "digest #%d may have been delivered before (%s): its stories are not sent again",
                row.id,
                row.uncertain_at,
            )
        result.failed.append(f"digest #{row.id} refused for good: {exc}")
        return False
    except UncertainDeliveryError as exc:
        when = _backoff(config.delivery, row.attempts, clock())
        store.outbox.mark_attempt(
            row.id, error=str(exc), next_attempt_at=when, permanent=False, uncertain=True
        )
        log.debug("digest #%d: unknown whether delivered, again after %s: %s", row.id, when, exc)
        result.failed.append(f"digest #{row.id}: {exc} (sent again after {when})")
        return False
    except DeliveryError as exc:
        when = _backoff(config.delivery, row.attempts, clock())
        store.outbox.mark_attempt(row.id, error=str(exc), next_attempt_at=when, permanent=False)
        log.debug("digest #%d not delivered, next try after %s: %s", row.id, when, exc)
        result.failed.append(f"digest #{row.id}: {exc} (next try after {when})")
        return False
    # Accepted: record it before anything else can happen.
    store.outbox.mark_sent(row.id)
    log.debug("delivered digest #%d: %s", row.id, row.subject)
    result.destination = destination(config, transport)
    result.delivered.append(row.id)
    result.paths.extend(paths)
    return True


def _due(row: DigestRow, now: datetime) -> bool:
    return row.next_attempt_at is None or datetime.fromisoformat(row.next_attempt_at) <= now


def retry_outbox(
    store: Store,
    config: Config,
    clock: Clock,
    transport: Transport,
    result: SendResult,
    *,
    respect_backoff: bool,
) -> None:
    """Hand over what waits in the outbox, oldest first (all of it, or what is due).

    The caller holds :func:`outbox_lock`.
    """
    now = clock()
    for row in reversed(store.outbox.digests(status="pending")):
        if respect_backoff and not _due(row, now):
            continue
        if row.attempts:
            result.retried += 1
        hand_over(store, config, clock, transport, row, result)


def retry_pending(
    store: Store,
    config: Config,
    clock: Clock,
    *,
    transport: Transport | None = None,
    respect_backoff: bool = True,
) -> SendResult:
    """Retry the outbox alone (the service does this between scheduled digests)."""
    result = SendResult()
    with outbox_lock(store.path):
        transport = transport or transport_for(config)
        retry_outbox(store, config, clock, transport, result, respect_backoff=respect_backoff)
    return result


def enqueue(store: Store, config: Config, built: BuiltDigest, rendered: RenderedEmail) -> DigestRow:
    """Store a rendered digest in the outbox with a Message-ID of its own."""
    # Unique per digest (a refused digest's stories may go again, in a new
    # one), then stored, so that every retry reuses it.
    stamp = built.digest.generated_at.strftime("%Y%m%d%H%M%S")
    message_id = new_message_id(
        config, f"{digest_key(built.item_ids)}-{stamp}-{secrets.token_hex(3)}"
    )
    digest_id = store.outbox.add_digest(
        message_id=message_id,
        subject=rendered.subject,
        html=rendered.html,
        text=rendered.text,
        data=rendered.data,
        item_ids=built.item_ids,
    )
    row = store.outbox.digest(digest_id)
    assert row is not None
    return row
