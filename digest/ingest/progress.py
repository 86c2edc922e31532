"""Progress of a long ingest: a bar on a terminal, periodic log lines elsewhere.

A first run over a few thousand scraped pages takes minutes; without a sign
of life it looks hung. On a terminal (``digest ingest``, ``send``, ``build``)
tqdm draws a bar with the count, the rate and the time left; when stderr is
not a terminal, and always in the service, the same figures go to the log
(INFO) at every tenth of the way and at least every ``LOG_EVERY_S`` seconds.
Runs of fewer than ``MIN_ITEMS`` entries show nothing: they take seconds.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import TextIO

log = logging.getLogger(__name__)

#: Fewer entries than this: no bar and no progress lines.
MIN_ITEMS = 300
#: Without a terminal, a progress line at least this often (seconds).
LOG_EVERY_S = 30.0


class Progress:
    """Counts entries done out of ``total``; ``bar`` asks for tqdm's bar on ``stream``."""

    def __init__(
        self,
        total: int | None,
        *,
        label: str,
        bar: bool = False,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.label = label
        self.done = 0
        self._clock = clock
        self._start = self._last = clock()
        self._shown = total is not None and total >= MIN_ITEMS
        self._next_step = 1
        self._bar = None
        if self._shown and bar:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total, desc=label, unit=" files", file=stream or sys.stderr, leave=False
            )

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            return
        if not self._shown or self.total is None:
            return
        now = self._clock()
        step = self.done * 10 // self.total  # tenths of the way
        if step >= self._next_step or now - self._last >= LOG_EVERY_S:
            self._next_step = step + 1
            self._last = now
            log.info("%s", self.line(now))

    def line(self, now: float | None = None) -> str:
        """``folders: 1,200 of 2,780 (43%), 29/s, about 54 s left``."""
        total = self.total or 0
        elapsed = max((self._clock() if now is None else now) - self._start, 1e-9)
        rate = self.done / elapsed
        text = f"{self.label}: {self.done:,} of {total:,} ({self.done * 100 // max(total, 1)}%)"
        text += f", {rate:,.0f}/s"
        if rate > 0 and self.done < total:
            text += f", about {(total - self.done) / rate:,.0f} s left"
        return text

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
