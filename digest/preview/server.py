"""`digest preview`: the next digest, the archive and the inspector on 127.0.0.1.

A person should see a digest before trusting it in their inbox. The preview
shows the digest the next run would send, rendered by the pipeline's own
``render`` (the HTML in its frame is, byte for byte, the HTML that would be
emailed), its text part and JSON, every digest already sent as it was stored,
and an inspector that explains every item (see :mod:`digest.preview.inspector`).

Safe by default, because it shows text scraped from the web:

- it listens on 127.0.0.1 only, and refuses requests whose Host header is not
  that address (a DNS-rebinding page cannot read it);
- the only files it serves from disk are in ``templates/preview/static``,
  named by a strict pattern and resolved to stay inside that folder;
- article text reaches pages only through autoescaped Jinja templates;
- pages carry a Content-Security-Policy with ``script-src 'self'``; the one
  script is the live-reload poller, a static file that the emailed HTML never
  contains; the emailed HTML is served sandboxed, with no script allowed.

SQLite connections cannot be shared between threads, so every request opens
its own pipeline, and a lock serialises the requests that ingest and build
(two page loads must not ingest the same new file at once). Nothing is
marked sent: ingesting new files is what ``digest build`` does too.

Live reload: ``/version`` returns a token derived from the size and mtime of
the templates, the config file, the topic terms and the files in the watched
folders; ``reload.js`` polls it and reloads the page when it changes.
"""

from __future__ import annotations

import logging
import threading
import webbrowser
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from digest.config import Config
from digest.errors import DigestError
from digest.jobs import Clock, system_clock
from digest.preview.pages import DATA_CSP, Preview, Response

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"


class PreviewServer(ThreadingHTTPServer):
    """The preview on 127.0.0.1; port 0 picks a free port (see :attr:`port`)."""

    daemon_threads = True
    # The listen backlog: connections waiting to be accepted. The default (5)
    # resets some of a burst of 200 (a page's assets, a browser's reconnects).
    request_queue_size = 512

    def __init__(self, config: Config, *, clock: Clock = system_clock, port: int = 0) -> None:
        self.preview = Preview(config, clock=clock)
        try:
            super().__init__((LOOPBACK, port), _Handler)
        except OSError as exc:
            raise DigestError(
                f"cannot listen on {LOOPBACK}:{port}: {exc.strerror}",
                "is another preview running? choose another port with --port",
            ) from None
        self.port = int(self.server_address[1])
        self.url = f"http://{LOOPBACK}:{self.port}/"
        self._thread: threading.Thread | None = None

    def host_allowed(self, host: str | None) -> bool:
        return host in (f"{LOOPBACK}:{self.port}", f"localhost:{self.port}")

    def start(self) -> PreviewServer:
        """Serve from a background thread (tests, embedding); :meth:`stop` ends it."""
        self._thread = threading.Thread(target=self.serve_forever, name="preview", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "digest-preview"
    sys_version = ""

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, *, send_body: bool) -> None:
        if not self.server.host_allowed(self.headers.get("Host")):
            answer = Response(b"unexpected Host header\n", "text/plain", 421, DATA_CSP)
        else:
            answer = self.server.preview.handle(self.path)
        self._send(answer, send_body=send_body)

    def _send(self, answer: Response, *, send_body: bool, close: bool = False) -> None:
        self.send_response(answer.status)
        if close:
            self.send_header("Connection", "close")
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("Content-Security-Policy", answer.csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if send_body:
            self.wfile.write(answer.body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The server's own errors (400, 414, 431, 501 …) with the same headers as every page.

        http.server would send its own HTML page with no Content-Security-Policy.
        """
        short = self.responses.get(code, ("error", ""))[0]
        self.log_error("code %d, message %s", code, message)
        body = f"{code} {message or short}\n".encode("utf-8", "replace")
        self.close_connection = True
        # A request line too broken to parse leaves HTTP/0.9, which has no
        # headers at all; no client speaks it, so answer with headers anyway.
        if getattr(self, "request_version", "HTTP/0.9") == "HTTP/0.9":
            self.request_version = "HTTP/1.0"
        answer = Response(body, "text/plain; charset=utf-8", code, DATA_CSP)
        send_body = self.command != "HEAD" and code >= 200 and code not in (204, 304)
        self._send(answer, send_body=send_body, close=True)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)


def serve(
    config: Config,
    *,
    port: int | None = None,
    open_browser: bool = False,
    announce: Callable[[str], None] = print,
) -> None:
    """Run the preview until interrupted (Ctrl-C); ``port`` defaults to ``[preview] port``."""
    server = PreviewServer(config, port=config.preview.port if port is None else port)
    announce(f"preview on {server.url} (Ctrl-C stops it)")
    if open_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
