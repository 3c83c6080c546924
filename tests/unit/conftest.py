"""Fixtures shared by the unit tests of the page-facing core modules."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.unit.fake_segments import make_data


@pytest.fixture(scope="session")
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    """2,000 fake customers in three segments and their transactions (tests must not modify them)."""
    return make_data()
