"""The folder source: scraped articles saved as files in watched folders.

Scrapers drop ``.txt``, ``.md``, ``.html`` and ``.htm`` files into one or more
folders. This module lists them, reads each new or changed one, decodes it and
hands it on as a :class:`~digest.models.SourceItem`. It runs every few seconds
over folders that may hold 100,000+ files, so the common case, a file that has
not changed since the last scan, costs one ``stat`` and no read.

What :func:`scan_folders` yields, sorted by ``source``:

* a :class:`~digest.models.SourceItem` for a file that is new or changed;
* a :class:`~digest.models.Skipped` for a file that cannot be used, with one
  of the reasons ``empty``, ``binary``, ``too-large``, ``undecodable`` or
  ``unreadable: <why>``;
* an :class:`Unchanged` for a file the store already knows: same size and
  mtime (not read at all), or read again and found to hold the same bytes.

**How the store learns to recognise a file next time.** Items and skips come
out as the subclasses :class:`FileItem` and :class:`FileSkipped`, which carry
the :class:`FileState` (size, mtime, sha256) of the bytes that were read;
:class:`Unchanged` carries it too. :func:`state_of` returns it, or None when
there is none (feed items, files that could not be read, ``too-large`` files,
which are only ``stat``-ed so a raised limit takes effect at once). The
pipeline saves ``state_of(x)`` under ``x.source`` for every yielded value that
has one, and passes a lookup of the saved states as ``known``.

**Source names** are paths relative to the watched folder, with forward
slashes. When several folders are watched and two of them hold the same
relative path, both files get their folder's name in front (``inbox/a.txt``,
``archive/a.txt``); when the watched folders also share a name, enough parent
folders are added to tell them apart (``x/inbox/a.txt``, ``y/inbox/a.txt``).

**Decoding.** A byte-order mark (UTF-8, UTF-16 or UTF-32) decides first and is
stripped; no UTF-16/32 mark is valid UTF-8, so this is the same as trying
UTF-8 first, only simpler. Then UTF-16 without a mark when NUL bytes sit on
every other byte; then strict UTF-8 (the fast path almost every file takes);
then UTF-8 with a few stray bytes replaced by U+FFFD when the valid
multi-byte sequences clearly outnumber the broken ones; then charset-normalizer,
which prefers cp1252 when it finds other code pages equally likely. Newlines
become ``\\n``. A text file with a few stray control bytes (a NUL from a broken
scraper) is kept with those bytes removed; above 5 % control bytes it is
``binary``.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path, PurePath

from charset_normalizer import from_bytes

from digest.errors import SourceError
from digest.ingest.sources.opening import (
    NOT_REGULAR,
    OUTSIDE,
    inside,
    read_checked,
    unreadable,
)
from digest.models import Skipped, SourceItem

# Only these are sources. The list also keeps out what editors and downloaders
# leave while they work (``a.txt~``, ``#a.txt#``, ``a.txt.part``, ``a.crdownload``,
# ``a.tmp``; ``.a.txt.swp`` is hidden as well), so those need no rule of their own.
EXTENSIONS = (".txt", ".md", ".html", ".htm")
_HTML_EXTENSIONS = (".html", ".htm")

# C0 controls other than tab, LF, FF and CR, and DEL: they never belong in text.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Above this share of control bytes a file is binary, not text with a stray NUL:
# compressed data (PNG, JPEG, ZIP) has about 12 %, real text close to none.
_BINARY_RATIO = 0.05
# How much worse charset-normalizer's language score for cp1252 may be and cp1252 still wins.
_CP1252_MARGIN = 0.05
_HTML_START = re.compile(r"\s*<(?:!doctype\s+html|html)(?![\w-])", re.IGNORECASE)
# UTF-32 first: its little-endian mark begins with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BOM_STARTS = frozenset(bom[:1] for bom, _ in _BOMS)
_BAD_NAME = "unreadable: file name is not valid UTF-8"


@dataclass(frozen=True)
class FileState:
    """What the store remembers about a file, to skip it cheaply while it is unchanged.

    ``size`` and ``mtime_ns`` come from the ``stat`` taken *before* the read, so
    a file that changes during the read looks changed again on the next scan.
    """

    size: int
    mtime_ns: int
    fingerprint: str


@dataclass(frozen=True)
class Unchanged:
    """A file the store already has: nothing to do but, perhaps, refresh ``state``.

    ``state`` is the file's current state; it differs from the known one only
    when the file was touched without changing its bytes, and saving it lets
    the next scan skip the file without reading it.
    """

    source: str
    state: FileState | None = None


@dataclass(frozen=True)
class FileItem(SourceItem):
    """A :class:`SourceItem` read from a file, with the state to remember for it."""

    state: FileState | None = None


@dataclass(frozen=True)
class FileSkipped(Skipped):
    """A skipped file whose bytes were read: remembering ``state`` avoids re-reading it."""

    state: FileState | None = None


def state_of(item: SourceItem | Skipped | Unchanged) -> FileState | None:
    """The state to save under ``item.source`` for the next scan's ``known``, if any."""
    if isinstance(item, FileItem | FileSkipped | Unchanged):
        return item.state
    return None


