"""The preview's pages: the next digest, the archive, the inspector, as responses.

:class:`Preview` answers a request target with a :class:`Response` and knows
nothing of sockets (``digest.preview.server`` serves it), so every route can be
tested directly. See ``digest.preview.server`` for what the preview is for and
why it is safe by default.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from digest.config import Config, load_config
from digest.errors import DigestError
from digest.ingest.sources.folder import EXTENSIONS
from digest.jobs import Clock, Pipeline, open_pipeline, system_clock
from digest.models import RenderedEmail
from digest.preview.inspector import inspect, local_time
from digest.preview.reload import fingerprint, stamp
from digest.wording import count

log = logging.getLogger(__name__)

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
# The emailed HTML: its own inline styles, remote images as a mail client would, nothing else.
EMAIL_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; "
    "sandbox allow-popups allow-popups-to-escape-sandbox"
)
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
#: Gmail clips a message whose HTML is larger than about 102 KB.
GMAIL_CLIP_BYTES = 102 * 1024
KEEP_RENDERS = 16
STATIC_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
_STATIC_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*\.(?:js|css|svg)")
_PART = re.compile(r"/(render|archive)/(\d{1,12})\.(html|txt|json)")
_ARCHIVED = re.compile(r"/archive/(\d{1,12})")
_VIEWS = ("html", "text", "json")


@dataclass(frozen=True)
class Response:
    """A response as data, so routes can be tested without a socket."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    csp: str = PAGE_CSP


@dataclass(frozen=True)
class Snapshot:
    """One build shown by a page, kept so its frame, text and JSON show the same build."""

    rendered: RenderedEmail
    stories: int
    items: int
    outbox: int


