"""Issue 14, point 7: the prepare workers die with the process that started them.

A real `digest ingest` with a process pool, killed with SIGKILL while its
workers run: within 5 seconds none of its descendants is left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.helpers import run, write_config

ARTICLE = (
    "Kim Jong Un and Vladimir Putin met in Vladivostok on day {n}; officials in Moscow "
    "and Pyongyang described talks on trade, railways and a treaty. {filler}\n"
)
FILES = 1500  # enough for the pool to be busy for a while on a loaded machine


def children() -> dict[int, int]:
    """pid → parent pid of every live (not zombie) process, from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if state != "Z":
            found[int(entry.name)] = int(ppid)
    return found


def descendants(pid: int) -> set[int]:
    table = children()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in table.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    table = children()
    return {pid for pid in pids if pid in table}


def test_no_worker_survives_five_seconds_after_its_parent_is_killed(tmp_path: Path) -> None:
    config = write_config(tmp_path, "[ingest]\nworkers = 2\n", seeds=False)
    folder = tmp_path / "articles"
    for i in range(FILES):
        filler = " ".join(f"word{i}x{j}" for j in range(150))
        (folder / f"a{i:05d}.txt").write_text(ARTICLE.format(n=i, filler=filler))
    env = {k: v for k, v in os.environ.items() if k != "DIGEST_CONFIG"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "digest", "ingest", "--config", str(config)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while len(workers) < 3 and proc.poll() is None:  # the forkserver and two workers
            assert time.monotonic() < deadline, "the pool never started"
            workers = descendants(proc.pid)
            time.sleep(0.05)
        assert proc.poll() is None, "ingest finished before it could be killed: add files"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        killed = time.monotonic()
        while alive(workers) and time.monotonic() - killed < 5:
            time.sleep(0.1)
        assert not alive(workers), f"still alive 5 s after SIGKILL: {sorted(alive(workers))}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in alive(workers):  # never leave a stray process behind a failed test
            os.kill(pid, signal.SIGKILL)
    # The store is left as a crash leaves it: the next run carries on.
    again = run("ingest", "--config", str(config), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