def file_state(path: str | os.PathLike[str]) -> FileState:
    """The state a scan records for a file as it is now; raises OSError if unreadable."""
    st = os.stat(path)
    with open(path, "rb") as f:
        data = f.read()
    return FileState(st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest())


def _nothing_known(source: str) -> FileState | None:
    return None


def scan_folders(
    folders: Sequence[Path],
    *,
    known: Callable[[str], FileState | None] = _nothing_known,
    max_bytes: int = 5_000_000,
) -> Listing:
    """Everything in the watched folders, sorted by source name; never raises for a file.

    The folders are checked now, so a missing one raises :class:`SourceError`
    at the call rather than somewhere inside the caller's loop. The folders
    are listed now too (``len()`` gives a progress bar its total); each file
    is read as the result is iterated.
    """
    roots = _roots(folders)
    return Listing(roots, known, max_bytes)


class Listing(Iterator[SourceItem | Skipped | Unchanged]):
    """The scan's results, each file read as it is reached; ``len()`` counts those listed."""

    def __init__(
        self, roots: list[_Root], known: Callable[[str], FileState | None], max_bytes: int
    ) -> None:
        self._entries = _list_all(roots)
        self._results = _scan(roots, self._entries, known, max_bytes)

    def __len__(self) -> int:
        return len(self._entries)

    def __next__(self) -> SourceItem | Skipped | Unchanged:
        return next(self._results)


@dataclass(frozen=True)
class _Root:
    real: str
    label_parts: tuple[str, ...]


def _roots(folders: Sequence[Path]) -> list[_Root]:
    roots: list[_Root] = []
    seen: set[str] = set()
    for folder in folders:
        try:
            real = os.path.realpath(folder)
        except (OSError, ValueError) as exc:
            raise SourceError(
                f"cannot resolve watched folder {folder}: {exc}",
                hint="check [sources] folders in the config",
            ) from None
        if not os.path.exists(real):
            raise SourceError(
                f"watched folder {folder} does not exist",
                hint="create it or fix [sources] folders in the config",
            )
        if not os.path.isdir(real):
            raise SourceError(
                f"watched folder {folder} is not a folder",
                hint="check [sources] folders in the config",
            )
        if real in seen:
            continue
        seen.add(real)
        parts = PurePath(os.path.abspath(folder)).parts[1:] or ("root",)
        roots.append(_Root(real, parts))
    return roots


# One listed file: (relative name, absolute path, root index, how to treat it).
# The last field is True for a symlink, False for a plain entry, or a ready
# skip reason for entries that cannot be read at all (a folder that cannot be
# listed, a name that is not UTF-8).
_Entry = tuple[str, str, int, bool | str]


def _list_all(roots: list[_Root]) -> list[_Entry]:
    entries: list[_Entry] = []
    reals = {root.real for root in roots}
    for index, root in enumerate(roots):
        _list(root, index, reals - {root.real}, entries)
    return entries


def _scan(
    roots: list[_Root],
    entries: list[_Entry],
    known: Callable[[str], FileState | None],
    max_bytes: int,
) -> Iterator[SourceItem | Skipped | Unchanged]:
    names = _names(entries, roots)
    for i in sorted(range(len(entries)), key=names.__getitem__):
        _, path, index, how = entries[i]
        if isinstance(how, str):
            yield Skipped(names[i], how)
        else:
            yield _examine(names[i], path, roots[index].real, how, known, max_bytes)


