"""The preview's pages through ``Preview.handle`` (no socket), with the real store and templates.

Every route is answered as a :class:`Response`; one test speaks real HTTP on
127.0.0.1 for what only the server adds (Host check, headers), one runs
`digest preview` as a process. Browser behaviour (layout, live reload in an
open page) is in test_preview_browser.py.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from digest.config import Config, load_config
from digest.delivery.outbox import FileTransport
from digest.errors import DeliveryError, DigestError
from digest.jobs import open_pipeline, send_digest
from digest.preview.pages import Preview
from digest.preview.server import LOOPBACK, PreviewServer
from tests.articles import write_articles
from tests.helpers import ROOT, SEEDS, fixed_clock, write_config
from tests.live import get as http_get

pytestmark = pytest.mark.network

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> Rusia dan Korea Utara"


def get(server: Preview, target: str) -> tuple[int, dict[str, str], bytes]:
    """What a GET for ``target`` gets back from the routes (no socket): status, headers, body.

    The headers are the ones the page itself sets; the HTTP server adds the rest
    (see test_the_server_on_loopback_sends_each_answer_with_safe_headers).
    """
    answer = server.handle(target)
    headers = {"Content-Type": answer.content_type, "Content-Security-Policy": answer.csp}
    return answer.status, headers, answer.body


def page(server: Preview, target: str) -> str:
    status, _, body = get(server, target)
    assert status == 200, (target, status, body[:300])
    return body.decode("utf-8")


@pytest.fixture
def serve() -> Callable[[Config], Preview]:
    """The preview's pages for a config, with the fixed clock (``Preview.handle``, no socket)."""
    return lambda config: Preview(config, clock=fixed_clock)


@pytest.fixture
def http_server() -> Iterator[Callable[[Config], PreviewServer]]:
    """Start preview servers in this process (port 0); all are stopped after the test."""
    started: list[PreviewServer] = []

    def start(config: Config) -> PreviewServer:
        server = PreviewServer(config, clock=fixed_clock, port=0).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def expected_email(config: Config):
    """The digest as the pipeline itself builds and renders it (what `digest send` would mail)."""
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store:
        pipeline.ingest()
        return pipeline.render(pipeline.build().digest)


def test_the_frame_shows_exactly_the_html_that_would_be_emailed(config: Config, serve) -> None:
    server = serve(config)
    index = page(server, "/")
    frame = re.search(r'<iframe class="email" src="([^"]+)" sandbox="([^"]*)"', index)
    assert frame, "the digest is shown in a sandboxed frame"
    assert "allow-scripts" not in frame.group(2) and "allow-same-origin" not in frame.group(2)
    status, headers, shown = get(server, frame.group(1))
    email = expected_email(config)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert shown == email.html.encode("utf-8")
    assert get(server, "/digest.html")[2] == email.html.encode("utf-8")
    raw = frame.group(1).removesuffix(".html")
    assert get(server, f"{raw}.txt")[2].decode() == email.text
    assert json.loads(get(server, f"{raw}.json")[2]) == email.data
    assert email.subject in index
    assert len(email.data["stories"]) == 4


def test_text_and_json_are_one_click_away(config: Config, serve) -> None:
    server = serve(config)
    email = expected_email(config)
    index = page(server, "/")
    assert 'href="/?view=text"' in index and 'href="/?view=json"' in index
    text_page = page(server, "/?view=text")
    story = email.data["stories"][0]
    assert story["headline"] in text_page and "<iframe" not in text_page
    json_page = page(server, "/?view=json")
    assert "&#34;stories&#34;: [" in json_page or '"stories": [' in json_page
    assert 'class="stage phone"' in page(server, "/?width=phone")


def test_the_preview_marks_nothing_sent(config: Config, serve) -> None:
    server = serve(config)
    for target in ("/", "/digest.html", "/digest.json", "/inspect", "/archive", "/?all=1"):
        page(server, target)
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store as store:
        assert store.outbox.digests() == []
        assert len(store.items.unsent_story_ids()) == 4
        assert all(item.sent_digest_id is None for item in store.items.all_items())