class Preview:
    """The preview site without HTTP: routes a request target to a :class:`Response`."""

    def __init__(self, config: Config, *, clock: Clock = system_clock) -> None:
        self.clock = clock
        self._given = config
        self._config = config
        self._config_stamp = stamp(config.path) if config.path else None
        self._config_lock = threading.Lock()
        self._lock = threading.Lock()
        self._renders_lock = threading.Lock()
        self._renders: OrderedDict[int, Snapshot] = OrderedDict()
        self._counter = 0
        self.templates_dir = Path(config.templates_dir).resolve()
        self.static_dir = self.templates_dir / "preview" / "static"
        self._env = Environment(
            loader=FileSystemLoader(self.templates_dir / "preview"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters["local"] = local_time
        self._env.filters["count"] = count

    # -- configuration and live reload -----------------------------------------

    def config(self) -> Config:
        """The configuration, read again when its file changed (raises ConfigError if broken)."""
        path = self._given.path
        if path is None:
            return self._given
        with self._config_lock:
            current = stamp(path)
            if current != self._config_stamp:
                fresh = load_config(path)
                self._config = replace(fresh, templates_dir=self._given.templates_dir)
                self._config_stamp = current
            return self._config

    def version(self) -> str:
        """A token that changes when anything the preview shows from files changes."""
        try:
            config = self.config()
        except DigestError:
            config = self._config  # still watch the last good folders while the file is broken
        return fingerprint(
            (config.path, self._given.path, config.topic.terms),
            [(self.templates_dir, None), *((f, EXTENSIONS) for f in config.sources.folders)],
        )

    # -- routing -----------------------------------------------------------------

    def handle(self, target: str) -> Response:
        """Answer a GET for ``target`` (path and query); errors become an error page."""
        try:
            return self._route(target)
        except DigestError as exc:
            return self._error(str(exc))
        except Exception as exc:  # a local tool: show what broke instead of a bare 500
            log.exception("preview request %s failed", target)
            return self._error(f"{type(exc).__name__}: {exc}")

    def _route(self, target: str) -> Response:
        parts = urlsplit(target)
        path = parts.path
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        include_sent = query.get("all") == "1"
        if path in ("/", "/index.html"):
            return self.digest_page(query.get("view", "html"), include_sent, query.get("width"))
        if path == "/version":
            body = json.dumps({"version": self.version()}).encode()
            return Response(body, "application/json", csp=DATA_CSP)
        if path in ("/digest.html", "/digest.txt", "/digest.json"):
            return _part(self._build(include_sent).rendered, path.rsplit(".", 1)[1])
        if path == "/archive":
            return self.archive_page()
        if path == "/inspect":
            return self.inspect_page()
        if path == "/inspect.json":
            return self.inspect_data()
        if path == "/favicon.ico":
            return self.static("favicon.svg")
        if path.startswith("/static/"):
            return self.static(unquote(path.removeprefix("/static/")))
        if match := _PART.fullmatch(path):
            return self._stored_part(match.group(1), int(match.group(2)), match.group(3))
        if match := _ARCHIVED.fullmatch(path):
            return self.archived_page(int(match.group(1)), query.get("view", "html"), query)
        return _not_found()

    # -- pages ---------------------------------------------------------------------

    def digest_page(self, view: str, include_sent: bool, width: str | None) -> Response:
        """The digest the next run would send, in a sandboxed frame; text and JSON a tab away."""
        version = self.version()
        number, snapshot = self._snapshot(include_sent)
        config = self.config()
        rendered = snapshot.rendered
        size = len(rendered.html.encode("utf-8"))
        notes = []
        if snapshot.stories == 0 and not include_sent and not config.delivery.send_empty:
            notes.append(
                "Nothing new: the next run sends nothing ([delivery] send_empty is false). "
                "This is the empty digest it would send otherwise."
            )
        if snapshot.outbox:
            notes.append(
                f"{count(snapshot.outbox, 'digest')} waiting in the outbox; the next run "
                "retries them first "
                "(see the archive)."
            )
        if size >= GMAIL_CLIP_BYTES:
            notes.append(f"The HTML is {size:,} bytes: Gmail clips messages over 102 KB.")
        base = {"all": "1"} if include_sent else {}
        facts = [
            f"{count(snapshot.stories, 'story', 'stories')}, {count(snapshot.items, 'item')}",
            f"HTML {size / 1024:.1f} KB",
            f"to {', '.join(config.delivery.to)} by {config.delivery.method}",
        ]
        toggle = (
            {"label": "Only what is new", "href": _href("/", {})}
            if include_sent
            else {"label": "Include stories already sent", "href": _href("/", {"all": "1"})}
        )
        return self._email_page(
            version,
            heading="Next digest" + (" (everything, sent or not)" if include_sent else ""),
            rendered=rendered,
            facts=facts,
            notes=notes,
            view=view,
            width=width,
            page="/",
            base=base,
            raw=f"/render/{number}",
            extra=[toggle, {"label": "Open alone", "href": f"/render/{number}.html"}],
        )

    def archived_page(self, digest_id: int, view: str, query: dict[str, str]) -> Response:
        version = self.version()
        with self._pipeline(ingest=False) as pipeline:
            row = pipeline.store.outbox.digest(digest_id)
        if row is None:
            return _not_found()
        rendered = RenderedEmail(row.subject, row.html, row.text, json.loads(row.json))
        when = local_time(row.sent_at or row.created_at, self.config().digest.tz)
        facts = [
            f"{row.status} {when}",
            count(len(rendered.data.get("stories", [])), "story", "stories"),
            f"HTML {len(row.html.encode('utf-8')) / 1024:.1f} KB",
        ]
        notes = [f"Last error: {row.last_error}"] if row.last_error else []
        return self._email_page(
            version,
            heading=f"Digest #{row.id}",
            rendered=rendered,
            facts=facts,
            notes=notes,
            view=view,
            width=query.get("width"),
            page=f"/archive/{row.id}",
            base={},
            raw=f"/archive/{row.id}",
            extra=[{"label": "Open alone", "href": f"/archive/{row.id}.html"}],
            active="archive",
        )

    def archive_page(self) -> Response:
        version = self.version()
        with self._pipeline(ingest=False) as pipeline:
            digests = pipeline.store.outbox.digest_index()
        sent = [d for d in digests if d["status"] == "sent"]
        waiting = [d for d in digests if d["status"] != "sent"]
        tz = self.config().digest.tz
        return self._page("archive.html.j2", version, "archive", sent=sent, waiting=waiting, tz=tz)

    def inspect_page(self) -> Response:
        version = self.version()
        with self._pipeline(ingest=True) as pipeline:
            view = inspect(pipeline.store, pipeline.config, pipeline.terms)
        return self._page(
            "inspect.html.j2",
            version,
            "inspect",
            counts=view.counts,
            limit=view.limit,
            items=view.items,
            changed_by_terms=view.changed_by_terms,
            skipped=view.skipped,
        )

    def inspect_data(self) -> Response:
        """The inspector's data as JSON: every item's placement and why (shared terms, score)."""
        with self._pipeline(ingest=True) as pipeline:
            view = inspect(pipeline.store, pipeline.config, pipeline.terms)
        body = json.dumps(asdict(view), ensure_ascii=False, indent=2, default=str).encode("utf-8")
        return Response(body, "application/json", csp=DATA_CSP)

    def static(self, name: str) -> Response:
        """A file of templates/preview/static, or 404: nothing else on disk is reachable."""
        if not _STATIC_NAME.fullmatch(name):
            return _not_found()
        root = self.static_dir.resolve()
        path = (root / name).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return _not_found()
        return Response(path.read_bytes(), STATIC_TYPES[path.suffix], csp=DATA_CSP)

    # -- helpers ---------------------------------------------------------------------

    @contextmanager
    def _pipeline(self, *, ingest: bool) -> Iterator[Pipeline]:
        with self._lock:
            pipeline = open_pipeline(self.config(), clock=self.clock)
            try:
                if ingest:
                    pipeline.ingest()
                yield pipeline
            finally:
                pipeline.store.close()

    def _build(self, include_sent: bool) -> Snapshot:
        """Ingest, then build and render exactly as ``digest send`` would; mark nothing."""
        with self._pipeline(ingest=True) as pipeline:
            built = pipeline.build(include_sent=include_sent)
            rendered = pipeline.render(built.digest)
            outbox = len(pipeline.store.outbox.digests(status="pending"))
        return Snapshot(rendered, len(built.digest.stories), len(built.item_ids), outbox)

    def _snapshot(self, include_sent: bool) -> tuple[int, Snapshot]:
        snapshot = self._build(include_sent)
        with self._renders_lock:
            self._counter += 1
            self._renders[self._counter] = snapshot
            while len(self._renders) > KEEP_RENDERS:
                self._renders.popitem(last=False)
            return self._counter, snapshot

    def _stored_part(self, kind: str, number: int, ext: str) -> Response:
        if kind == "render":
            with self._renders_lock:
                snapshot = self._renders.get(number)
            if snapshot is None:
                return _not_found("This build is no longer kept: reload the preview.")
            return _part(snapshot.rendered, ext)
        with self._pipeline(ingest=False) as pipeline:
            row = pipeline.store.outbox.digest(number)
        if row is None:
            return _not_found()
        return _part(RenderedEmail(row.subject, row.html, row.text, json.loads(row.json)), ext)

    def _email_page(
        self,
        version: str,
        *,
        rendered: RenderedEmail,
        page: str,
        base: dict[str, str],
        raw: str,
        view: str,
        width: str | None,
        active: str = "digest",
        **context: Any,
    ) -> Response:
        view = view if view in _VIEWS else "html"
        phone = width == "phone"
        here = {**base, **({"width": "phone"} if phone else {})}
        tabs = [
            {"label": label, "href": _href(page, {**here, "view": v}), "current": v == view}
            for v, label in (("html", "HTML"), ("text", "Text"), ("json", "JSON"))
        ]
        widths = [
            {"label": label, "href": _href(page, {**base, "view": view, **q}), "current": on}
            for label, q, on in (("Desktop", {}, not phone), ("Phone", {"width": "phone"}, phone))
        ]
        return self._page(
            "email.html.j2",
            version,
            active,
            subject=rendered.subject,
            preheader=rendered.preheader,
            view=view,
            phone=phone,
            tabs=tabs,
            widths=widths,
            frame=f"{raw}.html",
            text=rendered.text,
            data=json.dumps(rendered.data, ensure_ascii=False, indent=2),
            raw=raw,
            **context,
        )

    def _page(self, template: str, version: str, active: str, **context: Any) -> Response:
        html = self._env.get_template(template).render(version=version, active=active, **context)
        return Response(html.encode("utf-8"))

    def _error(self, message: str) -> Response:
        try:
            page = self._page("error.html.j2", self.version(), "", message=message)
            return replace(page, status=500)
        except Exception:  # the error page itself failed (e.g. a broken preview template)
            return Response(message.encode("utf-8"), "text/plain; charset=utf-8", 500, DATA_CSP)


def _part(rendered: RenderedEmail, ext: str) -> Response:
    """One part of an email, as it would be sent: the HTML exactly, the text, or the JSON."""
    if ext == "html":
        return Response(rendered.html.encode("utf-8"), csp=EMAIL_CSP)
    if ext == "txt":
        return Response(rendered.text.encode("utf-8"), "text/plain; charset=utf-8", csp=DATA_CSP)
    body = json.dumps(rendered.data, ensure_ascii=False, indent=2).encode("utf-8")
    return Response(body, "application/json", csp=DATA_CSP)


def _not_found(message: str = "Not found.") -> Response:
    return Response(f"{message}\n".encode(), "text/plain; charset=utf-8", 404, DATA_CSP)


def _href(path: str, query: dict[str, str]) -> str:
    query = {k: v for k, v in query.items() if v and not (k == "view" and v == "html")}
    return f"{path}?{urlencode(query)}" if query else path
