"""Clustering scores: B-cubed and pairwise precision, recall and F1 over files.

A folded copy counts in its item's story (the store gives it that story).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    pair_precision: float
    pair_recall: float
    pair_f1: float

    def line(self, label: str) -> str:
        return (
            f"{label}: B-cubed P {self.bcubed_precision:.3f} R {self.bcubed_recall:.3f} "
            f"F1 {self.bcubed_f1:.3f} | pairwise P {self.pair_precision:.3f} "
            f"R {self.pair_recall:.3f} F1 {self.pair_f1:.3f}"
        )


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(predicted: Mapping[str, object], gold: Mapping[str, object]) -> Scores:
    """Scores of ``predicted`` ({file: story}) against ``gold`` ({file: event}), same files."""
    files = sorted(gold)
    missing = [f for f in files if f not in predicted]
    if missing:
        raise ValueError(f"{len(missing)} files without a story, e.g. {missing[:3]}")
    both = Counter((predicted[f], gold[f]) for f in files)
    by_story = Counter(predicted[f] for f in files)
    by_event = Counter(gold[f] for f in files)
    precision = recall = 0.0
    for (story, event), n in both.items():
        precision += n * n / by_story[story]
        recall += n * n / by_event[event]
    precision, recall = precision / len(files), recall / len(files)

    def pairs(counts: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    shared, in_story, in_event = pairs(both), pairs(by_story), pairs(by_event)
    pair_p = shared / in_story if in_story else 1.0
    pair_r = shared / in_event if in_event else 1.0
    return Scores(precision, recall, _f1(precision, recall), pair_p, pair_r, _f1(pair_p, pair_r))
