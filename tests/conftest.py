"""Shared fixtures: real SQLite files, the real templates and config, a fixed clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.config import Config, load_config
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, fixed_clock, write_config


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """A digest.toml in the tester's ~/.config must not change what a test reads."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.getbasetemp() / "no-xdg"))


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


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """Print the quality figures the corpus tests measured (tests/helpers.py)."""
    from tests.helpers import SUMMARY

    if SUMMARY:
        terminalreporter.section("extraction quality")
        for line in SUMMARY:
            terminalreporter.write_line(line)
