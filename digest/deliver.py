"""Delivery: the outbox, and the transports that hand a digest over.

A digest is written to the outbox in the store *before* it is handed over,
and its stories are marked sent only after the transport accepted it. A
failed hand-over stays in the outbox with the same Message-ID and is retried
with backoff; a permanent refusal (SMTP 5xx) is recorded as failed and shown
by ``digest status``. So nothing is lost, and nothing is sent twice.

Transports are passed in (:class:`Transport`), so tests can hand in a real
SMTP server on 127.0.0.1 and the CLI the one the config names.
"""

from __future__ import annotations

import hashlib
import logging
import mailbox
import os
import smtplib
import ssl
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from digest.config import Config, DeliveryConfig
from digest.errors import DeliveryError, PermanentDeliveryError
from digest.message import build_message, make_message_id
from digest.models import RenderedEmail
from digest.store import DigestRow

if TYPE_CHECKING:
    from digest.pipeline import BuiltDigest, Pipeline

log = logging.getLogger(__name__)


class Transport(Protocol):
    """Hands one message over; raises DeliveryError (retry) or PermanentDeliveryError."""

    def deliver(self, message: EmailMessage, *, html: str, stem: str) -> list[Path]: ...


def _atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class FileTransport:
    """Writes the digest as an HTML page and an .eml file a person can open."""

    out_dir: Path

    def deliver(self, message: EmailMessage, *, html: str, stem: str) -> list[Path]:
        html_path = self.out_dir / f"{stem}.html"
        eml_path = self.out_dir / f"{stem}.eml"
        try:
            _atomic_write(html_path, html.encode("utf-8"))
            _atomic_write(eml_path, message.as_bytes())
            _atomic_write(self.out_dir / "latest.html", html.encode("utf-8"))
        except OSError as exc:
            raise DeliveryError(
                f"cannot write the digest to {self.out_dir}: {exc.strerror}",
                "check [delivery] out_dir",
            ) from None
        return [html_path, eml_path]


@dataclass
class MaildirTransport:
    """Delivers into a Maildir any mail client can open, and writes the HTML file too."""

    maildir: Path
    out_dir: Path

    def deliver(self, message: EmailMessage, *, html: str, stem: str) -> list[Path]:
        paths = FileTransport(self.out_dir).deliver(message, html=html, stem=stem)
        try:
            box = mailbox.Maildir(self.maildir, create=True)
            key = box.add(mailbox.MaildirMessage(message.as_bytes()))
        except OSError as exc:
            raise DeliveryError(
                f"cannot deliver into the Maildir {self.maildir}: {exc.strerror}",
                "check [delivery] maildir",
            ) from None
        return [*paths, self.maildir / "new" / key]


@dataclass
class SmtpTransport:
    """Sends by SMTP, with STARTTLS, implicit TLS or neither, and optional AUTH."""

    config: DeliveryConfig
    ssl_context: ssl.SSLContext | None = None

    def _context(self) -> ssl.SSLContext:
        return self.ssl_context or ssl.create_default_context()

    def deliver(self, message: EmailMessage, *, html: str, stem: str) -> list[Path]:
        c = self.config
        try:
            if c.smtp_security == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    c.smtp_host, c.smtp_port, timeout=c.smtp_timeout, context=self._context()
                )
            else:
                client = smtplib.SMTP(c.smtp_host, c.smtp_port, timeout=c.smtp_timeout)
            with client:
                client.ehlo()
                if c.smtp_security == "starttls":
                    client.starttls(context=self._context())
                    client.ehlo()
                if c.smtp_user:
                    client.login(c.smtp_user, c.smtp_password or "")
                refused = client.send_message(message)
        except smtplib.SMTPAuthenticationError as exc:
            raise PermanentDeliveryError(
                f"the SMTP server refused the login: {exc.smtp_code} {_text(exc.smtp_error)}",
                "check [delivery] smtp_user and $DIGEST_SMTP_PASSWORD",
            ) from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise _refusal(min(codes), f"all recipients refused: {exc.recipients}") from None
        except smtplib.SMTPResponseException as exc:
            raise _refusal(exc.smtp_code, _text(exc.smtp_error)) from None
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(
                f"cannot reach the SMTP server {c.smtp_host}:{c.smtp_port}: {exc}",
                "check [delivery] smtp_host and smtp_port; the digest stays in the outbox",
            ) from None
        if refused:
            log.warning("some recipients were refused: %s", refused)
        return []


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _refusal(code: int, text: str) -> DeliveryError:
    message = f"the SMTP server answered {code} {text}"
    if 500 <= code < 600:
        return PermanentDeliveryError(message, "the digest is kept as failed; see digest status")
    return DeliveryError(message, "it will be retried")


def transport_for(config: Config) -> Transport:
    d = config.delivery
    if d.method == "smtp":
        return SmtpTransport(d)
    if d.method == "maildir":
        return MaildirTransport(d.maildir, d.out_dir)
    return FileTransport(d.out_dir)


def digest_key(item_ids: Sequence[int]) -> str:
    """A key that names a digest by what it carries: the same items, the same key."""
    text = ",".join(str(i) for i in sorted(item_ids))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"


def message_for(
    config: Config,
    rendered: RenderedEmail,
    built: BuiltDigest,
    *,
    date: datetime,
    message_id: str | None = None,
) -> EmailMessage:
    d = config.delivery
    return build_message(
        rendered,
        sender=d.sender,
        to=list(d.to),
        date=date,
        message_id=message_id or make_message_id(digest_key(built.item_ids), _domain(d.sender)),
        reply_to=d.reply_to,
        list_id=d.list_id,
        list_unsubscribe=d.list_unsubscribe,
    )


