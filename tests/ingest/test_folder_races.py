"""Issue 14, point 2: what is read from a watched folder is what was checked.

Real files and symlinks in tmp_path, swapped by a second thread while the
real pipeline scans: nothing from outside the folder ever reaches the store,
and an error on one file skips that file, never the scan.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest

from digest.config import load_config
from digest.ingest.sources import folder as folder_module
from digest.ingest.sources.folder import scan_folders
from digest.ingest.sources.opening import OUTSIDE
from digest.jobs import open_pipeline
from digest.models import Skipped
from tests.helpers import write_config

SWAPS = 300
MARKER = "OUTSIDE-THE-FOLDER-7f3a"
ARTICLE = (
    "Putin and Kim Jong Un met in Vladivostok to sign a new partnership treaty, "
    "officials in Moscow and Pyongyang said on Tuesday.\n"
)


def stored_with_marker(db: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT source, title FROM items WHERE instr(coalesce(text, ''), ?) OR instr(title, ?)",
            (MARKER, MARKER),
        ).fetchall()


def test_symlink_swaps_during_scans_never_store_a_file_outside_the_folder(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, seeds=False))
    inside = tmp_path / "articles"
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    # On topic, so that it would be stored and shown if it were ever read.
    secret.write_text(f"{MARKER} root:x:0:0\n{ARTICLE}" * 3, encoding="utf-8")
    target = inside / "a.txt"
    target.write_text(ARTICLE, encoding="utf-8")
    done = threading.Event()

    def swap() -> None:
        try:
            for n in range(SWAPS):
                staged = inside / f".staged-{n}"  # hidden: never listed itself
                if n % 2:
                    staged.write_text(f"{ARTICLE}Update {n}.\n", encoding="utf-8")
                else:
                    os.symlink(secret, staged)
                os.replace(staged, target)
        finally:
            done.set()

    pipeline = open_pipeline(config)
    swapper = threading.Thread(target=swap)
    scans = 0
    try:
        swapper.start()
        while not done.is_set() or scans < 3:
            pipeline.ingest_folders()  # never raises for a file
            scans += 1
            assert stored_with_marker(config.store.path) == []
        swapper.join()
        os.replace(target, inside / "gone.txt")
        os.symlink(secret, target)  # the last word: a link that leads outside
        pipeline.ingest_folders()
    finally:
        pipeline.store.close()
    assert stored_with_marker(config.store.path) == []
    with closing(sqlite3.connect(config.store.path)) as conn:
        reason = conn.execute("SELECT reason FROM skipped WHERE source = 'a.txt'").fetchone()
    assert reason == (OUTSIDE,)


def test_an_item_whose_file_later_leads_outside_is_withdrawn(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, seeds=False))
    inside = tmp_path / "articles"
    (inside / "a.txt").write_text(ARTICLE, encoding="utf-8")
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(ARTICLE + "More.\n", encoding="utf-8")
    pipeline = open_pipeline(config)
    try:
        assert pipeline.ingest_folders().new == 1
        (inside / "a.txt").unlink()
        os.symlink(outside, inside / "a.txt")
        pipeline.ingest_folders()
        row = pipeline.store.items.rows([pipeline.store.items.item_id("a.txt") or 0])[0]
        assert (row.title, row.text, row.on_topic) == ("", None, False)
        assert pipeline.build().digest.stories == ()
    finally:
        pipeline.store.close()


def test_an_error_resolving_one_file_skips_that_file_not_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # EINVAL from realpath happens in a swap race that cannot be timed in a test;
    # the failing call is made to fail here for one link, as it did there.
    (tmp_path / "real.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "plain.txt").write_text(ARTICLE, encoding="utf-8")
    os.symlink(tmp_path / "real.txt", tmp_path / "link.txt")
    realpath = os.path.realpath

    def failing(path: object, *args: object, **kwargs: object) -> str:
        if str(path).endswith("link.txt"):
            raise OSError(22, "Invalid argument")
        return realpath(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(folder_module.os.path, "realpath", failing)
    found = {e.source: e for e in scan_folders([tmp_path])}
    assert isinstance(found["link.txt"], Skipped)
    assert found["link.txt"].reason == "unreadable: Invalid argument"
    assert not isinstance(found["plain.txt"], Skipped)
    assert not isinstance(found["real.txt"], Skipped)
