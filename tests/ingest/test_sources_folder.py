"""The folder source, on real files in tmp_path: what is read, skipped, ignored or unchanged."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest.errors import SourceError
from digest.ingest.sources.folder import (
    FileState,
    Unchanged,
    file_state,
    scan_folders,
    state_of,
)
from digest.models import Skipped, SourceItem

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a2dd5a2a0000000049454e44ae426082"
)
ARTICLE = "Putin and Kim Jong Un met in Vladivostok to sign a new partnership treaty.\n"


def scan(*folders: Path, **kwargs) -> dict[str, object]:
    return {entry.source: entry for entry in scan_folders(list(folders), **kwargs)}


def only(folder: Path, **kwargs) -> object:
    (entry,) = scan_folders([folder], **kwargs)
    return entry


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def test_seeds_are_five_items_with_their_metadata() -> None:
    items = list(scan_folders([SEEDS]))
    assert [item.source for item in items] == sorted(p.name for p in SEEDS.iterdir())
    assert len(items) == 5
    for item in items:
        assert isinstance(item, SourceItem)
        raw = (SEEDS / item.source).read_bytes()
        assert item.kind == "file"
        assert item.encoding == "utf-8"
        assert not item.is_html
        assert item.body == raw.decode("utf-8").replace("\r\n", "\n")
        assert item.fingerprint == hashlib.sha256(raw).hexdigest()
        assert item.path == str((SEEDS / item.source).resolve())
        assert item.modified.tzinfo is UTC
        assert state_of(item) == file_state(SEEDS / item.source)


def test_empty_and_whitespace_only_files_are_skipped_as_empty(tmp_path: Path) -> None:
    write(tmp_path, "zero.txt", b"")
    write(tmp_path, "blank.md", b" \n\t\r\n  ")
    write(tmp_path, "bom-only.txt", b"\xef\xbb\xbf\n")
    write(tmp_path, "utf16-spaces.txt", "\ufeff   \n".encode("utf-16-le"))
    found = scan(tmp_path)
    assert {source: entry.reason for source, entry in found.items()} == {
        "zero.txt": "empty",
        "blank.md": "empty",
        "bom-only.txt": "empty",
        "utf16-spaces.txt": "empty",
    }


def test_png_renamed_txt_and_control_soup_are_binary(tmp_path: Path) -> None:
    write(tmp_path, "image.txt", PNG)
    write(tmp_path, "controls.txt", bytes(range(32)) * 50)
    write(tmp_path, "zeros.txt", bytes(4096))
    found = scan(tmp_path)
    assert {source: entry.reason for source, entry in found.items()} == {
        "image.txt": "binary",
        "controls.txt": "binary",
        "zeros.txt": "binary",
    }


def test_random_high_bytes_are_undecodable(tmp_path: Path) -> None:
    noise = random.Random(7).randbytes(20_000).translate(None, bytes(range(0x80)))
    write(tmp_path, "noise.txt", noise)
    entry = only(tmp_path)
    assert isinstance(entry, Skipped)
    assert entry.reason == "undecodable"


@pytest.mark.parametrize(
    ("text", "codec", "expected_encoding"),
    [
        ("Café naïve — “quotes”", "cp1252", "cp1252"),
        ("Korea Utara kirim pasukan ke Rusia — “Putin” berterima kasih.", "cp1252", "cp1252"),
        ("Café naïve, señor, Über die Straße.", "latin-1", "cp1252"),
        ("Путин и Ким Чен Ын подписали договор о стратегическом партнёрстве.", "cp1251", "cp1251"),
        ("Zażółć gęślą jaźń. Putin spotkał się z Kimem w Moskwie.", "cp1250", "cp1250"),
        ("푸틴 대통령이 김정은 위원장과 만났다.", "euc-kr", "cp949"),
    ],
)
def test_legacy_code_pages_decode_right(
    tmp_path: Path, text: str, codec: str, expected_encoding: str
) -> None:
    write(tmp_path, "legacy.txt", text.encode(codec))
    item = only(tmp_path)
    assert isinstance(item, SourceItem)
    assert item.body == text
    assert item.encoding == expected_encoding


@pytest.mark.parametrize(
    "data",
    [
        ("\ufeff" + ARTICLE).encode("utf-8"),
        ("\ufeff" + ARTICLE).encode("utf-16-le"),
        ("\ufeff" + ARTICLE).encode("utf-16-be"),
        ("\ufeff" + ARTICLE).encode("utf-32-le"),
        ARTICLE.encode("utf-16-le"),
        ARTICLE.encode("utf-16-be"),
    ],
    ids=["utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-32-le-bom", "utf-16-le", "utf-16-be"],
)
def test_byte_order_marks_and_utf16_decode_without_the_mark(tmp_path: Path, data: bytes) -> None:
    write(tmp_path, "a.txt", data)
    item = only(tmp_path)
    assert isinstance(item, SourceItem)
    assert item.body == ARTICLE
    assert item.encoding is not None


def test_encodings_are_recorded(tmp_path: Path) -> None:
    write(tmp_path, "le.txt", ("\ufeffКим " + ARTICLE).encode("utf-16-le"))
    write(tmp_path, "be.txt", ("\ufeffКим " + ARTICLE).encode("utf-16-be"))
    write(tmp_path, "sig.txt", ("\ufeffКим " + ARTICLE).encode("utf-8"))
    write(tmp_path, "plain.txt", "Ким " + ARTICLE)
    found = scan(tmp_path)
    assert {source: item.encoding for source, item in found.items()} == {
        "be.txt": "utf-16-be",
        "le.txt": "utf-16-le",
        "plain.txt": "utf-8",
        "sig.txt": "utf-8-sig",
    }
    assert all(item.body == "Ким " + ARTICLE for item in found.values())


def test_stray_nul_in_a_text_file_is_removed_and_the_text_kept(tmp_path: Path) -> None:
    write(tmp_path, "nul.txt", ARTICLE.encode() + b"\x00" + ARTICLE.encode())
    write(tmp_path, "nul-cp1252.txt", "Café\x00 naïve — “quotes” ".encode("cp1252") * 3)
    found = scan(tmp_path)
    assert found["nul.txt"].body == ARTICLE + ARTICLE
    assert found["nul-cp1252.txt"].body == "Café naïve — “quotes” " * 3


def test_mostly_utf8_with_a_stray_byte_stays_utf8(tmp_path: Path) -> None:
    text = "Путин встретился с Ким Чен Ыном во Владивостоке. " * 4
    write(tmp_path, "mixed.txt", text.encode() + b"caf\xe9")
    item = only(tmp_path)
    assert item.encoding == "utf-8"
    assert item.body == text + "caf\ufffd"


def test_newlines_are_normalised(tmp_path: Path) -> None:
    write(tmp_path, "crlf.txt", b"one\r\ntwo\rthree\n")
    assert only(tmp_path).body == "one\ntwo\nthree\n"


def test_two_megabyte_single_line_is_ingested_or_too_large(tmp_path: Path) -> None:
    write(tmp_path, "long.txt", b"Kim " * 500_000 + b"\x00 Putin")
    item = only(tmp_path, max_bytes=5_000_000)
    skipped = only(tmp_path, max_bytes=1_000_000)
    assert isinstance(item, SourceItem)
    assert len(item.body) == 2_000_006
    assert skipped == Skipped("long.txt", "too-large")
    assert state_of(skipped) is None


def test_too_large_is_decided_by_stat_without_reading(tmp_path: Path) -> None:
    with (tmp_path / "huge.txt").open("wb") as f:
        f.truncate(64 * 2**30)
    entry = only(tmp_path)  # reading 64 GiB would never finish: stat decides
    assert entry == Skipped("huge.txt", "too-large")


def test_editor_partial_hidden_and_other_files_are_not_sources(tmp_path: Path) -> None:
    for name in (
        "x.txt~",
        ".x.swp",
        ".x.swo",
        "a.part",
        "a.txt.part",
        "a.crdownload",
        "a.html.crdownload",
        "a.tmp",
        "#a.txt#",
        ".hidden.txt",
        ".cache/inside.txt",
        "sub/.git/inside.txt",
        "notes.pdf",
        "data.json",
        "noext",
    ):
        write(tmp_path, name, ARTICLE)
    write(tmp_path, "kept.txt", ARTICLE)
    assert list(scan(tmp_path)) == ["kept.txt"]


def test_nested_folders_extensions_and_html_detection(tmp_path: Path) -> None:
    page = "<html><body><p>Kim Jong Un</p></body></html>"
    write(tmp_path, "sub/dir/a.html", page)
    write(tmp_path, "sub/B.HTM", "not really html")
    write(tmp_path, "sub/dir/deeper/c.TXT", ARTICLE)
    write(tmp_path, "doctype.txt", "\n  <!DOCTYPE html>\n<html><body>Putin</body></html>")
    write(tmp_path, "tag.md", "  <HTML lang=ru><body>Putin</body></HTML>")
    write(tmp_path, "markdown.md", "# Putin\n\n<html> is mentioned here, not used\n")
    write(tmp_path, "htmlish.txt", "<htmlx>not a page</htmlx>")
    found = scan(tmp_path)
    assert list(found) == [
        "doctype.txt",
        "htmlish.txt",
        "markdown.md",
        "sub/B.HTM",
        "sub/dir/a.html",
        "sub/dir/deeper/c.TXT",
        "tag.md",
    ]
    assert {source for source, item in found.items() if item.is_html} == {
        "doctype.txt",
        "sub/B.HTM",
        "sub/dir/a.html",
        "tag.md",
    }
    assert found["sub/dir/a.html"].path == str(tmp_path.resolve() / "sub/dir/a.html")


def test_unchanged_size_and_mtime_are_not_read(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", ARTICLE)
    before = os.stat(path)
    remembered = FileState(before.st_size, before.st_mtime_ns, "fingerprint-of-old-bytes")
    path.write_bytes(ARTICLE.upper().encode())
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))

    entry = only(tmp_path, known={"a.txt": remembered}.get)

    assert entry == Unchanged("a.txt", remembered)
    assert state_of(entry) == remembered


def test_touched_file_with_the_same_bytes_is_unchanged_with_its_new_state(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", ARTICLE)
    remembered = file_state(path)
    os.utime(path, ns=(remembered.mtime_ns + 5_000_000_000,) * 2)

    entry = only(tmp_path, known={"a.txt": remembered}.get)

    assert isinstance(entry, Unchanged)
    assert entry.state == FileState(
        remembered.size, remembered.mtime_ns + 5_000_000_000, remembered.fingerprint
    )


def test_changed_contents_yield_the_item_again(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", ARTICLE)
    first = only(tmp_path)
    known = {"a.txt": state_of(first)}
    assert only(tmp_path, known=known.get) == Unchanged("a.txt", state_of(first))

    path.write_text(ARTICLE + "Update: Lavrov arrived in Pyongyang.\n", encoding="utf-8")
    os.utime(path, ns=(state_of(first).mtime_ns + 1_000_000_000,) * 2)
    again = only(tmp_path, known=known.get)

    assert isinstance(again, SourceItem)
    assert again.body.endswith("Pyongyang.\n")
    assert again.fingerprint != first.fingerprint
    assert state_of(again) == file_state(path)


def test_skips_after_a_read_carry_a_state_so_they_need_no_second_read(tmp_path: Path) -> None:
    write(tmp_path, "image.txt", PNG)
    skipped = only(tmp_path)
    assert skipped.reason == "binary"
    assert state_of(skipped) == file_state(tmp_path / "image.txt")
    assert isinstance(only(tmp_path, known={"image.txt": state_of(skipped)}.get), Unchanged)


def test_state_of_items_not_from_a_folder_is_none() -> None:
    feed_item = SourceItem(
        source="https://example.org/a",
        kind="feed",
        body="x",
        is_html=False,
        fingerprint="f",
        modified=datetime.now(UTC),
    )
    assert state_of(feed_item) is None
    assert state_of(Skipped("a.txt", "unreadable: x")) is None


def test_missing_or_non_folder_raises_source_error_at_the_call(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist") as missing:
        scan_folders([SEEDS, tmp_path / "nowhere"])
    assert "[sources] folders" in str(missing.value)
    write(tmp_path, "file.txt", ARTICLE)
    with pytest.raises(SourceError, match="not a folder") as not_folder:
        scan_folders([tmp_path / "file.txt"])
    assert "[sources] folders" in str(not_folder.value)


def test_no_folders_yield_nothing() -> None:
    assert list(scan_folders([])) == []


def test_dangling_symlink_fifo_and_directory_link_are_unreadable(tmp_path: Path) -> None:
    write(tmp_path, "real/dir/a.txt", ARTICLE)
    os.symlink(tmp_path / "gone.txt", tmp_path / "dangling.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink(tmp_path / "real", tmp_path / "folder-link.html")
    result: dict[str, object] = {}
    worker = threading.Thread(target=lambda: result.update(scan(tmp_path)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "the scan blocked on a FIFO"
    assert {source: getattr(entry, "reason", None) for source, entry in result.items()} == {
        "dangling.txt": "unreadable: No such file or directory",
        "folder-link.html": "unreadable: not a regular file",
        "pipe.txt": "unreadable: not a regular file",
        "real/dir/a.txt": None,
    }


def test_symlinks_are_followed_only_inside_the_folder(tmp_path: Path) -> None:
    watched = tmp_path / "watched"
    outside = tmp_path / "outside"
    write(outside, "secret.txt", ARTICLE)
    write(outside, "elsewhere/b.txt", ARTICLE)
    write(watched, "inner/a.txt", ARTICLE)
    os.symlink(outside / "secret.txt", watched / "leak.txt")
    os.symlink(outside / "elsewhere", watched / "elsewhere")
    os.symlink(watched / "inner", watched / "loop")
    os.symlink(watched / "inner/a.txt", watched / "alias.txt")
    found = scan(watched)
    assert list(found) == ["alias.txt", "inner/a.txt", "leak.txt"]
    assert found["alias.txt"].body == ARTICLE
    assert found["leak.txt"] == Skipped(
        "leak.txt", "unreadable: symlink leads outside the watched folder"
    )


def test_file_vanishing_during_the_scan_is_unreadable(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", ARTICLE)
    write(tmp_path, "b.txt", ARTICLE)
    entries = scan_folders([tmp_path])
    assert next(entries).source == "a.txt"
    (tmp_path / "b.txt").unlink()
    assert list(entries) == [Skipped("b.txt", "unreadable: No such file or directory")]


def test_file_name_that_is_not_utf8_is_skipped_not_crashed(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.txt")
    try:
        (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    entry = only(tmp_path)
    assert entry == Skipped("caf\ufffd.txt", "unreadable: file name is not valid UTF-8")


def test_same_relative_path_in_two_folders_is_prefixed_by_folder_name(tmp_path: Path) -> None:
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    write(inbox, "a.txt", "inbox " + ARTICLE)
    write(archive, "a.txt", "archive " + ARTICLE)
    write(inbox, "only-inbox.txt", ARTICLE)
    write(archive, "sub/only-archive.txt", ARTICLE)
    found = scan(inbox, archive)
    assert list(found) == ["archive/a.txt", "inbox/a.txt", "only-inbox.txt", "sub/only-archive.txt"]
    assert found["inbox/a.txt"].body.startswith("inbox ")
    assert found["archive/a.txt"].body.startswith("archive ")


def test_folders_with_the_same_name_get_a_longer_prefix(tmp_path: Path) -> None:
    first, second = tmp_path / "x" / "news", tmp_path / "y" / "news"
    write(first, "a.txt", ARTICLE)
    write(second, "a.txt", ARTICLE)
    assert list(scan(first, second)) == ["x/news/a.txt", "y/news/a.txt"]


def test_nested_and_repeated_watched_folders_list_each_file_once(tmp_path: Path) -> None:
    write(tmp_path, "top.txt", ARTICLE)
    write(tmp_path, "inner/a.txt", ARTICLE)
    assert list(scan(tmp_path, tmp_path / "inner", tmp_path)) == ["a.txt", "top.txt"]


def test_seeds_copy_in_a_watched_subfolder_keeps_order(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "b")
    write(tmp_path, "a/z.txt", ARTICLE)
    sources = [entry.source for entry in scan_folders([tmp_path])]
    assert sources == sorted(sources)
    assert sources[0] == "a/z.txt"
    assert len(sources) == 6
