"""Each query is checked on a version folder of generated data and of the real rows, against the pandas
functions it replaces, on the same artifacts as the app loads them (RFM added, transactions linked)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.analysis.sql.source import open_version
from core.pipeline.persistence import load_artifacts
from core.pipeline.rfm import with_rfm


def _pair(artifacts):
    loaded = load_artifacts(artifacts.folder)
    loaded = replace(loaded, customers=with_rfm(loaded.customers))
    source = open_version(loaded.folder, loaded.card.params.segment_names)
    return loaded, source


@pytest.fixture(scope="session")
def generated_pair(trained):
    """(artifacts in memory, the same version as a query source) of the 6,000-row generated file."""
    loaded, source = _pair(trained)
    yield loaded, source
    source.close()


@pytest.fixture(scope="session")
def real_pair(real_csv, tmp_path_factory):
    """The same for the first 20,000 real rows (skipped when ../shared is absent)."""
    from core.pipeline.train import run_training

    loaded, source = _pair(run_training(real_csv, tmp_path_factory.mktemp("real-sql") / "real", k=3, seed=0))
    yield loaded, source
    source.close()


@pytest.fixture(params=["generated", pytest.param("real", marks=pytest.mark.real)])
def pair(request):
    """Every test runs on both datasets."""
    return request.getfixturevalue(f"{request.param}_pair")
