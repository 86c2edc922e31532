"""Template lines: what a site prints on every page is not its article.

A site's masthead, slogan, menu, share row and footer recur, word for word,
on each of its pages, while an article's lines do not. The store counts, for
each site, in how many of its files each short line has appeared
(:class:`digest.store.templates.TemplateLines`); the clean stage treats a
non-prose line that the site's other files already had as template. A site is
the page's URL host, else its outlet, else the folder the file sits in.

The clean stage may run in worker processes, which only read: the counts are
updated by the main process after an item is stored (:func:`template_keys`
says which lines to count).
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Protocol

from digest.ingest.extract import Line
from digest.ingest.textsite import site_key
from digest.models import SourceItem

# Only lines this short are counted: prose paragraphs are never template.
MAX_WORDS = 30


class TemplateLookup(Protocol):
    def known(self, site: str, keys: Iterable[int], source: str) -> set[int]:
        """The keys among ``keys`` that are template lines of ``site`` for ``source``."""
        ...


class _NoTemplates:
    def known(self, site: str, keys: Iterable[int], source: str) -> set[int]:
        return set()


NO_TEMPLATES: TemplateLookup = _NoTemplates()


def line_key(text: str) -> int:
    """A 32-bit key of a line, blind to case and spacing."""
    return zlib.crc32(" ".join(text.casefold().split()).encode("utf-8"))


def template_keys(lines: Iterable[Line], prose: Iterable[bool]) -> tuple[int, ...]:
    """The distinct keys of a file's lines that may be template (short, not prose)."""
    keys = {
        line_key(line.text)
        for line, p in zip(lines, prose, strict=True)
        if not p and line.n <= MAX_WORDS
    }
    return tuple(sorted(keys))


def counted_as(item: SourceItem) -> str:
    """The identity a file is counted under: its absolute path (the same for ingest
    and ``digest inspect``), else its source."""
    return os.path.abspath(item.path) if item.path else item.source


def site_of(item: SourceItem, *, outlet: str, url: str | None, host: str = "") -> str:
    """The site a page belongs to: ``host:…``, ``outlet:…`` or ``folder:…``."""
    if host:
        return f"host:{host}"
    key = site_key(outlet) if outlet else ""
    if key:
        return f"outlet:{key}"
    if item.kind == "file":
        # The folder itself (not the name relative to a watched folder), so that
        # `digest inspect` on a file finds what ingesting its folder learnt.
        if item.path:
            return f"folder:{os.path.dirname(os.path.abspath(item.path))}"
        return f"folder:{PurePosixPath(item.source.replace(chr(92), '/')).parent}"
    return ""
