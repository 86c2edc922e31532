"""Issue 14, point 3: a full disk, a read-only, damaged, empty or foreign store.

Each is a real SQLite file in tmp_path, used by the real CLI in a subprocess:
one line on stderr naming the file and what to do, exit 1 or 2, no
traceback, and nothing half-written (the store's own check says ok, and a
later run with the fault gone loses nothing).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from digest.store import Store
from tests.helpers import run, write_config

ARTICLE = (
    "Kim Jong Un and Vladimir Putin met in Vladivostok on day {n}; officials in Moscow "
    "and Pyongyang described talks on trade, railways and a treaty. {filler}\n"
)

# The real CLI, with every store it opens capped at a few more pages than it
# has: SQLite then fails the next growth with SQLITE_FULL, as a full disk does.
DISK_FULL = """
import sys
from digest import store
opened = store.Store.__init__
def capped(self, *args, **kwargs):
    opened(self, *args, **kwargs)
    pages = self.db.conn.execute("PRAGMA page_count").fetchone()[0]
    self.db.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
store.Store.__init__ = capped
from digest.cli import main
sys.argv[0] = "digest"
main()
"""


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def count(db: Path, table: str = "items") -> int:
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def integrity(db: Path) -> str:
    with closing(sqlite3.connect(db)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def add_articles(folder: Path, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        filler = " ".join(f"word{i}x{j}" for j in range(300))
        (folder / f"article-{i}.txt").write_text(ARTICLE.format(n=i, filler=filler))


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    config = write_config(tmp_path, seeds=False)
    result = run("ingest", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return config, tmp_path / "state" / "digest.sqlite"


def test_a_full_disk_is_one_line_and_loses_nothing(tmp_path: Path, setup) -> None:
    config, db = setup
    add_articles(tmp_path / "articles", 40)
    full = subprocess.run(
        [sys.executable, "-c", DISK_FULL, "ingest", "--config", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert full.returncode in (1, 2)
    line = one_line(full.stderr)
    assert str(db) in line and "disk is full" in line and "free space" in line
    assert count(db) == 0 and integrity(db) == "ok"  # the failed batch left nothing
    again = run("ingest", "--config", str(config), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert count(db) == 40


def _as_unprivileged(args: list[str]) -> list[str]:
    """Root writes through file modes; run it without that capability (capsh)."""
    if os.geteuid() != 0:
        return args
    capsh = shutil.which("capsh")
    if capsh is None:
        pytest.skip(
            "running as root and capsh is missing: file modes cannot make a store read-only"
        )
    command = " ".join(f"'{a}'" for a in args)
    return [capsh, "--drop=cap_dac_override,cap_dac_read_search", "--", "-c", f"exec {command}"]


def test_a_read_only_store_is_one_line_and_unchanged(tmp_path: Path, setup) -> None:
    config, db = setup
    add_articles(tmp_path / "articles", 3)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    folder = db.parent
    modes = {p: p.stat().st_mode for p in [folder, *folder.iterdir()]}
    try:
        for path in folder.iterdir():
            path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
        result = subprocess.run(
            _as_unprivileged([sys.executable, "-m", "digest", "ingest", "--config", str(config)]),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
    assert result.returncode in (1, 2), result.stdout
    line = one_line(result.stderr)
    assert str(db) in line and "permissions" in line
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_a_damaged_store_is_one_line_and_store_check_finds_it(tmp_path: Path, setup) -> None:
    config, db = setup
    add_articles(tmp_path / "articles", 60)
    assert run("ingest", "--config", str(config), cwd=tmp_path).returncode == 0
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    assert run("store", "check", "--config", str(config), cwd=tmp_path).returncode == 0
    with db.open("r+b") as f:  # scribble over pages in the middle of the file
        for page in range(pages // 2 - 2, pages // 2 + 2):
            f.seek(page * page_size + 100)
            f.write(os.urandom(page_size - 200))
    for command in (["build", "--format", "json"], ["send"]):
        result = run(*command, "--config", str(config), cwd=tmp_path)
        assert result.returncode in (1, 2)
        line = one_line(result.stderr)
        assert str(db) in line and "digest store check" in line
    check = run("store", "check", "--config", str(config), cwd=tmp_path)
    assert check.returncode == 1
    assert "ok" not in check.stdout.splitlines() and "restore it from a backup" in check.stderr


def test_an_empty_or_foreign_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    config = write_config(tmp_path, seeds=False)
    db = tmp_path / "state" / "digest.sqlite"
    db.parent.mkdir()
    db.write_bytes(b"")
    result = run("send", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert "is empty (0 bytes)" in one_line(result.stderr)
    assert db.stat().st_size == 0 and not list((tmp_path / "out").glob("*"))
    db.unlink()
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)")
        conn.execute("INSERT INTO accounts VALUES (1, 'someone')")
        conn.commit()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    result = run("ingest", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert "not a digest store" in one_line(result.stderr)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_store_backup_copies_a_store_in_use_and_the_copy_checks_ok(tmp_path: Path, setup) -> None:
    config, db = setup
    add_articles(tmp_path / "articles", 5)
    assert run("ingest", "--config", str(config), cwd=tmp_path).returncode == 0
    dest = tmp_path / "backups" / "copy.sqlite"
    dest.parent.mkdir()
    with Store(db):  # another connection holds the store open, as the service would
        result = run("store", "backup", str(dest), "--config", str(config), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert integrity(dest) == "ok" and count(dest) == count(db) == 5
    assert [p.name for p in dest.parent.iterdir()] == ["copy.sqlite"]
    same = run("store", "backup", str(db), "--config", str(config), cwd=tmp_path)
    assert same.returncode == 2 and "is the state file itself" in one_line(same.stderr)


def test_the_service_logs_one_line_for_a_full_disk_and_keeps_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from digest import store as store_module
    from tests.live import in_process, query, wait_until

    caplog.set_level(logging.INFO)
    opened = store_module.Store.__init__

    def full(self: Store, *args: object, **kwargs: object) -> None:
        opened(self, *args, **kwargs)  # type: ignore[arg-type]
        pages = self.db.conn.execute("PRAGMA page_count").fetchone()[0]
        self.db.conn.execute(f"PRAGMA max_page_count = {pages}")  # not one page more

    config = write_config(tmp_path, 'send_empty = true\n[schedule]\ndigest = "*/2 * * * * *"\n')
    Store(tmp_path / "state" / "digest.sqlite").close()  # created before the disk fills
    monkeypatch.setattr(store_module.Store, "__init__", full)
    now = datetime(2026, 11, 23, 7, 30, tzinfo=ZoneInfo("Asia/Jakarta"))
    with in_process(config, now) as db:
        wait_until(
            lambda: sum("disk is full" in r.getMessage() for r in caplog.records) >= 2,
            "two digest runs that hit the full disk",
        )
        assert not query(db, "SELECT 1 FROM digests")
    failures = [r for r in caplog.records if "disk is full" in r.getMessage()]
    assert all(r.levelno == logging.ERROR and r.exc_info is None for r in failures)
    assert all("\n" not in r.getMessage() for r in failures)
    assert not [r for r in caplog.records if r.exc_info]
