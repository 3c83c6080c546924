"""The engine's widget options equal filters.filter_options of the frames."""

from __future__ import annotations

from core.analysis.filters import filter_options as memory_options
from core.analysis.sql.options import filter_options


def test_options_equal_the_in_memory_options(pair):
    artifacts, source = pair
    assert filter_options(source) == memory_options(artifacts.customers, artifacts.transactions)
