"""Figures as one term in any writing (digest/ingest/figures.py)."""

from __future__ import annotations

import pytest

from digest.ingest.figures import body_figures, normalise_numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.400 kontainer", "1400 kontainer"),
        ("1,400 containers", "1400 containers"),
        ("700 ribu peluru", "700000 peluru"),
        ("some 700 thousand rounds", "some 700000 rounds"),
        ("1,5 juta warga", "1500000 warga"),
        ("1.5 million people", "1500000 people"),
        ("$240 million", "$240000000"),
        ("240 juta dolar AS", "240000000 dolar AS"),
        ("9 miliar", "9000000000"),
        ("in 2025 million-strong", "in 2025 million-strong"),  # no scale after a year
        ("3.5 km", "3.5 km"),
    ],
)
def test_a_figure_is_written_out_whatever_its_separators_or_scale_word(
    text: str, expected: str
) -> None:
    assert normalise_numbers(text) == expected


def test_the_bodys_figures_leave_out_years_and_small_numbers() -> None:
    body = "Sejak 2023, sekitar 1.400 kontainer berisi 700 ribu peluru 152 mm dikirim 3 kapal."
    assert body_figures(body) == ["1400", "700000", "152"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10-15 ribu pekerja", "10000-15000 pekerja"),  # a range: both ends scaled
        ("10.000-15.000 pekerja", "10000-15000 pekerja"),
        ("1.500 juta", "1500000000"),  # a grouped figure before its scale word
        ("3.000 ribu", "3000000"),
    ],
)
def test_ranges_and_grouped_figures_take_their_scale(text: str, expected: str) -> None:
    assert normalise_numbers(text) == expected
