"""Shared fixtures: small seeded generated data and one trained model per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import REAL_DATA_DIR

SMALL_ROWS = 6_000
REAL_FILE = REAL_DATA_DIR / "bank_transactions_first20000.csv"
REAL_MIXED_FILE = REAL_DATA_DIR / "bank_transactions_first1500_mixed_formats.csv"


@pytest.fixture(scope="session")
def small_csv(tmp_path_factory) -> Path:
    """A 6,000-row generated transactions file in the raw schema (seed 1)."""
    from core.synth import generate_transactions, write_transactions

    path = tmp_path_factory.mktemp("raw") / "small.csv"
    write_transactions(generate_transactions(SMALL_ROWS, seed=1), path)
    return path


@pytest.fixture(scope="session")
def trained(small_csv, tmp_path_factory):
    """Artifacts trained on the small file and saved to a temporary datasets folder (read-only for tests)."""
    from core.train import run_training

    out = tmp_path_factory.mktemp("datasets") / "default"
    return run_training(small_csv, out, k=3, seed=0)


@pytest.fixture(scope="session")
def real_csv() -> Path:
    """The first 20,000 real rows, or skip when ../shared is absent."""
    if not REAL_FILE.exists():
        pytest.skip("real rows not available (../shared/data/real is absent)")
    return REAL_FILE
