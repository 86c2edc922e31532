"""Issue 14, point 5: an SMTP server that answers DATA late gets each story once.

aiosmtpd on 127.0.0.1 accepts the message but answers the end of DATA only
after the client stopped waiting (``smtp_data_timeout``), as a slow real
server would after the 30 s the old client waited. The outcome is unknown
to the client: the digest stays pending and goes again with the same
Message-ID, and its stories go into no other digest, even after a refusal.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from digest.config import DeliveryConfig, load_config
from digest.delivery.outbox import retry_pending
from digest.delivery.transports import SmtpTransport
from digest.errors import DeliveryError, UncertainDeliveryError
from digest.jobs import send_digest
from tests.live import Clock, opened, parts, running
from tests.smtp import NEW_ARTICLE, Sink, smtp_config

pytestmark = pytest.mark.network
DATA_TIMEOUT = 1.0


class SlowSink(Sink):
    """Keeps the message at once but answers the end of DATA ``delay`` seconds later."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse
        answer = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(self.delay)
        return answer


def config(tmp_path: Path, port: int) -> Path:
    return smtp_config(tmp_path, port, delivery=f"smtp_data_timeout = {DATA_TIMEOUT}")


def test_the_data_timeout_is_a_config_key_that_defaults_to_ten_minutes() -> None:
    assert DeliveryConfig().smtp_data_timeout == 600.0


def test_a_late_answer_to_data_is_resent_with_the_same_message_id(tmp_path: Path) -> None:
    sink = SlowSink(delay=DATA_TIMEOUT * 3)
    clock = Clock()
    with running(sink) as port, opened(config(tmp_path, port), clock) as pipeline:
        first = send_digest(pipeline, ingest=True)
        assert not first.delivered
        assert "may have been accepted" in first.failed[0]
        [pending] = pipeline.store.outbox.digests(status="pending")
        assert pending.uncertain_at is not None
        sink.wait_for(1)  # the server has it, though the client never heard so
        sink.delay = 0
        clock.advance(hours=1)
        again = send_digest(pipeline)
        assert again.delivered == [pending.id] and again.retried == 1
        assert send_digest(pipeline).nothing_new
    ids = [m["Message-ID"] for m in sink.messages]
    assert len(ids) == 2 and ids[0] == ids[1]  # one digest: the receiver drops the copy


def test_a_refusal_after_an_unknown_outcome_never_frees_its_stories(tmp_path: Path) -> None:
    sink = SlowSink(delay=DATA_TIMEOUT * 3)
    with running(sink) as port, opened(config(tmp_path, port)) as pipeline:
        send_digest(pipeline, ingest=True)
        [first] = pipeline.store.outbox.digests(status="pending")
        first_items = set(pipeline.store.outbox.digest_item_ids(first.id))
        sink.wait_for(1)
        sink.delay = 0
        sink.refuse = "554 5.7.1 refused"
        refused = retry_pending(
            pipeline.store, pipeline.config, pipeline.clock, respect_backoff=False
        )
        assert refused.failed and pipeline.store.outbox.digest(first.id).status == "failed"  # type: ignore[union-attr]
        sink.refuse = None
        (tmp_path / "articles" / "bridge.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        later = send_digest(pipeline, ingest=True)
        assert len(later.delivered) == 1
        later_items = set(pipeline.store.outbox.digest_item_ids(later.delivered[0]))
        assert later_items and not later_items & first_items
    texts = [parts(m)[0] for m in sink.messages]
    assert len(texts) == 2
    assert sum("Jembatan Jalan Tumen" in t for t in texts) == 1


def test_a_timeout_before_data_ends_is_an_ordinary_failure(tmp_path: Path) -> None:
    # A port that accepts but never greets: the timeout comes before anything is sent.
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        path = smtp_config(tmp_path, listener.getsockname()[1])
        transport = SmtpTransport(replace(load_config(path).delivery, smtp_timeout=0.5))
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", "x"
        message.set_content("x")
        with pytest.raises(DeliveryError) as caught:
            transport.deliver(message, html="", stem="x")
        assert not isinstance(caught.value, UncertainDeliveryError)
    finally:
        listener.close()
