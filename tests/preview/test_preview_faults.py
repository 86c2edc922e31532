"""Issue 14, point 9: CSP on every preview reply, a burst of 200 connections, status by reason.

The real preview server on 127.0.0.1, spoken to over raw sockets so that the
server's own error replies (a request too long, too many headers, a method
it does not know) can be provoked.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from digest.config import Config
from digest.preview.server import PreviewServer
from tests.helpers import fixed_clock
from tests.live import get

pytestmark = pytest.mark.network
BURST = 200


@pytest.fixture
def server(config: Config) -> Iterator[PreviewServer]:
    started = PreviewServer(config, clock=fixed_clock, port=0).start()
    try:
        yield started
    finally:
        started.stop()


def raw(port: int, request: bytes) -> tuple[int, dict[str, str]]:
    """Send ``request`` as is; the status and headers of the reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(request)
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = conn.recv(65536)
            if not chunk:
                break
            reply += chunk
    head = reply.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
    return int(head[0].split()[1]), headers


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 501),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(150)) + b"\r\n", 431),
        (b"GET / HTTP/9.9 extra\r\n\r\n", 400),
    ],
    ids=["501", "414", "431", "400"],
)
def test_the_servers_own_error_replies_carry_the_csp(
    server: PreviewServer, request_bytes: bytes, status: int
) -> None:
    got, headers = raw(server.port, request_bytes)
    assert got == status
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_a_burst_of_200_connections_is_served_without_a_reset(server: PreviewServer) -> None:
    start = threading.Barrier(BURST)
    statuses: list[int | str] = []
    lock = threading.Lock()

    def one() -> None:
        start.wait(timeout=60)
        try:
            status = get(server, "/version")[0]
        except OSError as exc:
            status = f"{type(exc).__name__}: {exc}"
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=one) for _ in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses.count(200) == BURST, [s for s in statuses if s != 200][:5]


def test_status_counts_skipped_files_by_reason_and_lists_them_on_request(tmp_path) -> None:
    from tests.helpers import run, write_config

    config = write_config(tmp_path, seeds=False)
    for i in range(30):
        (tmp_path / "articles" / f"empty-{i}.txt").write_bytes(b"")
    (tmp_path / "articles" / "image.txt").write_bytes(bytes(range(256)) * 4)
    assert run("ingest", "--config", str(config), cwd=tmp_path).returncode == 0
    short = run("status", "--config", str(config), cwd=tmp_path)
    assert short.returncode == 0
    assert "  30 empty\n  1 binary\n" in short.stdout
    assert "empty-0.txt" not in short.stdout and len(short.stdout.splitlines()) < 20
    listed = run("status", "--skipped", "--config", str(config), cwd=tmp_path)
    assert sum(": empty" in line for line in listed.stdout.splitlines()) == 30
    as_json = run("status", "--json", "--config", str(config), cwd=tmp_path)
    import json

    info = json.loads(as_json.stdout)
    assert info["skipped_by_reason"] == {"empty": 30, "binary": 1}
    assert len(info["skipped"]) == 31


@pytest.mark.parametrize("padding", [0, 1])  # an even length decodes as UTF-16 (to garbage)
def test_a_feed_with_a_wrong_declared_charset_is_read_by_detection(padding: int) -> None:
    from digest.ingest.sources.feedparse import parse_feed

    title = "Korea Utara dan Rusia — kerja sama baru: “jembatan” di Sungai Tumen"
    body = (
        '<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><title>Berita</title>'
        f"<item><title>{title}</title><link>https://news.example.com/a</link>"
        "<description>Putin dan Kim Jong Un bertemu.</description></item></channel></rss>"
    ).encode()
    body += b"\n" * ((len(body) + padding) % 2)
    in_header = body.replace(b' encoding="UTF-16"', b"")
    in_header += b"\n" * ((len(in_header) + padding) % 2)
    for data, content_type in ((body, None), (in_header, "application/rss+xml; charset=utf-16")):
        parsed = parse_feed(data, url="https://news.example.com/f.xml", content_type=content_type)
        assert not parsed.not_a_feed, (len(data), parsed.error)
        assert [e.title for e in parsed.entries] == [title]
    page = parse_feed(b"<!doctype html><html><body>hi</body></html>", url="https://x.example/")
    assert page.not_a_feed  # an HTML page stays what it is
