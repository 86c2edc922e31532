"""The benchmark's one command still runs, and measures what README says it does.

Speed is not asserted (the figures belong in README, from a quiet machine);
what is asserted is that the command README names works end to end on a
small corpus, finds the copies its generator made, and states every target.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL_RUN = ("--n", "300", "--history", "2500", "--repeat", "2")
TARGETS = (
    "cold ingest end to end",
    "copy detection precision",
    "copy detection recall",
    "one new item vs 2,",
    "index on disk per article",
    "peak RSS of that process",
    "cost growth",
    "day's digest",
)


def test_the_benchmark_command_runs_and_reports_every_target(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench", *SMALL_RUN, "--work", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads((tmp_path / "bench-300.json").read_text())
    table = result["table"]
    for target in TARGETS:
        line = next((row for row in table.splitlines() if row.strip().startswith(target)), None)
        assert line is not None, f"no row for {target!r}"
        assert line.rstrip().endswith(("met", "NOT met")), line
    ingest = result["ingest"]
    assert ingest["docs"] == 300
    assert ingest["copy_pairs_true"] > 20
    assert ingest["precision"] >= 0.99 and ingest["recall"] >= 0.95
    stored = [p["stored"] for p in result["probes"]]
    assert stored == [300, 2500]
    for probe in result["probes"]:
        # Two rounds, each with a probe set this history had not seen: all new items.
        assert probe["rounds"] == 2 and probe["probes"] == probe["new"] == 600
        assert probe["statements_per_match"] == result["probes"][0]["statements_per_match"]
        assert probe["probe_copies"]["found"] == probe["probe_copies"]["copies"] > 0
    assert result["digest"]["stories"] == 30
    assert table in done.stdout
