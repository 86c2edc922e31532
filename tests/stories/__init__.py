"""Tests of digest/stories, and the story-grouping evaluation on ECB+ (``python -m tests.stories``)."""
