"""Print story-grouping scores on ECB+ (development half): ``python -m tests.stories``.

Options: ``--split`` also scores the two halves of the development topics
(topics 1, 5, 9 … and 3, 7, 11 …) apart, the calibration check; ``--set
key=value`` overrides a ``[dedup]`` key (repeatable), for tuning; ``--reuse
DIR`` keeps the stores in DIR and, on later runs, re-places their items with
the current story code instead of ingesting again (see
:mod:`tests.stories.ecbplus`; remove DIR after changing the cleaning code).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from tests.helpers import SHARED
from tests.stories.ecbplus import evaluate

CORPUS = SHARED / "corpora" / "ecbplus-dev"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.stories")
    parser.add_argument("--split", action="store_true")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--rendering", action="append", choices=["sameday", "realdates"])
    parser.add_argument("--reuse", type=Path, metavar="DIR")
    args = parser.parse_args()
    dedup = {k: json.loads(v) for k, v in (s.split("=", 1) for s in args.set)}
    halves: list[tuple[str, str, set[int] | None]] = [("all", "all", None)]
    if args.split:
        halves += [
            ("tune", "tune (1,5,9…)", set(range(1, 46, 4))),
            ("check", "check (3,7,11…)", set(range(3, 46, 4))),
        ]
    for rendering in args.rendering or ["sameday", "realdates"]:
        for key, label, topics in halves:
            if args.reuse is not None:
                workdir = args.reuse / f"{rendering}-{key}"
                workdir.mkdir(parents=True, exist_ok=True)
                scores = evaluate(
                    CORPUS, rendering, workdir, dedup=dedup, topics=topics, reuse=True
                )
            else:
                with tempfile.TemporaryDirectory() as tmp:
                    scores = evaluate(CORPUS, rendering, Path(tmp), dedup=dedup, topics=topics)
            print(scores.line(f"{rendering:9} {label:16}"), flush=True)


if __name__ == "__main__":
    main()
