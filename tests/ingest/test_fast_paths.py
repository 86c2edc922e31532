"""The clean stage's hand-written fast paths agree with the patterns they replace.

Each shortcut (a word split by byte translation, a site's spaced spellings
found by a scan instead of a pattern compiled per site) must give exactly what
the pattern gave, or the clean stage's output would drift.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from digest.ingest.extract import Line
from digest.ingest.sitename import spelled_spans

_WORD_RE = re.compile(r"\w+")


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F), min_size=1))
def test_ascii_words_match_the_word_pattern(text: str) -> None:
    assert Line(text).words == _WORD_RE.findall(text.lower())


@given(st.text(min_size=1))
def test_any_words_match_the_word_pattern(text: str) -> None:
    assert Line(text).words == _WORD_RE.findall(text.lower())


def test_words_split_on_punctuation_and_keep_underscores() -> None:
    assert Line("Breaking: Kim's snake_case, 2024-05-01!").words == [
        "breaking", "kim", "s", "snake_case", "2024", "05", "01",
    ]  # fmt: skip


@settings(max_examples=1000)
@given(st.text(alphabet="ab1", min_size=1, max_size=4), st.text(alphabet="ab1 \t.x", max_size=40))
def test_spelled_spans_match_the_spaced_pattern(letters: str, text: str) -> None:
    pattern = re.compile(r"[ \t]?".join(re.escape(c) for c in letters))
    assert spelled_spans(letters, text) == [m.span() for m in pattern.finditer(text)]


def test_spelled_spans_find_spaced_and_glued_spellings() -> None:
    text = "pos viral, posviral and pos\tviral; not po  sviral"
    spans = spelled_spans("posviral", text)
    assert [text[a:b] for a, b in spans] == ["pos viral", "posviral", "pos\tviral"]
