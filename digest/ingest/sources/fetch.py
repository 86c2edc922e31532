"""Fetching one feed: politely over HTTP(S), or from a local file.

:class:`HttpFetcher` is the real :class:`Fetcher`; polling (in
:mod:`digest.ingest.sources.feeds`) only ever talks to that protocol, so a test can
hand in another. It uses the standard library only: urllib with its own
redirect handler and connections, so that

* the User-Agent names the project (``[fetch] user_agent``, ``{version}``
  replaced), and the validators of the last good response are sent
  (If-None-Match, If-Modified-Since); a 304 comes back as ``not_modified``;
* connecting and reading have their own timeouts (``[fetch] connect_timeout``,
  ``read_timeout`` per read) and the whole response must arrive within
  connect_timeout + 4 × read_timeout, so a server trickling bytes cannot hold a
  worker for ever;
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

import functools
import http.client
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
# A whole response must arrive within connect_timeout + this many read timeouts.
READ_TIMEOUTS_PER_RESPONSE = 4


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

    def fetch(self, url: str, *, etag: str | None, modified: str | None) -> FetchResult: ...


class HttpFetcher:
    """Fetch http(s) feeds with urllib, and ``file://`` URLs and absolute paths from disk.

    Thread-safe: every fetch builds its own opener, so redirects seen by one
    fetch are never mixed up with another's.
    """

    def __init__(self, config: FetchConfig) -> None:
        self.config = config
        self.user_agent = config.user_agent.replace("{version}", __version__)

    def fetch(self, url: str, *, etag: str | None, modified: str | None) -> FetchResult:
        scheme = urlsplit(url).scheme.lower()
        if scheme in ("http", "https"):
            return self._http(url, etag, modified)
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

    def _http(self, url: str, etag: str | None, modified: str | None) -> FetchResult:
        headers = {"User-Agent": self.user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip"}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        redirects = _Redirects()
        read_timeout = self.config.read_timeout
        opener = urllib.request.build_opener(
            redirects, _HTTPHandler(read_timeout), _HTTPSHandler(read_timeout)
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
        """Read a 2xx body within the size cap and the deadline, and decompress it."""
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
        deadline = time.monotonic() + (
            self.config.connect_timeout + READ_TIMEOUTS_PER_RESPONSE * self.config.read_timeout
        )
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read(CHUNK):
            size += len(chunk)
            if size > limit:
                return replace(result, error="too-large")
            if time.monotonic() > deadline:
                return replace(result, error="timeout (response too slow)")
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


class _ReadTimeout:
    """A connection whose socket switches from the connect timeout to the read timeout."""

    def __init__(self, *args, read_timeout: float, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._read_timeout = read_timeout

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        self.sock.settimeout(self._read_timeout)  # type: ignore[attr-defined]


class _HTTPConnection(_ReadTimeout, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_ReadTimeout, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, read_timeout: float) -> None:
        super().__init__()
        self._factory = functools.partial(_HTTPConnection, read_timeout=read_timeout)

    def http_open(self, req):  # type: ignore[no-untyped-def]
        return self.do_open(self._factory, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, read_timeout: float) -> None:
        super().__init__()
        self._factory = functools.partial(_HTTPSConnection, read_timeout=read_timeout)

    def https_open(self, req):  # type: ignore[no-untyped-def]
        return self.do_open(self._factory, req, context=self._context)  # type: ignore[attr-defined]