def _list(root: _Root, index: int, other_roots: set[str], out: list[_Entry]) -> None:
    """Append the candidate files under ``root``, without stat-ing any of them.

    Symlinked folders are not entered, so the walk cannot loop or leave the
    folder; another watched folder nested inside this one is left to its own walk.
    """
    stack = [("", root.real)]
    while stack:
        rel_dir, dir_path = stack.pop()
        try:
            with os.scandir(dir_path) as listing:
                found = list(listing)
        except OSError as exc:
            if not rel_dir:
                raise SourceError(
                    f"cannot list watched folder {dir_path}: {exc.strerror}",
                    hint="check [sources] folders in the config and the folder's permissions",
                ) from None
            out.append((f"{rel_dir}/", dir_path, index, unreadable(exc)))
            continue
        for entry in found:
            name = entry.name
            if name[0] == ".":
                continue
            rel = f"{rel_dir}/{name}" if rel_dir else name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_link = not is_dir and entry.is_symlink()
            except OSError:
                continue
            if is_dir:
                if entry.path not in other_roots:
                    stack.append((rel, entry.path))
                continue
            if not name.lower().endswith(EXTENSIONS):
                continue
            if not rel.isascii() and not _is_utf8(rel):
                rel = os.fsencode(rel).decode("utf-8", "replace")
                out.append((rel, entry.path, index, _BAD_NAME))
                continue
            out.append((rel, entry.path, index, is_link))


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _names(entries: list[_Entry], roots: list[_Root]) -> list[str]:
    """Source names: relative paths, prefixed by their folder only where two folders clash."""
    names = [entry[0] for entry in entries]
    if len(roots) < 2:
        return names
    clashing = {name for name, count in Counter(names).items() if count > 1}
    if not clashing:
        return names
    deepest = max(len(root.label_parts) for root in roots)
    for depth in range(1, deepest + 1):
        labels = ["/".join(root.label_parts[-depth:]) for root in roots]
        named = [
            f"{labels[entry[2]]}/{entry[0]}" if entry[0] in clashing else entry[0]
            for entry in entries
        ]
        if len(set(named)) == len(named):
            break
    return named


def _examine(
    source: str,
    path: str,
    root: str,
    is_link: bool,
    known: Callable[[str], FileState | None],
    max_bytes: int,
) -> SourceItem | Skipped | Unchanged:
    """Turn one listed file into what the scan yields; every failure becomes a Skipped.

    What is read is what was checked (see :mod:`digest.ingest.sources.opening`).
    A file whose size and mtime match the store's is not opened at all
    (nothing of it is read).
    """
    try:
        if is_link and not inside(os.path.realpath(path), root):
            return Skipped(source, OUTSIDE)
        st = os.stat(path)
    except (OSError, ValueError) as exc:
        return Skipped(source, unreadable(exc))
    if not stat.S_ISREG(st.st_mode):
        return Skipped(source, NOT_REGULAR)
    size, mtime_ns = st.st_size, st.st_mtime_ns
    old = known(source)
    if old is not None and old.size == size and old.mtime_ns == mtime_ns:
        return Unchanged(source, old)
    if size > max_bytes:
        return Skipped(source, "too-large")
    got = read_checked(path, root, is_link=is_link, max_bytes=max_bytes)
    if isinstance(got, str):
        return Skipped(source, got)
    size, mtime_ns, data = got
    state = FileState(size, mtime_ns, hashlib.sha256(data).hexdigest())
    if old is not None and old.fingerprint == state.fingerprint:
        return Unchanged(source, state)
    decoded = _decode(data)
    if isinstance(decoded, str):
        return FileSkipped(source, decoded, state=state)
    text, encoding = decoded
    if not text or text.isspace():
        return FileSkipped(source, "empty", state=state)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    is_html = path.lower().endswith(_HTML_EXTENSIONS) or _HTML_START.match(text) is not None
    return FileItem(
        source=source,
        kind="file",
        body=text,
        is_html=is_html,
        fingerprint=state.fingerprint,
        modified=_utc(mtime_ns),
        path=path,
        encoding=encoding,
        state=state,
    )