def test_archive_lists_every_sent_digest_newest_first_as_sent(
    config_path: Path, config: Config, serve, tmp_path: Path
) -> None:
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store:
        pipeline.ingest()
        send_digest(pipeline, transport=FileTransport(tmp_path / "sent"))
        write_articles(tmp_path / "articles", 1)
        pipeline.ingest()
        send_digest(pipeline, transport=FileTransport(tmp_path / "sent"))
        rows = pipeline.store.outbox.digests(status="sent")
    assert [row.id for row in rows] == [2, 1]
    server = serve(config)
    archive = page(server, "/archive")
    assert archive.index('href="/archive/2"') < archive.index('href="/archive/1"')
    for row in rows:
        assert get(server, f"/archive/{row.id}.html")[2] == row.html.encode("utf-8")
        assert get(server, f"/archive/{row.id}.txt")[2] == row.text.encode("utf-8")
        assert f'src="/archive/{row.id}.html"' in page(server, f"/archive/{row.id}")
    assert get(server, "/archive/99")[0] == 404
    assert "Nothing new: the next run sends nothing" in page(server, "/")


class _Refusing:
    """A transport whose server is down: the digest stays in the outbox as failed."""

    def deliver(self, message, *, html: str, stem: str) -> list[Path]:
        raise DeliveryError("connection refused by 127.0.0.1:9")


# What a template leaks when it reads something that is not a value.
LEAKS = re.compile(r"built-in method|bound method|object at 0x|\{\{|\{%|Undefined")


def test_every_page_renders_clean(config: Config, serve, tmp_path: Path) -> None:
    """Every page, with a sent digest and a failed one in the outbox, shows values only."""
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store:
        pipeline.ingest()
        send_digest(pipeline, transport=FileTransport(tmp_path / "sent"))
        write_articles(tmp_path / "articles", 2)
        pipeline.ingest()
        failed = send_digest(pipeline, transport=_Refusing())
        assert failed.failed
        sent_items = len(pipeline.store.outbox.digest_item_ids(1))
        waiting_items = len(pipeline.store.outbox.digest_item_ids(2))
    server = serve(config)
    targets = ["/", "/?view=text", "/?view=json", "/?all=1", "/archive", "/inspect"]
    targets += [f"/archive/{n}{view}" for n in (1, 2) for view in ("", "?view=text", ".txt")]
    for target in targets:
        body = page(server, target)
        assert not LEAKS.search(body), (target, LEAKS.search(body))
    archive = page(server, "/archive")
    assert f"· {sent_items} items ·" in archive
    assert f"1 attempt · {waiting_items} items" in archive


