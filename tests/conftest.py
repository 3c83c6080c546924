"""Shared fixtures: small seeded generated data and one trained model per test session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Before anything imports core.config: the app under test reads and writes a throw-away data folder, and a
# first start builds a small default dataset, so tests never touch the developer's data/ folder.
TEST_DATA_DIR = Path(tempfile.mkdtemp(prefix="segment-studio-test-"))
os.environ["SEGMENTATION_DATA_DIR"] = str(TEST_DATA_DIR)
# The model-signing key lives outside the data folder (as in production), and never in the developer's home.
os.environ["SEGMENTATION_KEY_FILE"] = str(Path(tempfile.mkdtemp(prefix="segment-studio-key-")) / "signing.key")
os.environ["SEGMENTATION_SECRETS_FILE"] = str(TEST_DATA_DIR / "no-secrets.toml")
os.environ["SEGMENTATION_DEFAULT_ROWS"] = "6000"
os.environ.pop("SEGMENTATION_AUDIENCE_DB", None)  # audiences in SQLite files; PostgreSQL only where a test asks

from core.config import DATASETS_DIR, REAL_DATA_DIR  # noqa: E402

SMALL_ROWS = 6_000
REAL_FILE = REAL_DATA_DIR / "bank_transactions_first20000.csv"
REAL_MIXED_FILE = REAL_DATA_DIR / "bank_transactions_first1500_mixed_formats.csv"


@pytest.fixture(scope="session")
def small_csv(tmp_path_factory) -> Path:
    """A 6,000-row generated transactions file in the raw schema (seed 1)."""
    from core.pipeline.synth import generate_transactions, write_transactions

    path = tmp_path_factory.mktemp("raw") / "small.csv"
    write_transactions(generate_transactions(SMALL_ROWS, seed=1), path)
    return path


@pytest.fixture(scope="session")
def trained(small_csv, tmp_path_factory):
    """Artifacts trained on the small file and saved to a temporary datasets folder (read-only for tests)."""
    from core.pipeline.train import run_training

    out = tmp_path_factory.mktemp("datasets") / "default"
    return run_training(small_csv, out, k=3, seed=0)


@pytest.fixture(scope="session")
def real_csv() -> Path:
    """The first 20,000 real rows, or skip when ../shared is absent."""
    if not REAL_FILE.exists():
        pytest.skip("real rows not available (../shared/data/real is absent)")
    return REAL_FILE


@pytest.fixture(scope="session")
def app_data(trained) -> Path:
    """The small trained dataset installed as the app's 'default' dataset in the test data folder."""
    from core.pipeline.persistence import save_artifacts

    folder = DATASETS_DIR / "default"
    if not folder.exists():
        save_artifacts(trained, folder)
    return folder


@pytest.fixture(scope="session")
def postgres_url():
    """The SQLAlchemy URL of a throw-away PostgreSQL server (tests.postgres), or skip saying why there is none."""
    from tests.postgres import start_postgres

    server = start_postgres()
    if isinstance(server, str):
        pytest.skip(server)
    yield server.url
    server.stop()
