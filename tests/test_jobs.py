"""The pipeline end to end on the real seeds, with the real store and templates."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from digest.config import load_config
from digest.jobs import open_pipeline
from tests.helpers import SEED_CHROME, SEEDS, fixed_clock

HEADLINES = {
    "000": "Mengejutkan! Korea Utara Kirim Pasukan ke Rusia, Putin Ucapkan Terima Kasih",
    "001": "Kim Jong Un Kirim Pesan Tahun Baru ke Putin",
    "002": "Kim Jong Un Tegaskan Dukungan Penuh Rusia dalam Perang Ukraina",
    "004": (
        "Putin Berterima Kasih ke Korea Utara Karena Bantu Rebut Kembali Kursk dari Ukraina: "
        "Rusia Tidak Akan Pernah Melupakannya"
    ),
}


def _by_prefix(data: dict) -> dict[str, dict]:
    items = {}
    for story in data["stories"]:
        for item in story["items"]:
            items[item["source"][:3]] = {**item, "story": story["id"]}
    return items


def test_seeds_make_four_stories_with_000_and_004_together(pipeline) -> None:
    report = pipeline.ingest()
    assert (report.new, report.skipped, report.excluded) == (5, 0, 0)
    data = pipeline.render(pipeline.build().digest).data
    assert len(data["stories"]) == 4
    items = _by_prefix(data)
    assert set(items) == {"000", "001", "002", "003", "004"}
    assert items["000"]["story"] == items["004"]["story"]
    together = next(s for s in data["stories"] if s["id"] == items["000"]["story"])
    assert len(together["outlets"]) == 2
    assert data["stories"][0] is together  # the most widely reported first
    others = {items[p]["story"] for p in ("001", "002", "003")}
    assert len(others) == 3 and items["000"]["story"] not in others
    for prefix, headline in HEADLINES.items():
        assert items[prefix]["title"] == headline
    assert items["000"]["published"].startswith("2025-04-28")
    assert items["003"]["published"].startswith("2025-08-21")
    assert items["004"]["published"].startswith("2025-04-30")


def test_no_site_chrome_reaches_the_digest(pipeline) -> None:
    pipeline.ingest()
    rendered = pipeline.render(pipeline.build().digest)
    html_text = re.sub(r"<[^>]+>", " ", rendered.html)
    for part in (html_text, rendered.text):
        for chrome in SEED_CHROME:
            assert chrome.lower() not in part.lower(), chrome
    assert "Korea Utara kirim pasukan ke Rusia" in rendered.text


def test_build_is_repeatable_and_marks_nothing(pipeline) -> None:
    pipeline.ingest()
    first = pipeline.render(pipeline.build().digest)
    pipeline.ingest()
    second = pipeline.render(pipeline.build().digest)
    assert first.text == second.text
    assert first.data["stories"] == second.data["stories"]
    assert pipeline.store.counts()["digests_sent"] == 0


def _record_sent(pipeline) -> None:
    built = pipeline.build()
    rendered = pipeline.render(built.digest)
    digest_id = pipeline.store.outbox.add_digest(
        message_id="<t@x>",
        subject=rendered.subject,
        html=rendered.html,
        text=rendered.text,
        data=rendered.data,
        item_ids=built.item_ids,
    )
    pipeline.store.outbox.mark_sent(digest_id)


def test_sent_stories_do_not_return_until_new_reports_join(pipeline, tmp_path: Path) -> None:
    pipeline.ingest()
    _record_sent(pipeline)
    pipeline.ingest()
    assert pipeline.build().digest.is_empty
    assert pipeline.build(include_sent=True).digest.stories

    folder = pipeline.config.sources.folders[0]
    (folder / "antara_putin_thanks.txt").write_text(
        "Putin Ucapkan Terima Kasih kepada Korea Utara atas Pengiriman Pasukan\n\n"
        "Jakarta, Senin (28/4/2025) - Presiden Rusia Vladimir Putin mengucapkan terima kasih "
        "kepada Korea Utara dan Kim Jong Un atas pengiriman pasukan yang membantu Rusia "
        "merebut kembali wilayah Kursk dari pasukan Ukraina.\n\n"
        "Kremlin menyebut pasukan Korea Utara bertempur bersama tentara Rusia. Putin "
        "mengatakan Rusia tidak akan melupakan pengorbanan para prajurit Korea Utara.\n\n"
        "Korea Utara pertama kali mengakui pengiriman pasukannya ke Rusia pekan lalu.\n",
        encoding="utf-8",
    )
    report = pipeline.ingest()
    assert report.new == 1
    digest = pipeline.build().digest
    assert len(digest.stories) == 1
    story = digest.stories[0]
    assert story.update
    sources = {item.source: item.new for item in story.items}
    assert sources["antara_putin_thanks.txt"] is True
    assert sources["000_f073430dd492f4b3.txt"] is False
    assert len(story.outlets) == 3


def test_syndicated_copy_folds_into_the_item_it_copies(pipeline) -> None:
    pipeline.ingest()
    original = (SEEDS / "002_f1a9f632fd983131.txt").read_text(encoding="utf-8")
    body = original.split("\n", 2)[2]  # drop headline and the KLIKWARTAKU dateline
    edited = (
        body.replace("11.000", "sekitar 11.000")
        .replace("Pyongyang baru mengakui", "Pyongyang akhirnya mengakui")
        .replace("KlikWartaku.Com Gak Cuma Cepat Tapi Tepat", "")
        .replace("Homepage", "")
    )
    copy = (
        "Beranda | Berita | Internasional\n"
        "Kim Jong Un Nyatakan Dukung Rusia Sepenuhnya\n"
        "BERITASATU — Pemimpin Korea Utara Kim Jong Un kembali menegaskan dukungan tanpa "
        "syarat kepada Rusia dalam perang melawan Ukraina.\n" + edited + "\n"
        "Bagikan: Facebook Twitter WhatsApp\n"
        "Ikuti kami di Google News\n"
        "© 2025 BeritaSatu. All rights reserved.\n"
    )
    folder = pipeline.config.sources.folders[0]
    (folder / "mirror").mkdir()
    (folder / "mirror" / "kim-dukung-rusia.txt").write_text(copy, encoding="utf-8")
    report = pipeline.ingest()
    assert report.copies == 1
    data = pipeline.render(pipeline.build().digest).data
    assert len(data["stories"]) == 4
    item = _by_prefix(data)["002"]
    assert [c["source"] for c in item["copies"]] == ["mirror/kim-dukung-rusia.txt"]


def test_changed_file_updates_its_item(pipeline) -> None:
    pipeline.ingest()
    folder = pipeline.config.sources.folders[0]
    seed = folder / "001_4365a202ad0700cc.txt"
    seed.write_text(
        seed.read_text(encoding="utf-8").replace(
            "Kim Jong Un Kirim Pesan", "Kim Jong Un Kirim Surat"
        ),
        encoding="utf-8",
    )
    report = pipeline.ingest()
    assert (report.new, report.updated) == (0, 1)
    titles = {i.title for s in pipeline.build().digest.stories for i in s.items}
    assert "Kim Jong Un Kirim Surat Tahun Baru ke Putin" in titles
    assert pipeline.store.counts()["items"] == 5


def test_bad_files_are_skipped_with_reasons_and_the_rest_goes_on(pipeline) -> None:
    folder = pipeline.config.sources.folders[0]
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (folder / ".hidden.txt").write_text("Rusia Korea Utara")
    (folder / "draft.txt.part").write_text("Rusia Korea Utara")
    report = pipeline.ingest()
    assert report.new == 5
    assert dict(pipeline.store.items.skipped()) == {"empty.txt": "empty", "image.txt": "binary"}
    assert len(pipeline.build().digest.stories) == 4
    again = pipeline.ingest()  # unchanged skipped files are remembered, not read again
    assert (again.skipped, again.unchanged) == (0, 7)
    (folder / "empty.txt").write_text("Rusia dan Korea Utara menandatangani perjanjian baru.\n")
    fixed = pipeline.ingest()
    assert fixed.new == 1 and "empty.txt" not in dict(pipeline.store.items.skipped())


def test_off_topic_article_is_excluded_with_reason(pipeline) -> None:
    folder = pipeline.config.sources.folders[0]
    (folder / "ukraine.txt").write_text(
        "Russia strikes Kyiv power grid\n\nRussian missiles hit Ukraine's power grid overnight, "
        "officials in Kyiv said on Monday, April 28, 2025. Vladimir Putin said Moscow would "
        "press on.\n\nUkraine asked its allies for more air defence systems.\n",
        encoding="utf-8",
    )
    report = pipeline.ingest()
    assert report.excluded == 1
    data = pipeline.render(pipeline.build().digest).data
    assert {"source": "ukraine.txt", "reason": "off-topic"} in data["excluded"]
    assert all(i["source"] != "ukraine.txt" for s in data["stories"] for i in s["items"])


def test_changed_dedup_parameters_reindex(tmp_path: Path) -> None:
    from tests.helpers import write_config

    path = write_config(tmp_path)
    pipeline = open_pipeline(load_config(path), clock=fixed_clock)
    pipeline.ingest()
    before = pipeline.render(pipeline.build().digest).data["stories"]
    size_before = len(pipeline.store.index.signatures([1])[1])
    pipeline.store.close()
    path.write_text(path.read_text() + "\n[dedup]\nnum_perm = 64\nbands = 32\n")
    pipeline = open_pipeline(load_config(path), clock=fixed_clock)
    assert "perm=64" in (pipeline.store.index.get_meta("index_params") or "")
    after = pipeline.render(pipeline.build().digest).data["stories"]
    assert [len(s["items"]) for s in after] == [len(s["items"]) for s in before]
    signatures = pipeline.store.index.signatures(range(1, 6))
    assert len(signatures) == 5  # re-indexed with 64 permutations: half the signature
    assert all(len(sig) * 2 == size_before for sig in signatures.values())
    folder = pipeline.config.sources.folders[0]
    copy = (folder / "002_f1a9f632fd983131.txt").read_text(encoding="utf-8")
    (folder / "repost.txt").write_text("Judul Lain\n" + copy, encoding="utf-8")
    assert pipeline.ingest().copies == 1  # the rebuilt index still finds copies
    pipeline.store.close()


def test_excluded_lists_what_was_left_out_since_the_last_digest(pipeline) -> None:
    folder = pipeline.config.sources.folders[0]
    (folder / "old-off-topic.txt").write_text("Cuaca cerah di Jakarta hari ini.\n")
    pipeline.ingest()
    time.sleep(1.1)  # the store stamps in whole seconds
    _record_sent(pipeline)
    time.sleep(1.1)
    (folder / "new-off-topic.txt").write_text("Harga beras naik di pasar induk.\n")
    pipeline.ingest()
    excluded = {e.source for e in pipeline.build().digest.excluded}
    assert excluded == {"new-off-topic.txt"}
    everything = {e.source for e in pipeline.build(include_sent=True).digest.excluded}
    assert everything == {"new-off-topic.txt", "old-off-topic.txt"}


@pytest.fixture(autouse=True)
def _fresh_seeds(tmp_path: Path):
    """Each test gets its own copy of the seeds (write_config copies them)."""
    yield
    shutil.rmtree(tmp_path / "articles", ignore_errors=True)


def test_editing_an_original_that_has_a_copy_keeps_it_the_original(pipeline) -> None:
    folder = pipeline.config.sources.folders[0]
    seed = folder / "002_f1a9f632fd983131.txt"
    original = seed.read_text(encoding="utf-8")
    (folder / "mirror.txt").write_text(
        "Kim Jong Un Nyatakan Dukung Rusia\n" + original.split("\n", 1)[1], encoding="utf-8"
    )
    pipeline.ingest()
    seed.write_text(original.replace("11.000 Tentara", "Sebelas Ribu Tentara"), encoding="utf-8")
    assert pipeline.ingest().updated == 1
    items = _by_prefix(pipeline.render(pipeline.build().digest).data)
    assert "002" in items
    assert [c["source"] for c in items["002"]["copies"]] == ["mirror.txt"]