def test_inspector_explains_every_item_and_skip(config: Config, serve, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    seed = next(p for p in sorted(SEEDS.iterdir()) if p.name.startswith("001"))
    shutil.copy(seed, folder / "repost_of_001.txt")
    (folder / "harga.txt").write_text(
        "Harga Cabai Naik di Jakarta\n\nHarga cabai rawit di pasar Jakarta naik dua kali lipat "
        "pekan ini karena hujan. Pedagang berharap pasokan pulih bulan depan.\n",
        encoding="utf-8",
    )
    (folder / "kosong.txt").write_bytes(b"")
    server = serve(config)
    inspector = page(server, "/inspect")
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store as store:
        items = {row.source: row for row in store.items.all_items()}
    assert len(items) == 7
    for row in items.values():
        assert f'id="item-{row.id}"' in inspector
        assert row.source in inspector
    copy = items["repost_of_001.txt"]
    assert copy.copy_of == items[seed.name].id
    assert f'<a href="#item-{copy.copy_of}">#{copy.copy_of}</a> (similarity 1.00' in inspector
    assert "excluded: off-topic" in inspector and "no Russian angle" in inspector
    by_id = {r.id: r for r in items.values()}
    joined = next(
        r
        for r in items.values()
        if r.copy_of is None
        and r.story_matched_item is not None
        and by_id[r.story_matched_item].story_id == r.story_id
    )
    assert f"(score {joined.story_similarity:.2f}, its closest report" in inspector
    # Why it joined: the terms it shares with the story's other reports (seeds 000 and 004).
    data = json.loads(get(server, "/inspect.json")[2])
    why = next(i for i in data["items"] if i["id"] == joined.id)["story_why"]
    shared = [s["term"] for s in why["shared"]]
    assert "troops" in shared and "date 2025-04-28" in shared
    assert why["compared_reports"] == 1
    assert "shared terms:" in inspector and '<span class="tag">troops</span>' in inspector
    assert "date from file time" in inspector
    assert "kosong.txt" in inspector and "empty" in inspector
    assert "Cleaned text (" in inspector


def test_article_content_is_always_escaped(config: Config, serve, tmp_path: Path) -> None:
    body = (
        f"{HOSTILE}\n\nPresiden Rusia Vladimir Putin bertemu Kim Jong Un dari Korea Utara "
        "di Moskow. <b>Rusia</b> dan Korea Utara menandatangani perjanjian baru.\n\n"
        "Putin mengatakan Rusia akan membantu Korea Utara. Kim berterima kasih kepada Rusia.\n"
    )
    (tmp_path / "articles" / "hostile.txt").write_text(body, encoding="utf-8")
    server = serve(config)
    for target in ("/", "/?view=text", "/?view=json", "/inspect", "/digest.html"):
        text = page(server, target)
        assert "<script>alert" not in text and "<img src=x" not in text, target
    _, headers, data = get(server, "/digest.json")
    headlines = [story["headline"] for story in json.loads(data)["stories"]]
    assert HOSTILE in headlines, "the JSON file keeps the data as it is"
    assert headers["Content-Type"] == "application/json"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page(server, "/inspect")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page(server, "/digest.html")


def test_pages_carry_a_content_security_policy(config: Config, serve) -> None:
    server = serve(config)
    for target in ("/", "/inspect", "/archive", "/?view=json"):
        status, headers, body = get(server, target)
        csp = headers["Content-Security-Policy"]
        assert status == 200
        assert "script-src 'self'" in csp and "default-src 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        html = body.decode()
        assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/static/reload.js" defer>']
        assert " style=" not in html, "inline styles would be refused by the CSP"
    email_csp = get(server, "/digest.html")[1]["Content-Security-Policy"]
    assert "sandbox" in email_csp and "script-src" not in email_csp
    assert "default-src 'none'" in email_csp


def test_the_reload_script_never_reaches_the_email(config: Config, serve) -> None:
    server = serve(config)
    assert "/static/reload.js" in page(server, "/")
    email = get(server, "/digest.html")[2].decode()
    assert "<script" not in email.lower() and "reload" not in email
    assert "/static/" not in email


@pytest.mark.parametrize(
    "target",
    [
        "/static/../preview.py",
        "/static/%2e%2e/digest.html.j2",
        "/static/..%2f..%2fdigest%2fconfig.py",
        "/static/%2fetc%2fpasswd",
        "/static//etc/passwd",
        "/static/reload.js%00.css",
        "/static/",
        "/static/digest.html.j2",
        "/archive/../../etc/passwd",
        "/render/1.html/../../../etc/passwd",
        "//etc/passwd",
        "/../../../../etc/passwd",
        "/etc/passwd",
        "/templates/digest.html.j2",
    ],
)
def test_no_path_escapes_its_roots(config: Config, serve, target: str) -> None:
    server = serve(config)
    status, _, body = get(server, target)
    assert status == 404, target
    assert b"root:" not in body and b"{%" not in body and b"import" not in body


def test_a_symlink_out_of_the_static_folder_is_refused(
    config: Config, serve, tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    (templates / "preview" / "static" / "leak.css").symlink_to(secret)
    server = serve(replace(config, templates_dir=templates))
    assert get(server, "/static/preview.css")[0] == 200
    assert get(server, "/static/leak.css")[0] == 404


def test_version_changes_with_templates_config_topic_and_folders(tmp_path: Path, serve) -> None:
    path = write_config(tmp_path, seeds=False)
    topic = tmp_path / "topic.toml"
    shutil.copy(ROOT / "config" / "topic.toml", topic)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'terms = ".*"', 'terms = "topic.toml"', text), encoding="utf-8")
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    config = replace(load_config(path), templates_dir=templates)
    server = serve(config)

    def version() -> str:
        return json.loads(get(server, "/version")[2])["version"]

    def bump(file: Path, extra: str = "\n") -> None:
        file.write_text(file.read_text(encoding="utf-8") + extra, encoding="utf-8")

    seen = [version()]
    for edit in (
        lambda: bump(templates / "digest.html.j2"),
        lambda: bump(templates / "preview" / "static" / "preview.css"),
        lambda: bump(path, "# edited\n"),
        lambda: bump(topic, "# edited\n"),
        lambda: write_articles(tmp_path / "articles", 1),
        lambda: (tmp_path / "articles" / "000_vladivostok.txt").unlink(),
    ):
        edit()
        seen.append(version())
        assert seen[-1] != seen[-2], f"edit {len(seen) - 1} did not change the version"
    (tmp_path / "articles" / ".draft.txt.swp").write_text("x", encoding="utf-8")
    (tmp_path / "articles" / "notes.pdf").write_bytes(b"%PDF")
    assert version() == seen[-1], "hidden and unwatched files do not reload the page"