def _utc(mtime_ns: int) -> datetime:
    """The mtime as an aware UTC datetime; an absurd mtime becomes now rather than an error."""
    try:
        return datetime.fromtimestamp(mtime_ns / 1_000_000_000, UTC)
    except (OverflowError, OSError, ValueError):
        return datetime.now(UTC)


def _decode(data: bytes) -> tuple[str, str] | str:
    """``(text, encoding)``, or the skip reason ``binary`` or ``undecodable``.

    Every step is a C-level pass over the bytes, so a NUL byte or a 2 MB line
    costs milliseconds; charset-normalizer only sees files that are not UTF-8.
    """
    if data[:1] in _BOM_STARTS:
        for bom, codec in _BOMS:
            if data.startswith(bom):
                return _decode_marked(data[len(bom) :], codec)
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls and b"\0" in data and (utf16 := _unmarked_utf16(data)):
        return _decode_marked(data, utf16)
    if controls > len(data) * _BINARY_RATIO:
        return "binary"
    if controls:
        # In UTF-8 and in the legacy code pages a control byte is a character
        # on its own, never part of a longer sequence, so dropping the bytes
        # drops exactly those characters, and charset-normalizer, which gives
        # up on NULs, sees clean text.
        data = data.translate(None, _CONTROL_BYTES)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        legacy = _decode_legacy(data)
    if legacy is None:
        return "undecodable"
    text, encoding = legacy
    return _CONTROL_RE.sub("", text), encoding


def _decode_marked(payload: bytes, codec: str) -> tuple[str, str] | str:
    """Decode text whose encoding is known from a byte-order mark or NUL pattern."""
    try:
        text = payload.decode(codec)
    except UnicodeDecodeError:
        return "undecodable"
    text, controls = _CONTROL_RE.subn("", text)
    if controls > (len(text) + controls) * _BINARY_RATIO:
        return "binary"
    return text, codec


def _unmarked_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NULs sit on one side of the byte pairs, as in Latin text."""
    half = len(data) // 2
    if len(data) % 2 or not half:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd >= half / 5 and even * 20 <= odd:
        return "utf-16-le"
    if even >= half / 5 and odd * 20 <= even:
        return "utf-16-be"
    return None


def _decode_legacy(data: bytes) -> tuple[str, str] | None:
    """Text that is not valid UTF-8: mostly-UTF-8 with stray bytes, or a legacy code page."""
    text = data.decode("utf-8", "replace")
    replaced = text.count("\ufffd")
    broken = replaced - data.count("\ufffd".encode())
    valid = len(text) - len(text.encode("ascii", "ignore")) - replaced
    if valid >= 3 * broken:
        return text, "utf-8"
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    # Western European text decodes the same in several code pages and
    # charset-normalizer then names the first (cp1250), and on a short text its
    # language score is noise (a DOS Baltic page can win by 0.05). cp1252 is
    # by far the most common legacy page and the web's default, so it wins a
    # near tie; a real Central European or Cyrillic text is not a near tie.
    for match in matches:
        if match.chaos > best.chaos or match.coherence < best.coherence - _CP1252_MARGIN:
            continue
        if "cp1252" in match.could_be_from_charset:
            try:
                return data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                break
    return str(best), codecs.lookup(best.encoding).name


def read_file(path: Path, *, max_bytes: int = 5_000_000) -> SourceItem | Skipped:
    """One file read exactly as a scan of its folder would read it (``digest inspect``).

    Raises :class:`SourceError` when the path does not exist.
    """
    if not path.exists():
        raise SourceError(f"no such file: {path}", "check the path")
    # The folder it is checked inside is the real one: a relative or ``..`` path
    # would never match where the opened descriptor says it leads.
    folder = os.path.realpath(path.parent)
    found = _examine(
        path.name, os.path.join(folder, path.name), folder, False, _nothing_known, max_bytes
    )
    assert not isinstance(found, Unchanged)  # nothing is known, so nothing is unchanged
    if isinstance(found, SourceItem):
        return replace(found, path=str(path))  # shown as the user gave it
    return found
