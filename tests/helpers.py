"""Helpers shared by the test modules: paths, the fixed clock, configs, seeds, a digest.

Test modules import from here, never from each other; ``conftest.py`` holds
only the fixtures, built on these.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.models import Copy, Digest, Excluded, Story, StoryItem
from digest.output.compose import compose
from digest.output.render import render

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


def console_problems(page) -> list[str]:
    """Collect the page's console errors and uncaught exceptions (frames included)."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    return problems


# -- the CLI, in process and in a subprocess ----------------------------------------


@dataclass(frozen=True)
class CliResult:
    """What a command left: its exit status and what it wrote to stdout and stderr."""

    returncode: int
    stdout: str
    stderr: str


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> CliResult:
    """Run ``digest ARGS`` in this process (click's CliRunner) from ``cwd``.

    DIGEST_CONFIG is unset unless ``env`` sets it. An exception that is not a
    clean exit propagates, so a crash fails the test with its traceback.
    """
    runner = CliRunner()
    full_env: dict[str, str | None] = {"DIGEST_CONFIG": None}
    full_env.update(env or {})
    with contextlib.chdir(cwd):
        result = runner.invoke(main, list(args), env=full_env, catch_exceptions=False)
    return CliResult(result.exit_code, result.stdout, result.stderr)


