"""Fetching one feed: politely over HTTP(S), or from a local file.

:class:`HttpFetcher` is the real :class:`Fetcher`; polling (in
:mod:`digest.ingest.sources.feeds`) only ever talks to that protocol, so a test can
hand in another. It uses the standard library only: urllib with its own
redirect handler and connections, so that

* the User-Agent names the project (``[fetch] user_agent``, ``{version}``
  replaced), and the validators of the last good response are sent
  (If-None-Match, If-Modified-Since); a 304 comes back as ``not_modified``;
* connecting and reading have their own timeouts (``[fetch] connect_timeout``,
  ``read_timeout`` per read), and the whole fetch, redirects, headers and body,
  has a total deadline (``[fetch] deadline_seconds``). Per-read timeouts alone
  cannot stop a server that sends one byte every few seconds, so a timer shuts
  the fetch's sockets down when the deadline passes, whatever they wait for;
  :meth:`HttpFetcher.cancel` does the same at once (the service stopping);
* a body larger than ``[fetch] max_bytes`` (before or after gzip) is refused
  as ``too-large`` without reading past the limit;
* redirects go to http(s) only, and the target of the leading 301/308 hops is
  reported as ``permanent_url`` (a 302/307 on the way stops that).

``file://`` URLs and absolute paths are read from disk; their mtime and size
stand in for Last-Modified, so an unchanged file is not parsed again.

A fetch never raises for anything the other end does: it returns a
:class:`FetchResult` whose ``error`` says what went wrong.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from digest import __version__
from digest.config import FetchConfig

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
CHUNK = 64 * 1024
# The errors of fetches that did not happen: the feed keeps its state and stays due.
CANCELLED = "cancelled: the service is stopping"
OUT_OF_BUDGET = "not fetched: the feeds job ran out of time ([fetch] budget_seconds)"


@dataclass(frozen=True)
class FetchResult:
    """What one fetch brought back.

    ``url`` is where the body finally came from; ``permanent_url`` is set when
    the redirects that led there began with 301/308 hops (the last of them).
    ``error`` says why there is no usable body (``too-large``, ``timeout``,
    ``HTTP 500 …``); ``status`` is the HTTP status, None for files.
    """

    url: str
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    modified: str | None = None
    permanent_url: str | None = None
    not_modified: bool = False
    error: str | None = None


class Fetcher(Protocol):
    """The seam between polling and the network: tests and the CLI pass the real one."""

    def fetch(
        self, url: str, *, etag: str | None, modified: str | None, ends_at: float | None = None
    ) -> FetchResult: ...


class HttpFetcher:
    """Fetch http(s) feeds with urllib, and ``file://`` URLs and absolute paths from disk.

    Thread-safe: every fetch builds its own opener, so redirects seen by one
    fetch are never mixed up with another's.
    """

    def __init__(self, config: FetchConfig) -> None:
        self.config = config
        self.user_agent = config.user_agent.replace("{version}", __version__)
        self._lock = threading.Lock()
        self._active: set[_Deadline] = set()
        self._cancelled = False

    def cancel(self) -> None:
        """End every fetch in progress now, and refuse new ones (from any thread)."""
        with self._lock:
            self._cancelled = True
            active = list(self._active)
        for deadline in active:
            deadline.expire()

    def fetch(
        self, url: str, *, etag: str | None, modified: str | None, ends_at: float | None = None
    ) -> FetchResult:
        """Fetch ``url``; it ends by ``deadline_seconds`` from now, or ``ends_at`` if sooner.

        ``ends_at`` is a :func:`time.monotonic` time: the feeds job's budget.
        """
        scheme = urlsplit(url).scheme.lower()
        if scheme in ("http", "https"):
            began = time.monotonic()
            limit = began + self.config.deadline_seconds
            deadline = _Deadline(limit if ends_at is None else min(limit, ends_at))
            with self._lock:
                if self._cancelled:
                    return FetchResult(url, error=CANCELLED)
                self._active.add(deadline)
            timer = threading.Timer(max(deadline.remaining(), 0.0), deadline.expire)
            timer.daemon = True
            timer.start()
            try:
                result = self._http(url, etag, modified, deadline)
            finally:
                timer.cancel()
                with self._lock:
                    self._active.discard(deadline)
            if deadline.expired:
                if self._cancelled:
                    return FetchResult(url, error=CANCELLED)
                seconds = deadline.ends_at - began
                return FetchResult(url, error=f"timeout: no full answer within {seconds:.0f} s")
            return result
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                return FetchResult(url, error=f"file URL on another host: {parts.netloc}")
            return self._file(url, Path(urllib.request.url2pathname(parts.path)), modified)
        if len(scheme) > 1:
            return FetchResult(url, error=f"unsupported URL scheme {scheme}:")
        return self._file(url, Path(url), modified)

    def _file(self, url: str, path: Path, modified: str | None) -> FetchResult:
        """Read a local feed; its size and mtime stand in for Last-Modified."""
        try:
            stat = path.stat()
            stamp = f"{stat.st_mtime_ns}:{stat.st_size}"
            if modified == stamp:
                return FetchResult(url, not_modified=True, modified=stamp)
            if stat.st_size > self.config.max_bytes:
                return FetchResult(url, error="too-large")
            with path.open("rb") as handle:
                body = handle.read(self.config.max_bytes + 1)
        except FileNotFoundError:
            return FetchResult(url, error=f"no such file: {path}")
        except OSError as exc:
            return FetchResult(url, error=f"cannot read {path}: {exc.strerror or exc}")
        if len(body) > self.config.max_bytes:
            return FetchResult(url, error="too-large")
        return FetchResult(url, body=body, modified=stamp)

    def _http(
        self, url: str, etag: str | None, modified: str | None, deadline: _Deadline
    ) -> FetchResult:
        headers = {"User-Agent": self.user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip"}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        redirects = _Redirects()
        timeouts = (self.config.connect_timeout, self.config.read_timeout)
        opener = urllib.request.build_opener(
            redirects, _HTTPHandler(timeouts, deadline), _HTTPSHandler(timeouts, deadline)
        )
        request = urllib.request.Request(url, headers=headers)
        try:
            with opener.open(request, timeout=self.config.connect_timeout) as response:
                return self._response(response, redirects)
        except urllib.error.HTTPError as exc:
            with exc:
                found = FetchResult(
                    exc.url or url,
                    status=exc.code,
                    etag=exc.headers.get("ETag") if exc.headers else None,
                    modified=exc.headers.get("Last-Modified") if exc.headers else None,
                    permanent_url=redirects.permanent,
                )
                if exc.code == 304:
                    return replace(found, not_modified=True)
                return replace(found, error=f"HTTP {exc.code} {exc.reason}".strip())
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                return FetchResult(url, error="timeout")
            return FetchResult(url, error=f"cannot connect: {reason}")
        except TimeoutError:
            return FetchResult(url, error="timeout")
        except (http.client.HTTPException, OSError, ValueError) as exc:
            return FetchResult(url, error=f"{type(exc).__name__}: {exc}")

    def _response(self, response: http.client.HTTPResponse, redirects: _Redirects) -> FetchResult:
        """Read a 2xx body within the size cap, and decompress it.

        The deadline is the caller's: when it passes, the socket is shut down
        and the read ends here early (the caller then reports a timeout).
        """
        limit = self.config.max_bytes
        result = FetchResult(
            response.geturl(),
            status=response.status,
            content_type=response.headers.get("Content-Type"),
            etag=response.headers.get("ETag"),
            modified=response.headers.get("Last-Modified"),
            permanent_url=redirects.permanent,
        )
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > limit:
            return replace(result, error="too-large")
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read(CHUNK):
            size += len(chunk)
            if size > limit:
                return replace(result, error="too-large")
            chunks.append(chunk)
        body = b"".join(chunks)
        encoding = response.headers.get("Content-Encoding", "").strip().lower()
        if encoding in ("gzip", "x-gzip", "deflate"):
            # wbits 47: a gzip or zlib header, detected; max_length keeps a zip bomb out.
            inflater = zlib.decompressobj(47)
            try:
                body = inflater.decompress(body, limit + 1)
            except zlib.error as exc:
                return replace(result, error=f"bad {encoding} encoding: {exc}")
            if len(body) > limit or inflater.unconsumed_tail:
                return replace(result, error="too-large")
        return replace(result, body=body)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only, remembering the target of the leading 301/308 hops."""

    def __init__(self) -> None:
        self.permanent: str | None = None
        self._all_permanent = True

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, "redirect to a non-HTTP URL", headers, fp)
        if code in (301, 308) and self._all_permanent:
            self.permanent = newurl
        else:
            self._all_permanent = False
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Deadline:
    """The end of one fetch: when it passes, the fetch's sockets are shut down.

    Shutting a socket down wakes a thread blocked reading it (headers or body),
    which a socket timeout cannot do for a server that keeps sending a byte
    just before each timeout.
    """

    def __init__(self, ends_at: float) -> None:
        self.ends_at = ends_at
        self.expired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []

    def remaining(self) -> float:
        return self.ends_at - time.monotonic()

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    # socket.socket's own shutdown, also for an SSLSocket: no TLS goodbye, just the fd.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Timed:
    """A connection bounded by its fetch's deadline as well as by its own timeouts."""

    timeout: float | None

    def __init__(self, *args, timeouts: tuple[float, float], deadline: _Deadline, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._connect_timeout, self._read_timeout = timeouts
        self._deadline = deadline

    def connect(self) -> None:
        left = self._deadline.remaining()
        if left <= 0:
            raise TimeoutError("deadline passed")
        self.timeout = min(self._connect_timeout, left)
        super().connect()  # type: ignore[misc]
        self.sock.settimeout(min(self._read_timeout, max(self._deadline.remaining(), 0.001)))  # type: ignore[attr-defined]
        self._deadline.add(self.sock)  # type: ignore[attr-defined]


class _HTTPConnection(_Timed, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_Timed, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, timeouts: tuple[float, float], deadline: _Deadline) -> None:
        super().__init__()
        self._factory = functools.partial(_HTTPConnection, timeouts=timeouts, deadline=deadline)

    def http_open(self, req):  # type: ignore[no-untyped-def]
        return self.do_open(self._factory, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, timeouts: tuple[float, float], deadline: _Deadline) -> None:
        super().__init__()
        self._factory = functools.partial(_HTTPSConnection, timeouts=timeouts, deadline=deadline)

    def https_open(self, req):  # type: ignore[no-untyped-def]
        return self.do_open(self._factory, req, context=self._context)  # type: ignore[attr-defined]