@dataclass
class SendResult:
    """What `digest send` did: delivered digests, paths written, and failures."""

    delivered: list[int] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)
    retried: int = 0
    failed: list[str] = field(default_factory=list)
    nothing_new: bool = False
    dry_run: str | None = None

    def lines(self) -> list[str]:
        if self.dry_run is not None:
            return [self.dry_run]
        out = []
        if self.retried:
            out.append(f"retried {self.retried} digest(s) from the outbox")
        for digest_id in self.delivered:
            out.append(f"delivered digest #{digest_id}")
        out.extend(f"wrote {p}" for p in self.paths)
        if self.nothing_new:
            out.append("nothing new to send")
        out.extend(f"not delivered: {reason}" for reason in self.failed)
        return out


def _backoff(config: DeliveryConfig, attempts: int, now: datetime) -> str:
    minutes = min(config.retry_minutes * 2**attempts, config.max_retry_hours * 60)
    return (now + timedelta(minutes=minutes)).astimezone(UTC).isoformat(timespec="seconds")


def _stem(row: DigestRow) -> str:
    created = datetime.fromisoformat(row.created_at)
    return f"digest-{created:%Y%m%d-%H%M%S}-{row.id}"


def _hand_over(
    pipeline: Pipeline, transport: Transport, row: DigestRow, result: SendResult
) -> bool:
    """Deliver one outbox digest; record success or the failure. True if delivered."""
    store = pipeline.store
    message = _stored_message(pipeline, row)
    try:
        paths = transport.deliver(message, html=row.html, stem=_stem(row))
    except PermanentDeliveryError as exc:
        store.mark_attempt(row.id, error=str(exc), next_attempt_at=None, permanent=True)
        result.failed.append(str(exc))
        return False
    except DeliveryError as exc:
        when = _backoff(pipeline.config.delivery, row.attempts, pipeline.clock())
        store.mark_attempt(row.id, error=str(exc), next_attempt_at=when, permanent=False)
        result.failed.append(f"{exc} (next try after {when})")
        return False
    store.mark_sent(row.id)
    result.delivered.append(row.id)
    result.paths.extend(paths)
    return True


def _stored_message(pipeline: Pipeline, row: DigestRow) -> EmailMessage:
    """Rebuild the message of an outbox digest exactly: same parts, same Message-ID."""
    import json

    data = json.loads(row.json)
    rendered = RenderedEmail(subject=row.subject, html=row.html, text=row.text, data=data)
    d = pipeline.config.delivery
    return build_message(
        rendered,
        sender=d.sender,
        to=list(d.to),
        date=datetime.fromisoformat(row.created_at),
        message_id=row.message_id,
        reply_to=d.reply_to,
        list_id=d.list_id,
        list_unsubscribe=d.list_unsubscribe,
    )


def retry_outbox(
    pipeline: Pipeline,
    transport: Transport,
    result: SendResult,
    *,
    respect_backoff: bool,
) -> None:
    """Hand over what waits in the outbox (all of it, or what its backoff allows)."""
    now = pipeline.clock()
    for row in reversed(pipeline.store.digests(status="pending")):
        due = row.next_attempt_at is None or datetime.fromisoformat(row.next_attempt_at) <= now
        if respect_backoff and not due:
            continue
        if row.attempts:
            result.retried += 1
        _hand_over(pipeline, transport, row, result)


def send_digest(
    pipeline: Pipeline,
    *,
    transport: Transport | None = None,
    dry_run: bool = False,
    respect_backoff: bool = False,
) -> SendResult:
    """Retry the outbox, then build, store and deliver a digest of what is new.

    A manual run retries the outbox at once; the scheduler passes
    ``respect_backoff`` so that a server that is down is not hammered.
    """
    config = pipeline.config
    transport = transport or transport_for(config)
    result = SendResult()
    if dry_run:
        built = pipeline.build()
        pending = len(pipeline.store.digests(status="pending"))
        if built.digest.is_empty and not config.delivery.send_empty:
            result.dry_run = f"would send nothing new ({pending} digest(s) waiting in the outbox)"
        else:
            rendered = pipeline.render(built.digest)
            result.dry_run = (
                f"would send {rendered.subject!r} to {', '.join(config.delivery.to)} by "
                f"{config.delivery.method}: {len(built.digest.stories)} stories, "
                f"{len(built.item_ids)} items ({pending} digest(s) waiting in the outbox)"
            )
        return result
    retry_outbox(pipeline, transport, result, respect_backoff=respect_backoff)
    built = pipeline.build()
    if built.digest.is_empty and not config.delivery.send_empty:
        result.nothing_new = not result.delivered
        return result
    rendered = pipeline.render(built.digest)
    message_id = make_message_id(
        digest_key(built.item_ids) + built.digest.generated_at.strftime("%Y%m%d%H%M%S"),
        _domain(config.delivery.sender),
    )
    digest_id = pipeline.store.add_digest(
        message_id=message_id,
        subject=rendered.subject,
        html=rendered.html,
        text=rendered.text,
        data=rendered.data,
        item_ids=built.item_ids,
    )
    row = pipeline.store.digest(digest_id)
    assert row is not None
    _hand_over(pipeline, transport, row, result)
    return result
