"""The preview in headless Chromium: what a person sees, on a desktop and a phone, light and dark.

Screenshots go to tests/artifacts/ on every run. With
DIGEST_UPDATE_SCREENSHOTS=1 the digest's desktop and phone screenshots are
also written to tests/screenshots/, which README embeds.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from digest.config import Config, load_config
from digest.jobs import open_pipeline
from digest.preview.server import PreviewServer
from tests.articles import write_articles
from tests.helpers import NOW, ROOT, console_problems, fixed_clock, write_config

pytestmark = [pytest.mark.browser, pytest.mark.network]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
WAIT_MS = 20_000  # the longest any wait may take; waits end as soon as the page is ready


@dataclass
class Site:
    server: PreviewServer
    config: Config
    templates: Path
    folder: Path

    def url(self, path: str = "") -> str:
        return self.server.url + path.lstrip("/")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A preview of the seeds with its own copy of the templates, which tests may edit."""
    root = tmp_path_factory.mktemp("preview")
    path = write_config(root)
    for seed in (root / "articles").iterdir():  # fallback dates come from file times
        os.utime(seed, (NOW.timestamp(), NOW.timestamp()))
    templates = root / "templates"
    shutil.copytree(ROOT / "templates", templates)
    config = replace(load_config(path), templates_dir=templates)
    server = PreviewServer(config, clock=fixed_clock, port=0).start()
    yield Site(server, config, templates, root / "articles")
    server.stop()


def headlines(config: Config) -> list[str]:
    """The story headlines of the next digest, as the pipeline itself composes them."""
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store:
        pipeline.ingest()
        return [story.headline for story in pipeline.build().digest.stories]


def no_horizontal_scroll(page) -> bool:
    width = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    scroll, client = page.evaluate(width)
    return scroll <= client


def save(page, name: str, *, full_page: bool = True, publish: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)
    if publish and os.environ.get("DIGEST_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(exist_ok=True)
        shutil.copy(ARTIFACTS / name, SCREENSHOTS / name)


def test_preview_shows_every_story_headline_of_the_seeds(browser, site: Site) -> None:
    page = browser.new_page(viewport=DESKTOP)
    problems = console_problems(page)
    page.goto(site.url("/"))
    frame = page.frame_locator("iframe.email")
    frame.locator("h1").wait_for(timeout=WAIT_MS)
    shown = frame.locator("h2").all_inner_texts()
    expected = headlines(site.config)
    assert len(expected) == 4
    assert shown == expected
    save(page, "preview-desktop.png", full_page=False)
    page.close()
    assert problems == []


@pytest.mark.parametrize(
    ("name", "viewport", "scheme"),
    [
        ("digest-desktop.png", DESKTOP, "light"),
        ("digest-phone.png", PHONE, "light"),
        ("digest-phone-dark.png", PHONE, "dark"),
    ],
)
def test_the_digest_on_desktop_and_phone(browser, site: Site, name, viewport, scheme) -> None:
    """The email alone, as a mail client would show it; no horizontal scroll on a phone."""
    page = browser.new_page(viewport=viewport, color_scheme=scheme)
    problems = console_problems(page)
    page.goto(site.url("/digest.html"))
    assert no_horizontal_scroll(page), f"horizontal scroll at {viewport['width']} px"
    body = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert body == ("rgb(13, 17, 23)" if scheme == "dark" else "rgb(238, 241, 244)")
    card = page.locator("table.card").bounding_box()
    assert card is not None
    if viewport is PHONE:
        assert card["width"] == PHONE["width"], "the card fills a phone's width"
    else:
        assert card["width"] == 640, "the card keeps its 640 px column on a desktop"
    save(page, name, publish=scheme == "light")
    page.close()
    assert problems == []


@pytest.mark.parametrize("path", ["/", "/?width=phone", "/?view=text", "/inspect", "/archive"])
def test_preview_pages_fit_a_phone(browser, site: Site, path: str) -> None:
    page = browser.new_page(viewport=PHONE, color_scheme="dark")
    problems = console_problems(page)
    page.goto(site.url(path))
    page.wait_for_load_state("load")
    assert no_horizontal_scroll(page), f"{path} scrolls sideways at 375 px"
    if path == "/inspect":
        save(page, "inspector-phone-dark.png", full_page=False)
    page.close()
    assert problems == []


def test_inspector_on_a_desktop(browser, site: Site) -> None:
    page = browser.new_page(viewport=DESKTOP)
    problems = console_problems(page)
    page.goto(site.url("/inspect"))
    cards = page.locator("article.item")
    assert cards.count() == 5
    first = cards.first
    first.locator("summary").click()
    assert first.locator(".text p").first.is_visible()
    save(page, "inspector-desktop.png", full_page=False)
    page.close()
    assert problems == []


def test_editing_a_template_reloads_the_open_page(browser, site: Site) -> None:
    template = site.templates / "digest.html.j2"
    original = template.read_text(encoding="utf-8")
    page = browser.new_page(viewport=DESKTOP)
    problems = console_problems(page)
    page.goto(site.url("/"))
    title = page.frame_locator("iframe.email").locator("h1")
    title.wait_for(timeout=WAIT_MS)
    assert "(edited)" not in title.inner_text()
    try:
        edited = original.replace(
            '<h1 class="title">{{ title }}</h1>', '<h1 class="title">{{ title }} (edited)</h1>'
        )
        assert edited != original
        template.write_text(edited, encoding="utf-8")
        page.frame_locator("iframe.email").get_by_text("(edited)").wait_for(timeout=WAIT_MS)
    finally:
        template.write_text(original, encoding="utf-8")
    page.close()
    assert problems == []


def test_a_new_article_in_a_watched_folder_reloads_the_open_page(browser, site: Site) -> None:
    page = browser.new_page(viewport=DESKTOP)
    problems = console_problems(page)
    page.goto(site.url("/inspect"))
    page.locator("article.item").first.wait_for(timeout=WAIT_MS)
    [headline] = write_articles(site.folder, 1, start=5)
    try:
        page.get_by_text(headline).first.wait_for(timeout=WAIT_MS)
    finally:
        for extra in site.folder.glob("005_*.txt"):
            extra.unlink()
    page.close()
    assert problems == []
