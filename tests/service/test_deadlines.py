"""Issue 14, point 1: slow servers cannot hold a fetch, the feeds job, the digest or a stop.

Servers on 127.0.0.1 that trickle their headers or their body one byte at a
time, each byte well inside ``read_timeout``, so only a total deadline ends
the fetch. The bounds checked are the ones the user is promised (a fetch
ends by its configured deadline; SIGTERM stops the service within 10 s),
with generous slack for a loaded machine.
"""

from __future__ import annotations

import signal
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from digest.config import FetchConfig, load_config
from digest.ingest.sources.feeds import FeedPolled, poll_feeds
from digest.ingest.sources.fetch import CANCELLED, HttpFetcher
from digest.store import Store
from tests.helpers import NOW, write_config
from tests.live import job_finished, query, sent_digests, service, tmp_db, wait_until
from tests.trickle import trickle_server

pytestmark = pytest.mark.network
SLACK = 5.0  # seconds allowed beyond a promised bound, for a loaded machine


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("headers_slowly", [True, False], ids=["slow-headers", "slow-body"])
def test_a_trickling_server_is_cut_off_at_the_fetch_deadline(headers_slowly: bool) -> None:
    config = FetchConfig(connect_timeout=1.0, read_timeout=0.5, deadline_seconds=1.5)
    with trickle_server(headers_slowly=headers_slowly) as url:
        began = time.monotonic()
        result = HttpFetcher(config).fetch(url, etag=None, modified=None)
        took = time.monotonic() - began
    assert result.body is None
    assert result.error is not None and result.error.startswith("timeout"), result.error
    assert took < config.deadline_seconds + SLACK


def test_cancel_ends_a_fetch_in_progress_and_refuses_new_ones() -> None:
    fetcher = HttpFetcher(FetchConfig(read_timeout=0.5, deadline_seconds=600.0))
    with trickle_server(headers_slowly=False) as url:
        threading.Timer(0.5, fetcher.cancel).start()
        began = time.monotonic()
        result = fetcher.fetch(url, etag=None, modified=None)
        assert time.monotonic() - began < 0.5 + SLACK
        assert result.error == CANCELLED
        assert fetcher.fetch(url, etag=None, modified=None).error == CANCELLED


def test_the_feeds_job_keeps_its_budget_and_unfetched_feeds_stay_due(tmp_path: Path) -> None:
    with (
        trickle_server(headers_slowly=True) as first,
        trickle_server(headers_slowly=False) as second,
    ):
        extra = "[fetch]\nread_timeout = 0.5\nconcurrency = 1\ndeadline_seconds = 600.0\n"
        extra += "budget_seconds = 1.5\n"
        config = load_config(write_config(tmp_path, extra, feeds=(first, second)))
        with Store(config.store.path) as store:
            began = time.monotonic()
            polled = [e for e in poll_feeds(config, store, now=NOW) if isinstance(e, FeedPolled)]
            took = time.monotonic() - began
    assert took < config.fetch.budget_seconds + SLACK
    # The first was cut off by the budget and counts as a timeout; the second never
    # started, so it keeps no state and is due at the next poll.
    assert [p.state.url for p in polled] == [first]
    assert polled[0].state.status == "error"
    assert polled[0].state.last_error.startswith("timeout")
    assert polled[0].state.next_fetch_at > NOW + timedelta(minutes=1)


def test_slow_feeds_hold_neither_the_digest_nor_sigterm(tmp_path: Path) -> None:
    with (
        trickle_server(headers_slowly=True) as first,
        trickle_server(headers_slowly=False) as second,
    ):
        body = (
            'send_empty = true\n[schedule]\ndigest = "*/2 * * * * *"\n'
            "[fetch]\nread_timeout = 1.0\ndeadline_seconds = 600.0\nbudget_seconds = 600.0\n"
        )
        config = write_config(tmp_path, body, feeds=(first, second))
        db = tmp_db(config)
        with service(config, tmp_path) as proc:
            sql = "SELECT 1 FROM service_jobs WHERE name = 'feeds' AND last_started_at IS NOT NULL"
            wait_until(lambda: query(db, sql), "the feeds job to start")
            wait_until(lambda: sent_digests(db) >= 2, "two scheduled digests")
            assert not job_finished(db, "feeds")  # both feeds are still trickling
            began = time.monotonic()
            assert proc.stop(signal.SIGTERM, timeout=10 + SLACK) == 0
            assert time.monotonic() - began < 10
            assert "Traceback" not in proc.output()
