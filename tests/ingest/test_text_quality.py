"""Headline, date and outlet of real pages saved as text, measured with ``digest inspect``.

The figures are printed at the end of the run (tests/helpers.py SUMMARY). Matching:

- headline: equal when case and punctuation are ignored, or one holds the other,
  the common part at least 0.8 of the label and the answer at most twice its
  length (a kicker before it or a site suffix after it is tolerated; a fragment
  or a paragraph quoting it is not);
- date: the same calendar day as the label, as the page wrote it; a page whose
  date was not found counts as wrong but must say so (``file-time``);
- outlet: the same name in letters and digits ("The" aside), or a domain
  ("bbc.com") that is the labelled page's domain or the labelled name.

scraped-pages is reported in two halves: the even-numbered files (by name),
on which the rules were tuned, and the odd-numbered ones, which were not
looked at while tuning.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digest.config import load_config
from digest.ingest.inspect import Inspection, Inspector
from tests.helpers import SUMMARY, headline_matches, outlet_matches, shared_or_skip, write_config

NOW = datetime(2026, 11, 30, tzinfo=UTC)
# Issue 11's targets, printed as met or not; the asserts hold today's floors,
# so a change that loses ground fails while the targets are still open.
TARGETS = {
    "scraped-pages": {"headline": 0.85, "date": 0.70, "outlet": 0.80},
    "ecbplus-dev/realdates": {"headline": 0.97, "date": 0.98},
}
FLOORS = {
    "scraped-pages": {"headline": 0.85, "date": 0.80, "outlet": 0.80},
    "ecbplus-dev/realdates": {"headline": 0.97, "date": 0.98},
}
# The main text of the dumps: shares of article-pages' "with" snippets kept and
# "without" snippets dropped (today's floors).
MAIN_TEXT_FLOORS = (0.86, 0.85)


@pytest.fixture(scope="module")
def inspector(tmp_path_factory: pytest.TempPathFactory) -> Inspector:
    tmp = tmp_path_factory.mktemp("inspect")
    return Inspector(load_config(write_config(tmp, seeds=False)), now=NOW)


def _inspect(inspector: Inspector, folder: Path, names: Iterable[str]) -> dict[str, Inspection]:
    return {name: next(inspector.paths([folder / name])) for name in names}


def _share(hits: int, total: int) -> float:
    return hits / total if total else 1.0


def _scores(found: dict[str, Inspection], labels: dict[str, dict]) -> dict[str, float | int]:
    heads = [n for n in found if labels[n].get("headline")]
    dated = [n for n in found if labels[n].get("date")]
    named = [n for n in found if labels[n].get("outlet")]
    right_day = [n for n in dated if found[n].published_from != "file-time"
                 and (found[n].published or "")[:10] == labels[n]["date"]]  # fmt: skip
    wrong_day = [n for n in dated if found[n].published_from != "file-time" and n not in right_day]
    head_hits = sum(headline_matches(found[n].headline, labels[n]["headline"]) for n in heads)
    outlet_hits = sum(
        outlet_matches(found[n].outlet, labels[n]["outlet"], labels[n].get("url")) for n in named
    )
    return {
        "headline": _share(head_hits, len(heads)),
        "date": _share(len(right_day), len(dated)),
        "wrong_dates": len(wrong_day),
        "outlet": _share(outlet_hits, len(named)),
        "pages": len(found),
    }


def _line(name: str, s: dict[str, float | int], targets: dict[str, float] | None = None) -> str:
    parts = []
    for measure in ("headline", "date", "outlet"):
        if measure == "outlet" and targets is not None and measure not in targets:
            continue
        figure = f"{measure} {s[measure]:.3f}"
        if targets and measure in targets:
            met = "met" if s[measure] >= targets[measure] else "NOT met"
            figure += f" (target {targets[measure]:.2f}: {met})"
        parts.append(figure)
    return f"{name}: {', '.join(parts)}; {s['wrong_dates']} wrong dates; {s['pages']} pages"


def _check(corpus: str, scores: dict[str, float | int]) -> None:
    for measure, floor in FLOORS[corpus].items():
        assert scores[measure] >= floor, f"{corpus} {measure} {scores[measure]:.2f} < {floor}"


@pytest.fixture(scope="module")
def scraped(inspector: Inspector) -> tuple[dict[str, dict], dict[str, Inspection]]:
    """scraped-pages' labels and what ``inspect`` reads from each page."""
    folder = shared_or_skip("corpora", "scraped-pages")
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    return labels, _inspect(inspector, folder, sorted(labels))


