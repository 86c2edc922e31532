"""Where the article's run of lines ends, and the menus and footer around it.

A page's text goes on after the article: a comment form, a closing list of
related posts (a heading, then teasers), menus (runs of very short lines) and
the footer after the last real paragraph. :func:`cut_tail` and
:func:`drop_menus_and_footer` mark those lines with the reason they go, in
the ``why`` list the clean stage keeps for every line.
"""

from __future__ import annotations

import re

from digest.ingest.extract import INITIALS_TAIL_RE, Line

# A related-posts heading ("Baca juga", "Related Posts") is at most this long.
MARKER_WORDS = 4
# Menus: runs of at least MENU_RUN lines of at most MENU_WORDS words; after the
# last real paragraph, lines of at most FOOTER_WORDS words (or SHORT_WORDS words
# naming the site: its slogan) are the footer.
SHORT_WORDS = 12
FOOTER_WORDS = 4
MENU_WORDS = 3
MENU_RUN = 3


def cut_tail(
    lines: list[Line], reasons: list[str | None], real: list[bool], why: list[str | None]
) -> None:
    """Drop everything from a comment form or a closing related-posts heading on.

    A comment form ends the article wherever it stands after the first real
    paragraph. A related-posts heading ends it when at least as much real text
    stands before it as after (its teasers), unless paragraphs of the article
    follow its teaser lines ("Baca Juga" inserted mid-article: two real
    paragraphs in a row, where a closing list alternates titles and blurbs);
    elsewhere, only the heading and the teaser lines right under it go.
    """
    sizes = [len(line.text) if real[i] else 0 for i, line in enumerate(lines)]
    total = sum(sizes)
    before = 0
    for i, line in enumerate(lines):
        if before and reasons[i] == "comment":
            _drop(why, i, len(lines), "comment form and after")
            return
        marker = reasons[i] == "related" and line.n <= MARKER_WORDS and not line.ends_sentence
        if before and marker and before >= total - before and not _resumes(lines, real, i + 1):
            _drop(why, i, len(lines), "related posts and after")
            return
        if marker:
            j = i + 1
            while j < len(lines) and not real[j]:
                _drop(why, j, j + 1, "related posts")
                j += 1
        before += sizes[i]


def _resumes(lines: list[Line], real: list[bool], start: int) -> bool:
    """Whether the article goes on after the teaser lines from ``start``: the first
    real line there and the one after it are both real, and neither is a teaser's
    blurb cut short ("… secara resmi menyatakan…"); or the first closes with the
    newsroom's initials ("… obat-obatan. (ant/jpnn)"), as an article's last does."""
    j = start
    while j < len(real) and not real[j]:
        j += 1
    if j < len(real) and INITIALS_TAIL_RE.search(lines[j].text):
        return True  # the article's last paragraph, closed by its newsroom's initials
    if j + 1 >= len(real) or not (real[j] and real[j + 1]):
        return False
    return not any(lines[k].text.endswith(("…", "...")) for k in (j, j + 1))


def _drop(why: list[str | None], start: int, end: int, reason: str) -> None:
    for i in range(start, end):
        if why[i] is None:
            why[i] = reason


def drop_menus_and_footer(
    lines: list[Line], real: list[bool], why: list[str | None], site: re.Pattern[str] | None
) -> None:
    """Drop runs of very short lines (menus), and after the last real paragraph
    the footer: very short lines and lines naming the site (its slogan).
    """

    def tiny(line: Line, limit: int) -> bool:
        return line.n <= limit and not line.ends_sentence and not line.text.endswith(":")

    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and tiny(lines[j], MENU_WORDS):
            j += 1
        if j - i >= MENU_RUN:
            _drop(why, i, j, "menu")
        i = max(j, i + 1)
    last = max((i for i, is_real in enumerate(real) if is_real), default=len(lines))
    for i in range(last + 1, len(lines)):
        line = lines[i]
        slogan = site and tiny(line, SHORT_WORDS) and site.search(line.text.lower())
        if slogan or tiny(line, FOOTER_WORDS):
            _drop(why, i, i + 1, "footer")
