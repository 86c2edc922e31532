"""Delivery by SMTP to a real server on 127.0.0.1: the message, TLS, AUTH, the outbox.

Every test sends over a socket to aiosmtpd and parses what arrived with the
``email`` package; the store is a real SQLite file and the clock is moved by
hand, so backoff is tested without waiting for it.
"""

from __future__ import annotations

import json
from email.utils import parseaddr
from pathlib import Path

import pytest

from digest.config import ENV_SMTP_PASSWORD
from digest.delivery.outbox import retry_pending
from digest.jobs import Pipeline, send_digest
from digest.service.status import format_status, gather
from tests.helpers import run
from tests.live import Clock, opened, parts, running, words
from tests.smtp import (
    JOINING_ARTICLE,
    NEW_ARTICLE,
    PASSWORD,
    USER,
    ReservedPort,
    Sink,
    authenticator,
    make_certificate,
    server_context,
    smtp_config,
)

pytestmark = pytest.mark.network


@pytest.fixture
def sink() -> Sink:
    return Sink()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


def headlines(pipeline: Pipeline) -> list[str]:
    return [story.headline for story in pipeline.build().digest.stories]


def test_digest_arrives_with_its_parts_headers_and_stories(tmp_path: Path, sink: Sink) -> None:
    with running(sink) as port, opened(smtp_config(tmp_path, port)) as pipeline:
        pipeline.ingest()
        expected = headlines(pipeline)
        preheader = pipeline.render(pipeline.build().digest).preheader
        result = send_digest(pipeline)
        assert result.delivered == [1] and not result.failed
        row = pipeline.store.outbox.digest(1)
        assert row is not None and row.status == "sent"
        assert pipeline.store.counts()["unsent_stories"] == 0
        again = send_digest(pipeline)
        assert again.nothing_new and not again.delivered
    [received] = sink.received
    assert received.mail_from == "digest@example.org"
    assert sorted(received.rcpt_tos) == ["ani@example.net", "pembaca@example.org"]
    message = received.message
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in message.iter_parts())
    assert message["Subject"] == row.subject
    assert message["Subject"].startswith("Rusia–Korea Utara: ringkasan berita · ")
    assert message["Subject"].endswith("4 berita")
    assert parseaddr(message["From"]) == ("Ringkasan", "digest@example.org")
    assert "Ani <ani@example.net>" in message["To"]
    assert message["Date"].datetime is not None
    assert message["Message-ID"] == row.message_id
    assert message["List-Id"] == "<ringkasan.example.org>"
    assert message["List-Unsubscribe"] == "<mailto:unsubscribe@example.org>"
    plain, visible = parts(message)
    assert preheader and words(preheader) in visible  # the inbox list's teaser
    for headline in expected:
        assert words(headline) in plain and words(headline) in visible, headline


def test_starttls_with_a_self_signed_certificate_and_auth(
    tmp_path: Path, sink: Sink, certificate: tuple[Path, Path], monkeypatch
) -> None:
    cert, key = certificate
    monkeypatch.setenv(ENV_SMTP_PASSWORD, PASSWORD)
    options = {
        "tls_context": server_context(cert, key),
        "require_starttls": True,
        "auth_required": True,
        "auth_require_tls": True,
        "authenticator": authenticator({USER: PASSWORD}),
    }
    with running(sink, **options) as port:
        delivery = f'smtp_user = "{USER}"\nsmtp_ca_file = "{cert}"'
        path = smtp_config(tmp_path, port, security="starttls", delivery=delivery)
        with opened(path) as pipeline:
            assert send_digest(pipeline, ingest=True).delivered == [1]
    [received] = sink.received
    assert received.tls and received.authenticated
    assert received.message["Subject"].endswith("4 berita")


def test_a_wrong_password_is_refused_for_good_and_nothing_is_sent(
    tmp_path: Path, sink: Sink, certificate: tuple[Path, Path], monkeypatch
) -> None:
    cert, key = certificate
    monkeypatch.setenv(ENV_SMTP_PASSWORD, "wrong")
    options = {
        "tls_context": server_context(cert, key),
        "auth_required": True,
        "authenticator": authenticator({USER: PASSWORD}),
    }
    with running(sink, **options) as port:
        delivery = f'smtp_user = "{USER}"\nsmtp_ca_file = "{cert}"'
        path = smtp_config(tmp_path, port, security="starttls", delivery=delivery)
        with opened(path) as pipeline:
            result = send_digest(pipeline, ingest=True)
            assert "refused the login" in result.failed[0]
            assert pipeline.store.outbox.digest(1).status == "failed"  # type: ignore[union-attr]
            assert pipeline.store.counts()["unsent_stories"] == 4
    assert sink.received == []