def test_scraped_pages(scraped: tuple[dict[str, dict], dict[str, Inspection]]) -> None:
    """Headline, date and outlet (targets 0.85 / 0.70 / 0.80); a date not found says file-time."""
    labels, found = scraped
    names = sorted(labels)
    tuned = _scores({n: found[n] for n in names[::2]}, labels)
    held_out = _scores({n: found[n] for n in names[1::2]}, labels)
    every = _scores(found, labels)
    SUMMARY.append(_line("scraped-pages, tuning half (even files)", tuned))
    SUMMARY.append(_line("scraped-pages, held-out half (odd files)", held_out))
    SUMMARY.append(_line("scraped-pages, all", every, TARGETS["scraped-pages"]))
    _check("scraped-pages", every)
    # A date the text does not give must come out as unknown, not as a wrong date.
    assert every["wrong_dates"] <= 0.03 * every["pages"]


def test_main_text_of_scraped_pages(scraped: tuple[dict[str, dict], dict[str, Inspection]]) -> None:
    """The article's text read from the text dumps, against the snippets article-pages'
    evaldata.json gives for the same pages as HTML: each "with" snippet must be in the
    text, each "without" snippet (menus, teasers, footers) must not."""
    pages = shared_or_skip("corpora", "article-pages")
    _, found = scraped
    entries = json.loads((pages / "evaldata.json").read_text(encoding="utf-8"))
    counts = {"even": [0, 0, 0, 0], "odd": [0, 0, 0, 0]}
    for k, entry in enumerate(sorted(entries, key=lambda e: e["file"])):
        page = found.get(Path(entry["file"]).stem + ".txt")
        if page is None:
            continue
        text = " ".join(page.text.split())
        half = counts["even" if k % 2 == 0 else "odd"]
        half[0] += sum(" ".join(s.split()) in text for s in entry["with"])
        half[1] += len(entry["with"])
        half[2] += sum(" ".join(s.split()) not in text for s in entry["without"])
        half[3] += len(entry["without"])
    every = [a + b for a, b in zip(counts["even"], counts["odd"], strict=True)]
    for name, (kept, wanted, dropped, unwanted) in [*counts.items(), ("all", every)]:
        SUMMARY.append(
            f"scraped-pages main text, {name}: kept {kept}/{wanted} 'with' snippets "
            f"({_share(kept, wanted):.3f}), dropped {dropped}/{unwanted} 'without' snippets "
            f"({_share(dropped, unwanted):.3f})"
        )
    assert _share(every[0], every[1]) >= MAIN_TEXT_FLOORS[0]
    assert _share(every[2], every[3]) >= MAIN_TEXT_FLOORS[1]


def test_ecbplus_realdates(inspector: Inspector) -> None:
    """ECB+ development half, as scraped text (targets: headline 0.97, date 0.98).

    Five of its headline labels are a dateline, not a headline ("Posted at 3:21
    PM ET, 01 / 5 / 2011"), so 0.98 is the most any extractor can reach.
    """
    folder = shared_or_skip("corpora", "ecbplus-dev", "realdates")
    gold = json.loads((folder.parent / "realdates.gold.json").read_text(encoding="utf-8"))
    found = _inspect(inspector, folder, sorted(gold))
    labels = {n: {"headline": g.get("headline"), "date": g.get("date")} for n, g in gold.items()}
    scores = _scores(found, labels)
    corpus = "ecbplus-dev/realdates"
    SUMMARY.append(_line(corpus, scores, TARGETS[corpus]))
    _check(corpus, scores)
