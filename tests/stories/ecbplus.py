"""Ingest an ECB+ rendering through the real pipeline into a real SQLite store and score it.

The topic filter is off (``[topic] enabled = false``): ECB+ is general news.
Used by ``tests/stories/test_ecbplus.py`` and by ``python -m tests.stories``
(which also prints the odd/even-topic split used to check the calibration).

``reuse=True`` (``python -m tests.stories --reuse DIR``) is for tuning the
story stage: a store left in ``workdir`` by an earlier run is not ingested
again but re-placed through the pipeline's own re-index (its index
parameters are marked stale, so opening it rebuilds the index and places
every stored item again, in the order first ingested, with the current
features, thresholds and decisions). It skips reading and cleaning the
pages, a third of the time; the stored articles are those the cleaning code
of the first run produced, so remove the folder after changing it.

``order=N`` (with a store to reuse) then places the items once more, in an
order shuffled with seed N. Placement is greedy, so one arrival order is one
draw: on the sameday tune half, 20 orders range from B-cubed F1 0.80 to 0.89
(README, "How deduplication decides"), and a setting chosen on one order
fits that order. ``python -m tests.stories --orders 20`` prints the mean.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Set
from pathlib import Path

from digest.config import load_config
from digest.jobs import Pipeline, open_pipeline
from digest.store import Store
from tests.helpers import ROOT, fixed_clock
from tests.stories.score import Scores, score

# The development topics split in two for calibration (README, "How the
# thresholds were chosen"): choices are made on "tune", "check" tells whether they hold.
TUNE_TOPICS = frozenset(range(1, 46, 4))
CHECK_TOPICS = frozenset(range(3, 46, 4))


def run(
    corpus: Path,
    rendering: str,
    workdir: Path,
    *,
    dedup: Mapping[str, object] | None = None,
    files: set[str] | None = None,
    reuse: bool = False,
    order: int | None = None,
) -> dict[str, int]:
    """{file name: story id} after ingesting ``corpus/rendering`` (only ``files`` if given)."""
    folder = corpus / rendering
    store_path = workdir / "digest.sqlite"
    replace = reuse and store_path.exists()
    if replace:
        with Store(store_path) as store, store.transaction():
            store.index.set_meta("index_params", "stale: re-place every item")
    elif files is not None:
        folder = workdir / "articles"
        folder.mkdir(parents=True, exist_ok=True)
        for name in files:
            (folder / name).write_bytes((corpus / rendering / name).read_bytes())
    overrides = "".join(f"{k} = {json.dumps(v)}\n" for k, v in (dedup or {}).items())
    config_file = workdir / "digest.toml"
    config_file.write_text(
        f'[sources]\nfolders = ["{folder}"]\n'
        f'[store]\npath = "{store_path}"\n'
        f'[topic]\nenabled = false\nterms = "{ROOT / "config" / "topic.toml"}"\n'
        f'lexicon = "{ROOT / "config" / "lexicon.toml"}"\n'
        "[ingest]\nworkers = 1\n"
        f"[dedup]\n{overrides}",
        encoding="utf-8",
    )
    pipeline = open_pipeline(load_config(config_file), clock=fixed_clock)
    try:
        if not replace:
            pipeline.ingest_folders()
        if order is not None:
            _replace_in_order(pipeline, order)
        rows = pipeline.store.items.all_items(limit=100_000)
    finally:
        pipeline.store.close()
    return {Path(row.source).name: row.story_id for row in rows if row.story_id is not None}


def _replace_in_order(pipeline: Pipeline, seed: int) -> None:
    """Empty the index and place every stored item again, in an order shuffled by ``seed``."""
    store = pipeline.store
    with store.transaction():
        ids = store.index.reset_index()
        random.Random(seed).shuffle(ids)
        rows = {row.id: row for row in store.items.rows(ids)}
        for item_id in ids:
            row = rows[item_id]
            pipeline.dedup.place(
                item_id,
                pipeline.extractor.features(row.to_article()),
                published=None if row.date_is_fallback else row.published,
            )


def gold(corpus: Path, rendering: str) -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = json.loads(
        (corpus / f"{rendering}.gold.json").read_text(encoding="utf-8")
    )
    return data


def evaluate(
    corpus: Path,
    rendering: str,
    workdir: Path,
    *,
    dedup: Mapping[str, object] | None = None,
    topics: Set[int] | None = None,
    reuse: bool = False,
    order: int | None = None,
) -> Scores:
    labels = gold(corpus, rendering)
    if topics is not None:
        labels = {f: v for f, v in labels.items() if v["topic"] in topics}
    stories = run(
        corpus,
        rendering,
        workdir,
        dedup=dedup,
        files=None if topics is None else set(labels),
        reuse=reuse,
        order=order,
    )
    return score(stories, {f: v["gold"] for f, v in labels.items()})
