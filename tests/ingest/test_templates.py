"""Template lines learnt from the corpus, and `digest inspect` (library and command line)."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.config import load_config
from digest.ingest.inspect import Inspection, Inspector
from digest.jobs import open_pipeline
from digest.store import Store
from tests.helpers import SEEDS, fixed_clock, write_config

MASTHEAD = """\
Harian Kabar Nusantara
Suara rakyat dari timur sejak dahulu kala
Politik Ekonomi Olahraga Hiburan Teknologi

"""
FIRST = (
    MASTHEAD
    + """\
Kim Jong Un Tiba di Moskow untuk Bertemu Putin

Pemimpin Korea Utara Kim Jong Un tiba di Moskow pada hari Selasa untuk bertemu Presiden Rusia \
Vladimir Putin, kata Kremlin dalam sebuah pernyataan yang dirilis pada sore hari.

Kedua pemimpin membahas kerja sama militer dan perdagangan, menurut media pemerintah dari \
kedua negara, dan sepakat untuk bertemu lagi pada akhir tahun ini.
"""
)
SECOND = (
    MASTHEAD
    + """\
Rusia Kirim Bantuan Pangan ke Korea Utara

Rusia mengirim ribuan ton gandum ke Korea Utara pada pekan ini, kata kementerian pertanian \
Rusia, sebagai bagian dari kesepakatan yang ditandatangani kedua negara tahun lalu.

