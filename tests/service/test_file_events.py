"""Issue 14, point 8: a watched folder deleted and made again is watched again.

The real service (in a thread, real watchdog, real files): after the folder
is re-created, a file written into it is read within seconds, which only a
re-armed watch can do (the rescan without events is ten minutes away).
"""

from __future__ import annotations

import logging
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.helpers import write_config
from tests.live import in_process, query, wait_until

pytestmark = pytest.mark.network
ARTICLE = (
    "Putin and Kim Jong Un met in Vladivostok to sign a new partnership treaty, "
    "officials in Moscow and Pyongyang said on Tuesday.\n"
)


def stored(db: Path, source: str) -> bool:
    return bool(query(db, "SELECT 1 FROM items WHERE source = ?", source))


def test_a_recreated_folder_is_watched_again_within_seconds(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    config = write_config(tmp_path, '[schedule]\ndigest = "0 7 29 2 *"\n', seeds=False)
    folder = tmp_path / "articles"
    now = datetime(2026, 11, 23, 7, 30, tzinfo=ZoneInfo("Asia/Jakarta"))
    with in_process(config, now) as db:
        assert "folders watched by file events" in caplog.text
        (folder / "before.txt").write_text(ARTICLE, encoding="utf-8")
        wait_until(lambda: stored(db, "before.txt"), "a file read by its event", timeout=30)
        shutil.rmtree(folder)
        wait_until(lambda: "is gone" in caplog.text, "the service to notice", timeout=30)
        folder.mkdir()
        wait_until(lambda: "watching it again" in caplog.text, "the watch re-armed", timeout=30)
        (folder / "after.txt").write_text(ARTICLE + "A second meeting.\n", encoding="utf-8")
        wait_until(lambda: stored(db, "after.txt"), "a file in the new folder read", timeout=30)
