"""Shared fixtures: real SQLite files, the real templates and config, a fixed clock."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest.config import Config, load_config

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"
NOW = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return NOW


# Chrome of the seeds that must not survive in an article's text or title.
SEED_CHROME = [
    "Leave a Reply",
    "Tinggalkan Balasan",
    "POSVIRAL hadir di saluran whatsapp",
    "Tele Grup",
    "Channel WA",
    "shotsgoal",
    "pulsabanner",
    "Baca juga",
    "Copyright ©",
    "Related Posts",
    "Regulasi AI Global 2026",
    "PDIP Tolak Pilkada",
    "Sumber foto",
    "All rights reserved",
    "Required fields",
]


def article_folder(tmp_path: Path, *, seeds: bool) -> Path:
    """``tmp_path/articles``, the watched folder of test configs, with the seeds if asked."""
    folder = tmp_path / "articles"
    folder.mkdir(exist_ok=True)
    if seeds:
        for seed in SEEDS.iterdir():
            shutil.copy(seed, folder / seed.name)
    return folder


def write_config(
    tmp_path: Path, body: str = "", *, seeds: bool = True, feeds: tuple[str, ...] = ()
) -> Path:
    """A config file in tmp_path whose store, folders and outputs all live in tmp_path."""
    article_folder(tmp_path, seeds=seeds)
    path = tmp_path / "digest.toml"
    topic = ROOT / "config" / "topic.toml"
    path.write_text(
        f"""
[sources]
folders = ["articles"]
{f"feeds = {json.dumps(list(feeds))}" if feeds else ""}
[store]
path = "state/digest.sqlite"
[topic]
terms = "{topic}"
[delivery]
method = "file"
out_dir = "out"
maildir = "mail"
{body}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path)


@pytest.fixture
def config(config_path: Path) -> Config:
    return load_config(config_path)


@pytest.fixture
def pipeline(config: Config):
    from digest.jobs import open_pipeline

    p = open_pipeline(config, clock=fixed_clock)
    yield p
    p.store.close()


def shared_or_skip(*parts: str) -> Path:
    """A path under ../shared, or skip the test when that folder is not beside the repo."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


# -- headless Chromium, shared by the browser tests ------------------------------

CHROMIUM = Path("/usr/bin/chromium")
# Headless in a container or CI: no sandbox, no GPU, and nothing that phones home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (Debian's, driven by Playwright)."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need {CHROMIUM} (Debian package chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests need the playwright Python package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def console_problems(page) -> list[str]:
    """Collect the page's console errors and uncaught exceptions (frames included)."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    return problems