def run_process(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run ``python -m digest ARGS`` as a real process (the smoke test)."""
    full_env = {k: v for k, v in os.environ.items() if k != "DIGEST_CONFIG"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "digest", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# -- a digest to render ------------------------------------------------------------

TEMPLATES = ROOT / "templates"
TZ = ZoneInfo("Asia/Jakarta")
GENERATED = datetime(2025, 4, 28, 7, 0, tzinfo=TZ)
EVIL_HEADLINE = "<script>alert(1)</script> Rusia & Korea Utara"


def make_digest(language: str = "id") -> Digest:
    """Three stories: two outlets, an update with a new item and a copy, and a hostile one."""
    base = datetime(2025, 4, 28, 5, 30, tzinfo=TZ)
    two_outlets = Story(
        id=1,
        headline="Putin Berterima Kasih ke Korea Utara karena Bantu Rebut Kembali Kursk",
        summary=(
            "Presiden Rusia Vladimir Putin berterima kasih kepada Korea Utara karena telah "
            "bertempur bersama pasukannya. Lebih dari 11.000 tentara dikirim ke Kursk."
        ),
        published=base,
        items=(
            StoryItem(
                id=11,
                source="https://kompas.example/putin-kursk",
                title="Putin Berterima Kasih ke Korea Utara",
                outlet="Kompas",
                published=base,
                date_is_fallback=False,
                url="https://kompas.example/putin-kursk?a=1&b=2",
            ),
            StoryItem(
                id=12,
                source="https://detik.example/putin",
                title="Putin: Rusia Tidak Akan Pernah Melupakannya",
                outlet="Detik",
                published=base - timedelta(hours=2),
                date_is_fallback=False,
                url="https://detik.example/putin",
            ),
        ),
    )
    update = Story(
        id=2,
        headline="Kim Jong Un Tegaskan Dukungan Penuh Rusia dalam Perang Ukraina",
        summary="Kim Jong Un kembali menegaskan dukungan tanpa syarat kepada Rusia.",
        published=base - timedelta(days=1),
        update=True,
        items=(
            StoryItem(
                id=21,
                source="https://antara.example/kim-lavrov",
                title="Kim Terima Lavrov di Pyongyang",
                outlet="Antara",
                published=base - timedelta(days=1),
                date_is_fallback=False,
                url="https://antara.example/kim-lavrov",
                new=False,
            ),
            StoryItem(
                id=22,
                source="https://tempo.example/kim-rusia",
                title="Kim: Korea Utara Dukung Semua Langkah Rusia",
                outlet="Tempo",
                published=base - timedelta(hours=3),
                date_is_fallback=False,
                url="https://tempo.example/kim-rusia",
                copies=(
                    Copy(
                        source="https://tribun.example/kim",
                        outlet="Tribun",
                        url="https://tribun.example/kim",
                    ),
                ),
                new=True,
            ),
        ),
    )
    hostile = Story(
        id=3,
        headline=EVIL_HEADLINE,
        summary='Ringkasan dengan <b>tag</b> & "kutipan".',
        published=base - timedelta(days=2),
        items=(
            StoryItem(
                id=31,
                source="seeds/003_kim.txt",
                title='Judul <img src=x onerror="alert(1)">',
                outlet="Jurnalis Berita",
                published=base - timedelta(days=2),
                date_is_fallback=True,
                url="javascript:alert(document.cookie)",
                copies=(Copy(source="mirror.txt", outlet="Cermin", url="JaVaScRiPt:alert(2)"),),
            ),
        ),
    )
    return compose(
        [hostile, update, two_outlets],
        title="Rusia–Korea Utara: ringkasan berita",
        language=language,
        generated_at=GENERATED,
        excluded=[Excluded(source="seeds/olahraga.txt", reason="off-topic")],
    )


def rendered(language: str = "id", digest: Digest | None = None):
    return render(digest or make_digest(language), templates_dir=TEMPLATES, tz=TZ)


# -- extraction quality: matching rules and the printed summary ---------------------
# Every figure a quality test measures is added to SUMMARY and printed at the end of
# the run (pytest_terminal_summary in conftest), so the numbers show without -s.
SUMMARY: list[str] = []

_WORD_RE = re.compile(r"\w+")
# Endings of a host that are not the site's name ("bbc.co.uk" → "bbc").
_HOST_TAIL_RE = re.compile(r"(?:\.(?:com|co|net|org|gov|ac|or|web|news|info|tv|[a-z]{2}))+$")
# A headline that one side holds must cover this share of the other's length.
HEADLINE_COVER = 0.8


def words(text: str | None) -> str:
    return " ".join(_WORD_RE.findall((text or "").casefold()))


def headline_matches(got: str, label: str) -> bool:
    """Same headline: equal case- and punctuation-blind, or one holds the other where
    the common part is at least 0.8 of the label and the answer at most twice it.

    Why: pages print a kicker before the headline or a site suffix after it on
    the same line ("Corona: …", "… | Site"), which does not mislead a reader, and
    a few labels carry a suffix the page does not print; a fragment (a kicker
    alone, half a title) or a paragraph that quotes the headline is not it.
    """
    g, w = words(got), words(label)
    if not g or not w:
        return False
    if g == w:
        return True
    if w in g:
        return len(g) <= 2 * len(w)
    return g in w and len(g) >= HEADLINE_COVER * len(w)


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _site_name(host_or_name: str) -> str:
    host = host_or_name.casefold().removeprefix("www.")
    return _key(_HOST_TAIL_RE.sub("", host)) if "." in host and " " not in host else _key(host)


def outlet_matches(got: str, label: str | None, url: str | None) -> bool:
    """Same outlet: the names equal letters-and-digits-only ("The" aside), or one
    name's words open the other's ("BBC" for "BBC News", "St. Lucia Times" for
    "St. Lucia Times News"), or the outlet given as a domain ("bbc.com",
    "KOMPAS.com") names the labelled page's domain or the labelled name.
    """
    if not got or not label:
        return False
    g = _key(got)
    bare = re.sub(r"^the\s+", "", label, flags=re.I)
    names = {_key(label), _key(bare), _site_name(label)}
    if g in names:
        return True
    a, b = words(re.sub(r"^the\s+", "", got, flags=re.I)).split(), words(bare).split()
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if shorter and longer[: len(shorter)] == shorter:
        return True
    site = _site_name(got)
    host = (urlsplit(url).hostname or "") if url else ""
    domains = {_key(part) for part in host.removeprefix("www.").split(".") if len(part) > 3}
    return bool(site) and (site in names or site in domains)