Pengiriman itu tiba di pelabuhan Rajin dengan kereta api dari Vladivostok, menurut laporan \
kantor berita negara Korea Utara yang dikutip oleh media Rusia pada hari Kamis.
"""
)


def test_template_counts_need_another_file(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        repo = store.templates
        with store.transaction():
            assert repo.add("folder:kabar", "kabar/1.txt", [1, 2, 3])
            assert not repo.add("folder:kabar", "kabar/1.txt", [1, 2, 3])  # counted once
        assert repo.known("folder:kabar", [1, 2, 4], "kabar/2.txt") == {1, 2}
        # A file already counted needs its lines in a second file.
        assert repo.known("folder:kabar", [1, 2], "kabar/1.txt") == set()
        assert repo.known("folder:other", [1, 2], "other/1.txt") == set()


def test_site_masthead_is_template_from_its_second_article(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, seeds=False))
    site = tmp_path / "articles" / "kabar"
    site.mkdir()
    (site / "1.txt").write_text(FIRST, encoding="utf-8")
    pipeline = open_pipeline(config, clock=fixed_clock)
    with pipeline.store:
        pipeline.ingest()
    (site / "2.txt").write_text(SECOND, encoding="utf-8")
    found = next(Inspector(config, now=fixed_clock()).paths([site / "2.txt"]))
    why = {d.line: d.why for d in found.dropped}
    assert why["Harian Kabar Nusantara"] == "template"
    assert why["Suara rakyat dari timur sejak dahulu kala"] == "template"
    assert found.headline == "Rusia Kirim Bantuan Pangan ke Korea Utara"
    # The first article's own lines are not template for itself.
    first = next(Inspector(config, now=fixed_clock()).paths([site / "1.txt"]))
    assert "template" not in {d.why for d in first.dropped}


def test_inspect_never_creates_or_changes_a_store(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, seeds=True))
    assert not config.store.path.exists()
    found = list(Inspector(config, now=fixed_clock()).paths([tmp_path / "articles"]))
    assert len(found) == 5
    assert not config.store.path.exists()


def test_inspect_json_on_a_seed(tmp_path: Path) -> None:
    config = write_config(tmp_path, seeds=True)
    seed = SEEDS / "004_e38d97292e5105f0.txt"
    result = CliRunner().invoke(
        main, ["inspect", "--config", str(config), "--format", "json", str(seed)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.strip())
    assert {"source", "headline", "outlet", "published", "published_from", "language", "text",
            "dropped", "topic"} <= set(data)  # fmt: skip
    assert data["outlet"] == "Tampang.com"
    assert data["published_from"] == "dateline"
    assert data["published"].startswith("2025-04-30T08:42")
    assert data["topic"]["on_topic"] is True
    assert {"line": "Sumber foto: Google", "why": "credit"} in data["dropped"]


def test_inspect_reads_a_relative_path_with_dot_dot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A path given as ``../folder/file`` is read, not refused as leading outside its folder."""
    config = write_config(tmp_path, seeds=True)
    (tmp_path / "articles").mkdir(exist_ok=True)
    (tmp_path / "articles" / "a.txt").write_text(FIRST, encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    result = CliRunner().invoke(
        main, ["inspect", "--config", str(config), "--format", "json", "../articles/a.txt"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.strip())
    assert "skipped" not in data or not data["skipped"]
    assert data["headline"] == "Kim Jong Un Tiba di Moskow untuk Bertemu Putin"
    assert data["source"] == "../articles/a.txt"  # shown as given


def test_inspect_text_says_unknown_outlet_and_date(tmp_path: Path) -> None:
    config = write_config(tmp_path, seeds=True)
    seed = SEEDS / "001_4365a202ad0700cc.txt"
    result = CliRunner().invoke(main, ["inspect", "--config", str(config), str(seed)])
    assert result.exit_code == 0, result.output
    assert "outlet:    unknown outlet" in result.output
    assert "published: unknown (file time" in result.output
    assert re.search(r"^  \[[a-z ]+\] Tinggalkan Balasan$", result.output, re.M)


def test_inspect_missing_file_is_one_line_exit_2(tmp_path: Path) -> None:
    config = write_config(tmp_path, seeds=False)
    result = CliRunner().invoke(
        main, ["inspect", "--config", str(config), str(tmp_path / "nope.txt")]
    )
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "no such file" in result.output


def test_store_migration_adds_template_tables(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        assert "0006_template_lines" in store.migrations()
    db = sqlite3.connect(tmp_path / "s.sqlite")
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"template_lines", "template_sources"} <= tables


def _inspect(tmp_path: Path, page: Path) -> Inspection:
    config = load_config(write_config(tmp_path, seeds=False))
    return next(Inspector(config, now=datetime(2026, 1, 1, tzinfo=UTC)).paths([page]))


def test_front_matter_and_markdown(tmp_path: Path) -> None:
    page = tmp_path / "kabar.md"
    page.write_text(
        '---\ntitle: "Putin dan Kim Bertemu di Vladivostok"\nsource: Kabar Timur\n'
        "url: https://kabartimur.example/2025/06/17/putin-kim\ndate: 2025-06-17\n---\n\n"
        "# Putin dan Kim Bertemu di Vladivostok\n\n"
        "Presiden Rusia Vladimir Putin bertemu pemimpin Korea Utara Kim Jong Un di Vladivostok "
        "pada hari Selasa, kata [Kremlin](https://kremlin.example) dalam pernyataan resmi.\n",
        encoding="utf-8",
    )
    found = _inspect(tmp_path, page)
    assert found.headline == "Putin dan Kim Bertemu di Vladivostok"
    assert found.outlet == "Kabar Timur"
    assert found.url == "https://kabartimur.example/2025/06/17/putin-kim"
    assert (found.published or "")[:10] == "2025-06-17"
    assert found.published_from == "front-matter"
    assert "title:" not in found.text and "[Kremlin]" not in found.text
    assert "kata Kremlin dalam" in found.text


@pytest.mark.parametrize(
    ("title", "source"),
    [
        ("Korut Kirim Pekerja ke Rusia - Katadata.co.id", "https://katadata.example/berita/1"),
        ("Korut Kirim Pekerja ke Rusia | Kabar Timur", "Kabar Timur"),
        ("Korut Kirim Pekerja ke Rusia - KabarDunia.id", ""),  # a domain's shape says it
        # Any country's domain names the site ("com.my", "pt"): the Public Suffix List.
        ("Korut Kirim Pekerja ke Rusia | Warta Nusa", "https://www.wartanusa.com.my/dunia/1"),
        ("Korut Kirim Pekerja ke Rusia | PÚBLICO", "https://www.publico.pt/2025/11/14/mundo/x"),
    ],
)
def test_a_clipped_title_loses_the_sites_name(tmp_path: Path, title: str, source: str) -> None:
    page = tmp_path / "clip.md"
    page.write_text(
        f'---\ntitle: "{title}"\nsource: "{source}"\n---\n\n'
        "Korea Utara mengirim ribuan pekerja konstruksi ke Rusia, kata badan intelijen "
        "Korea Selatan dalam laporan kepada parlemen pada hari Selasa.\n",
        encoding="utf-8",
    )
    found = _inspect(tmp_path, page)
    assert found.headline == "Korut Kirim Pekerja ke Rusia"


def test_a_clipped_markdown_heading_loses_the_sites_name(tmp_path: Path) -> None:
    # MarkDownload writes the page's <title> as the "# " heading, with the site's name.
    page = tmp_path / "clip.md"
    page.write_text(
        "---\ncreated: 2026-09-05T08:12:44 (UTC +09:00)\n"
        "source: https://mainichi.jp/english/articles/20260903/p2g/041000c\n---\n\n"
        "# Korut Kirim Pekerja ke Rusia - The Mainichi\n\n"
        "Korea Utara mengirim ribuan pekerja konstruksi ke Rusia, kata badan intelijen "
        "Korea Selatan dalam laporan kepada parlemen pada hari Selasa.\n",
        encoding="utf-8",
    )
    assert _inspect(tmp_path, page).headline == "Korut Kirim Pekerja ke Rusia"


@pytest.mark.parametrize("saver", ["Pocket", "instapaper", "Obsidian Web Clipper"])
def test_the_app_an_export_was_saved_with_is_not_the_outlet(tmp_path: Path, saver: str) -> None:
    page = tmp_path / "saved.md"
    page.write_text(
        f'---\ntitle: "Korut Kirim Pekerja ke Rusia"\nsource: {saver}\n'
        "url: https://www.kabardunia.example/dunia/2026/04/korut-kirim-pekerja\n---\n\n"
        "Korea Utara mengirim ribuan pekerja konstruksi ke Rusia, kata badan intelijen "
        "Korea Selatan dalam laporan kepada parlemen pada hari Selasa.\n",
        encoding="utf-8",
    )
    assert _inspect(tmp_path, page).outlet == "kabardunia.example"


def test_front_matter_source_given_as_an_address_is_the_link_and_its_host(tmp_path: Path) -> None:
    page = tmp_path / "tirto.md"
    page.write_text(
        '---\ntitle: "Mengapa Korea Utara Mengirim Pekerja ke Rusia?"\ndate: 17 Juni 2025\n'
        "source: https://tirto.example/mengapa-korea-utara-mengirim-pekerja-abcd\n---\n\n"
        "Pengiriman ribuan pekerja Korea Utara ke Rusia menjadi sorotan setelah Sergei Shoigu "
        "mengumumkan kesepakatan itu di Pyongyang pada hari Selasa.\n",
        encoding="utf-8",
    )
    found = _inspect(tmp_path, page)
    assert found.outlet == "tirto.example"
    assert found.url == "https://tirto.example/mengapa-korea-utara-mengirim-pekerja-abcd"
    assert (found.published or "")[:10] == "2025-06-17"
