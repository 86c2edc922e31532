"""Print story-grouping scores on ECB+ (development half): ``python -m tests.stories``.

Options: ``--split`` also scores the two halves of the development topics
(topics 1, 5, 9 … and 3, 7, 11 …) apart, the calibration check; ``--set
key=value`` overrides a ``[dedup]`` key (repeatable), for tuning; ``--reuse
DIR`` keeps the stores in DIR and, on later runs, re-places their items with
the current story code instead of ingesting again (see
:mod:`tests.stories.ecbplus`; remove DIR after changing the cleaning code);
``--orders N`` also prints the mean, lowest and highest B-cubed F1 over N
shuffled arrival orders (placement is greedy: one order is one draw).

Beside the digest's figures it prints the plain baseline of issue 12 on the
same cleaned documents (:mod:`tests.stories.baseline`: TF-IDF cosine of
headline and lede, greedy single link in arrival order, one threshold tuned
on the tune half) for all topics and for each half.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from collections.abc import Set
from pathlib import Path

from tests.helpers import SHARED
from tests.stories.baseline import report, stored_documents
from tests.stories.ecbplus import CHECK_TOPICS, TUNE_TOPICS, evaluate, gold

CORPUS = SHARED / "corpora" / "ecbplus-dev"
LABELS = {"all": "all", "tune": "tune (1,5,9…)", "check": "check (3,7,11…)"}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.stories")
    parser.add_argument("--split", action="store_true")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--rendering", action="append", choices=["sameday", "realdates"])
    parser.add_argument("--reuse", type=Path, metavar="DIR")
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain baseline")
    parser.add_argument(
        "--orders",
        type=int,
        default=0,
        metavar="N",
        help="also score N shuffled arrival orders (seeds 0..N-1): mean, min, max B-cubed F1",
    )
    args = parser.parse_args()
    dedup = {k: json.loads(v) for k, v in (s.split("=", 1) for s in args.set)}
    halves: list[tuple[str, Set[int] | None]] = [("all", None)]
    if args.split:
        halves += [("tune", TUNE_TOPICS), ("check", CHECK_TOPICS)]
    for rendering in args.rendering or ["sameday", "realdates"]:
        with tempfile.TemporaryDirectory() as tmp:
            base, reuse = (args.reuse, True) if args.reuse is not None else (Path(tmp), False)
            for key, topics in halves:
                workdir = base / f"{rendering}-{key}"
                workdir.mkdir(parents=True, exist_ok=True)
                scores = evaluate(
                    CORPUS, rendering, workdir, dedup=dedup, topics=topics, reuse=reuse
                )
                print(scores.line(f"{rendering:9} {LABELS[key]:16} {'digest':14}"), flush=True)
                if args.orders:
                    f1 = [
                        evaluate(
                            CORPUS,
                            rendering,
                            workdir,
                            dedup=dedup,
                            topics=topics,
                            reuse=True,
                            order=seed,
                        ).bcubed_f1
                        for seed in range(args.orders)
                    ]
                    print(
                        f"{rendering:9} {LABELS[key]:16} {'digest':14}: B-cubed F1 over "
                        f"{args.orders} orders: mean {statistics.mean(f1):.3f} "
                        f"(lowest {min(f1):.3f}, highest {max(f1):.3f})",
                        flush=True,
                    )
            if args.no_baseline:
                continue
            documents = stored_documents(base / f"{rendering}-all" / "digest.sqlite")
            for key, threshold, scores in report(documents, gold(CORPUS, rendering)):
                label = f"{rendering:9} {LABELS[key]:16} baseline@{threshold:<5.2f}"
                print(scores.line(label), flush=True)


if __name__ == "__main__":
    main()
