"""Progress of a long ingest, and why items were left out, as a user sees them."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

from click.testing import CliRunner

from digest.cli import main
from digest.config import load_config
from digest.ingest.progress import MIN_ITEMS, Progress
from digest.jobs import open_pipeline
from tests.helpers import fixed_clock, write_config

OFF_TOPIC = (
    "Harga Cabai Naik di Pasar {n}\n\nHarga cabai rawit di pasar nomor {n} naik dua kali lipat "
    "pekan ini karena hujan yang terus turun. Para pedagang mengatakan bahwa pasokan dari "
    "petani belum pulih dan mereka berharap harga akan turun pada bulan depan.\n"
)
FRENCH = (
    "Le marché numéro {n}\n\nLe prix des piments a doublé cette semaine au marché, selon "
    "les commerçants, car la pluie ne cesse pas depuis des jours. Ils espèrent une baisse "
    "le mois prochain, quand les récoltes reviendront.\n"
)


def _folder_of_500(tmp_path: Path) -> Path:
    path = write_config(tmp_path, "[ingest]\nworkers = 1\n", seeds=False)
    folder = tmp_path / "articles"
    for n in range(480):
        (folder / f"pasar-{n:03d}.txt").write_text(OFF_TOPIC.format(n=n), encoding="utf-8")
    for n in range(20):
        (folder / f"marche-{n:03d}.txt").write_text(FRENCH.format(n=n), encoding="utf-8")
    return path


def test_a_500_file_ingest_logs_its_progress_without_a_terminal(tmp_path: Path, caplog) -> None:
    path = _folder_of_500(tmp_path)
    caplog.set_level(logging.INFO, logger="digest.ingest.progress")
    pipeline = open_pipeline(load_config(path, env={}), clock=fixed_clock)
    with pipeline.store:
        report = pipeline.ingest()
    assert report.new == 500
    lines = [r.getMessage() for r in caplog.records if r.name == "digest.ingest.progress"]
    # One line at each tenth of the way: count, total, share, rate, time left.
    done = [int(re.match(r"folders: (\d+) of 500 \((\d+)%\)", line)[1]) for line in lines]
    assert done == list(range(50, 501, 50)), lines
    assert all(re.search(r", [\d,]+/s", line) for line in lines)
    assert all("s left" in line for line in lines[:-1]) and "left" not in lines[-1]
    # Excluded, by reason.
    french = "language fr not covered by topic.toml"
    assert report.excluded_by == {"off-topic": 480, french: 20}
    assert report.reasons() == f"excluded: 480 off-topic, 20 {french}"


def test_digest_ingest_prints_excluded_counts_by_reason(tmp_path: Path) -> None:
    path = _folder_of_500(tmp_path)
    result = CliRunner().invoke(main, ["ingest", "--config", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "new 500, updated 0, skipped 0, excluded 500 (copies folded 0, unchanged 0)",
        "excluded: 480 off-topic, 20 language fr not covered by topic.toml",
    ]
    assert "folders:" not in result.stderr  # not a terminal, and the log level is warning


def test_on_a_terminal_a_bar_shows_count_rate_and_time_left() -> None:
    stream = io.StringIO()
    progress = Progress(1000, label="folders", bar=True, stream=stream)
    for _ in range(400):
        progress.advance()
    progress._bar.refresh()  # type: ignore[union-attr]
    text = stream.getvalue()
    progress.close()
    assert "400/1000" in text and "files/s" in text and "<" in text  # tqdm's "elapsed<left"


def test_small_runs_show_nothing(caplog) -> None:
    caplog.set_level(logging.INFO, logger="digest.ingest.progress")
    stream = io.StringIO()
    progress = Progress(MIN_ITEMS - 1, label="folders", bar=True, stream=stream)
    for _ in range(MIN_ITEMS - 1):
        progress.advance()
    progress.close()
    assert stream.getvalue() == "" and not caplog.records