def test_config_edits_apply_and_errors_show_until_fixed(
    config_path: Path, config: Config, serve
) -> None:
    server = serve(config)
    original = config_path.read_text(encoding="utf-8")
    config_path.write_text(original + '\n[digest]\ntitle = "Judul Baru Pratinjau"\n')
    assert "Judul Baru Pratinjau" in get(server, "/digest.html")[2].decode()
    config_path.write_text(original + "\n[digest]\nlanguage = 'fr'\n")
    status, _, body = get(server, "/")
    assert status == 500
    assert "must be &#39;id&#39; or &#39;en&#39;" in body.decode()
    assert "/static/reload.js" in body.decode(), "the error page reloads once the file is fixed"
    assert get(server, "/version")[0] == 200
    config_path.write_text(original)
    assert "Judul Baru Pratinjau" not in page(server, "/digest.html")


# -- over a socket: what only the HTTP server adds ------------------------------


def test_the_server_on_loopback_sends_each_answer_with_safe_headers(
    config: Config, http_server
) -> None:
    server = http_server(config)
    assert server.server_address[0] == "127.0.0.1"
    assert server.url == f"http://127.0.0.1:{server.port}/"
    for target in ("/", "/digest.html", "/digest.json", "/static/reload.js", "/etc/passwd"):
        status, headers, body = http_get(server, target)
        answer = server.preview.handle(target)
        assert status == answer.status, target
        assert headers["Content-Type"] == answer.content_type
        assert headers["Content-Security-Policy"] == answer.csp
        assert headers["Content-Length"] == str(len(body))
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
    assert http_get(server, "/digest.json")[1]["Content-Type"] == "application/json"
    assert http_get(server, "/", host="evil.example")[0] == 421
    assert http_get(server, "/", host=f"evil.example:{server.port}")[0] == 421
    assert http_get(server, "/version", host=f"localhost:{server.port}")[0] == 200


def test_a_port_in_use_is_a_clear_error(config: Config) -> None:
    with socket.socket() as taken:
        taken.bind((LOOPBACK, 0))
        taken.listen()
        with pytest.raises(DigestError, match="--port"):
            PreviewServer(config, port=taken.getsockname()[1])


def test_cli_serves_until_stopped(config_path: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DIGEST_CONFIG"}
    process = subprocess.Popen(
        [sys.executable, "-m", "digest", "preview", "--config", str(config_path), "--port", "0"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, "the preview did not announce its address"
        line = process.stdout.readline()
        match = re.fullmatch(r"preview on http://127\.0\.0\.1:(\d+)/ \(Ctrl-C stops it\)\n", line)
        assert match, line
        conn = http.client.HTTPConnection(LOOPBACK, int(match.group(1)), timeout=30)
        conn.request("GET", "/")
        response = conn.getresponse()
        assert response.status == 200
        assert "Next digest" in response.read().decode()
        conn.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
