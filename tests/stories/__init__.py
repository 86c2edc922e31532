"""Tests of digest/stories, and the ECB+ story-grouping evaluation (python -m tests.stories)."""
