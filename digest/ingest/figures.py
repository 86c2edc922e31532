"""Figures as one term in any writing: separators, scale words, and the body's figures.

Reports of one event state its figures in their own ways: "11.000" in
Indonesian, "11,000" in English, "700 ribu" and "700 thousand" for 700,000,
"1,5 juta" and "1.5 million" for 1,500,000. Story grouping needs them as one
term, so :func:`normalise_numbers` writes each out before words are split.
"""

from __future__ import annotations

import re

# A figure with thousands separators; the look-behind sits after the first
# digit so that the scan can jump from digit to digit.
_GROUPED_NUMBER = re.compile(r"\d(?<![\d.,]\d)\d{0,2}(?:[.,]\d{3})+(?![.,]?\d)")
_SEPARATORS = re.compile(r"[.,]")
# Scale words after a figure, in English and Indonesian: "700 ribu", "1,5 juta", "9 billion".
SCALES = {
    "thousand": 10**3, "ribu": 10**3, "million": 10**6, "juta": 10**6, "billion": 10**9,
    "miliar": 10**9, "milyar": 10**9, "trillion": 10**12, "triliun": 10**12,
}  # fmt: skip
_SCALE_HINT = re.compile(r"\d\s+(?i:thousand|ribu|million|juta|billion|mil[iy]ar|tril)")
# A figure before a scale word, or a range of two ("10-15 ribu": both ends scaled);
# thousands separators are gone by then ("1.500 juta" is 1500 juta).
_FIGURE = r"\d+(?:[.,]\d{1,2})?"
_YEAR_RE = re.compile(r"(?:19|20)\d\d")
_SCALED_NUMBER = re.compile(
    rf"(?<![\d.,])(?:(?P<low>{_FIGURE})\s*[-–]\s*)?(?P<n>{_FIGURE})\s+"
    r"(?P<scale>(?i:" + "|".join(SCALES) + r"))\b"
)


def normalise_numbers(text: str) -> str:
    """'11.000' and '11,000' are the same figure: drop thousands separators; and
    '700 ribu', '700 thousand' and '700,000' are one too, as are '1,5 juta' and
    '1.5 million': a figure with its scale word is written out."""
    text = _GROUPED_NUMBER.sub(lambda m: _SEPARATORS.sub("", m.group(0)), text)
    if _SCALE_HINT.search(text):
        text = _SCALED_NUMBER.sub(_written_out, text)
    return text


def _written_out(m: re.Match[str]) -> str:
    scale = SCALES[m["scale"].lower()]
    high = float(m["n"].replace(",", ".")) * scale
    if high < 1 or (m["low"] is None and _YEAR_RE.fullmatch(m["n"])):
        return m.group(0)  # "in 2025 million …": a year, not a figure of the scale
    if m["low"] is None:
        return str(round(high))
    return f"{round(float(m['low'].replace(',', '.')) * scale)}-{round(high)}"


# A figure of three digits or more ("1.400 kontainer", "700 ribu", "152 mm"), not a year.
_BODY_FIGURE = re.compile(r"(?<![\d.,])\d{3,}(?!\d)")


def body_figures(body: str) -> list[str]:
    """The figures the paragraphs after the lede state, one per mention.

    Like its names, an event's figures recur in every report of it, however
    late the report gives them (a Kremlin reaction restating "1,400
    containers, 700,000 shells" in its fourth paragraph), while a year says
    nothing of which event it is.
    """
    if not any(c.isdigit() for c in body):
        return []
    return [
        f
        for f in _BODY_FIGURE.findall(normalise_numbers(body))
        if not (len(f) == 4 and f[:2] in ("19", "20"))
    ]