def test_implicit_tls(tmp_path: Path, sink: Sink, certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    with running(sink, ssl_context=server_context(cert, key)) as port:
        path = smtp_config(tmp_path, port, security="ssl", delivery=f'smtp_ca_file = "{cert}"')
        with opened(path) as pipeline:
            assert send_digest(pipeline, ingest=True).delivered == [1]
    assert sink.received[0].tls


def test_an_untrusted_certificate_keeps_the_digest_in_the_outbox(
    tmp_path: Path, sink: Sink, certificate: tuple[Path, Path]
) -> None:
    with running(sink, tls_context=server_context(*certificate)) as port:
        path = smtp_config(tmp_path, port, security="starttls")
        with opened(path) as pipeline:
            result = send_digest(pipeline, ingest=True)
            assert "smtp_ca_file" in result.failed[0]
            assert pipeline.store.outbox.digest(1).status == "pending"  # type: ignore[union-attr]
    assert sink.received == []


def test_a_server_that_is_down_gets_the_digest_once_when_it_is_back(
    tmp_path: Path, sink: Sink
) -> None:
    down = ReservedPort()
    clock = Clock()
    with opened(smtp_config(tmp_path, down.port), clock) as pipeline:
        first = send_digest(pipeline, ingest=True)
        assert first.failed and "cannot reach the SMTP server" in first.failed[0]
        [row] = pipeline.store.outbox.digests(status="pending")
        assert row.attempts == 1 and row.next_attempt_at is not None
        assert "outbox: 1 pending, 0 failed" in format_status(
            gather(pipeline.store, pipeline.config)
        )
        with running(sink, down.free()):
            # The service respects the backoff: nothing is tried before it runs out.
            assert retry_pending(pipeline.store, pipeline.config, pipeline.clock).delivered == []
            assert pipeline.store.outbox.digest(row.id).attempts == 1  # type: ignore[union-attr]
            clock.advance(minutes=6)
            assert retry_pending(pipeline.store, pipeline.config, pipeline.clock).delivered == [
                row.id
            ]
            assert send_digest(pipeline, ingest=True).nothing_new
            assert (
                retry_pending(
                    pipeline.store, pipeline.config, pipeline.clock, respect_backoff=False
                ).delivered
                == []
            )
    [message] = sink.messages
    assert message["Message-ID"] == row.message_id


def test_a_pending_digest_keeps_its_stories_out_of_later_digests(
    tmp_path: Path, sink: Sink
) -> None:
    """Server down; new articles arrive; a manual send retries at once and builds a
    digest only of the new story; when the server is back everything arrives once."""
    down = ReservedPort()
    path = smtp_config(tmp_path, down.port)
    with opened(path) as pipeline:
        send_digest(pipeline, ingest=True)
        [first] = pipeline.store.outbox.digests(status="pending")
        seeds = set(pipeline.store.outbox.digest_item_ids(first.id))
        (tmp_path / "articles" / "bridge.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        (tmp_path / "articles" / "kursk.txt").write_text(JOINING_ARTICLE, encoding="utf-8")
        second_try = send_digest(pipeline, ingest=True)
        assert second_try.retried == 1 and len(second_try.failed) == 2
        pending = pipeline.store.outbox.digests(status="pending")
        assert [d.id for d in pending] == [2, 1]
        assert pipeline.store.outbox.digest(1).attempts == 2  # type: ignore[union-attr]
        new_items = set(pipeline.store.outbox.digest_item_ids(2))
        assert not new_items & seeds
        assert [s["headline"] for s in json.loads(pending[0].json)["stories"]] == [
            "Korea Utara dan Rusia Resmikan Jembatan Jalan Tumen"
        ]
        with running(sink, down.free()):
            back = send_digest(pipeline)
            assert back.delivered == [1, 2, 3]  # the outbox, then the Kursk update
            assert send_digest(pipeline).nothing_new
    messages = sink.messages
    assert len({m["Message-ID"] for m in messages}) == 3
    texts = [parts(m)[0] for m in messages]
    assert sum("Jembatan Jalan Tumen" in t for t in texts) == 1
    assert "Putin Terima Kasih kepada Korea Utara atas Bantuan Merebut Kursk" in texts[2]
    assert "Putin Terima Kasih kepada Korea Utara atas Bantuan" not in texts[0]


def test_a_550_refusal_is_recorded_and_nothing_is_marked_sent(tmp_path: Path, sink: Sink) -> None:
    sink.refuse = "550 5.7.1 Message rejected as spam"
    with running(sink) as port, opened(smtp_config(tmp_path, port)) as pipeline:
        result = send_digest(pipeline, ingest=True)
        assert "550" in result.failed[0]
        row = pipeline.store.outbox.digest(1)
        assert row is not None and row.status == "failed" and "550" in (row.last_error or "")
        assert row.next_attempt_at is None
        assert pipeline.store.counts()["unsent_stories"] == 4
        assert all(item.sent_digest_id is None for item in pipeline.store.items.all_items())
        status = format_status(gather(pipeline.store, pipeline.config))
        assert "outbox: 0 pending, 1 failed" in status
        assert "#1 failed after 1 attempt:" in status and "550 5.7.1" in status
        # Nothing was lost: once the server takes mail again, the stories go in a new digest.
        sink.refuse = None
        again = send_digest(pipeline)
        assert again.delivered == [2]
        assert pipeline.store.outbox.digest(2).message_id != row.message_id  # type: ignore[union-attr]
    assert len(sink.messages) == 1


def test_a_failed_quit_after_acceptance_still_counts_as_sent(tmp_path: Path, sink: Sink) -> None:
    sink.quit_reply = "421 4.3.2 going away"
    with running(sink) as port, opened(smtp_config(tmp_path, port)) as pipeline:
        assert send_digest(pipeline, ingest=True).delivered == [1]
        assert send_digest(pipeline).nothing_new
    assert len(sink.messages) == 1


def test_line_breaks_in_the_title_add_no_header(tmp_path: Path, sink: Sink) -> None:
    extra = '[digest]\ntitle = "Berita\\r\\nBcc: victim@example.com\\nX-Evil: 1"\n'
    with running(sink) as port, opened(smtp_config(tmp_path, port, extra=extra)) as pipeline:
        assert send_digest(pipeline, ingest=True).delivered == [1]
    [received] = sink.received
    assert "victim@example.com" not in received.rcpt_tos
    assert received.message["Bcc"] is None and received.message["X-Evil"] is None
    assert received.message["Subject"].startswith("Berita Bcc: victim@example.com X-Evil: 1 · ")


def test_send_dry_run_prints_the_plan_and_changes_nothing(tmp_path: Path, sink: Sink) -> None:
    with running(sink) as port:
        path = smtp_config(tmp_path, port)
        result = run("send", "--dry-run", "--config", str(path), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "would send 'Rusia–Korea Utara: ringkasan berita · " in result.stdout
        assert "4 stories, 5 items" in result.stdout and "by smtp via 127.0.0.1" in result.stdout
        assert "  - Mengejutkan! Korea Utara Kirim Pasukan ke Rusia" in result.stdout
        with opened(path) as pipeline:
            assert pipeline.store.counts()["items"] == 0  # even the ingest was rolled back
            assert pipeline.store.outbox.digests() == []
        sent = run("send", "--config", str(path), cwd=tmp_path)
        assert sent.returncode == 0
        # Success names the recipients and the server.
        to = "pembaca@example.org, Ani <ani@example.net>"
        assert f"delivered digest #1 to {to} via 127.0.0.1:{port}" in sent.stdout
    assert len(sink.messages) == 1


def test_send_exits_1_when_the_digest_stays_in_the_outbox(tmp_path: Path) -> None:
    path = smtp_config(tmp_path, ReservedPort().port)
    result = run("send", "--config", str(path), cwd=tmp_path)
    assert result.returncode == 1
    # The failure is said once, on stderr (not also as a log warning).
    assert result.stderr.count("cannot reach the SMTP server 127.0.0.1") == 1, result.stderr
    assert "digest: not delivered: digest #1: cannot reach the SMTP server" in result.stderr
    assert "cannot reach" not in result.stdout
    status = run("status", "--config", str(path), cwd=tmp_path)
    assert "outbox: 1 pending, 0 failed" in status.stdout


def test_a_login_without_a_password_is_a_config_error(tmp_path: Path) -> None:
    path = smtp_config(tmp_path, 2525, delivery='smtp_user = "digest"')
    result = run("send", "--config", str(path), cwd=tmp_path, env={ENV_SMTP_PASSWORD: ""})
    assert result.returncode == 2, result.stdout
    assert "[delivery] smtp_user" in result.stderr and result.stderr.count("\n") == 1
